"""Decode an uploaded SCDL CSV: UTF-8 (with or without BOM) or Windows-1252, `;` or `,`.

Why: communes export from Excel, which writes Windows-1252 with `;` separators on
French systems; portals write UTF-8 with `,`. We accept both without asking, but a UTF-8 file
with a broken byte (it has valid multi-byte UTF-8 sequences, so it is not Windows-1252) is
refused with the line of that byte rather than read as mojibake.
"""
from __future__ import annotations

import csv
import io
import re
from itertools import islice

from service.errors import SocleError

# A valid multi-byte UTF-8 sequence: Windows-1252 text almost never contains one.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                             rb"|[\xf0-\xf4][\x80-\xbf]{3}")
MAX_ROWS = 50_000  # data rows per file (docs/scdl.md)


class BadCsv(SocleError):
    status = 422
    title = "Unreadable SCDL catalogue"


class TooManyRows(SocleError):
    status = 413
    title = "Document too large"
    type_slug = "document-too-large"


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM stripped) when it decodes strictly; Windows-1252 when nothing in it looks
    like UTF-8; BadCsv for UTF-8 with an invalid byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if bom or _UTF8_MULTIBYTE.search(data):
            line = data[: exc.start].count(b"\n") + 1
            raise BadCsv(
                f"Ligne {line} : octet 0x{data[exc.start]:02x} invalide en UTF-8, alors que le "
                "reste du fichier est en UTF-8. Corrigez ce caractère ou réenregistrez le "
                "fichier en UTF-8.",
                f"Line {line}: byte 0x{data[exc.start]:02x} is not valid UTF-8, while the rest "
                "of the file is UTF-8. Fix that character or save the file as UTF-8 again.",
                line=line, byte_offset=exc.start) from None
        return data.decode("cp1252")


def sniff_separator(text: str) -> str:
    """Pick `;` or `,` by counting them in the header line (headers never contain either)."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def read_rows(data: bytes, max_rows: int = MAX_ROWS
              ) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[int]]:
    """The header, (CSV line number, row) pairs (line 1 is the header), and the lines whose
    cells held NUL characters (removed: no store or export should carry them)."""
    text = decode_bytes(data)
    nul_lines: list[int] = []
    if "\x00" in text:
        nul_lines = [n for n, line in enumerate(text.split("\n"), 1) if "\x00" in line]
        text = text.replace("\x00", "")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sniff_separator(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = [(reader.line_num, {k: (v or "") for k, v in row.items() if k})
            for row in islice(reader, max_rows + 1)]
    if len(rows) > max_rows:
        raise TooManyRows(
            f"Fichier trop volumineux : plus de {max_rows} lignes de données. Découpez-le.",
            f"File too large: more than {max_rows} data rows. Split it.", limit=max_rows)
    return header, rows, nul_lines
