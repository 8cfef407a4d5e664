"""The import structure of `service`: no circles, and no module importing a layer above its
own (entry points → views → composition root → domain → catalog → validation → store → rdf;
see docs/architecture.md).

    python scripts/check_imports.py          # exit 1 and a list of what is wrong
    python scripts/check_imports.py --graph  # every edge, for reading

Every `import` counts, at module level or inside a function (a deferred import is still a
dependency). Modules are ranked by the LAYERS table below (first matching prefix wins); a
module may import its own layer or any lower one. Circles are found among modules (strongly
connected components of the graph)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "service"

# (prefix, layer): higher layers may import lower ones, never the reverse. The first matching
# prefix wins, so specific modules come before their package.
LAYERS: list[tuple[str, int]] = [
    # entry points: the app factory and the command line
    ("service.app", 8), ("service.cli", 8), ("service.territories.cli", 8),
    ("service.web.commands", 8), ("service.ingest.harvest.commands", 8),
    ("service.ingest.scdl.cli", 8), ("service.quality.commands", 8), ("service.quality.cli", 8),
    ("service.ops.commands", 8), ("service.ops.admin", 8),
    # views: HTTP blueprints and the pages (the only Flask users besides the factory)
    ("service.web.search_index", 5),  # a read model the pages use; Flask-free
    ("service.web", 7), ("service.sparql", 7), ("service.problems", 7),
    ("service.records.views", 7), ("service.feed.views", 7), ("service.territories.views", 7),
    ("service.territories.chart", 7), ("service.ingest.harvest.views", 7),
    ("service.ingest.publisher_http", 7), ("service.quality.views", 7),
    ("service.records", 7), ("service.admin", 7),
    ("service.ops.commands", 8),
    ("service.ops.admin_views", 7), ("service.ops.http", 7), ("service.ops.logs", 7),
    ("service.ops.metrics", 7), ("service.ops.openapi", 7),
    ("service.ops.admin", 6),  # runs commands on the live services; Flask-free
    ("service.ops.identity", 4), ("service.ops.rebase", 4), ("service.ops.backup", 4),
    ("service.ops.throttle", 0),
    # the composition root: builds what the views and commands use
    ("service.services", 6),
    # domain services and read models
    ("service.ingest", 5), ("service.feed", 5), ("service.quality", 5), ("service.demo", 5),
    ("service.ops", 5),
    ("service.territories.registry", 1), ("service.territories.rdf", 1),
    ("service.territories.resolve", 1), ("service.territories", 5),
    # the records and their rules
    ("service.catalog", 4), ("service.auth", 4),
    ("service.validation", 3),
    ("service.derived", 3), ("service.search", 3),  # read models on disk beside the store (SQLite)
    ("service.store", 2),
    # RDF terms, formats, safe parsing, profiles; reference data (the territories registry)
    ("service.rdf", 1),
    ("service.config", 0), ("service.errors", 0), ("service", 0),
]

# Known problems being removed by open work; each must still occur (the list only shrinks).
ALLOWED: set[str] = set()


def layer(module: str) -> int:
    for prefix, rank in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return rank
    raise KeyError(module)


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """(imported module, line) for each import of a module of the package."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        if _type_checking_only(tree, node):
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target, node.lineno


def _type_checking_only(tree: ast.Module, node: ast.stmt) -> bool:
    """Imports under `if TYPE_CHECKING:` are for the type checker only: not dependencies."""
    for top in tree.body:
        if isinstance(top, ast.If) and getattr(top.test, "id", "") == "TYPE_CHECKING" \
                and any(node is n for n in ast.walk(top)):
            return True
    return False


def graph() -> dict[str, dict[str, int]]:
    found = modules()
    known = set(found)
    return {name: dict(imports(name, path, known)) for name, path in found.items()}


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(edges.get(child, {}))))
                    break
                if child in on:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def upward(edges: dict[str, dict[str, int]]) -> list[str]:
    return [f"{name}:{line} imports {target} (layer {layer(name)} → {layer(target)})"
            for name, targets in sorted(edges.items())
            for target, line in sorted(targets.items())
            if layer(target) > layer(name)]


def main(argv: list[str]) -> int:
    edges = graph()
    if "--graph" in argv:
        for name, targets in sorted(edges.items()):
            for target in sorted(targets):
                print(f"{name} -> {target}")
        return 0
    found = [f"circle: {' ↔ '.join(c)}" for c in cycles(edges)] + upward(edges)
    problems = [p for p in found if p not in ALLOWED]
    problems += [f"fixed, remove from ALLOWED: {p}" for p in sorted(ALLOWED - set(found))]
    for line in problems:
        print(line)
    print(f"{len(edges)} modules, {sum(len(t) for t in edges.values())} imports, "
          f"{len(problems)} problem(s), {len(ALLOWED & set(found))} allowed", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
