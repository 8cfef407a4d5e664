"""The hostile / malformed request corpus.

Every case goes through the real app over a real Oxigraph store and must come back as a 4xx
application/problem+json that says what is wrong and where, with the store left unchanged, and
without the process touching the network or reading a file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.badinput.summary import SUMMARY, Row
from tests.conftest import BASE, VALID_TTL, post_ttl

PROBLEM = "application/problem+json"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EXISTING = "deliberations-montfort"  # the record every case starts with (VALID_TTL)

PREFIXES = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def ttl_with(old: str, new: str, base: str = VALID_TTL) -> str:
    assert old in base, old
    return base.replace(old, new)


# The same record under another identifier: a POST that is new, not a 409.
NEW_TTL = ttl_with('"deliberations-montfort"', '"nouveau-jeu"')


def rdfxml(doctype: str, title: str = "Titre") -> str:
    return f"""<?xml version="1.0"?>
{doctype}
<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:dcat="http://www.w3.org/ns/dcat#"
         xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="{BASE}/datasets/xml">
    <dct:title xml:lang="fr">{title}</dct:title>
    <dct:identifier>xml</dct:identifier>
  </dcat:Dataset>
</rdf:RDF>
"""


def jsonld(context: Any) -> str:
    return json.dumps({
        "@context": context,
        "@id": f"{BASE}/datasets/ld",
        "@type": "http://www.w3.org/ns/dcat#Dataset",
        "http://purl.org/dc/terms/title": {"@value": "Titre", "@language": "fr"},
    })


BILLION_LAUGHS = """<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>"""

TWO_DATASETS = PREFIXES + """
<http://socle.test/datasets/a> a dcat:Dataset ; dct:title "A"@fr .
<http://socle.test/datasets/b> a dcat:Dataset ; dct:title "B"@fr .
"""

ONLY_DISTRIBUTION = PREFIXES + """
<http://socle.test/datasets/d1> a dcat:Distribution ;
  dcat:accessURL <https://example.org/d.csv> .
"""

TTL_SYNTAX_ERROR = PREFIXES + """
[] a dcat:Dataset ;
  dct:title "Titre"@fr ;
  dct:description oops .
