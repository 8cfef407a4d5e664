"""Links and security headers: only http(s), mailto and ftp values become links; every page
carries a CSP without inline script and the other security headers."""

from __future__ import annotations

import re

import pytest
from rdflib import URIRef

from service.rdf.namespaces import DCAT
from service.web.headers import HEADERS
from service.web.links import safe_href
from tests.conftest import post_ttl

HOSTILE = ["javascript:alert(3)", "JavaScript:alert(3)", "data:text/html,<script>x</script>",
           "vbscript:msgbox(1)", "file:///etc/passwd", "java\tscript:alert(1)",
           " javascript:alert(1)", "urn:x:javascript:alert(1)", "http:alert(1)"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_not_links(value):
    assert safe_href(value) is None


@pytest.mark.parametrize("value", ["https://data.example.fr/a.csv", "http://x.fr",
                                   "mailto:mairie@example.fr", "ftp://ftp.example.fr/a.zip"])
def test_web_mail_and_ftp_addresses_are_links(value):
    assert safe_href(value) == value


def _insert(svc, iri: str, triples: str) -> None:
    svc.store.update(f"INSERT DATA {{ GRAPH <{iri}> {{ {triples} }} }}")


def test_script_iris_of_a_record_are_shown_as_text(client, svc, auth, valid_ttl):
    """Written straight into the record's graph, whatever the write path accepts."""
    assert post_ttl(client, valid_ttl, auth).status_code == 201
    meta = svc.records.meta("deliberations-montfort")
    graph = svc.records.graph(meta)
    dist = graph.value(URIRef(meta.iri), DCAT.distribution)
    contact = graph.value(URIRef(meta.iri), DCAT.contactPoint)
    _insert(svc, meta.iri, f"""
        <{meta.iri}> <http://www.w3.org/ns/dcat#landingPage> <javascript:alert(1)> ;
                     <http://example.org/unknown> <javascript:alert(2)> .
        <{dist}> <http://www.w3.org/ns/dcat#accessURL> <javascript:alert(3)> ;
                 <http://www.w3.org/ns/dcat#downloadURL> <javascript:alert(4)> .
        <{contact}> <http://www.w3.org/2006/vcard/ns#hasEmail> <javascript:alert(5)> .""")
    r = client.get(f"/datasets/{meta.id}", headers={"Accept": "text/html"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert not [h for h in hrefs if "alert" in h], hrefs
    for n in range(1, 6):
        assert f"javascript:alert({n})" in html  # shown, as text
    assert "https://data.montfort-sur-meu.fr/deliberations.csv" in hrefs  # kept as links
    assert "mailto:mairie@montfort-sur-meu.fr" in hrefs


def test_script_landing_page_through_the_api_is_never_a_link(client, svc, auth, valid_ttl):
    body = valid_ttl.replace(
        "dct:issued", "dcat:landingPage <javascript:alert(document.cookie)> ;\n  dct:issued")
    r = post_ttl(client, body, auth)
    if r.status_code != 201:  # refused on the way in: fine too, as long as it is a 4xx
        assert 400 <= r.status_code < 500
        return
    html = client.get("/datasets/deliberations-montfort",
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="javascript:' not in html.replace("&#58;", ":")
    assert "javascript:alert(document.cookie)" in html


PAGES = ["/", "/search", "/validation", "/sparql", "/login", "/territories", "/nowhere",
         "/catalog.ttl", "/datasets", "/health"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_has_the_security_headers(client, path):
    r = client.get(path, headers={"Accept": "text/html"})
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (path, name)
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_pages_have_no_inline_script_or_style(client, svc, auth, valid_ttl, curator,
                                              logged_in):
    assert post_ttl(client, valid_ttl, auth).status_code == 201
    for path in ["/", "/search", "/validation", "/sparql", "/territories",
                 "/datasets/deliberations-montfort", "/publishers/montfort", "/curator/",
                 "/curator/datasets/new", "/curator/datasets/deliberations-montfort/edit"]:
        html = logged_in.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        inline = [body for attrs, body in scripts
                  if body.strip() and "application/ld+json" not in attrs
                  and "application/json" not in attrs]
        assert inline == [], path
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path  # no event handler attributes
