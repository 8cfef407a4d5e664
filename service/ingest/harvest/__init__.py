"""DCAT harvester: stored sources, paged fetching under a policy, change detection by content
hash, withdrawal after a grace period, and a kept report per run (docs/harvest.md)."""
