"""A generated corpus of SPARQL requests that stress the shape check, and its differential run.

Each request mixes what fooled the hand-written lexer: local-name escapes (`\\#`, `\\'`, `\\"`,
`%41`), language tags that are keywords (`@add`, `@from`), keywords as prefixes, local names,
variables, strings (four forms), IRIs and comments, nested groups, case variants; some carry a
real `SERVICE <listener>` (sometimes SILENT, sometimes inside nested groups), FROM / FROM NAMED
clauses, or are updates. Socle's `shape()` and rdflib's parser/algebra (reference.py) must
classify every one identically: form (or update), SERVICE, FROM and FROM NAMED IRIs.

Full run (10,000 requests, rdflib takes a few minutes; the requests are also sent to a real
endpoint with a listener on 127.0.0.1 that must get zero connections):

    python -m tests.sparql_syntax.corpus --n 10000 [--seed 1] [--endpoint-sample 10000]

tests/sparql_syntax/test_corpus.py runs a small slice of the same corpus in CI.

Known exception (documented in docs/sparql.md): a prefix whose name contains `service` used in
the query body makes Socle refuse the query as SERVICE; the generator does not produce one.
Left out because rdflib 7 reads them wrongly: a negative number as an object (rdflib raises
"Not a number"), `\\"` in a local name (not a PN_LOCAL_ESC: rdflib accepts it, pyoxigraph and
the grammar do not; tests/sparql/test_guards.py checks such a query is refused).
"""

from __future__ import annotations

import random

BASE = "http://socle.test/sparql"
PREFIX_NAMES = ["ex", "from", "select", "add", "named", "a_b", "", "x.y", "insert", "with",
                "where", "e1", "fromx", "graph"]
LOCALS = [r"a\#b", r"a\'", r"a\#", "%41b", "a.b", "from", "SERVICE", "insert",
          "1a", ":x", "add", "named", "service", r"q\?x", r"s\~t", "DataService", r"x\.",
          r"y\-z", r"p\(q\)", "from_named", "select"]
VARS = ["?from", "?service", "?insert", "?select", "$add", "?named", "?x", "?s", "?o", "?g",
        "?SERVICE", "?where", "?a1"]
STRINGS = ['"FROM <urn:x>"', "'SERVICE <http://127.0.0.1:1/>'", '"a\\"b # c"', "'x\\' y'",
           '"""multi\nline " SERVICE"""', "'''it''s ' FROM <urn:y>'''", '"x\\\\"',
           '"insert data { }"', "'\\t\\n'", '"#not a comment"', '"<urn:iri>"']
LANGS = ["@add", "@from", "@service", "@en-US", "@insert", "@fr", "@with", "@named",
         "@select", "@en-x-from"]
COMMENTS = ["# SERVICE <http://127.0.0.1:1/> { }", "# FROM <urn:c>", "#", "# INSERT DATA {}",
            "# \"unclosed", "# '''"]
IRIS = ["<http://e/FROM>", "<SERVICE>", "<urn:from:named>", "<g>", "<http://e/a#SERVICE>",
        "<http://e/%20x>"]
UPDATES = ["INSERT DATA {{ {t} }}", "DELETE DATA {{ {t} }}", "DELETE WHERE {{ {t} }}",
           "LOAD <http://127.0.0.1:1/x>", "CLEAR ALL", "CREATE GRAPH <urn:g>", "DROP SILENT ALL",
           "ADD DEFAULT TO <urn:g>", "COPY <urn:a> TO <urn:b>", "MOVE DEFAULT TO <urn:g>",
           "WITH <urn:g> DELETE {{ {t} }} INSERT {{ {t} }} WHERE {{ {t} }}",
           "INSERT {{ {t} }} WHERE {{ {t} }}"]


