"""Running an instance: its stored identity, backups, metrics, logs, hardened HTTP."""
