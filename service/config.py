"""Settings: one typed object built from defaults, SOCLE_* environment variables and overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from service.resources import SHAPES_DIR, VOCAB_DIR

# The source checkout (tests and scripts only: the service finds its data in the package).
REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    data: str = "./socle-data"
    base_url: str = "http://localhost:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 10 * 1024 * 1024
    demo: bool = False
    shapes_dir: str = str(SHAPES_DIR)
    vocab_dir: str = str(VOCAB_DIR)
    threads: int = 8
    # The whole catalogue's dcat:Catalog node (the operator's platform).
    catalog_title: str = "Catalogue des données publiques locales"
    catalog_description: str = ("Jeux de données publiés par les collectivités de la plateforme, "
                                "au format DCAT-AP.")
    operator_name: str = "Plateforme Socle"
    # SPARQL endpoint (docs/sparql.md): per-query wall clock, rows per result (0 = no limit),
    # queries running at once (one worker process each), wait for a free worker before 503.
    sparql_timeout: float = 10.0
    sparql_max_rows: int = 10000
    sparql_max_concurrent: int = 2
    sparql_queue_wait: float = 1.0
    sparql_cache_max_age: int = 60
    sparql_worker_nice: int = 5
    sparql_allow_service: bool = False
    # Untrusted RDF bodies are parsed in worker processes (service/rdf/isolate.py): how many,
    # address-space cap of each (MB), wall clock per document (s); 0 workers = in-process.
    parse_workers: int = 2
    parse_memory_mb: int = 1024
    parse_seconds: float = 10.0
    # Anonymous POST /validate and validation page: requests a minute per client, burst.
    validate_per_minute: float = 30.0
    validate_burst: int = 10
    # Harvester (docs/harvest.md): allow-list (hosts, *.domains, IPs, CIDR networks; empty =
    # any public host), withdrawal grace, and per-run limits.
    harvest_allow: str = ""
    harvest_allow_private: bool = False
    harvest_grace_days: float = 7.0
    harvest_max_pages: int = 1000
    harvest_max_page_bytes: int = 50 * 1024 * 1024
    harvest_max_seconds: float = 3600.0
    harvest_timeout: float = 30.0
    harvest_retries: int = 3
    harvest_backoff: float = 1.0
    # Link checker (docs/quality.md): hours between two runs in the server (0: none), request
    # timeout, requests at once and seconds between two request starts per host, threads,
    # whether robots.txt is obeyed.
    linkcheck_interval_hours: float = 24.0
    linkcheck_timeout: float = 10.0
    linkcheck_per_host: int = 2
    linkcheck_min_interval: float = 0.5
    linkcheck_workers: int = 16
    linkcheck_robots: bool = True
    # Territories dashboard: communes above this population are "likely obliged" to open data.
    obligation_threshold: int = 3500
    # Signs the curator session cookies (web pages); empty: generated into <data>/socle-secret.key.
    secret_key: str = ""
    # External SPARQL 1.1 store (docs/scaling.md): query URL (SOCLE_STORE), update and Graph
    # Store Protocol URLs when they differ, credentials (basic, or digest), request timeout.
    store_url: str = ""
    store_update: str = ""
    store_gsp: str = ""
    store_user: str = ""
    store_password: str = ""
    store_auth: str = "basic"
    store_timeout: float = 30.0
    # Behind a reverse proxy: how many proxies' X-Forwarded-* values to trust (0: ignore them).
    proxy_hops: int = 0
    # Whether base_url was given (option, SOCLE_BASE_URL, caller) or is the default: a default
    # gives way to the base stored in the data directory (service/ops/identity.py).
    base_url_given: bool = field(default=True, compare=False)
    # Test hook: a ready Store instance instead of opening `data` (never set from the env).
    store: Any = field(default=None, compare=False)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then SOCLE_<NAME> variables, then explicit (non-None) overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"SOCLE_{f.name.upper()}")
            if f.name == "store_url":  # DESIGN §6 names it SOCLE_STORE
                raw = env.get("SOCLE_STORE", raw)
            if raw is None or f.name in ("store", "base_url_given"):
                continue
            values[f.name] = _coerce(f.type, raw)
        given = {k: v for k, v in overrides.items() if v is not None}
        values.setdefault("base_url_given", "base_url" in values or "base_url" in given)
        settings = cls(**values)
        return replace(settings, **given)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))


def _coerce(kind: Any, raw: str) -> Any:
    if kind in (int, "int"):
        return int(raw)
    if kind in (float, "float"):
        return float(raw)
    if kind in (bool, "bool"):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return raw
