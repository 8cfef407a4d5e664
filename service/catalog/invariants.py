"""Store-wide invariants a single write cannot see: nodes shared between records.

Why: a record's parts (distributions, contact point, period, checksums…) belong to it alone.
When two record graphs point to the same part node, the union that the feed and SPARQL serve
merges them (one distribution with two download URLs, shared by two datasets), and a
harvester keeps the merge. A bug that mints part IRIs outside the record (the form once used
a place's INSEE IRI as the base) leaves exactly this trace, so `socle validate --all` and the
browser journey test look for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.rdf.namespaces import DCAT, DCTERMS, FOAF, PROV, RECORDS_GRAPH, SPDX
from service.store import Store

# Properties whose object is a part of the record that holds the statement.
PART_LINKS = (DCAT.distribution, DCAT.contactPoint, DCTERMS.temporal, SPDX.checksum,
              DCAT.qualifiedRelation, PROV.qualifiedAttribution)


@dataclass(frozen=True)
class SharedNode:
    node: str
    records: int
    example_graphs: tuple[str, str]


def shared_nodes(store: Store, limit: int = 100) -> list[SharedNode]:
    """Part nodes linked from two or more record graphs, most shared first."""
    links = " ".join(f"<{p}>" for p in PART_LINKS)
    rows = store.select(f"""
        SELECT ?node (COUNT(DISTINCT ?g) AS ?n) (MIN(STR(?g)) AS ?first)
               (MAX(STR(?g)) AS ?last)
        WHERE {{
          GRAPH <{RECORDS_GRAPH}> {{ ?rec <{FOAF.primaryTopic}> ?g }}
          GRAPH ?g {{ ?s ?link ?node }}
          VALUES ?link {{ {links} }}
          FILTER(isIRI(?node))
        }}
        GROUP BY ?node HAVING (COUNT(DISTINCT ?g) > 1)
        ORDER BY DESC(?n) ?node LIMIT {int(limit)}""")
    return [SharedNode(str(r["node"]), int(str(r["n"])), (str(r["first"]), str(r["last"])))
            for r in rows]


def shared_node_lines(found: list[SharedNode]) -> list[str]:
    """For the CLI: French, then English, one line per node."""
    return [f"NŒUD PARTAGÉ / SHARED NODE <{s.node}> : {s.records} enregistrements / records "
            f"(<{s.example_graphs[0]}>, <{s.example_graphs[1]}>…)" for s in found]
