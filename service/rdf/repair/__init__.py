"""The repair step before validation (harvest, RDF import, records API with ``?repair=1``):
see engine.py for why, tables.py and vocab/repair-aliases.tsv for the data."""

from service.rdf.repair.engine import Repair, repair_triples
from service.rdf.repair.extracted import declared_language, repair_extracted, repair_lines

__all__ = ["Repair", "declared_language", "repair_extracted", "repair_lines",
           "repair_triples"]
