"""Cost of the pages' locale formatting (service/web/formats.py) against the helpers it
replaced, measured in the same run: `python bench/web_formats.py`.

Baselines: `strftime("%d/%m/%Y")` for dates (what the pages used), `str(n)` for numbers (no
separator), `sorted(key=str.casefold)` for lists (code-point order: « Éducation » after
« Transports »). Prints microseconds per call and the ratio to the baseline."""

from __future__ import annotations

import timeit
from datetime import UTC, datetime

from service.web import formats

N = 20_000


def per_call(stmt, number: int = N) -> float:
    return min(timeit.repeat(stmt, number=number, repeat=3)) / number * 1e6


def main() -> None:
    moment = datetime(2026, 12, 5, 7, 48, tzinfo=UTC)
    labels = [f"{w} {i}" for i in range(10) for w in (
        "Transports", "Éducation", "économie", "Énergie", "Agriculture", "Santé", "Régions",
        "Justice", "Population", "Science")]
    formats.collated(labels)  # warm the collator and the key cache
    rows = [
        ("date", per_call(lambda: moment.strftime("%d/%m/%Y")),
         per_call(lambda: formats.day(moment, "fr"))),
        ("time stamp", per_call(lambda: moment.isoformat()[:16]),
         per_call(lambda: formats.moment("2026-12-05T07:48:00.123Z", "fr"))),
        ("number", per_call(lambda: str(1234567)), per_call(lambda: formats.number(1234567, "fr"))),
        ("sort 100 labels", per_call(lambda: sorted(labels, key=str.casefold), 2000),
         per_call(lambda: formats.collated(labels), 2000)),
    ]
    print(f"{'what':<18}{'baseline µs':>12}{'locale µs':>12}{'ratio':>8}")
    for what, base, new in rows:
        print(f"{what:<18}{base:>12.2f}{new:>12.2f}{new / base:>8.1f}")


if __name__ == "__main__":
    main()
