"""What the endpoint must know about a request's text before running it: its form (SELECT, ASK,
CONSTRUCT, DESCRIBE or an update), whether it uses SERVICE, and its FROM / FROM NAMED graphs.

Read from the tokens of lexer.py. Two rules beyond the grammar, because pyoxigraph (a PEG
parser) reads a keyword glued to what follows it: `SERVICESILENT <…>` and `FROMNAMED<…>` are
accepted and run. So SERVICE is flagged wherever a bare word, or the prefix part of a prefixed
name outside a PREFIX declaration, *contains* `SERVICE` (a query with `PREFIX service: <…>`
used in its body is refused: a deliberate false positive), and FROM / NAMED are peeled off the
front of the words that carry them. The form is the first word after the prologue: text whose
first word begins with an update keyword is an update, whatever follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.sparql.lexer import (
    Token,
    expand_codepoints,
    scan,
    tokens,
    unescape_iri,
    unescape_local,
)

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                "WITH")


@dataclass(frozen=True)
class QueryShape:
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE, or None (unreadable)
    uses_service: bool
    default_graphs: tuple[str, ...] = ()  # FROM, resolved, in order
    named_graphs: tuple[str, ...] = ()  # FROM NAMED
    dataset_spans: tuple[tuple[int, int], ...] = ()  # where the clauses are in the text
    cost: int = 0  # nesting depth plus operator chains on the way: a bound on the tree depth

    @property
    def has_dataset_clause(self) -> bool:
        return bool(self.dataset_spans)


def shape(text: str, base: str | None = None) -> QueryShape:
    found = _shape(text, base)
    if "\\u" in text or "\\U" in text:
        # pyoxigraph does not expand codepoint escapes outside strings and IRIs (SPARQL 1.2);
        # SPARQL 1.1 parsers do: a query is refused if either reading refuses it.
        other = _shape(expand_codepoints(text), base)
        if other.form == "UPDATE" or other.uses_service:
            return QueryShape("UPDATE" if "UPDATE" in (found.form, other.form) else found.form,
                              found.uses_service or other.uses_service, found.default_graphs,
                              found.named_graphs, found.dataset_spans,
                              max(found.cost, other.cost))
    return found


def _shape(text: str, base: str | None) -> QueryShape:
    suspects, cost = _scan(text)
    toks = _head(text)
    prefixes: dict[str, str] = {}
    i, declared = _prologue(toks, base, prefixes)
    service = any(start not in declared for start in suspects)
    form = None
    if i < len(toks) and toks[i].kind == "word":
        word = toks[i].text.upper()
        form = next((f for f in QUERY_FORMS if word.startswith(f)), None)
        if form is None and word.startswith(UPDATE_WORDS):
            form = "UPDATE"
    if form in (None, "UPDATE"):
        return QueryShape(form, service, cost=cost)
    rest = toks[i].text[len(form):]  # a glued keyword after the form: ASKFROM<g>
    region = ([Token("word", rest, toks[i].start + len(form), toks[i].end)] if rest else [])
    region += _dataset_region(toks, i + 1, form)
    default, named, spans = _dataset(region, base, prefixes, form)
    return QueryShape(form, service, tuple(default), tuple(named), tuple(spans), cost)


def _head(text: str) -> list[Token]:
    """The tokens up to the query pattern: prologue, form, projection or CONSTRUCT template,
    dataset clause, and the `{` that opens the pattern."""
    out: list[Token] = []
    depth = 0
    for t in tokens(text):
        if t.kind == "other":
            if t.text == "{":
                if depth == 0 and not (out and out[-1].kind == "word"
                                       and out[-1].text.upper().startswith("CONSTRUCT")):
                    out.append(t)
                    break
                depth += 1
            elif t.text == "}":
                depth -= 1
        out.append(t)
    return out


_OPEN, _CLOSE = frozenset("({["), frozenset(")}]")
_CHAIN = frozenset(["|", "&", "=", "!", "<", ">", "+", "-", "*", "/", "{"])
_CHAIN_WORDS = frozenset(["UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH", "SERVICE",
                          "VALUES"])


def _scan(text: str) -> tuple[list[int], int]:
    """One pass over every token: where SERVICE may hide (start offsets of bare words and
    prefixed names that contain it), and the cost: a bound on the depth of the parsed tree,
    i.e. open brackets plus the binary operators and group elements met at each open level
    (a chain of n `||`, UNION or joins nests n deep)."""
    suspects: list[int] = []
    levels = [0]
    total = worst = 0
    for kind, value, start in scan(text):
        if kind == "other":
            if value in _CHAIN:
                levels[-1] += 1
                total += 1
            if value in _OPEN:
                levels.append(0)
                total += 1
            elif value in _CLOSE and len(levels) > 1:
                total -= levels.pop() + 1
            if total > worst:
                worst = total
        elif kind == "word":
            upper = value.upper()
            if "SERVICE" in upper:
                suspects.append(start)
            if upper in _CHAIN_WORDS:
                levels[-1] += 1
                total += 1
                if total > worst:
                    worst = total
        elif kind == "pname" and "SERVICE" in value.split(":", 1)[0].upper():
            suspects.append(start)
    return suspects, worst


def _prologue(toks: list[Token], base: str | None, prefixes: dict[str, str]
              ) -> tuple[int, set[int]]:
    """Reads BASE and PREFIX declarations: (index of the first other token, start offsets of
    the declared prefix-name tokens)."""
    i, declared, n = 0, set(), len(toks)
    while i < n:
        t = toks[i]
        word = t.text.upper() if t.kind == "word" else ""
        if word == "BASE" and i + 1 < n and toks[i + 1].kind == "iri":
            base = _iri(toks[i + 1].text, base)
            i += 2
        elif (word == "PREFIX" and i + 2 < n and toks[i + 1].kind == "pname"
              and toks[i + 1].text.endswith(":") and toks[i + 2].kind == "iri"):
            prefixes[toks[i + 1].text[:-1]] = _iri(toks[i + 2].text, base)
            declared.add(toks[i + 1].start)
            i += 3
        elif (t.kind == "pname" and t.text.upper().startswith("PREFIX") and t.text.endswith(":")
              and i + 1 < n and toks[i + 1].kind == "iri"):  # PREFIXex:<…>, read by pyoxigraph
            prefixes[t.text[6:-1]] = _iri(toks[i + 1].text, base)
            declared.add(t.start)
            i += 2
        elif word == "VERSION" and i + 1 < n and toks[i + 1].kind == "string":  # SPARQL 1.2
            i += 2
        else:
            break
    prefixes["\0base"] = base or ""
    return i, declared


def _dataset_region(toks: list[Token], i: int, form: str) -> list[Token]:
    """The tokens at nesting depth 0 between the form and the query pattern (a CONSTRUCT
    template is skipped): the only place where FROM can be."""
    out: list[Token] = []
    depth = 0
    if form == "CONSTRUCT" and i < len(toks) and toks[i].text == "{":
        while i < len(toks):
            depth += {"{": 1, "}": -1}.get(toks[i].text, 0) if toks[i].kind == "other" else 0
            i += 1
            if depth == 0:
                break
    for t in toks[i:]:
        if t.kind == "other" and t.text in "{}()":
            if t.text == "{" and depth == 0:
                break
            depth += 1 if t.text in "({" else -1
        elif depth == 0:
            out.append(t)
    return out


def _dataset(region: list[Token], base: str | None, prefixes: dict[str, str], form: str):
    default: list[str] = []
    named: list[str] = []
    spans: list[tuple[int, int]] = []
    pending: str | None = None  # "default" or "named" after FROM / FROM NAMED
    start = 0
    base = prefixes.get("\0base") or base
    for t in region:
        if t.kind == "word":
            word = t.text.upper()
            if pending is None and word.startswith("FROM"):
                pending, start, word = "default", t.start, word[4:]
            if pending == "default" and word.startswith("NAMED"):
                pending = "named"
            continue
        if t.kind == "pname":
            head, local = t.text.split(":", 1)
            if pending is None and form == "DESCRIBE" and head in prefixes:
                continue  # a resource to describe (`from:x` with `from:` declared)
            if pending is None and head.upper().startswith("FROM"):
                pending, start, head = "default", t.start, head[4:]
            if pending == "default" and head not in prefixes and head.upper().startswith(
                    "NAMED"):
                pending, head = "named", head[5:]
            if pending is not None:
                iri = prefixes.get(head)
                if iri is not None:
                    (named if pending == "named" else default).append(
                        iri + unescape_local(local))
                spans.append((start, t.end))
                pending = None
            continue
        if t.kind == "iri" and pending is not None:
            (named if pending == "named" else default).append(_iri(t.text, base))
            spans.append((start, t.end))
            pending = None
    return default, named, spans


def _iri(token: str, base: str | None) -> str:
    """An IRIREF token resolved against the base, as pyoxigraph resolves it (RFC 3987)."""
    iri = unescape_iri(token)
    if not base or (":" in iri.split("/", 1)[0] and "/." not in iri):
        return iri
    import pyoxigraph as ox

    try:
        result = ox.Store().query(f"SELECT ({token} AS ?x) {{}}", base_iri=base)
        assert isinstance(result, ox.QuerySolutions)  # a SELECT
        return next(iter(result))["x"].value
    except (SyntaxError, StopIteration, TypeError):
        return iri


def without_dataset_clause(text: str, found: QueryShape) -> str:
    """The query without its FROM / FROM NAMED clauses: when the protocol gives a dataset it
    replaces the query's (SPARQL 1.1 Protocol §2.1.4), which some servers (Virtuoso) do not do."""
    for start, end in reversed(found.dataset_spans):
        text = text[:start] + " " + text[end:]
    return text
