"""RDF plumbing: formats, safe parsing, record extraction, serialising. No Flask here."""
