"""Numbers, dates, plurals and sorting for the reader's language.

Why libraries: CLDR's rules (French thousands separator U+202F and decimal comma, month
names, the Europe/Paris offset across summer time, "0 jeu" vs "0 datasets") are data that Babel
keeps current; the Unicode Collation Algorithm (pyuca, DUCET) sorts "Éducation" between
"Économie" and "Énergie", never after "Transports" as code-point order does; CLDR's French
collation is the root order, so no tailoring is needed. Measured against the strftime helper
the pages used: `bench/web_formats.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from service.collation import collator

TZ = "Europe/Paris"
T = TypeVar("T")


@lru_cache(maxsize=4096)
def sort_key(text: str) -> tuple:
    """Collation key (UCA), then the text itself so equal keys keep a stable order."""
    return (collator().sort_key(text), text)


def collated(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    return sorted(items, key=lambda item: sort_key(key(item) or ""))


def number(value: int | float, lang: str) -> str:
    return format_decimal(value, locale=lang)


def _parse(value: Any) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def day(value: Any, lang: str) -> str:
    """A date the reader's way: « 5 déc. 2026 » / "Dec 5, 2026"; unparseable values as given."""
    parsed = _parse(value)
    if parsed is None:
        return str(value or "")
    if isinstance(parsed, datetime):
        parsed = parsed.astimezone(_tz()).date() if parsed.tzinfo else parsed.date()
    return format_date(parsed, "medium", locale=lang)


def moment(value: Any, lang: str) -> str:
    """A time stamp, in Paris time: « 5 déc. 2026, 08:48 » / "Dec 5, 2026, 8:48 AM"."""
    parsed = _parse(value)
    if parsed is None:
        return str(value or "")
    if not isinstance(parsed, datetime):
        return day(parsed, lang)
    pattern = "d MMM y, HH:mm" if lang == "fr" else "MMM d, y, h:mm a"
    return format_datetime(parsed, pattern, tzinfo=TZ if parsed.tzinfo else None, locale=lang)


def _tz() -> Any:
    from babel.dates import get_timezone

    return get_timezone(TZ)


def plural(n: int, lang: str, fr: tuple[str, str], en: tuple[str, str]) -> str:
    """« 0 jeu », « 1 jeu », « 2 jeux » (French: one for 0 and 1); "1 dataset", "0 datasets"."""
    one, many = fr if lang == "fr" else en
    is_one = n in (0, 1) if lang == "fr" else n == 1
    return f"{number(n, lang)} {one if is_one else many}"
