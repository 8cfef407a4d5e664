"""Decode an uploaded SCDL CSV: UTF-8 (with or without BOM) or Windows-1252, `;` or `,`.

Why: communes export from Excel, which writes Windows-1252 with `;` separators on
French systems; portals write UTF-8 with `,`. We accept both without asking.
"""
from __future__ import annotations

import csv
import io


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM stripped) when it decodes strictly, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def sniff_separator(text: str) -> str:
    """Pick `;` or `,` by counting them in the header line (headers never contain either)."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def read_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Return the header and (CSV line number, row) pairs; line 1 is the header."""
    text = decode_bytes(data)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sniff_separator(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = [(reader.line_num, {k: (v or "") for k, v in row.items() if k})
            for row in reader]
    return header, rows
