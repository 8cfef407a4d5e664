"""Build a Harvester from the settings (the same for the CLI and the HTTP trigger)."""

from __future__ import annotations

from typing import Any

from service.ingest.harvest.policy import Limits, Policy
from service.ingest.harvest.runner import Harvester


def policy_from_settings(settings: Any, *, allow_private: bool = False,
                         **limit_overrides: Any) -> Policy:
    limits = Limits(
        max_pages=int(settings.harvest_max_pages),
        max_page_bytes=int(settings.harvest_max_page_bytes),
        max_seconds=float(settings.harvest_max_seconds),
        timeout=float(settings.harvest_timeout),
        retries=int(settings.harvest_retries),
        backoff=float(settings.harvest_backoff),
    )
    overrides = {k: v for k, v in limit_overrides.items() if v is not None}
    if overrides:
        limits = Limits(**{**limits.__dict__, **overrides})
    return Policy.from_text(settings.harvest_allow,
                            allow_private=allow_private or bool(settings.harvest_allow_private),
                            limits=limits)


def harvester(svc: Any, *, allow_private: bool = False, **limit_overrides: Any) -> Harvester:
    """svc: the app's Services (records service and settings)."""
    policy = policy_from_settings(svc.settings, allow_private=allow_private, **limit_overrides)
    return Harvester(svc.records, policy, float(svc.settings.harvest_grace_days))
