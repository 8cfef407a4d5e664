"""The MQA score of one dataset, and of many (a publisher, the instance).

Every indicator is "points x share that pass" (mqa.md). A result keeps the two counts, not
the share, so that aggregating datasets is summing counts: the share of a publisher is that of
all its datasets' distributions together, as data.europa.eu counts a catalogue. The choices
the table leaves open are written in docs/quality.md, each with the test that holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from service.quality.facts import Distribution, Facts
from service.quality.indicators import (
    BY_ID,
    DIMENSION_MAXIMA,
    DIMENSIONS,
    INDICATORS,
    MAXIMUM,
    Indicator,
    band,
)

# A URL's last check: True answered with success, False did not, None not checked yet.
LinkState = Callable[[str], "bool | None"]


def unchecked(_url: str) -> bool | None:
    return None


@dataclass(frozen=True)
class Result:
    indicator: Indicator
    passed: int
    population: int
    unchecked: int = 0  # failing only because a URL was not checked yet

    @property
    def share(self) -> float:
        return self.passed / self.population if self.population else 0.0

    @property
    def points(self) -> float:
        return points(self.indicator, self.passed, self.population)

    @property
    def lost(self) -> float:
        return self.indicator.points - self.points


@dataclass(frozen=True)
class Score:
    results: tuple[Result, ...]
    datasets: int = 1
    extra: dict = field(default_factory=dict, compare=False)

    @cached_property
    def total(self) -> float:
        # points(), inlined: read for every dataset of a rescore
        return sum(r.indicator.points * (r.passed / r.population if r.population else 0.0)
                   for r in self.results)

    @property
    def band(self) -> str:
        return band(self.total)

    def dimension(self, name: str) -> float:
        return sum(r.points for r in self.results if r.indicator.dimension == name)

    def dimensions(self) -> dict[str, dict[str, float]]:
        return {d: {"points": round(self.dimension(d), 2), "maximum": DIMENSION_MAXIMA[d]}
                for d in DIMENSIONS}

    def fixes(self) -> list[Result]:
        """Indicators with points to gain, most points first (table order on ties)."""
        order = {i.id: n for n, i in enumerate(INDICATORS)}
        lost = [r for r in self.results if r.lost > 1e-9]
        return sorted(lost, key=lambda r: (-r.lost, order[r.indicator.id]))

    def compact(self) -> dict[str, list[int]]:
        """{indicator: [passed, population, unchecked]}: what is stored."""
        return {r.indicator.id: [r.passed, r.population, r.unchecked] for r in self.results}


    @classmethod
    def from_compact(cls, data: dict[str, list[int]], datasets: int = 1) -> Score:
        return cls(tuple(Result(BY_ID[i.id], *data.get(i.id, [0, 1, 0])) for i in INDICATORS),
                   datasets)

    def to_json(self, lang: str = "fr") -> dict:
        return {
            "score": round(self.total, 2), "maximum": MAXIMUM, "band": self.band,
            "datasets": self.datasets, "dimensions": self.dimensions(),
            "indicators": [{"id": r.indicator.id, "dimension": r.indicator.dimension,
                            "label": r.indicator.label(lang), "points": round(r.points, 2),
                            "maximum": r.indicator.points, "passed": r.passed,
                            "population": r.population, "unchecked": r.unchecked}
                           for r in self.results],
            "fixes": [{"id": r.indicator.id, "gain": round(r.lost, 2),
                       "fr": r.indicator.fix_fr, "en": r.indicator.fix_en,
                       "unchecked": r.unchecked} for r in self.fixes()],
        }


def points(indicator: Indicator, passed: int, population: int) -> float:
    """Points earned: the indicator's points x the share that passes (0 of none)."""
    return indicator.points * (passed / population if population else 0.0)


def compact_points(data: dict[str, list[int]]) -> tuple[dict[str, float], float]:
    """Each indicator's points and the total of `Score.from_compact(data)`, summed in the
    same order (the same floats), without building the Score: a rescore reads 10^5 of them."""
    each = {}
    for i in INDICATORS:
        counts = data.get(i.id, [0, 1, 0])
        each[i.id] = points(i, counts[0], counts[1])
    return each, sum(each.values())


def _urls_state(urls: tuple[str, ...], link: LinkState) -> bool | None:
    """A distribution's URLs of one kind pass when there are some and every one answered."""
    if not urls:
        return False
    state: bool | None = True
    for url in urls:  # a loop, not two any() over a list: called for every distribution
        found = link(url)
        if found is False:
            return False
        if found is None:
            state = None
    return state


