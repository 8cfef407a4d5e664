"""The data.europa.eu MQA indicator table (../shared/reference/mqa.md), as data.

Each row says what is checked, on what (the dataset, each distribution, or the best
distribution: see docs/quality.md), how many points it weighs, and what a curator must do to
earn them, in French and English. The scoring engine (score.py) only reads this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["dataset", "distribution", "best-distribution"]

DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability",
              "contextuality")
DIMENSION_LABELS = {
    "findability": ("Trouvabilité", "Findability"),
    "accessibility": ("Accessibilité", "Accessibility"),
    "interoperability": ("Interopérabilité", "Interoperability"),
    "reusability": ("Réutilisabilité", "Reusability"),
    "contextuality": ("Contexte", "Contextuality"),
}


@dataclass(frozen=True)
class Indicator:
    id: str  # also the local name of its dqv:Metric (the names piveau's MQA uses)
    dimension: str
    points: int
    scope: Scope
    label_fr: str
    label_en: str
    fix_fr: str
    fix_en: str

    def label(self, lang: str) -> str:
        return self.label_fr if lang == "fr" else self.label_en

    def fix(self, lang: str) -> str:
        return self.fix_fr if lang == "fr" else self.fix_en


def _i(*args: str | int) -> Indicator:
    return Indicator(*args)  # type: ignore[arg-type]


INDICATORS: tuple[Indicator, ...] = (
    _i("keywordAvailability", "findability", 30, "dataset",
       "Mots-clés", "Keyword usage",
       "Ajoutez au moins un mot-clé (dcat:keyword).",
       "Add at least one keyword (dcat:keyword)."),
    _i("categoryAvailability", "findability", 30, "dataset",
       "Thèmes", "Categories",
       "Choisissez au moins un thème (dcat:theme).",
       "Pick at least one theme (dcat:theme)."),
    _i("spatialAvailability", "findability", 20, "dataset",
       "Couverture géographique", "Geo search",
       "Indiquez le territoire couvert (dct:spatial), par exemple la commune.",
       "Give the area covered (dct:spatial), e.g. the commune."),
    _i("temporalAvailability", "findability", 20, "dataset",
       "Couverture temporelle", "Time-based search",
       "Indiquez la période couverte (dct:temporal).",
       "Give the period covered (dct:temporal)."),
    _i("accessUrlStatusCode", "accessibility", 50, "distribution",
       "Adresse d'accès joignable", "Access URL accessibility",
       "Corrigez l'adresse d'accès (dcat:accessURL) : elle ne répond pas avec succès "
       "(ou n'a pas encore été vérifiée : socle links check).",
       "Fix the access URL (dcat:accessURL): it does not answer with a success status "
       "(or was not checked yet: socle links check)."),
    _i("downloadUrlAvailability", "accessibility", 20, "distribution",
       "Adresse de téléchargement", "Download URL",
       "Donnez une adresse de téléchargement direct (dcat:downloadURL) à chaque distribution.",
       "Give every distribution a direct download URL (dcat:downloadURL)."),
    _i("downloadUrlStatusCode", "accessibility", 30, "distribution",
       "Adresse de téléchargement joignable", "Download URL accessibility",
       "Corrigez l'adresse de téléchargement (dcat:downloadURL) : elle manque, ne répond "
       "pas avec succès ou n'a pas encore été vérifiée.",
       "Fix the download URL (dcat:downloadURL): it is missing, does not answer with a "
       "success status or was not checked yet."),
    _i("formatAvailability", "interoperability", 20, "best-distribution",
       "Format", "Format",
       "Indiquez le format de la distribution (dct:format).",
       "Give the distribution's format (dct:format)."),
    _i("mediaTypeAvailability", "interoperability", 10, "best-distribution",
       "Type de média", "Media type",
       "Indiquez le type de média (dcat:mediaType), par exemple text/csv.",
       "Give the media type (dcat:mediaType), e.g. text/csv."),
    _i("formatMediaTypeVocabularyAlignment", "interoperability", 10, "best-distribution",
       "Format issu d'un vocabulaire", "Format / media type from vocabulary",
       "Prenez le format dans la table européenne des types de fichiers "
       "(http://publications.europa.eu/resource/authority/file-type/…) ou le type de média "
       "dans le registre IANA.",
       "Take the format from the EU file-type table "
       "(http://publications.europa.eu/resource/authority/file-type/…) or the media type "
       "from the IANA registry."),
    _i("formatMediaTypeNonProprietary", "interoperability", 20, "best-distribution",
       "Format non propriétaire", "Non-proprietary format",
       "Publiez aussi un format ouvert (CSV, JSON, GeoJSON, ODS…).",
       "Also publish an open format (CSV, JSON, GeoJSON, ODS…)."),
    _i("formatMediaTypeMachineInterpretable", "interoperability", 20, "best-distribution",
       "Format lisible par machine", "Machine-readable format",
       "Publiez aussi un format lisible par machine (CSV, JSON, XML, GeoJSON…), pas "
       "seulement un PDF ou une page web.",
       "Also publish a machine-readable format (CSV, JSON, XML, GeoJSON…), not only a PDF "
       "or a web page."),
    _i("dcatApCompliance", "interoperability", 30, "dataset",
       "Conformité DCAT-AP", "DCAT-AP compliance",
       "Corrigez les erreurs bloquantes du rapport de validation DCAT-AP.",
       "Fix the violations of the DCAT-AP validation report."),
    _i("licenceAvailability", "reusability", 20, "distribution",
       "Licence", "Licence information",
       "Indiquez la licence de chaque distribution (dct:license), par exemple la Licence "
       "Ouverte 2.0.",
       "Give every distribution its licence (dct:license), e.g. Licence Ouverte 2.0."),
    _i("knownLicence", "reusability", 10, "distribution",
       "Licence d'un vocabulaire", "Licence vocabulary",
       "Désignez la licence par une adresse de la table européenne des licences "
       "(http://publications.europa.eu/resource/authority/licence/…) ou une adresse "
       "équivalente connue.",
       "Name the licence by an IRI of the EU licence table "
       "(http://publications.europa.eu/resource/authority/licence/…) or a known equivalent."),
    _i("accessRightsAvailability", "reusability", 10, "dataset",
       "Conditions d'accès", "Access restrictions",
       "Indiquez les conditions d'accès (dct:accessRights), par exemple « public ».",
       "Give the access conditions (dct:accessRights), e.g. 'public'."),
    _i("accessRightsVocabularyAlignment", "reusability", 5, "dataset",
       "Conditions d'accès d'un vocabulaire", "Access restrictions vocabulary",
       "Prenez les conditions d'accès dans la table européenne "
       "(http://publications.europa.eu/resource/authority/access-right/PUBLIC…).",
       "Take the access rights from the EU table "
       "(http://publications.europa.eu/resource/authority/access-right/PUBLIC…)."),
    _i("contactPointAvailability", "reusability", 20, "dataset",
       "Point de contact", "Contact point",
       "Ajoutez un point de contact (dcat:contactPoint) avec une adresse électronique.",
       "Add a contact point (dcat:contactPoint) with an e-mail address."),
    _i("publisherAvailability", "reusability", 10, "dataset",
       "Éditeur", "Publisher",
       "Indiquez l'éditeur (dct:publisher).",
       "Give the publisher (dct:publisher)."),
    _i("rightsAvailability", "contextuality", 5, "distribution",
       "Droits", "Rights",
       "Décrivez les droits de chaque distribution (dct:rights).",
       "Describe every distribution's rights (dct:rights)."),
    _i("byteSizeAvailability", "contextuality", 5, "distribution",
       "Taille du fichier", "File size",
       "Indiquez la taille de chaque fichier en octets (dcat:byteSize).",
       "Give every file's size in bytes (dcat:byteSize)."),
    _i("dateIssuedAvailability", "contextuality", 5, "dataset",
       "Date de publication", "Date of issue",
       "Indiquez la date de première publication (dct:issued).",
       "Give the date of first publication (dct:issued)."),
    _i("dateModifiedAvailability", "contextuality", 5, "dataset",
       "Date de modification", "Modification date",
       "Indiquez la date de dernière modification (dct:modified).",
       "Give the date of the last modification (dct:modified)."),
)

BY_ID = {i.id: i for i in INDICATORS}
MAXIMUM = sum(i.points for i in INDICATORS)  # 405
DIMENSION_MAXIMA = {d: sum(i.points for i in INDICATORS if i.dimension == d)
                    for d in DIMENSIONS}

# Lower limits, best first (mqa.md: Excellent 351-405, Good 221-350, Sufficient 121-220,
# Bad 0-120). Applied to the unrounded score: 350.5 is Good (docs/quality.md).
BANDS = (("excellent", 351), ("good", 221), ("sufficient", 121), ("bad", 0))
BAND_LABELS = {
    "excellent": ("Excellent", "Excellent"),
    "good": ("Bon", "Good"),
    "sufficient": ("Suffisant", "Sufficient"),
    "bad": ("Insuffisant", "Bad"),
}


def band(score: float) -> str:
    for name, lower in BANDS:
        if score >= lower:
            return name
    return "bad"


def band_label(name: str, lang: str) -> str:
    fr, en = BAND_LABELS[name]
    return fr if lang == "fr" else en
