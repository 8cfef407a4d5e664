"""A publisher's score over time as a small inline SVG: no script, readable without CSS.

The vertical axis is the whole 0-405 scale with the band limits drawn, so a curator sees
which band each day fell in; one point per recorded day (history.py), joined by a line.
"""

from __future__ import annotations

from html import escape

from service.quality.indicators import BANDS, MAXIMUM, band_label

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 480, 160, 34, 22, 8


def score_svg(series: list[tuple[str, float, int]], lang: str = "fr") -> str:
    """series: (day, score, datasets), oldest first."""
    title = "Score de qualité dans le temps" if lang == "fr" else "Quality score over time"
    inner_w, inner_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + inner_h * (1 - value / MAXIMUM)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="quality-chart" role="img" '
             f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">'
             f"<title>{escape(title)}</title>"]
    for name, lower in BANDS:
        if lower:
            parts.append(f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y(lower):.1f}" '
                         f'y2="{y(lower):.1f}" stroke="#bbb" stroke-dasharray="3 3"/>'
                         f'<text x="{WIDTH - 10}" y="{y(lower) - 2:.1f}" font-size="9" '
                         f'text-anchor="end" fill="#666">{escape(band_label(name, lang))}'
                         f"</text>")
    for tick in (0, 121, 221, 351, MAXIMUM):
        parts.append(f'<text x="{LEFT - 4}" y="{y(tick) + 3:.1f}" font-size="9" '
                     f'text-anchor="end" fill="#333">{tick}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + inner_h}" '
                 f'stroke="#333"/>')
    if series:
        step = inner_w / max(len(series) - 1, 1)
        points = [(LEFT + (i * step if len(series) > 1 else inner_w / 2), y(s))
                  for i, (_day, s, _n) in enumerate(series)]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="#1f5fa8" '
                         f'stroke-width="2"/>')
        for (px, py), (day, s, n) in zip(points, series, strict=True):
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="#1f5fa8">'
                         f"<title>{escape(day)} : {s:.0f} / {MAXIMUM} ({n})</title></circle>")
        parts.append(f'<text x="{LEFT}" y="{HEIGHT - 6}" font-size="9" fill="#333">'
                     f"{escape(series[0][0])}</text>")
        parts.append(f'<text x="{WIDTH - 8}" y="{HEIGHT - 6}" font-size="9" fill="#333" '
                     f'text-anchor="end">{escape(series[-1][0])}</text>')
    parts.append("</svg>")
    return "".join(parts)
