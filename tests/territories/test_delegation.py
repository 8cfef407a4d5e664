"""Delegation: an EPCI token writes for a member commune once the operator allows it."""

from __future__ import annotations

import pytest

from service.errors import SocleError
from service.territories.delegation import delegate, delegates_of, revoke
from service.territories.publishers import add_by_siren
from tests.conftest import BASE
from tests.territories.conftest import EPCI, IFFENDIC, MONTFORT, RENNES, bearer, dataset


def test_epci_token_refused_without_delegation(client, tokens):
    response = client.post("/datasets?publisher=montfort-sur-meu", data=dataset("d1"),
                           headers=bearer(tokens[EPCI]))
    assert response.status_code == 403
    assert "délégation" in response.get_json()["detail_fr"]


def test_epci_token_writes_for_member_commune_when_delegated(svc, client, tokens):
    delegate(svc.store, BASE, "cc-montfort-communaute", "montfort-sur-meu")
    assert delegates_of(svc.store, "montfort-sur-meu") == {"cc-montfort-communaute"}
    created = client.post("/datasets?publisher=montfort-sur-meu", data=dataset("d1"),
                          headers=bearer(tokens[EPCI]))
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert record["publisher"] == "montfort-sur-meu"  # the commune's record, not the EPCI's
    # the commune's own token still writes it; the EPCI replaces and deletes it
    url = f"/datasets/{record['id']}"
    changed = dataset("d1").replace("Délibérations du conseil", "Délibérations du conseil (v2)")
    assert client.put(url, data=changed, headers=bearer(tokens[EPCI])).status_code == 200
    assert client.put(url, data=dataset("d1"), headers=bearer(tokens[MONTFORT])).status_code == 200
    # a commune's token never writes for another commune, nor for the EPCI
    assert client.put(url, data=changed, headers=bearer(tokens[IFFENDIC])).status_code == 403
    assert client.post("/datasets?publisher=cc-montfort-communaute", data=dataset("d2"),
                       headers=bearer(tokens[MONTFORT])).status_code == 403
    # not delegated by Iffendic
    assert client.post("/datasets?publisher=iffendic", data=dataset("d3"),
                       headers=bearer(tokens[EPCI])).status_code == 403
    assert client.delete(url, headers=bearer(tokens[EPCI])).status_code == 204


def test_revoked_delegation_refuses_again(svc, client, tokens):
    delegate(svc.store, BASE, "cc-montfort-communaute", "montfort-sur-meu")
    created = client.post("/datasets?publisher=montfort-sur-meu", data=dataset("d1"),
                          headers=bearer(tokens[EPCI])).get_json()
    revoke(svc.store, BASE, "cc-montfort-communaute", "montfort-sur-meu")
    assert delegates_of(svc.store, "montfort-sur-meu") == set()
    assert client.delete(f"/datasets/{created['id']}",
                         headers=bearer(tokens[EPCI])).status_code == 403
    assert client.get(f"/datasets/{created['id']}.ttl").status_code == 200


def test_delegation_refused_for_non_member_and_non_epci(svc, territory_pubs):
    add_by_siren(svc.store, BASE, RENNES)
    with pytest.raises(SocleError) as err:
        delegate(svc.store, BASE, "cc-montfort-communaute", "rennes")
    assert "n'est pas membre" in err.value.detail_fr and "not a member" in err.value.detail_en
    with pytest.raises(SocleError):  # a commune is not an EPCI
        delegate(svc.store, BASE, "iffendic", "montfort-sur-meu")
    with pytest.raises(SocleError):
        delegate(svc.store, BASE, "cc-montfort-communaute", "cc-montfort-communaute")
    delegate(svc.store, BASE, "iffendic", "montfort-sur-meu", force=True)  # operator override
    assert delegates_of(svc.store, "montfort-sur-meu") == {"iffendic"}
    # the publishers themselves are untouched by delegations
    from service.catalog.publishers import set_default_profile

    set_default_profile(svc.store, BASE, "montfort-sur-meu", "datagouv")
    assert delegates_of(svc.store, "montfort-sur-meu") == {"iffendic"}


def test_delegate_imports_a_catalogue_for_the_commune(svc, client, tokens):
    """POST /publishers/{commune}/import takes the EPCI's token only once delegated."""
    url = "/publishers/montfort-sur-meu/import"
    headers = {**bearer(tokens[EPCI]), "Content-Type": "text/turtle"}
    assert client.post(url, data=dataset("d1"), headers=headers).status_code == 403
    delegate(svc.store, BASE, "cc-montfort-communaute", "montfort-sur-meu")
    done = client.post(url, data=dataset("d1"), headers=headers)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["summary"]["created"] == 1
    assert client.post("/publishers/iffendic/import", data=dataset("d2"),
                       headers=headers).status_code == 403
