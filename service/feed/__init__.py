"""The harvestable DCAT feed: paged catalogue, per publisher, in every RDF syntax."""
