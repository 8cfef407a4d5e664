"""SCDL "Catalogue simplifié" CSV import and export (docs/scdl.md).

``import_csv(records, publisher_id, data)`` is what the CLI (`socle import x.csv`), the HTTP
import (`POST /publishers/{id}/import`) and the curator import page call.
"""

from service.ingest.scdl.importer import import_csv

__all__ = ["import_csv"]
