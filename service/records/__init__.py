"""HTTP API for records: /datasets and /validate."""
