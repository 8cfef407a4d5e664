"""Socle: a DCAT-AP catalogue service for French local open data."""

__version__ = "0.1.0"
