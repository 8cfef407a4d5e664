"""resolve(text): what a curator types for a place → the INSEE territory, or the candidates.

One pure function for every door (CLI, CSV import, web form): a commune, EPCI, département or
région by name (case/accent-insensitive, `Rennes (35)` to pick a homonym) or by code (INSEE
commune code, SIREN, `35` / `dep-35` for a département, `reg-53` for a région, or an INSEE
IRI). See docs/territories.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service.errors import SocleError
from service.territories.registry import Registry, Territory, registry

COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.IGNORECASE)
DEP_CODE = re.compile(r"^(\d{2}|2[AB]|97\d)$", re.IGNORECASE)
PREFIXED = re.compile(r"^(dep|reg|com|comd|coma|arm|epci)[-:\s]?(\w+)$", re.IGNORECASE)
WITH_DEP = re.compile(r"^(.*\S)\s*\((\d{2,3}|2[AB])\)$", re.IGNORECASE)
# Among homonyms, what a curator most likely means first.
KIND_RANK = {"REG": 0, "DEP": 1, "EPCI": 2, "COM": 3, "ARM": 4, "COMD": 5, "COMA": 6}


@dataclass(frozen=True)
class Resolution:
    """`territory` when the text names exactly one; else the `candidates` (maybe none)."""

    text: str
    territory: Territory | None = None
    candidates: list[Territory] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.territory is not None


def resolve(text: str, reg: Registry | None = None) -> Resolution:
    """The territory `text` names. Codes are exact; names match case- and accent-insensitively,
    current communes before communes déléguées/associées of the same name."""
    reg = reg or registry()
    text = (text or "").strip()
    if not text:
        return Resolution(text)
    found = _by_code(reg, text)
    if found is not None:
        return Resolution(text, found, [found])
    dep = None
    match = WITH_DEP.match(text)
    name = text
    if match:
        name, dep = match.group(1), match.group(2).upper()
    hits = reg.by_name(name)
    if dep:
        hits = [t for t in hits if t.dep == dep or (t.kind == "DEP" and t.code == dep)]
    current = [t for t in hits if t.kind not in ("COMD", "COMA")]
    hits = _areas_first(sorted(current or hits,
                               key=lambda t: (KIND_RANK[t.kind], -(t.population or 0))))
    if len(hits) == 1:
        return Resolution(text, hits[0], hits)
    return Resolution(text, None, hits)


def _areas_first(hits: list[Territory]) -> list[Territory]:
    """A région or département named like a commune elsewhere is what the name means
    (`Bretagne` the région, not the commune of the Territoire de Belfort); a commune inside the
    same-named area is the authority itself (`Paris`). A DEP and REG of one overseas
    territory (`Guyane`) give the département."""
    areas = [t for t in hits if t.kind in ("REG", "DEP")]
    if not areas or len(areas) == len(hits):
        return _same_overseas(areas) if len(areas) == 2 else hits
    codes = {(t.kind, t.code) for t in areas}
    inside = [t for t in hits if t.kind not in ("REG", "DEP")
              and (("DEP", t.dep) in codes or ("REG", t.reg) in codes)]
    if inside:
        return inside
    return _same_overseas(areas) if len(areas) == 2 else areas


def _same_overseas(areas: list[Territory]) -> list[Territory]:
    reg = [t for t in areas if t.kind == "REG"]
    dep = [t for t in areas if t.kind == "DEP"]
    if reg and dep and dep[0].reg == reg[0].code:
        return dep
    return areas


def _by_code(reg: Registry, text: str) -> Territory | None:
    if text.startswith("http://id.insee.fr/geo/"):
        return reg.by_iri(text)
    if text.isdigit() and len(text) == 9:
        return reg.by_siren.get(text)
    if COMMUNE_CODE.match(text):
        return reg.commune(text.upper())
    if DEP_CODE.match(text):
        return reg.get("DEP", text.upper())
    match = PREFIXED.match(text)
    if match:
        kind, code = match.group(1).upper(), match.group(2).upper()
        return reg.by_siren.get(code) if kind == "EPCI" else reg.get(kind, code)
    return None


def resolve_one(text: str, reg: Registry | None = None) -> Territory:
    """Like :func:`resolve`, but a bilingual SocleError (400) unless exactly one matches; the
    message lists up to 10 candidates with the code that picks each."""
    result = resolve(text, reg)
    if result.territory is not None:
        return result.territory
    if not result.candidates:
        raise SocleError(
            f"Territoire inconnu « {text} » : nom ou code INSEE de commune, SIREN, code de "
            "département (35) ou de région (reg-53) attendu.",
            f"Unknown territory '{text}': a commune name or INSEE code, a SIREN, a département "
            "code (35) or a région code (reg-53) expected.",
            parameter="spatial",
        )
    listed = ", ".join(f"{t.label} [{t.key if t.siren else t.code}]"
                       for t in result.candidates[:10])
    raise SocleError(
        f"« {text} » désigne plusieurs territoires : {listed}. Précisez le code.",
        f"'{text}' names several territories: {listed}. Give the code.",
        parameter="spatial", candidates=[t.iri for t in result.candidates[:10]],
    )