def _share(dists: tuple[Distribution, ...], test: Callable[[Distribution], bool | None]
           ) -> tuple[int, int, int]:
    """(passed, population, unchecked) over the distributions; none counts as one failing."""
    if not dists:
        return 0, 1, 0
    return _count([test(d) for d in dists])


def _count(states: list[bool | None]) -> tuple[int, int, int]:
    return states.count(True), len(states), states.count(None)


def _links_share(dists: tuple[Distribution, ...], link: LinkState, download: bool
                 ) -> tuple[int, int, int]:
    """_share of the access (or download) URL states, without a lambda per distribution."""
    if not dists:
        return 0, 1, 0
    if download:
        return _count([_urls_state(d.download_urls, link) for d in dists])
    return _count([_urls_state(d.access_urls, link) for d in dists])


def best_distribution(dists: tuple[Distribution, ...]) -> Distribution | None:
    """The distribution earning most interoperability points; the first by IRI on ties."""
    best = None
    for d in dists:
        if best is None or d.interoperability() > best.interoperability():
            best = d
    return best


def score(facts: Facts, conforms: bool, link: LinkState = unchecked) -> Score:
    """The MQA score of one dataset (validation outcome and link states given)."""
    dists = facts.distributions
    best = best_distribution(dists)
    values: dict[str, tuple[int, int, int]] = {
        "keywordAvailability": _flag(facts.keyword),
        "categoryAvailability": _flag(facts.theme),
        "spatialAvailability": _flag(facts.spatial),
        "temporalAvailability": _flag(facts.temporal),
        "accessUrlStatusCode": _links_share(dists, link, download=False),
        "downloadUrlAvailability": _share(dists, lambda d: bool(d.download_urls)),
        "downloadUrlStatusCode": _links_share(dists, link, download=True),
        "formatAvailability": _flag(best is not None and best.format),
        "mediaTypeAvailability": _flag(best is not None and best.media_type),
        "formatMediaTypeVocabularyAlignment": _flag(best is not None and best.vocabulary),
        "formatMediaTypeNonProprietary": _flag(best is not None and best.non_proprietary),
        "formatMediaTypeMachineInterpretable": _flag(best is not None
                                                     and best.machine_readable),
        "dcatApCompliance": _flag(conforms),
        "licenceAvailability": _share(dists, lambda d: d.licence),
        "knownLicence": _share(dists, lambda d: d.known_licence),
        "accessRightsAvailability": _flag(facts.access_rights),
        "accessRightsVocabularyAlignment": _flag(facts.known_access_rights),
        "contactPointAvailability": _flag(facts.contact_point),
        "publisherAvailability": _flag(facts.publisher),
        "rightsAvailability": _share(dists, lambda d: d.rights),
        "byteSizeAvailability": _share(dists, lambda d: d.byte_size),
        "dateIssuedAvailability": _flag(facts.issued),
        "dateModifiedAvailability": _flag(facts.modified),
    }
    return Score(tuple(_result(i, *values[i.id]) for i in INDICATORS))


_RESULTS: dict[tuple[str, int, int, int], Result] = {}


def _result(indicator: Indicator, passed: int, population: int, unchecked: int) -> Result:
    """A Result, shared between datasets with the same counts: results are frozen values,
    and a rescore of 10^5 datasets would otherwise build 23 of them per dataset."""
    key = (indicator.id, passed, population, unchecked)
    found = _RESULTS.get(key)
    if found is None or found.indicator is not indicator:
        if len(_RESULTS) > 100_000:
            _RESULTS.clear()
        found = _RESULTS[key] = Result(indicator, passed, population, unchecked)
    return found


def _flag(ok: bool) -> tuple[int, int, int]:
    return int(bool(ok)), 1, 0


def aggregate(scores: Iterable[Score]) -> Score:
    """Many datasets as one catalogue: counts summed per indicator, then points x share."""
    passed = {i.id: 0 for i in INDICATORS}
    population = {i.id: 0 for i in INDICATORS}
    pending = {i.id: 0 for i in INDICATORS}
    count = 0
    for s in scores:
        count += s.datasets
        for r in s.results:
            passed[r.indicator.id] += r.passed
            population[r.indicator.id] += r.population
            pending[r.indicator.id] += r.unchecked
    return Score(tuple(Result(i, passed[i.id], population[i.id], pending[i.id])
                       for i in INDICATORS), count)
