"""Quality over HTTP (the only module of service/quality that imports Flask).

- `GET /publishers/{id}/quality[.json|.csv]`: a publisher's MQA score, its fixes ordered by
  points to gain, its score over time and its datasets' scores (HTML by default or `Accept`)
- `GET /quality[.json|.csv]`: the same for the whole instance
- `GET /datasets/{id}/quality.json`: one dataset's score, indicators and fixes
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Flask, Response, jsonify, render_template, request

from service.catalog import bookkeeping
from service.catalog.publishers import get_publisher
from service.errors import NotFound
from service.quality import history, keeper
from service.quality.chart import score_svg
from service.quality.indicators import DIMENSION_LABELS, DIMENSIONS, INDICATORS, band_label
from service.quality.links import results as link_results
from service.quality.score import aggregate
from service.services import services

bp = Blueprint("quality", __name__)
FORMATS = {"json": "application/json", "csv": "text/csv", "html": "text/html"}


def _lang() -> str:
    from service.web.i18n import current

    return current()


def _format(suffix: str | None) -> str:
    if suffix is not None:
        if suffix in FORMATS:
            return suffix
        raise NotFound(f"Format inconnu « .{suffix} » (.json ou .csv).",
                       f"Unknown format '.{suffix}' (.json or .csv).")
    best = request.accept_mimetypes.best_match(list(FORMATS.values()))
    return next((k for k, v in FORMATS.items() if v == best), "html")


def _report(publisher: str | None) -> dict:
    store = services().store
    rows = keeper.stored(store, publisher)
    total = aggregate(r["score"] for r in rows)
    lang = _lang()
    body = {"publisher": publisher, **total.to_json(lang),
            "dimension_labels": {d: DIMENSION_LABELS[d][lang != "fr"] for d in DIMENSIONS},
            "band_label": band_label(total.band, lang),
            "history": ([{"date": d, "score": s, "datasets": n}
                         for d, s, n in history.with_today(history.series(store, publisher),
                                                           total.total, total.datasets)]
                        if publisher and rows else []),
            "records": [{"id": r["id"], "iri": r["iri"], "publisher": r["publisher"],
                         "score": round(r["score"].total, 2), "band": r["score"].band,
                         "fixes": [f.indicator.id for f in r["score"].fixes()],
                         "first_fix": next((f.indicator.fix(lang)
                                            for f in r["score"].fixes()), None)}
                        for r in sorted(rows, key=lambda r: (r["score"].total, r["id"]))]}
    return body


def _answer(body: dict, fmt: str, filename: str, title: str) -> Response:
    if fmt == "json":
        return jsonify(body)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["id", "iri", "publisher", "score", "band",
                         *[i.id for i in INDICATORS]])
        store = services().store
        by_id = {r["id"]: r for r in keeper.stored(store, body["publisher"])}
        for rec in body["records"]:
            points = {r.indicator.id: r.points for r in by_id[rec["id"]]["score"].results}
            writer.writerow([rec["id"], rec["iri"], rec["publisher"], rec["score"],
                             rec["band"], *[f"{points[i.id]:.2f}" for i in INDICATORS]])
        return Response(out.getvalue(), content_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{filename}.csv"'})
    chart = score_svg([(h["date"], h["score"], h["datasets"]) for h in body["history"]],
                      _lang())
    titles = bookkeeping.titles(services().store, [r["iri"] for r in body["records"]],
                                _lang())
    return Response(render_template("quality/report.html", q=body, chart=chart,
                                    titles=titles, title=title),
                    content_type="text/html; charset=utf-8")


@bp.get("/publishers/<publisher_id>/quality")
@bp.get("/publishers/<publisher_id>/quality.<suffix>")
def publisher_quality(publisher_id: str, suffix: str | None = None) -> Response:
    svc = services()
    pub = get_publisher(svc.store, svc.settings.base_url, publisher_id)
    assert pub is not None  # required=True raised NotFound otherwise
    fmt = _format(suffix)
    return _answer(_report(publisher_id), fmt, f"qualite-{publisher_id}", pub.name)


@bp.get("/quality")
@bp.get("/quality.<suffix>")
def instance_quality(suffix: str | None = None) -> Response:
    fmt = _format(suffix)
    return _answer(_report(None), fmt, "qualite", "")


@bp.get("/datasets/<record_id>/quality.json")
def dataset_quality(record_id: str) -> Response:
    return jsonify(dataset_report(record_id, _lang()))


def dataset_report(record_id: str, lang: str = "fr") -> dict:
    """One dataset's score with its fixes and the state of its links (pages and JSON)."""
    store = services().store
    rows = keeper.stored(store, record_id=record_id, with_facts=True)
    if not rows:
        raise NotFound(f"Aucun score pour « {record_id} ».", f"No score for '{record_id}'.")
    row = rows[0]
    links = link_results.load(store, row["facts"].urls())
    return {"id": record_id, "iri": row["iri"], **row["score"].to_json(lang),
            "band_label": band_label(row["score"].band, lang),
            "links": [links[u].to_json() if u in links else {"url": u, "unchecked": True}
                      for u in sorted(row["facts"].urls())]}


def quality_of(record_id: str) -> dict | None:
    """Template helper: a dataset's report, None when not scored (never an error on a page)."""
    try:
        return dataset_report(record_id, _lang())
    except NotFound:
        return None


def publisher_score(publisher_id: str) -> dict | None:
    """Template helper: a publisher's score and band (None without scored datasets)."""
    total = keeper.publisher_score(services().store, publisher_id)
    if not total.datasets:
        return None
    return {"score": total.total, "maximum": total.to_json()["maximum"],
            "band_label": band_label(total.band, _lang())}


def publisher_summary(publisher_id: str) -> dict | None:
    """Template helper: a publisher's score, chart, fixes and broken links."""
    store = services().store
    rows = keeper.stored(store, publisher_id, with_facts=True)
    if not rows:
        return None
    lang = _lang()
    total = aggregate(r["score"] for r in rows)
    series = history.with_today(history.series(store, publisher_id), total.total,
                                total.datasets)
    urls = {u for r in rows for u in r["facts"].urls()}
    broken = [r.to_json() for r in link_results.load(store, urls).values() if r.ok is False]
    return {**total.to_json(lang), "band_label": band_label(total.band, lang),
            "history": series, "chart": score_svg(series, lang) if series else "",
            "broken": sorted(broken, key=lambda b: b["url"])}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(quality_of=quality_of, publisher_quality=publisher_summary,
                                 publisher_score=publisher_score)
