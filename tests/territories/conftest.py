"""Fixtures of the territories tests: publishers added by SIREN from the registry."""

from __future__ import annotations

import pytest

from service.auth.tokens import create_token
from tests.conftest import BASE, VALID_TTL

EPCI = "243500550"  # Montfort Communauté (Ille-et-Vilaine), 8 communes
MONTFORT, IFFENDIC, RENNES = "213501885", "213501331", "213502388"


def dataset(identifier: str, commune_code: str = "35188", schema: str = "deliberations") -> str:
    """VALID_TTL with its own identifier, place and SCDL schema."""
    return (VALID_TTL.replace('"deliberations-montfort"', f'"{identifier}"')
            .replace("commune/35188", f"commune/{commune_code}")
            .replace("scdl/deliberations/2.1.3/", f"scdl/{schema}/"))


@pytest.fixture
def territory_pubs(svc):
    """The EPCI and two member communes as publishers, by SIREN alone."""
    from service.territories.publishers import add_by_siren

    return {siren: add_by_siren(svc.store, BASE, siren).publisher
            for siren in (EPCI, MONTFORT, IFFENDIC)}


@pytest.fixture
def tokens(svc, territory_pubs):
    return {siren: create_token(svc.files, pub) for siren, pub in territory_pubs.items()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