"""  # line 8, column 19: `oops` is not an RDF term

DEEP_JSON = ('{"@id": "http://socle.test/x", "http://a.example/p": ' * 5000) + "1" + "}" * 5000

# Tokens are fixtures: headers name them and the test fills them in.
TOKEN, OTHER = "{token}", "{other}"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TURTLE = {"Content-Type": "text/turtle", **AUTH}
RDFXML = {"Content-Type": "application/rdf+xml", **AUTH}
JSONLD = {"Content-Type": "application/ld+json", **AUTH}


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str
    headers: dict[str, str]
    body: str | bytes | Callable[[], bytes] | None
    status: int
    says: str = ""  # substring of the detail (case-insensitive)
    fields: dict[str, Any] = field(default_factory=dict)  # members the problem must carry


CASES = [
    # -- documents that ask the server to read files or the network ---------------------------
    Case("xxe-external-entity", "POST", "/datasets", RDFXML,
         rdfxml('<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>', "&xxe;"),
         400, "<!DOCTYPE>", {"construct": "<!DOCTYPE>", "line": 2}),
    Case("billion-laughs", "POST", "/datasets", RDFXML,
         rdfxml(BILLION_LAUGHS, "&lol9;"), 400, "<!DOCTYPE>", {"construct": "<!DOCTYPE>"}),
    Case("external-dtd", "POST", "/datasets", RDFXML,
         rdfxml('<!DOCTYPE rdf:RDF SYSTEM "http://evil.example/rdf.dtd">'), 400, "DTD",
         {"construct": "<!DOCTYPE>"}),
    Case("bare-entity-no-doctype", "POST", "/datasets", RDFXML,
         rdfxml('<!ENTITY x SYSTEM "file:///etc/passwd">'), 400, "<!ENTITY>",
         {"construct": "<!ENTITY>"}),
    Case("jsonld-remote-context", "POST", "/datasets", JSONLD,
         jsonld("http://evil.example/ctx.jsonld"), 400, "evil.example/ctx.jsonld",
         {"construct": "@context"}),
    Case("jsonld-remote-context-in-list", "POST", "/datasets", JSONLD,
         jsonld([{"dct": "http://purl.org/dc/terms/"}, "https://evil.example/c2"]), 400,
         "evil.example/c2", {"construct": "@context"}),
    Case("jsonld-import-in-context", "POST", "/datasets", JSONLD,
         jsonld({"@version": 1.1, "@import": "https://evil.example/imp"}), 400,
         "evil.example/imp", {"construct": "@import"}),
    Case("jsonld-scoped-remote-context", "POST", "/datasets", JSONLD,
         jsonld({"@version": 1.1, "dist": {"@id": "http://www.w3.org/ns/dcat#distribution",
                                           "@context": "https://evil.example/scoped"}}),
         400, "evil.example/scoped", {"construct": "@context"}),
    Case("jsonld-local-file-context", "POST", "/datasets", JSONLD,
         jsonld("file:///etc/passwd"), 400, "file:///etc/passwd", {"construct": "@context"}),
    Case("owl-imports-in-turtle", "POST", "/datasets", TURTLE,
         ttl_with("[] a dcat:Dataset ;",
                  "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n[] a dcat:Dataset ;\n"
                  "  owl:imports <http://evil.example/more.ttl> ;"),
         400, "owl:imports", {"construct": "owl:imports"}),
    # -- size, media type, encoding -----------------------------------------------------------
    Case("body-50-mb", "POST", "/datasets", TURTLE,
         lambda: b"# padding\n" * (5 * 1024 * 1024), 413, "10485760"),
    Case("content-type-csv", "POST", "/datasets", {"Content-Type": "text/csv", **AUTH},
         "id,title\n1,x\n", 415, "text/csv"),
    Case("content-type-octet-stream", "POST", "/datasets",
         {"Content-Type": "application/octet-stream", **AUTH}, VALID_TTL, 415,
         "application/octet-stream"),
    Case("content-type-missing", "POST", "/datasets", AUTH, VALID_TTL, 415, "missing"),
    Case("empty-body", "POST", "/datasets", TURTLE, "", 400, "empty"),
    Case("whitespace-only-body", "POST", "/datasets", TURTLE, "  \n\t\n", 400, "empty"),
    Case("not-utf8-latin1", "POST", "/datasets", TURTLE, VALID_TTL.encode("latin-1"), 400,
         "UTF-8", {"line": 6}),
    # -- syntax ---------------------------------------------------------------------------------
    Case("turtle-syntax-error", "POST", "/datasets", TURTLE, TTL_SYNTAX_ERROR, 400, "oops",
         {"line": 8, "column": 19, "syntax": "turtle"}),
    Case("turtle-undeclared-prefix", "POST", "/datasets", TURTLE,
         VALID_TTL.replace("@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .\n", ""),
         400, "vcard:", {"line": 14, "column": 25}),
    Case("turtle-invalid-iri", "POST", "/datasets", TURTLE,
         PREFIXES + '<http://exa mple.org/x> a dcat:Dataset ; dct:title "x"@fr .\n', 400,
         "IRI", {"line": 5, "column": 1}),
    Case("ntriples-syntax-error", "POST", "/datasets",
         {"Content-Type": "application/n-triples", **AUTH},
         f'<{BASE}/datasets/n> <{RDF_NS}type> <http://www.w3.org/ns/dcat#Dataset> .\n'
         f'<{BASE}/datasets/n> <http://purl.org/dc/terms/title> "unterminated .\n',
         400, "", {"line": 2}),
    Case("rdfxml-not-well-formed", "POST", "/datasets", RDFXML,
         rdfxml("").replace("</dct:title>", "</dct:titre>"), 400, "dct:title", {"line": 6}),
    Case("json-not-json", "POST", "/datasets", JSONLD, '{"@id": "x",\n  "@type": }', 400,
         "JSON", {"line": 2, "column": 12}),
    Case("json-nested-too-deep", "POST", "/datasets", JSONLD, DEEP_JSON, 422, "JSON",
         {"max_depth": 64}),
    Case("rdf-star-quoted-object", "POST", "/datasets", TURTLE,
         ttl_with("[] a dcat:Dataset ;", "[] a dcat:Dataset ;\n  dct:relation "
                  "<< <http://a.example/s> <http://a.example/p> <http://a.example/o> >> ;",
                  NEW_TTL), 400, "RDF-star", {"construct": "<< >>"}),
    Case("rdf-star-quoted-subject", "POST", "/datasets", TURTLE,
         NEW_TTL + "<< <http://a.example/s> <http://a.example/p> <http://a.example/o> >> "
                   "<http://a.example/q> 1 .\n", 400, "RDF-star", {"construct": "<< >>"}),
    Case("jsonld-not-an-object", "POST", "/datasets", JSONLD, '"just a string"', 400, ""),
    # -- not one record -------------------------------------------------------------------------
    Case("two-datasets", "POST", "/datasets", TURTLE, TWO_DATASETS, 400, "2",
         {"resources": [f"<{BASE}/datasets/a>", f"<{BASE}/datasets/b>"]}),
    Case("no-dataset-only-distribution", "POST", "/datasets", TURTLE, ONLY_DISTRIBUTION, 400,
         "dcat:Dataset"),
    Case("stray-unattached-node", "POST", "/datasets", TURTLE,
         VALID_TTL + '<http://evil.example/stray> <http://purl.org/dc/terms/title> "x" .\n',
         400, "evil.example/stray", {"nodes": ["<http://evil.example/stray>"]}),
    Case("dataset-iri-is-a-file", "POST", "/datasets", TURTLE,
         ttl_with("[] a dcat:Dataset ;", "<file:///etc/passwd> a dcat:Dataset ;"), 400,
         "http"),
    Case("dataset-iri-is-system-graph", "POST", "/datasets", TURTLE,
         ttl_with("[] a dcat:Dataset ;", "<urn:socle:graph:auth> a dcat:Dataset ;"), 400,
         "urn:socle:graph:auth"),
    Case("describes-another-record", "POST", "/datasets",
         {"Content-Type": "text/turtle", "Authorization": f"Bearer {OTHER}"},
         ttl_with("[] a dcat:Dataset ;",
                  f"[] a dcat:Dataset ;\n  dct:relation <{BASE}/datasets/{EXISTING}> ;",
                  NEW_TTL)
         + f'<{BASE}/datasets/{EXISTING}> <http://purl.org/dc/terms/title> "PIRATÉ"@fr .\n',
         400, f"{BASE}/datasets/{EXISTING}", {"nodes": [f"<{BASE}/datasets/{EXISTING}>"]}),
    Case("describes-another-publisher", "POST", "/datasets", TURTLE,
         ttl_with("[] a dcat:Dataset ;",
                  f"[] a dcat:Dataset ;\n  dct:creator <{BASE}/publishers/iffendic> ;", NEW_TTL)
         + f'<{BASE}/publishers/iffendic> <http://xmlns.com/foaf/0.1/name> "Piraté"@fr .\n',
         400, "publishers/iffendic"),
    # -- authentication and ownership -----------------------------------------------------------
    Case("no-token", "POST", "/datasets", {"Content-Type": "text/turtle"}, VALID_TTL, 401,
         "Authorization"),
    Case("malformed-authorization", "POST", "/datasets",
         {"Content-Type": "text/turtle", "Authorization": "Basic dXNlcjpwYXNz"}, VALID_TTL,
         401, "Bearer"),
    Case("empty-bearer", "POST", "/datasets",
         {"Content-Type": "text/turtle", "Authorization": "Bearer   "}, VALID_TTL, 401,
         "Bearer"),
    Case("unknown-token", "POST", "/datasets",
         {"Content-Type": "text/turtle", "Authorization": "Bearer socle_nope"}, VALID_TTL,
         401, "token"),
    Case("delete-no-token", "DELETE", f"/datasets/{EXISTING}", {}, None, 401, "token"),
    Case("put-other-publisher", "PUT", f"/datasets/{EXISTING}",
         {"Content-Type": "text/turtle", "Authorization": f"Bearer {OTHER}"}, VALID_TTL, 403,
         "montfort"),
    Case("delete-other-publisher", "DELETE", f"/datasets/{EXISTING}",
         {"Authorization": f"Bearer {OTHER}"}, None, 403, "montfort"),
    Case("post-existing-as-other-publisher", "POST", "/datasets",
         {"Content-Type": "text/turtle", "Authorization": f"Bearer {OTHER}"},
         ttl_with("[] a dcat:Dataset ;", f"<{BASE}/datasets/{EXISTING}> a dcat:Dataset ;"),
         403, "montfort"),
    # -- unknown / conflicting records ----------------------------------------------------------
    Case("put-unknown-id", "PUT", "/datasets/nope", TURTLE, VALID_TTL, 404, "nope"),
    Case("delete-unknown-id", "DELETE", "/datasets/nope", AUTH, None, 404, "nope"),
    Case("get-unknown-id", "GET", "/datasets/nope.ttl", {}, None, 404, "nope"),
    Case("get-path-traversal", "GET", "/datasets/..%2F..%2Fetc%2Fpasswd", {}, None, 404, ""),
    Case("post-existing-iri", "POST", "/datasets", TURTLE,
         ttl_with("[] a dcat:Dataset ;", f"<{BASE}/datasets/{EXISTING}> a dcat:Dataset ;"),
         409, EXISTING, {"record": EXISTING}),
    Case("post-existing-identifier", "POST", "/datasets", TURTLE, VALID_TTL, 409, EXISTING,
         {"record": EXISTING}),
    Case("put-changes-identifier", "PUT", f"/datasets/{EXISTING}", TURTLE,
         ttl_with('"deliberations-montfort"', '"autre-identifiant"'), 409, "dct:identifier",
         {"current": [EXISTING], "given": ["autre-identifiant"]}),
    Case("put-changes-iri", "PUT", f"/datasets/{EXISTING}", TURTLE,
         ttl_with("[] a dcat:Dataset ;", f"<{BASE}/datasets/autre> a dcat:Dataset ;"), 409,
         "IRI"),
    # -- negotiation and methods ----------------------------------------------------------------
    Case("accept-image-png", "GET", f"/datasets/{EXISTING}", {"Accept": "image/png"}, None, 406,
         "text/turtle"),
    Case("patch-not-allowed", "PATCH", f"/datasets/{EXISTING}", TURTLE, VALID_TTL, 405,
         "method"),
    Case("validate-malformed", "POST", "/validate", {"Content-Type": "text/turtle"},
         TTL_SYNTAX_ERROR, 400, "oops", {"line": 8}),
    # -- SHACL ----------------------------------------------------------------------------------
    Case("shacl-no-title", "POST", "/datasets", TURTLE,
         ttl_with('  dct:title "Délibérations du conseil municipal"@fr ;\n', "", NEW_TTL), 422,
         "violation"),
    Case("shacl-impossible-date", "POST", "/datasets", TURTLE,
         ttl_with('"2024-01-15"^^xsd:date', '"2023-02-30"^^xsd:date', NEW_TTL), 422,
         "violation"),
    Case("shacl-put-no-title", "PUT", f"/datasets/{EXISTING}", TURTLE,
         ttl_with('  dct:title "Délibérations du conseil municipal"@fr ;\n', ""), 422,
         "violation"),
]

SHACL_PATHS = {
    "shacl-no-title": "http://purl.org/dc/terms/title",
    "shacl-put-no-title": "http://purl.org/dc/terms/title",
    "shacl-impossible-date": "http://purl.org/dc/terms/issued",
}


def _passwd_marker() -> bytes:
    try:
        first = Path("/etc/passwd").read_bytes().splitlines()[0]
    except (OSError, IndexError):
        return b"root:x:0:0:"
    return first[:20]


PASSWD = _passwd_marker()


@pytest.fixture
def existing(client, auth):
    response = post_ttl(client, VALID_TTL, auth)
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_request(case: Case, client, existing, token, other_token, snapshot,
                         no_outside_access):
    headers = {k: v.replace(TOKEN, token).replace(OTHER, other_token)
               for k, v in case.headers.items()}
    body = case.body() if callable(case.body) else case.body
    before = snapshot()

    response = client.open(case.path, method=case.method, headers=headers, data=body)
    SUMMARY.add(Row(case.id, case.status, response.status_code, len(no_outside_access),
                    snapshot() == before))

    assert response.status_code == case.status, response.get_data(as_text=True)[:2000]
    assert response.headers["Content-Type"].startswith(PROBLEM)
    problem = response.get_json(force=True)
    for member in ("type", "title", "status", "detail", "detail_fr", "detail_en"):
        assert problem.get(member), (member, problem)
    assert problem["status"] == case.status
    assert problem["detail_fr"] != problem["detail_en"] or case.status in (404, 405)
    assert case.says.lower() in problem["detail"].lower(), problem
    for name, value in case.fields.items():
        assert problem.get(name) == value, (name, problem)
    if case.id in SHACL_PATHS:
        results = problem["results"]
        assert results and all(r["message"]["fr"] and r["message"]["en"] for r in results)
        violations = [r for r in results if r["severity"] == "Violation"]
        assert violations, results
        assert any(r["focus"].startswith(f"{BASE}/datasets/") and
                   r.get("path") == SHACL_PATHS[case.id] for r in violations), violations
    assert PASSWD not in response.data
    assert snapshot() == before, "a refused request changed the store"
    assert no_outside_access == [], no_outside_access


def test_corpus_is_large_enough():
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)


def test_guard_catches_network_access(no_outside_access):
    """The guard itself works: a connect attempt is refused and recorded."""
    import socket
    import urllib.request

    with pytest.raises(AssertionError):
        urllib.request.urlopen("http://127.0.0.1:9/")
    with pytest.raises(AssertionError):
        socket.create_connection(("127.0.0.1", 9))
    with open("/etc/hostname", "rb"):
        pass
    assert ("open", "/etc/hostname") in no_outside_access
    no_outside_access.clear()


def test_existing_record_survives_the_corpus(client, existing, token, other_token):
    """After every refused request, the original record reads back unchanged."""
    before = client.get(f"/datasets/{existing}.nt").data
    for case in CASES:
        if case.id == "body-50-mb":
            continue
        headers = {k: v.replace(TOKEN, token).replace(OTHER, other_token)
                   for k, v in case.headers.items()}
        body = case.body() if callable(case.body) else case.body
        assert client.open(case.path, method=case.method, headers=headers,
                           data=body).status_code == case.status, case.id
    assert client.get(f"/datasets/{existing}.nt").data == before


def test_utf8_bom_is_accepted(client, auth):
    """Windows editors prefix UTF-8 files with a BOM: not a syntax error."""
    response = post_ttl(client, b"\xef\xbb\xbf" + NEW_TTL.encode("utf-8"), auth)
    assert response.status_code == 201, response.json


def test_internal_error_is_a_bilingual_problem(client, auth, monkeypatch, snapshot):
    """Even a bug answers problem+json with detail_fr/detail_en, and stores nothing."""
    from service.catalog.records import RecordService

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(RecordService, "create", boom)
    before = snapshot()
    response = post_ttl(client, NEW_TTL, auth)
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith(PROBLEM)
    problem = response.json
    assert problem["detail_fr"] and problem["detail_en"] and "boom" not in problem["detail"]
    assert snapshot() == before


SYMMETRIC = """
import sys, time
sys.path.insert(0, {repo!r})
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCAT, RDF
from service.rdf.records import skolemise
g = Graph()
ds = URIRef("http://socle.test/datasets/x")
for _ in range(60):
    b = BNode()
    g.add((ds, DCAT.distribution, b))
    g.add((b, RDF.type, DCAT.Distribution))
skolemise(g, "http://socle.test/datasets/x#")
"""


# Skolemising used rdflib's full canonicalisation, ~n^4 on indistinguishable blank nodes
# (40 identical `[ a dcat:Distribution ]` took ~12 s from a 2 KB body); now linear.
def test_symmetric_blank_nodes_do_not_pin_a_worker():
    import subprocess
    import sys

    from tests.conftest import REPO

    try:
        subprocess.run([sys.executable, "-c", SYMMETRIC.format(repo=str(REPO))], check=True,
                       timeout=3)
    except subprocess.TimeoutExpired:
        pytest.fail("skolemising 60 identical blank nodes took more than 3 s")
