"""`socle import`: an RDF catalogue or an SCDL catalogue .csv, reported record by record."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

import click

from service.cli.options import base_option, build, data_option, guard
from service.cli.progress import Progress
from service.errors import SocleError


@click.command("import")
@click.argument("source")
@click.option("--publisher", "publisher_id", required=True)
@click.option("--allow-private", is_flag=True, help="Allow fetching from private addresses.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the report as JSON, alone on stdout (the summary line goes to "
                   "stderr; a refused command prints its problem+json).")
@click.option("--batch-size", envvar="SOCLE_BATCH_SIZE", type=click.IntRange(1, 10_000),
              default=1024, show_default=True,
              help="Records written per transaction (each record stays whole or absent).")
@click.option("--workers", envvar="SOCLE_WORKERS", type=click.IntRange(0, 64), default=0,
              show_default=True,
              help="Worker processes preparing and validating records in parallel; 0: one "
                   "per CPU (at most 4) for documents over 8 MB, else none.")
@click.option("--base", "document_base", default=None,
              help="IRI that the document's relative IRIs are resolved against (default: "
                   "the URL of a URL source; a file has none).")
@click.option("--policy", type=click.Choice(["strict", "quarantine", "publish"]),
              default="strict", show_default=True,
              help="RDF: records still violating after repair are refused (strict), kept "
                   "non-public with their fix list (quarantine) or published (publish: the "
                   "feed is not DCAT-AP conformant).")
@data_option
@base_option
@guard
def import_(source, publisher_id, allow_private, as_json, batch_size, workers, document_base,
            policy, data, base_url) -> None:
    """Import an RDF catalogue or an SCDL catalogue .csv (file or URL), reported one by one."""
    import signal

    from service.catalog.publishers import get_publisher
    from service.ingest.rdf_import import import_records
    from service.rdf.repair import repair_lines

    # SIGTERM unwinds like Ctrl-C: the scratch store of the document is removed and the store
    # closed (committed batches stay; kill -9 is covered by the transactions themselves).
    # Not when the running server runs this command for a client (service/ops/admin.py).
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    svc = build(data, base_url)
    from service.ingest.scdl import cli as scdl_cli

    if scdl_cli.is_csv(source):  # SCDL catalogue CSV (docs/scdl.md)
        code = scdl_cli.run_import(svc, publisher_id, source, allow_private, as_json,
                                   batch_size, workers or 1)
        svc.store.close()
        sys.exit(code)
    get_publisher(svc.store, svc.settings.base_url, publisher_id)
    lines: list[str] = []
    document_base = document_base or (source if "://" in source else None)
    meter = Progress("Import")  # service/cli/progress.py: the bar starts after parsing
    with meter.reading(source.rsplit("/", 1)[-1]):
        document, document_fixes = _stored_document(
            source, allow_private, on_disk=workers > 1 or None, base=document_base)
    if document_fixes:  # an RDF/XML document repaired before it could be read
        lines.append(f"RÉPARÉ / REPAIRED document {source}: {len(document_fixes)}")
        lines.extend(repair_lines(document_fixes, "    "))
    with document:
        workers = workers or auto_workers(document.on_disk)
        meter.start(len(document))

        def progress(item) -> None:  # the bar moves per record prepared (advance)
            if item.repairs:  # the repair step's changes (service/rdf/repair)
                lines.append(f"RÉPARÉ / REPAIRED {item.source}: {len(item.repairs)}")
                lines.extend(repair_lines(item.repairs, "    "))
            if item.outcome in ("failed", "quarantined"):
                err = item.error or {}
                label = "ÉCHEC / FAILED" if item.outcome == "failed" else \
                    "QUARANTAINE / QUARANTINED"
                lines.append(f"{label} {item.source}: {err.get('detail', '')}")
                for result in err.get("results", [])[:10]:
                    value = f" « {result['value']} »" if result.get("value") else ""
                    lines.append(f"    - {result['message']['fr']} / {result['message']['en']}"
                                 f" [{result.get('path')}]{value}")

        report = import_records(svc.records, publisher_id, document.records(), progress,
                                batch_size=batch_size, workers=workers,
                                base=document_base, policy=policy,
                                advance=meter.advance)
        meter.finish()
    for line in lines:
        click.echo(line, err=True)
    if as_json:
        out = report.to_dict()
        if document_fixes:
            out["document_repairs"] = document_fixes
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    summary = report.summary()
    click.echo("créés/created={created} mis à jour/updated={updated} "
               "inchangés/unchanged={unchanged} échecs/failed={failed}".format(**summary)
               + (f" en quarantaine/quarantined={summary['quarantined']}"
                  if "quarantined" in summary else ""),
               err=as_json)  # with --json, stdout is one JSON document
    svc.store.close()
    if report.failed:
        sys.exit(1)


def auto_workers(large: bool) -> int:
    """``--workers 0``: a worker process per CPU for a large document (spawning one and
    loading its shapes costs ~1 s, repaid after a few hundred records), at most 4."""
    return min(os.cpu_count() or 1, 4) if large else 1


def _stored_document(source: str, allow_private: bool, on_disk: bool | None = None,
                     base: str | None = None):
    """The document in a scratch store (streamed from files: bounded memory at any size);
    on disk whatever its size when worker processes will read it."""
    from service.ingest.fetch import fetch
    from service.ingest.stream import StoredDocument, syntax_for_path
    from service.rdf.formats import syntax_for_media_type

    if source.startswith(("http://", "https://")):
        body, content_type = fetch(source, allow_private=allow_private)
        syntax = syntax_for_media_type(content_type) or syntax_for_path(source.split("?")[0])
        path = None
    else:
        path, body = Path(source), None
        if not path.is_file():
            raise SocleError(f"Fichier introuvable : {source}", f"File not found: {source}")
        syntax = syntax_for_path(path.name)
    if syntax is None:
        raise SocleError(f"Format RDF inconnu pour {source} (.ttl, .rdf, .jsonld, .nt, .nq).",
                         f"Unknown RDF format for {source} (.ttl, .rdf, .jsonld, .nt, .nq).")
    from service.ingest.not_dcat import refuse_not_dcat

    if path is not None:
        with path.open("rb") as f:
            refuse_not_dcat(f.read(4096), source)
    else:
        refuse_not_dcat(body or b"", source)
    base_iri = base or (source if "://" in source else None)
    try:
        return StoredDocument(syntax, path=path, data=body, base_iri=base_iri,
                              on_disk=on_disk), []
    except SocleError as err:
        repaired = _repaired_document(syntax, path, body, base_iri, on_disk)
        if repaired is not None:
            return repaired
        if base is None and "No scheme found" in err.detail_en:  # relative IRIs, no base
            err.detail_fr += (" Le document contient des IRI relatives : donnez l'adresse "
                              "d'origine avec --base URL.")
            err.detail_en += " The document has relative IRIs: give its address with --base URL."
        raise


def _repaired_document(syntax, path: Path | None, body: bytes | None, base_iri: str | None,
                       on_disk: bool | None):
    """An RDF/XML document that failed to parse, repaired as the harvest repairs it
    (service/rdf/repair/document.py) and read again, with the changes as repair dicts; None
    when the repair does not apply, changes nothing or does not help (the first error
    stands). Other syntaxes are not read again (a file may be large)."""
    from service.ingest.stream import StoredDocument
    from service.rdf.parse import term_to_rdflib
    from service.rdf.repair.document import REPAIRED_SYNTAXES, document_repairs, parse_repaired

    if syntax.name not in REPAIRED_SYNTAXES:
        return None
    data = body if body is not None else path.read_bytes() if path is not None else b""
    again = parse_repaired(data, syntax.name, lambda fixed: StoredDocument(
        syntax, data=fixed, base_iri=base_iri, on_disk=on_disk))
    if again is None:
        return None
    document, fixes = again
    triples = ((term_to_rdflib(q.subject), term_to_rdflib(q.predicate),
                term_to_rdflib(q.object)) for q in document.store)
    return document, document_repairs(triples, fixes)


def register_commands(cli: click.Group) -> None:
    cli.add_command(import_)
