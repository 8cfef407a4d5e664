"""Fetching under the operator's policy: allow-list, private addresses, Hydra paging in both
vocabularies, loop guard, limits, timeouts, retries, every RDF syntax."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.harvest_source import pages
from service.ingest.harvest import client
from service.ingest.harvest.policy import Limits, Policy, Refused
from service.ingest.harvest.sources import add_source
from service.rdf.formats import TURTLE
from service.rdf.parse import parse_rdf

PATH = "/catalog.ttl"


def serve(site, items, page_size=2, **kw) -> str:
    for path, body in pages(site.base, PATH, items, page_size, **kw).items():
        site.add(path, body)
    return site.url(f"{PATH}?page=1")


# --- policy ------------------------------------------------------------------------------------
def test_loopback_is_refused_unless_the_operator_allows_it(site):
    url = site.url("/x.ttl")
    with pytest.raises(Refused) as err:
        Policy().check(url)
    assert "Adresse privée ou locale refusée (127.0.0.1)" in err.value.detail_fr
    Policy(allow_private=True).check(url)
    Policy.from_text("127.0.0.1").check(url)
    Policy.from_text("127.0.0.0/8").check(url)
    with pytest.raises(Refused):
        Policy.from_text("10.0.0.0/8").check(url)  # an allow-list entry, but not this one


def test_allow_list_of_host_names():
    policy = Policy.from_text("*.opendatasoft.com, data.example.fr")
    with pytest.raises(Refused) as err:
        policy.check("http://localhost:1/catalog.ttl")
    assert "liste autorisée" in err.value.detail_fr
    assert policy.host_patterns == ["*.opendatasoft.com", "data.example.fr"]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd",
                                 "http://user:secret@127.0.0.1/x"])
def test_other_schemes_and_credentials_are_refused(url):
    with pytest.raises(Refused):
        Policy(allow_private=True).check(url)


def test_harvest_of_a_loopback_source_without_permission_fails_cleanly(hsvc, site):
    from service.ingest.harvest.setup import harvester

    hsvc.settings = replace(hsvc.settings, harvest_allow="")
    src = add_source(hsvc.store, serve(site, [0]), "montfort")
    run = harvester(hsvc).run(src)
    assert run.status == "failed" and run.pages == 0
    assert "127.0.0.1" in run.errors[0]["detail_fr"]
    assert site.log == []  # nothing was even requested


def test_redirect_to_a_refused_address_is_not_followed(site):
    site.add("/moved.ttl", "", location="http://10.1.2.3/internal.ttl")
    with pytest.raises(Refused):
        client.get(site.url("/moved.ttl"), Policy.from_text("127.0.0.1"))


# --- paging ------------------------------------------------------------------------------------
@pytest.mark.parametrize("legacy", [False, True], ids=["PartialCollectionView", "PagedCollection"])
def test_hydra_paging_in_both_vocabularies(hsvc, engine, site, legacy):
    src = add_source(hsvc.store, serve(site, list(range(5)), legacy=legacy), "montfort")
    run = engine.run(src)
    assert (run.status, run.pages, run.counts["created"]) == ("done", 3, 5)


def test_loop_guard_stops_a_source_that_links_back(hsvc, engine, site):
    url = serve(site, list(range(4)))
    looped = site.routes[f"{PATH}?page=2"].body.decode()
    looped = looped.replace("hydra:last", f"hydra:next <{url}> ;\n  hydra:last")
    site.add(f"{PATH}?page=2", looped)
    run = engine.run(add_source(hsvc.store, url, "montfort"))
    assert run.status == "partial" and run.counts["created"] == 4
    assert "Boucle de pagination" in run.errors[0]["detail_fr"]
    assert site.fetched(f"{PATH}?page=1") == 1


def test_next_page_on_another_host_is_never_fetched(hsvc, engine, site):
    url = serve(site, list(range(4)))
    body = site.routes[f"{PATH}?page=1"].body.decode()
    site.add(f"{PATH}?page=1", body.replace(f"<{site.url(PATH)}?page=2>",
                                            "<http://localhost:9/catalog.ttl?page=2>"))
    run = engine.run(add_source(hsvc.store, url, "montfort"))
    assert run.status == "partial" and run.counts["created"] == 2
    assert "hors de la source" in run.errors[0]["detail_fr"]
    assert site.fetched(f"{PATH}?page=2") == 0


def test_urls_named_in_documents_are_not_fetched(hsvc, engine, site):
    """Only Hydra next pages: distribution URLs, @context, landing pages stay untouched."""
    url = serve(site, list(range(4)))
    engine.run(add_source(hsvc.store, url, "montfort"))
    assert {p for _, p in site.log} == {f"{PATH}?page=1", f"{PATH}?page=2"}


def test_page_limit(hsvc, site):
    from service.ingest.harvest.setup import harvester

    url = serve(site, list(range(6)))
    run = harvester(hsvc, max_pages=2).run(add_source(hsvc.store, url, "montfort"))
    assert run.status == "partial" and run.pages == 2 and run.counts["created"] == 4
    assert "Limite de 2 pages" in run.errors[0]["detail_fr"]


def test_transient_errors_are_retried_with_backoff(site):
    site.add("/c.ttl", pages(site.base, "/c.ttl", [0], 5)["/c.ttl?page=1"])
    site.routes["/c.ttl"].failures = 2
    waits = []
    answer = client.get(site.url("/c.ttl"),
                        Policy.from_text("127.0.0.1", limits=Limits(retries=3, backoff=0.5)),
                        sleep=waits.append)
    assert answer.attempts == 3 and waits == [0.5, 1.0]


def test_retries_give_up_and_client_errors_are_not_retried(site):
    site.add("/c.ttl", "x", failures=10)
    policy = Policy.from_text("127.0.0.1", limits=Limits(retries=2, backoff=0))
    with pytest.raises(client.FetchError) as err:
        client.get(site.url("/c.ttl"), policy, sleep=lambda s: None)
    assert "HTTP 503" in err.value.detail_en and site.fetched("/c.ttl") == 3
    with pytest.raises(client.FetchError):
        client.get(site.url("/absent.ttl"), policy, sleep=lambda s: None)
    assert site.fetched("/absent.ttl") == 1


def test_timeout(site):
    site.add("/slow.ttl", "", delay=1.5)
    policy = Policy.from_text("127.0.0.1", limits=Limits(timeout=0.3, retries=0))
    with pytest.raises(client.FetchError) as err:
        client.get(site.url("/slow.ttl"), policy)
    assert "timed out" in err.value.detail_en


def test_page_size_limit(site):
    site.add("/big.ttl", "#" * 5000)
    policy = Policy.from_text("127.0.0.1", limits=Limits(max_page_bytes=1000))
    with pytest.raises(client.FetchError) as err:
        client.get(site.url("/big.ttl"), policy)
    assert "trop volumineuse" in err.value.detail_fr


# --- formats -----------------------------------------------------------------------------------
def _as(syntax: str, turtle: str) -> bytes:
    graph = parse_rdf(turtle.encode(), TURTLE)
    fmt = {"rdf": "xml", "jsonld": "json-ld", "nt": "nt", "ttl": "turtle"}[syntax]
    return graph.serialize(format=fmt).encode()


@pytest.mark.parametrize("suffix,content_type", [
    ("ttl", "text/turtle"), ("rdf", "application/rdf+xml"), ("jsonld", "application/ld+json"),
    ("nt", "application/n-triples"),
    ("ttl", "text/plain"),  # a generic type: the suffix decides
    ("data", "application/rdf+xml"),  # no suffix: the Content-Type decides
])
def test_every_rdf_syntax_by_content_type_or_suffix(hsvc, engine, site, suffix, content_type):
    turtle = pages(site.base, "/c", [0, 1], 5)["/c?page=1"]
    kind = {"data": "rdf"}.get(suffix, suffix)
    url = site.add(f"/c.{suffix}", _as(kind, turtle), content_type)
    run = engine.run(add_source(hsvc.store, url, "montfort"))
    assert (run.status, run.counts["created"]) == ("done", 2), run.errors


def test_unsafe_documents_are_refused(hsvc, engine, site):
    url = site.add("/c.rdf", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
                             '"file:///etc/passwd">]><rdf:RDF xmlns:rdf="http://www.w3.org/'
                             '1999/02/22-rdf-syntax-ns#"/>')
    run = engine.run(add_source(hsvc.store, url, "montfort"))
    assert run.status == "failed" and "DOCTYPE" in run.errors[0]["detail_fr"]


def test_time_limit_stops_the_walk(site):
    from service.ingest.harvest.paging import PagingStop
    from service.ingest.harvest.paging import pages as walk

    url = serve(site, list(range(6)))
    ticks = iter([0.0, 1.0, 99.0, 200.0])
    policy = Policy.from_text("127.0.0.1", limits=Limits(max_seconds=50))
    seen = []
    with pytest.raises(PagingStop) as err:
        for page in walk(url, policy, clock=lambda: next(ticks)):
            seen.append(page.number)
    assert seen == [1] and "Durée maximale de 50 s" in err.value.detail_fr
    assert site.fetched(f"{PATH}?page=2") == 0


@pytest.mark.parametrize("address,inner", [
    ("64:ff9b::7f00:1", "127.0.0.1"), ("64:ff9b::a00:1", "10.0.0.1"),
    ("64:ff9b:1::c0a8:101", "192.168.1.1"), ("2002:7f00:1::", "127.0.0.1"),
    ("2002:a9fe:a9fe::", "169.254.169.254"), ("::ffff:127.0.0.1", "127.0.0.1")])
def test_nat64_and_6to4_forms_of_private_addresses_are_refused(monkeypatch, address, inner):
    """Resolution is faked (no DNS, no connection): the policy sees what a resolver returned."""
    from service.ingest.harvest import policy as module

    assert str(module.embedded_ipv4(__import__("ipaddress").ip_address(address))) == inner
    monkeypatch.setattr(module, "_resolve", lambda host, port: [
        __import__("ipaddress").ip_address(address)])
    with pytest.raises(Refused) as err:
        Policy().check("http://sneaky.example/catalog.ttl")
    assert err.value.extra["address"] == str(__import__("ipaddress").ip_address(address))


def test_nat64_and_6to4_forms_of_public_addresses_pass(monkeypatch):
    import ipaddress

    from service.ingest.harvest import policy as module

    for address in ("64:ff9b::808:808", "2002:808:808::", "2a01:e0a::1"):
        monkeypatch.setattr(module, "_resolve",
                            lambda host, port, a=address: [ipaddress.ip_address(a)])
        Policy().check("http://public.example/catalog.ttl")
