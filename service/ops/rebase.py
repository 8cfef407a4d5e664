"""`socle rebase NEW_URL`: move every IRI of the instance from its stored base URL to another.

Records, publishers, skolem IRIs (`{base}/datasets/{id}#…`), bookkeeping subjects, graph names,
harvest state: every IRI equal to the old base or under it (`{old}/…`, `{old}#…`, `{old}?…`)
is rewritten, and so is the text of literals that hold a URL under the old base (validation
reports kept as JSON, landing pages typed as strings). It is one SPARQL Update request, so one
transaction on Oxigraph and on SPARQL servers: all IRIs move, or none.
"""

from __future__ import annotations

from service.errors import SocleError
from service.ops.identity import is_empty, stored_base, write_base
from service.store import Store

_REGEX_SPECIAL = set("\\.?*+{}()[]^$|-")


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _regex(text: str) -> str:
    """An XPath regular expression matching `text` literally."""
    return "".join("\\" + c if c in _REGEX_SPECIAL else c for c in text)


def rebase_update(old: str, new: str) -> str:
    """The SPARQL Update that moves every IRI and URL from `old` to `new` (no trailing /)."""
    o, n = _sparql_string(old), _sparql_string(new)
    slash_rx = _sparql_string(_regex(old + "/"))
    slash_new = _sparql_string((new + "/").replace("\\", "\\\\").replace("$", "\\$"))

    def under(var: str) -> str:
        return (f"(isIRI({var}) && STRSTARTS(STR({var}), {o}) && "
                f"SUBSTR(STR({var}), {len(old) + 1}, 1) IN (\"\", \"/\", \"#\", \"?\"))")

    def moved(var: str) -> str:
        return f"IF({under(var)}, IRI(CONCAT({n}, STRAFTER(STR({var}), {o}))), {var})"

    text = f"REPLACE(STR(?o), {slash_rx}, {slash_new})"
    literal = (f"IF(isLiteral(?o) && CONTAINS(STR(?o), {_sparql_string(old + '/')}), "
               f"IF(LANG(?o) != \"\", STRLANG({text}, LANG(?o)), STRDT({text}, DATATYPE(?o))), "
               f"{moved('?o')})")
    return f"""DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }}
INSERT {{ GRAPH ?g2 {{ ?s2 ?p2 ?o2 }} }}
WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER({under('?g')} || {under('?s')} || {under('?p')} || {under('?o')}
         || (isLiteral(?o) && CONTAINS(STR(?o), {_sparql_string(old + '/')})))
  BIND({moved('?g')} AS ?g2)
  BIND({moved('?s')} AS ?s2)
  BIND({moved('?p')} AS ?p2)
  BIND({literal} AS ?o2)
}}"""


def _checked(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or any(c in url for c in ' <>"{}|\\^`'):
        raise SocleError(f"URL de base invalide : « {url} » (http:// ou https:// attendu).",
                         f"Invalid base URL '{url}' (http:// or https:// expected).")
    return url


def rebase(store: Store, new: str, old: str | None = None) -> tuple[str, str]:
    """Move the store from its base (stored, or `old`) to `new`; returns (old, new) and
    records `new` as the instance's base. Nothing changes when the update fails."""
    new = _checked(new)
    old = _checked(old) if old else stored_base(store)
    if old is None:
        raise SocleError("Aucune URL de base n'est enregistrée pour ce dossier de données : "
                         "passez l'ancienne avec --from.",
                         "No base URL is stored for this data directory: give the old one "
                         "with --from.")
    if old != new and not is_empty(store):
        store.update(rebase_update(old, new))
        flush = getattr(getattr(store, "native", None), "flush", None)
        if flush:
            flush()
    write_base(store, new)
    return old, new
