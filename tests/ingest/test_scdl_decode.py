import csv
import io
from pathlib import Path

from service.ingest.scdl.decode import read_rows

FIX = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "scdl-catalogue"
CSV = FIX / "exemple-construit-scdl-catalogue.csv"


def test_utf8_comma_and_cp1252_semicolon_give_same_rows():
    raw = CSV.read_bytes()
    h1, r1, _ = read_rows(raw)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(h1)
    for _, row in r1:
        w.writerow([row[c] for c in h1])
    h2, r2, _ = read_rows(out.getvalue().encode("cp1252", errors="replace"))
    assert h1 == h2 and len(r1) == len(r2)
    assert r2[0][1]["COLL_NOM"] == r1[0][1]["COLL_NOM"] == "Rennes Métropole"
    h3, r3, _ = read_rows(b"\xef\xbb\xbf" + raw)
    assert h3 == h1 and r3 == r1
