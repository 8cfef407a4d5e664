"""The IRI takeovers of issue 21, as documents publisher `iffendic` sends after `montfort`
created its record: one table for the records API, `socle import` and harvest."""

from __future__ import annotations

from dataclasses import dataclass

from tests.conftest import BASE, VALID_TTL

PREFIXES, _, BODY = VALID_TTL.partition("[] a dcat:Dataset")
BODY = "[] a dcat:Dataset" + BODY
P1_ID = "deliberations-montfort"
P1_CSV = "https://data.montfort-sur-meu.fr/dist/deliberations-csv"
P1_JSON = "https://data.montfort-sur-meu.fr/dist/deliberations-json"
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
THEME = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
HIJACK = "Détourné par Iffendic"


def p1_record() -> str:
    """montfort's record: two distributions with IRIs outside the base (montfort owns them)."""
    body = BODY.replace("dcat:distribution [ a dcat:Distribution ;",
                        f"dcat:distribution <{P1_CSV}>, <{P1_JSON}> .\n"
                        f"<{P1_CSV}> a dcat:Distribution ;", 1)
    body = body.rstrip().removesuffix("] .") + " .\n"
    return PREFIXES + body + (f'<{P1_JSON}> a dcat:Distribution ; dct:title "JSON"@fr ;\n'
                              f"  dcat:accessURL <{P1_JSON}.json> .\n")


def dataset(ident: str, root: str = "[]", extra: str = "", relation: str = "") -> str:
    """A valid dataset of iffendic's: its dataset node, identifier, more triples."""
    body = BODY.replace('"deliberations-montfort"', f'"{ident}"', 1)
    body = body.replace("Délibérations du conseil municipal", f"Jeu {ident}", 1)
    if relation:
        body = body.replace("  dct:identifier", f"  {relation} ;\n  dct:identifier", 1)
    if root != "[]":
        body = body.replace("[] a dcat:Dataset", f"{root} a dcat:Dataset", 1)
    return body + extra


@dataclass(frozen=True)
class Case:
    name: str
    body: str  # one dataset (no prefixes)
    status: int  # of the refusal; 201 when created
    shows: str  # what the problem names (the IRI at stake), or a dropped subject

    @property
    def ident(self) -> str:
        return self.body.split('dct:identifier "', 1)[1].split('"', 1)[0]

    def key(self, node: str) -> str:
        """How an import or harvest report names this dataset: its IRI, else identifier."""
        root = self.body.split(" a dcat:Dataset", 1)[0]
        if root == "[]":
            return self.ident
        return root.strip("<>").replace(f"{BASE}/datasets/{P1_ID}#NODE", node)


CASES = [
    Case("publisher-node", dataset("pub", f"<{BASE}/publishers/montfort>"), 400,
         f"{BASE}/publishers/montfort"),
    Case("distribution-node", dataset("dist", f"<{BASE}/datasets/{P1_ID}#NODE>"), 400,
         f"{BASE}/datasets/{P1_ID}#"),
    Case("record-node", dataset("rec", f"<{BASE}/records/{P1_ID}>"), 400,
         f"{BASE}/records/{P1_ID}"),
    Case("catalogue-node", dataset("cat", f"<{BASE}/catalog>"), 400, f"{BASE}/catalog"),
    Case("future-record", dataset("autre", f"<{BASE}/datasets/future1>"), 400,
         f"{BASE}/datasets/future1"),
    Case("describes-reserved-path", dataset(
        "sparql", relation=f"dct:relation <{BASE}/sparql>",
        extra=f'<{BASE}/sparql> dct:title "{HIJACK}"@fr .\n'), 400, f"{BASE}/sparql"),
    Case("owned-iri-as-dataset", dataset("ext", f"<{P1_CSV}>"), 409, P1_CSV),
    Case("owned-iri-as-node", dataset(
        "ext-2", relation=f"dcat:distribution <{P1_JSON}>",
        extra=f'<{P1_JSON}> a dcat:Distribution ; dct:title "{HIJACK}"@fr .\n'), 409, P1_JSON),
    Case("vocabulary-labels", dataset(
        "vocab", extra=f'<{LICENCE}> <http://www.w3.org/2000/01/rdf-schema#label> "{HIJACK}"@fr '
                       f'; a dct:LicenseDocument .\n'
                       f'<{THEME}> <http://www.w3.org/2004/02/skos/core#prefLabel> '
                       f'"{HIJACK}"@fr .\n'), 201, LICENCE),
]


def with_node(case: Case, node: str) -> str:
    """The case's document, ``#NODE`` replaced by a real skolemised node of montfort's record."""
    return PREFIXES + case.body.replace(f"{BASE}/datasets/{P1_ID}#NODE", node)


def catalogue(node: str) -> str:
    """Every case in one catalogue document."""
    return PREFIXES + "".join(c.body for c in CASES).replace(
        f"{BASE}/datasets/{P1_ID}#NODE", node)


def check_outcomes(found: dict[str, tuple[str, str]], node: str) -> None:
    """Per case, (outcome, text of the report item) as an import or harvest reported it."""
    for case in CASES:
        outcome, text = found[case.key(node)]
        if case.status == 201:
            assert outcome == "created", (case.name, text)
        else:
            assert outcome == "failed" and case.shows in text, (case.name, text)
