"""The dataset form: what a curator typed <-> the record graph, and report -> form fields.

Why a model of its own: the same values travel three ways (request form -> graph for the
records service, stored graph -> form for editing, validation results -> the field they
concern), and the form must come back exactly as typed when the record is refused.

Editing starts from the stored graph and replaces only what the form manages (French or
untagged texts, the picked IRIs, the distributions' title/URL/format/licence), so properties
the form does not show (an English title, a checksum, a temporal coverage…) survive an edit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from werkzeug.datastructures import MultiDict

from service.rdf.namespaces import DCAT, DCTERMS, VCARD, XSD
from service.territories import resolve
from service.web.vocabulary import INSEE_COMMUNE

MAX_DISTRIBUTIONS = 50
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
INSEE_CODE = re.compile(r"^(\d[0-9AB]\d{3})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# Dataset property -> form field (single IRI pickers, multi IRI pickers, texts).
SINGLE_IRIS = {"frequency": DCTERMS.accrualPeriodicity, "licence": DCTERMS.license,
               "access_rights": DCTERMS.accessRights, "conforms_to": DCTERMS.conformsTo,
               "landing_page": DCAT.landingPage}
TEXTS = {"title": DCTERMS.title, "description": DCTERMS.description}
# Where a validation result goes, by the kind of its focus node and its path.
DATASET_FIELDS = {str(p): name for name, p in {**SINGLE_IRIS, **TEXTS}.items()} | {
    str(DCAT.keyword): "keywords", str(DCAT.theme): "themes", str(DCTERMS.spatial): "spatial",
    str(DCTERMS.issued): "issued", str(DCAT.contactPoint): "contact_name",
    str(DCTERMS.temporal): "temporal_start",
    str(DCAT.distribution): "distributions"}
CONTACT_FIELDS = {str(VCARD.fn): "contact_name", str(VCARD.hasEmail): "contact_email"}
PERIOD_FIELDS = {str(DCAT.startDate): "temporal_start", str(DCAT.endDate): "temporal_end"}
DIST_FIELDS = {str(DCTERMS.title): "title", str(DCAT.accessURL): "url",
               str(DCAT.downloadURL): "url", str(DCTERMS.format): "format",
               str(DCAT.mediaType): "format", str(DCTERMS.license): "licence"}


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:80] or "jeu-de-donnees"


def _is_fr(value: Any) -> bool:
    return isinstance(value, Literal) and (value.language or "fr") == "fr"


@dataclass
class DistributionForm:
    node: str = ""
    title: str = ""
    url: str = ""
    format: str = ""
    licence: str = ""
    remove: bool = False

    def empty(self) -> bool:
        return not (self.title or self.url or self.format or self.licence)


@dataclass
class DatasetForm:
    identifier: str = ""
    title: str = ""
    description: str = ""
    keywords: str = ""
    themes: list[str] = field(default_factory=list)
    frequency: str = ""
    licence: str = ""
    access_rights: str = ""
    conforms_to: str = ""
    landing_page: str = ""
    spatial: str = ""
    issued: str = ""
    contact_name: str = ""
    contact_email: str = ""
    temporal_start: str = ""
    temporal_end: str = ""
    distributions: list[DistributionForm] = field(default_factory=list)

    # -- from the request ----------------------------------------------------------------------
    @classmethod
    def from_request(cls, form: MultiDict) -> DatasetForm:
        def get(name: str) -> str:
            return (form.get(name) or "").strip()

        out = cls(**{name: get(name) for name in (
            "identifier", "title", "description", "keywords", "frequency", "licence",
            "access_rights", "conforms_to", "landing_page", "spatial", "issued",
            "contact_name", "contact_email", "temporal_start", "temporal_end")})
        out.themes = [v for v in form.getlist("themes") if v]
        rows = sorted({int(m.group(1)) for k in form
                       if (m := re.match(r"^dist-(\d{1,3})-", k))})
        for i in rows[:MAX_DISTRIBUTIONS]:
            out.distributions.append(DistributionForm(
                get(f"dist-{i}-node"), get(f"dist-{i}-title"), get(f"dist-{i}-url"),
                get(f"dist-{i}-format"), get(f"dist-{i}-licence"),
                bool(form.get(f"dist-{i}-remove"))))
        return out

    # -- from a stored record ------------------------------------------------------------------
    @classmethod
    def from_graph(cls, graph: Graph, iri: str) -> DatasetForm:
        node = URIRef(iri)

        def fr_text(p) -> str:
            values = [o for o in graph.objects(node, p) if _is_fr(o)]
            return str(sorted(values, key=lambda v: v.language != "fr")[0]) if values else ""

        def one_iri(p) -> str:
            return next((str(o) for o in graph.objects(node, p) if isinstance(o, URIRef)), "")

        out = cls(identifier=str(graph.value(node, DCTERMS.identifier) or ""),
                  **{name: fr_text(p) for name, p in TEXTS.items()},
                  **{name: one_iri(p) for name, p in SINGLE_IRIS.items()})
        out.keywords = ", ".join(sorted(str(k) for k in graph.objects(node, DCAT.keyword)
                                        if _is_fr(k)))
        out.themes = sorted(str(t) for t in graph.objects(node, DCAT.theme))
        out.spatial = " ".join(sorted(
            s[len(INSEE_COMMUNE):] if s.startswith(INSEE_COMMUNE) else s
            for s in map(str, graph.objects(node, DCTERMS.spatial))))
        issued = graph.value(node, DCTERMS.issued)
        out.issued = str(issued)[:10] if issued is not None else ""
        contact = graph.value(node, DCAT.contactPoint)
        if contact is not None:
            out.contact_name = str(graph.value(contact, VCARD.fn) or "")
            email = str(graph.value(contact, VCARD.hasEmail) or "")
            out.contact_email = email.removeprefix("mailto:")
        period = graph.value(node, DCTERMS.temporal)
        if period is not None:
            start, end = graph.value(period, DCAT.startDate), graph.value(period, DCAT.endDate)
            out.temporal_start = str(start)[:10] if start is not None else ""
            out.temporal_end = str(end)[:10] if end is not None else ""
        for dist in sorted(graph.objects(node, DCAT.distribution), key=str):
            url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
            titles = [o for o in graph.objects(dist, DCTERMS.title) if _is_fr(o)]
            out.distributions.append(DistributionForm(
                str(dist), str(titles[0]) if titles else "", str(url or ""),
                str(graph.value(dist, DCTERMS.format) or ""),
                str(graph.value(dist, DCTERMS.license) or "")))
        return out

    # -- checks the graph cannot express -------------------------------------------------------
    def local_errors(self, creating: bool, lang: str = "fr") -> dict[str, list[str]]:
        """Input that cannot even become RDF (a URL that is not one, a bad e-mail…), in the
        reader's language."""
        errors: dict[str, list[str]] = {}

        def add(name: str, fr: str, en: str) -> None:
            errors.setdefault(name, []).append(en if lang == "en" else fr)

        if creating and self.identifier and not SLUG.match(self.identifier):
            add("identifier", "Lettres, chiffres, « - » et « _ » seulement.",
                "Letters, digits, '-' and '_' only.")
        if self.landing_page and not _is_url(self.landing_page):
            add("landing_page", "Adresse web attendue (https://…).", "A web address (https://…).")
        if self.contact_email and not EMAIL.match(self.contact_email):
            add("contact_email", "Adresse électronique invalide.", "Invalid e-mail address.")
        for name in ("issued", "temporal_start", "temporal_end"):
            if getattr(self, name) and not DATE.match(getattr(self, name)):
                add(name, "Date attendue au format AAAA-MM-JJ.", "Date expected as YYYY-MM-DD.")
        for token in self.spatial_tokens():
            if not _is_url(token) and _place(token) is None:
                found = resolve(token)
                listed = ", ".join(f"{t.label} [{t.key if t.siren else t.code}]"
                                   for t in found.candidates[:5])
                if listed:
                    add("spatial", f"« {token} » désigne plusieurs territoires : {listed}. "
                        "Précisez le code.", f"'{token}' names several territories: {listed}. "
                        "Give the code.")
                else:
                    add("spatial", f"« {token} » : territoire inconnu (nom ou code INSEE de "
                        "commune, SIREN d'EPCI, département, région, ou adresse).",
                        f"'{token}': unknown territory (a commune name or INSEE code, an EPCI "
                        "SIREN, a département, a région, or an address).")
        for i, dist in enumerate(self.distributions):
            if dist.url and not _is_url(dist.url):
                add(f"dist-{i}-url", "Adresse web attendue (https://…).",
                    "A web address (https://…).")
        return errors

    def spatial_tokens(self) -> list[str]:
        """Places separated by `;`, `,` or new lines; codes and addresses also by spaces
        (names keep theirs: « La Chapelle-Thouarault »)."""
        out: list[str] = []
        for part in re.split(r"[,;\n]+", self.spatial):
            part = part.strip()
            if part and (" " not in part or all(INSEE_CODE.match(w) or _is_url(w)
                                                 for w in part.split())):
                out += part.split()
            elif part:
                out.append(part)
        return out

    def kept_distributions(self) -> list[tuple[int, DistributionForm]]:
        return [(i, d) for i, d in enumerate(self.distributions)
                if not d.remove and not d.empty()]

    # -- to the record graph -------------------------------------------------------------------
    def to_graph(self, iri: str, stored: Graph | None = None) -> tuple[Graph, dict[str, int]]:
        """The record graph, and which distribution node is which form row (for the report)."""
        node = URIRef(iri)
        graph = Graph()
        if stored is not None:
            for triple in stored:
                graph.add(triple)
            self._clear(graph, node)
        graph.add((node, RDF.type, DCAT.Dataset))
        if stored is None and self.identifier:
            graph.add((node, DCTERMS.identifier, Literal(self.identifier)))
        for name, p in TEXTS.items():
            if getattr(self, name):
                graph.add((node, p, Literal(getattr(self, name), lang="fr")))
        for name, p in SINGLE_IRIS.items():
            value = getattr(self, name)
            if value and _is_url(value):
                graph.add((node, p, URIRef(value)))
        for word in {k.strip() for k in re.split(r"[,;]", self.keywords) if k.strip()}:
            graph.add((node, DCAT.keyword, Literal(word, lang="fr")))
        for theme in self.themes:
            if _is_url(theme):
                graph.add((node, DCAT.theme, URIRef(theme)))
        for token in self.spatial_tokens():
            if _is_url(token):
                graph.add((node, DCTERMS.spatial, URIRef(token)))
            elif (place := _place(token)) is not None:
                graph.add((node, DCTERMS.spatial, URIRef(place)))
        if self.issued:
            graph.add((node, DCTERMS.issued, _date(self.issued)))
        self._contact(graph, node, iri, stored)
        self._temporal(graph, node, iri, stored)
        rows: dict[str, int] = {}
        known = set(map(str, stored.objects(node, DCAT.distribution))) if stored else set()
        taken = {d.node for _, d in self.kept_distributions()}
        for i, dist in self.kept_distributions():
            dnode = URIRef(dist.node) if dist.node in known else URIRef(_fresh(iri, taken, i))
            taken.add(str(dnode))
            rows[str(dnode)] = i
            graph.add((node, DCAT.distribution, dnode))
            graph.add((dnode, RDF.type, DCAT.Distribution))
            if dist.title:
                graph.add((dnode, DCTERMS.title, Literal(dist.title, lang="fr")))
            if dist.url and _is_url(dist.url):
                graph.add((dnode, DCAT.accessURL, URIRef(dist.url)))
                graph.add((dnode, DCAT.downloadURL, URIRef(dist.url)))
            if dist.format and _is_url(dist.format):
                graph.add((dnode, DCTERMS.format, URIRef(dist.format)))
            licence = dist.licence or self.licence
            if licence and _is_url(licence):
                graph.add((dnode, DCTERMS.license, URIRef(licence)))
        return graph, rows

    def _contact(self, graph: Graph, node: URIRef, iri: str, stored: Graph | None) -> None:
        existing = stored.value(node, DCAT.contactPoint) if stored is not None else None
        if not (self.contact_name or self.contact_email):
            if existing is not None:
                _drop_tree(graph, existing, iri)
                graph.remove((node, DCAT.contactPoint, None))
            return
        contact = existing if existing is not None else URIRef(f"{iri}#contact")
        graph.add((node, DCAT.contactPoint, contact))
        if (contact, RDF.type, None) not in graph:
            graph.add((contact, RDF.type, VCARD.Organization))
        graph.remove((contact, VCARD.fn, None))
        graph.remove((contact, VCARD.hasEmail, None))
        if self.contact_name:
            graph.add((contact, VCARD.fn, Literal(self.contact_name)))
        if self.contact_email:
            graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{self.contact_email}")))

    def _temporal(self, graph: Graph, node: URIRef, iri: str, stored: Graph | None) -> None:
        existing = stored.value(node, DCTERMS.temporal) if stored is not None else None
        if not (self.temporal_start or self.temporal_end):
            if existing is not None:
                _drop_tree(graph, existing, iri)
                graph.remove((node, DCTERMS.temporal, None))
            return
        period = existing if existing is not None else URIRef(f"{iri}#temporal")
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        graph.remove((period, DCAT.startDate, None))
        graph.remove((period, DCAT.endDate, None))
        if self.temporal_start:
            graph.add((period, DCAT.startDate, _date(self.temporal_start)))
        if self.temporal_end:
            graph.add((period, DCAT.endDate, _date(self.temporal_end)))

    def _clear(self, graph: Graph, node: URIRef) -> None:
        for p in TEXTS.values():
            for o in list(graph.objects(node, p)):
                if _is_fr(o):
                    graph.remove((node, p, o))
        for o in list(graph.objects(node, DCAT.keyword)):
            if _is_fr(o):
                graph.remove((node, DCAT.keyword, o))
        for p in (*SINGLE_IRIS.values(), DCAT.theme, DCTERMS.spatial, DCTERMS.issued):
            graph.remove((node, p, None))
        kept = {d.node for _, d in self.kept_distributions()}
        for dist in list(graph.objects(node, DCAT.distribution)):
            if str(dist) in kept:
                for p in (DCTERMS.format, DCAT.accessURL, DCAT.downloadURL, DCTERMS.license):
                    graph.remove((dist, p, None))
                for o in list(graph.objects(dist, DCTERMS.title)):
                    if _is_fr(o):
                        graph.remove((dist, DCTERMS.title, o))
            else:
                graph.remove((node, DCAT.distribution, dist))
                _drop_tree(graph, dist, str(node))