class Gen:
    def __init__(self, seed: int, service_url: str) -> None:
        self.r = random.Random(seed)
        self.service_url = service_url
        self.prefixes: list[str] = []

    def case(self, word: str) -> str:
        return self.r.choice([word, word.lower(), word.capitalize()])

    def ws(self) -> str:
        return self.r.choice([" ", "  ", "\n", "\t", " ", "\r\n"]) if self.r.random() < .9 \
            else f" {self.r.choice(COMMENTS)}\n"

    def pname(self) -> str:
        return f"{self.r.choice(self.prefixes)}:{self.r.choice(LOCALS)}"

    def iri(self) -> str:
        return self.r.choice(IRIS) if self.r.random() < .5 else self.pname()

    def literal(self) -> str:
        s = self.r.choice(STRINGS)
        roll = self.r.random()
        if roll < .4 and "'''" not in s and '"""' not in s:
            return s + self.r.choice(LANGS)
        if roll < .5:
            return s + "^^" + self.iri()
        return s

    def term(self) -> str:
        roll = self.r.random()
        if roll < .35:
            return self.r.choice(VARS)
        if roll < .6:
            return self.iri()
        if roll < .85:
            return self.literal()
        return self.r.choice(["1", "2.5", "3e4", "true", "false", "_:b1"])

    def data(self) -> str:
        """A term of a VALUES block: no variable, no blank node."""
        term = self.term()
        return term if not term.startswith(("?", "$", "_:")) else "UNDEF"

    def triple(self) -> str:
        return f"{self.r.choice(VARS)} {self.iri()} {self.term()}"

    def group(self, depth: int, service: bool) -> str:
        """A group graph pattern; a SERVICE clause somewhere inside when `service`."""
        parts = [self.triple() for _ in range(self.r.randint(0, 2))]
        where_service = self.r.randint(0, 3) if service else -1
        for k in range(self.r.randint(0, 3)):
            if k == where_service and depth > 0:
                parts.append(self.group(depth - 1, True))
                where_service = -1
                continue
            roll = self.r.random()
            if roll < .25:
                parts.append(f"FILTER({self.r.choice(VARS)} != {self.literal()})")
            elif roll < .4 and depth > 0:
                parts.append(f"{self.case('OPTIONAL')} {self.group(depth - 1, False)}")
            elif roll < .55 and depth > 0:
                parts.append(f"{self.group(depth - 1, False)} {self.case('UNION')} "
                             f"{self.group(depth - 1, False)}")
            elif roll < .65:
                parts.append(f"BIND({self.literal()} AS ?b{self.r.randint(0, 99)})")
            elif roll < .75:
                parts.append(f"VALUES {self.r.choice(VARS)} {{ {self.data()} {self.data()} }}")
            elif roll < .85 and depth > 0:
                parts.append(f"{self.case('GRAPH')} {self.iri()} {self.group(depth - 1, False)}")
            elif roll < .9 and depth > 0:
                parts.append(f"FILTER {self.case('NOT')} {self.case('EXISTS')} "
                             f"{self.group(depth - 1, False)}")
            else:
                parts.append(self.triple())
        if where_service != -1:
            silent = f" {self.case('SILENT')}" if self.r.random() < .3 else ""
            parts.append(f"{self.case('SERVICE')}{silent} <{self.service_url}> "
                         f"{{ {self.triple()} }}")
        self.r.shuffle(parts)
        body = ""
        for part in parts:
            if part.startswith(("FILTER", "BIND", "VALUES", "{")) or part[0].isalpha():
                body += part + self.r.choice([" . ", self.ws(), " .\n"])
            else:  # a triple: a dot before what follows
                body += part + self.r.choice([" . ", " .\n", " ." + self.ws()])
        return "{" + self.ws() + body + "}"

    def prologue(self) -> str:
        names = self.r.sample(PREFIX_NAMES, self.r.randint(1, 4))
        self.prefixes = names
        out = ""
        if self.r.random() < .2:
            out += f"{self.case('BASE')} <http://e/base/>{self.ws()}"
        for name in names:
            out += f"{self.case('PREFIX')} {name}: <http://e/{name or 'empty'}#>{self.ws()}"
        return out

    def dataset(self) -> str:
        out = ""
        for _ in range(self.r.choice([0, 0, 0, 1, 1, 2, 3])):
            named = f"{self.case('NAMED')} " if self.r.random() < .4 else ""
            out += f"{self.case('FROM')} {named}{self.iri()}{self.ws()}"
        return out

    def query(self) -> str:
        text = self.prologue()
        service = self.r.random() < .3
        if self.r.random() < .12:
            ops = [self.r.choice(UPDATES).format(t=f"<urn:s> <urn:p> {self.literal()}")
                   for _ in range(self.r.randint(1, 2))]
            return text + " ;\n".join(ops)
        form = self.r.choice(["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"])
        where = self.group(self.r.randint(0, 3), service)
        word = self.case("WHERE") + " " if self.r.random() < .7 else ""
        if form == "SELECT":
            projection = self.r.choice(["*", "?s", "?from ?service", "DISTINCT ?x",
                                        f"(STR({self.literal()}) AS ?v)"])
            if projection != "*" and self.r.random() < .5:
                projection = f"{projection} ?s"
            head = f"{self.case('SELECT')} {projection}{self.ws()}"
        elif form == "ASK":
            head = f"{self.case('ASK')}{self.ws()}"
        elif form == "CONSTRUCT":
            head = f"{self.case('CONSTRUCT')} {{ {self.triple()} }}{self.ws()}"
        else:
            head = f"{self.case('DESCRIBE')} {self.iri()}{self.ws()}"
        tail = self.r.choice(["", f" {self.case('LIMIT')} 5", f" {self.case('ORDER')} "
                                                             f"{self.case('BY')} ?s"])
        if form != "SELECT" and tail.strip().upper().startswith("ORDER"):
            tail = ""
        return text + head + self.dataset() + word + where + tail


