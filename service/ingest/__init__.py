"""Getting metadata in: RDF catalogue import, demo data (SCDL CSV and harvesting build on it)."""
