"""SCDL "Catalogue simplifié" CSV import/export (work in progress: checker only)."""
