"""Theme vocabularies Socle does not hold as DCAT-AP themes but recognises: the INSPIRE spatial
data themes (``http://inspire.ec.europa.eu/theme/…``, INSPIRE registry) and the High-Value
Dataset categories of Implementing Regulation (EU) 2023/138 (``http://data.europa.eu/bna/…``).

A record keeps them as ``dct:subject`` (structure.py, "theme-subject"); the repair maps a
source's own IRI for an INSPIRE theme (a concept of the INSPIRE theme scheme, named by the
theme's label) to the registry's IRI, and the ``datagouv`` profile serves these IRIs as
``dcat:theme`` with their labels, which is where data.gouv.fr reads them (its ``inspire`` and
``hvd`` tags).
"""

from __future__ import annotations

from service.rdf.repair.tables import key

INSPIRE_THEME = "http://inspire.ec.europa.eu/theme/"
# Concept schemes a source names for the INSPIRE themes (the registry's, GEMET's copy).
INSPIRE_SCHEMES = frozenset({"http://inspire.ec.europa.eu/theme",
                             "http://inspire.ec.europa.eu/theme/",
                             "http://www.eionet.europa.eu/gemet/inspire_themes"})
HVD_CATEGORY = "http://data.europa.eu/bna/"

# INSPIRE theme code → (French, English) label of the INSPIRE registry.
INSPIRE_THEMES: dict[str, tuple[str, str]] = {
    "ac": ("Conditions atmosphériques", "Atmospheric conditions"),
    "ad": ("Adresses", "Addresses"),
    "af": ("Installations agricoles et aquacoles", "Agricultural and aquaculture facilities"),
    "am": ("Zones de gestion, de restriction ou de réglementation et unités de déclaration",
           "Area management/restriction/regulation zones and reporting units"),
    "au": ("Unités administratives", "Administrative units"),
    "br": ("Régions biogéographiques", "Bio-geographical regions"),
    "bu": ("Bâtiments", "Buildings"),
    "cp": ("Parcelles cadastrales", "Cadastral parcels"),
    "ef": ("Installations de suivi environnemental", "Environmental monitoring facilities"),
    "el": ("Altitude", "Elevation"),
    "er": ("Sources d'énergie", "Energy resources"),
    "ge": ("Géologie", "Geology"),
    "gg": ("Systèmes de maillage géographique", "Geographical grid systems"),
    "gn": ("Dénominations géographiques", "Geographical names"),
    "hb": ("Habitats et biotopes", "Habitats and biotopes"),
    "hh": ("Santé et sécurité des personnes", "Human health and safety"),
    "hy": ("Hydrographie", "Hydrography"),
    "lc": ("Occupation des terres", "Land cover"),
    "lu": ("Usage des sols", "Land use"),
    "mf": ("Caractéristiques géographiques météorologiques",
           "Meteorological geographical features"),
    "mr": ("Ressources minérales", "Mineral resources"),
    "nz": ("Zones à risque naturel", "Natural risk zones"),
    "of": ("Caractéristiques géographiques océanographiques",
           "Oceanographic geographical features"),
    "oi": ("Ortho-imagerie", "Orthoimagery"),
    "pd": ("Répartition de la population — démographie", "Population distribution — demography"),
    "pf": ("Lieux de production et sites industriels", "Production and industrial facilities"),
    "ps": ("Sites protégés", "Protected sites"),
    "rs": ("Référentiels de coordonnées", "Coordinate reference systems"),
    "sd": ("Répartition des espèces", "Species distribution"),
    "so": ("Sols", "Soil"),
    "sr": ("Régions maritimes", "Sea regions"),
    "su": ("Unités statistiques", "Statistical units"),
    "tn": ("Réseaux de transport", "Transport networks"),
    "us": ("Services d'utilité publique et services publics",
           "Utility and governmental services"),
}
# HVD category (EU vocabulary ``high-value dataset categories``) → (French, English) label.
HVD_CATEGORIES: dict[str, tuple[str, str]] = {
    "c_ac64a52d": ("Géospatiales", "Geospatial"),
    "c_dd313021": ("Observation de la Terre et environnement", "Earth observation and environment"),
    "c_164e0bf5": ("Météorologiques", "Meteorological"),
    "c_e1da4e07": ("Statistiques", "Statistics"),
    "c_a9135398": ("Entreprises et propriété d'entreprises", "Companies and company ownership"),
    "c_b79e35eb": ("Mobilité", "Mobility"),
}

# Every recognised IRI → (French, English) label.
LABELS: dict[str, tuple[str, str]] = {
    **{INSPIRE_THEME + code: labels for code, labels in INSPIRE_THEMES.items()},
    **{HVD_CATEGORY + code: labels for code, labels in HVD_CATEGORIES.items()},
}
_INSPIRE_BY_LABEL = {key(label): INSPIRE_THEME + code
                     for code, labels in INSPIRE_THEMES.items() for label in labels}


def inspire_theme(label: str) -> str | None:
    """The INSPIRE registry IRI of the theme named ``label`` (French or English), if any."""
    return _INSPIRE_BY_LABEL.get(key(label))
