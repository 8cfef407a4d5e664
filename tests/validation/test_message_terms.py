"""Issue 17 defect 10: French messages named the term twice ("URL d'accès (dcat:accessURL)
(dcat:accessURL)"): every message names it once."""

import re

from service.validation.loader import REPO_ROOT

TWICE = re.compile(r"\(([a-z]+:[A-Za-z]+)\)[^()]{0,4}\(\1\)")


def test_no_message_names_its_term_twice():
    text = (REPO_ROOT / "shapes" / "dcat-ap-3.ttl").read_text("utf-8")
    assert TWICE.findall(text) == []