def _date(value: str) -> Literal:
    kind = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}.get(len(value), XSD.date)
    return Literal(value, datatype=kind)


def _is_url(value: str) -> bool:
    return bool(re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value))


def _fresh(iri: str, taken: set[str], i: int) -> str:
    n = i + 1
    while f"{iri}#distribution-{n}" in taken:
        n += 1
    return f"{iri}#distribution-{n}"


def _drop_tree(graph: Graph, start: Any, iri: str) -> None:
    """Remove a node and what hangs off it only (blank or hash nodes of this record)."""
    todo, seen = [start], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in list(graph.predicate_objects(current)):
            graph.remove((current, p, o))
            if isinstance(o, BNode) or (isinstance(o, URIRef) and "#" in str(o)
                                        and str(o).split("#")[0] == iri.split("#")[0]):
                todo.append(o)


def place_results(results: list[dict], graph: Graph, iri: str,
                  rows: dict[str, int]) -> dict[str, list[dict]]:
    """Each validation result under the form field it concerns ("general" otherwise).

    Notes (severity Info) are left to the public page: they are about vocabulary typing that
    a curator cannot change from the form."""
    contact, period = contact_node(graph, iri), period_node(graph, iri)
    placed: dict[str, list[dict]] = {}
    for r in results:
        if r.get("severity") == "Info":
            continue
        focus, path = r.get("focus"), r.get("path") or ""
        name = "general"
        if focus == iri:
            name = DATASET_FIELDS.get(path, "general")
        elif focus in rows:
            name = f"dist-{rows[focus]}-{DIST_FIELDS.get(path, 'title')}"
        elif contact is not None and focus == contact:
            name = CONTACT_FIELDS.get(path, "contact_name")
        elif period is not None and focus == period:
            name = PERIOD_FIELDS.get(path, "temporal_start")
        placed.setdefault(name, []).append(r)
    return placed


def contact_node(graph: Graph, iri: str) -> str | None:
    value = graph.value(URIRef(iri), DCAT.contactPoint)
    return str(value) if value is not None else None


def period_node(graph: Graph, iri: str) -> str | None:
    value = graph.value(URIRef(iri), DCTERMS.temporal)
    return str(value) if value is not None else None


def _place(token: str) -> str | None:
    """The INSEE IRI of the one territory a name or code names (the registry of
    service.territories), else None; a commune code stays valid even if the registry lags."""
    found = resolve(token)
    if found.territory is not None:
        return found.territory.iri
    return INSEE_COMMUNE + token if INSEE_CODE.match(token) else None
