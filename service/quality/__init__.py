"""Metadata quality: the data.europa.eu MQA score per dataset, publisher and instance, and the
link checker that feeds its accessibility indicators (docs/quality.md). Flask-free except
views.py."""