def generate(n: int, seed: int = 1, service_url: str = "http://127.0.0.1:9/sparql"
             ) -> list[str]:
    gen = Gen(seed, service_url)
    return [gen.query() for _ in range(n)]


def differences(queries: list[str]) -> tuple[list[tuple[str, object, object]], dict]:
    """(disagreements (query, socle, rdflib), counts) over `queries`."""
    from service.sparql.shape import shape
    from tests.sparql_syntax.reference import classify, socle_view

    diffs = []
    counts = {"queries": len(queries), "rdflib_invalid": 0, "updates": 0, "service": 0,
              "from": 0}
    for q in queries:
        expected = classify(q, BASE)
        if expected is None:
            counts["rdflib_invalid"] += 1
            diffs.append((q, socle_view(shape(q, BASE)), None))
            continue
        got = socle_view(shape(q, BASE))
        counts["updates"] += expected[0] == "UPDATE"
        counts["service"] += bool(expected[1])
        counts["from"] += bool(expected[2] or expected[3])
        if got != expected:
            diffs.append((q, got, expected))
    return diffs, counts


def main(argv: list[str] | None = None) -> int:
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--endpoint-sample", type=int, default=None,
                        help="requests also sent to a real endpoint [all]")
    args = parser.parse_args(argv)
    from tests.sparql_syntax.endpoint import run_against_endpoint

    started = time.monotonic()
    queries = generate(args.n, args.seed)
    diffs, counts = differences(queries)
    print(f"corpus: {counts}, {len(diffs)} disagreements, "
          f"{time.monotonic() - started:.1f} s")
    for q, got, expected in diffs[:20]:
        print(f"--- socle {got}\n--- rdflib {expected}\n{q}\n")
    sample = args.endpoint_sample if args.endpoint_sample is not None else args.n
    figures = run_against_endpoint(args.seed, sample)
    print(f"endpoint: {figures}")
    return 1 if diffs or figures["connections"] or figures["status_5xx"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
