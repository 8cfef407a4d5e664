"""SCDL "Catalogue simplifié" CSV import and export (docs/scdl.md)."""

from service.ingest.scdl.export import catalogue_csv
from service.ingest.scdl.importer import CsvFileError, import_csv

__all__ = ["CsvFileError", "catalogue_csv", "import_csv"]
