"""The query page's examples over HTTP: titled in the page's language only, and each one runs
on a catalogue with a record."""

from __future__ import annotations

import html
import json
import re

from service.sparql.examples import examples
from tests.conftest import post_ttl


def _shown(client, path: str) -> tuple[list[str], list[dict]]:
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    select = page.split('<select id="examples">', 1)[1].split("</select>", 1)[0]
    titles = [html.unescape(t) for t in re.findall(r"<option[^>]*>([^<]*)</option>", select)]
    data = page.split('id="example-data">', 1)[1].split("</script>", 1)[0]
    return titles, json.loads(data)


def test_example_titles_follow_the_page_language(client):
    french, data_fr = _shown(client, "/sparql")
    english, data_en = _shown(client, "/sparql?lang=en")
    assert french[0] == "Jeux de données par thème" and english[0] == "Datasets per theme"
    assert len(french) == len(english) == len(examples("fr")) >= 6
    assert not set(french) & set(english)
    assert not [t for t in french + english if " / " in t]  # no bilingual title
    assert [e["title"] for e in data_fr] == french and [e["title"] for e in data_en] == english
    fr_queries = "".join(e["query"] for e in data_fr)
    en_queries = "".join(e["query"] for e in data_en)
    assert "(sans format)" in fr_queries and "(sans format)" not in en_queries
    assert "(no format)" in en_queries
    # The choice is remembered by the cookie, as on the other pages.
    assert _shown(client, "/sparql")[0] == english
    assert _shown(client, "/sparql?lang=fr")[0] == french


def test_every_example_runs(client, auth, valid_ttl):
    assert post_ttl(client, valid_ttl, auth).status_code == 201
    for lang in ("fr", "en"):
        for example in examples(lang):
            r = client.post("/sparql", data={"query": example["query"]},
                            headers={"Accept": "application/sparql-results+json"})
            assert r.status_code == 200, (example["title"], r.get_data(as_text=True))
            assert "results" in r.get_json(), example["title"]
    rows = client.post("/sparql", data={"query": examples("fr")[0]["query"]},
                       headers={"Accept": "application/sparql-results+json"}).get_json()
    assert rows["results"]["bindings"]  # datasets per theme: the record's theme
