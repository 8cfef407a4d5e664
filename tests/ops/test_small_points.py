"""Issue 19 item 8: an import where every row failed is a 422; RocksDB's old info logs are
bounded."""

from __future__ import annotations


def test_an_import_where_every_row_failed_is_422(client, auth, publisher, snapshot):
    before = snapshot()
    from tests.ingest.scdl_csv import example_rows

    header, _ = example_rows()
    body = ",".join(header) + "\r\n" + ("," * (len(header) - 1) + "\r\n") * 2
    r = client.post(f"/publishers/{publisher.id}/import",
                    data={"file": (__import__("io").BytesIO(body.encode()), "cat.csv")},
                    headers=auth, content_type="multipart/form-data")
    assert r.status_code == 422, r.get_data(as_text=True)[:300]
    assert r.mimetype == "application/problem+json"
    problem = r.get_json()
    assert problem["summary"]["failed"] == 2 and "Nothing imported" in problem["detail_en"]
    assert snapshot() == before


def test_rocksdb_old_logs_are_bounded(tmp_path):
    from service.store import open_store

    data = tmp_path / "data"
    for _ in range(6):
        open_store(str(data)).close()
    assert len([p for p in data.iterdir() if p.name.startswith("LOG.old.")]) <= 3
