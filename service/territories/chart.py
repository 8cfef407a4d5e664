"""An inline SVG bar chart of coverage: no script, no external file, readable without CSS.

One bar for "likely obliged communes that publish", then one per SCDL base dataset (share of
the likely obliged communes that publish it). Labels in the reader's language.
"""

from __future__ import annotations

from html import escape

from service.territories.obligation import Dashboard

WIDTH, BAR, GAP, LABEL = 640, 18, 8, 250


def coverage_svg(board: Dashboard, lang: str = "fr") -> str:
    summary = board.summary
    obliged = int(summary["likely_obliged"])  # type: ignore[call-overload]
    coverage: dict[str, int] = summary["scdl_coverage"]  # type: ignore[assignment]
    here = "Publish here" if lang == "en" else "Publient ici"
    bars = [(here, int(summary["obliged_publishing"]))]  # type: ignore[call-overload]
    bars += [(board.scdl_labels.get(n, n), count) for n, count in coverage.items()]
    height = len(bars) * (BAR + GAP) + 30
    span = WIDTH - LABEL - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
             f'height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" '
             'font-size="12" aria-labelledby="chart-title">',
             f'<title id="chart-title">{_title(lang)} ({obliged})</title>']
    for i, (label, count) in enumerate(bars):
        y = 10 + i * (BAR + GAP)
        share = count / obliged if obliged else 0.0
        short = label if len(label) <= 38 else label[:37].rstrip() + "…"
        parts.append(f'<text x="{LABEL - 6}" y="{y + BAR - 5}" text-anchor="end">'
                     f'<title>{escape(label)}</title>{escape(short)}</text>')
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{span}" height="{BAR}" fill="#eee"/>')
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{round(span * share, 1)}" '
                     f'height="{BAR}" fill="{"#000091" if i == 0 else "#18753c"}">'
                     f'<title>{count} / {obliged}</title></rect>')
        parts.append(f'<text x="{LABEL + span + 6}" y="{y + BAR - 5}">{count}/{obliged}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _title(lang: str) -> str:
    if lang == "en":
        return "Coverage of the likely obliged communes"
    return "Couverture des communes probablement obligées"
