"""Recognise catalogue answers that are not DCAT before the RDF parser refuses them with a
message that says nothing useful ("XML namespaces are required in RDF/XML").

GeoNetwork and other INSPIRE catalogues answer CSW requests (``csw:GetRecordsResponse``) with
ISO 19139 records (``gmd:MD_Metadata``), or with DCAT wrapped in the CSW envelope. Socle reads
DCAT only (udata converts ISO 19139 with an XSLT; Socle does not): the operator must be told
to use the portal's DCAT endpoint instead.
"""

from __future__ import annotations

import re

from service.errors import SocleError

# The first element of the document (after the prolog and comments): local name → what it is.
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
NOT_DCAT: dict[bytes, tuple[str, str]] = {
    b"GetRecordsResponse": ("une réponse CSW (catalogue OGC)", "a CSW (OGC catalogue) response"),
    b"GetRecordByIdResponse": ("une réponse CSW (catalogue OGC)",
                               "a CSW (OGC catalogue) response"),
    b"MD_Metadata": ("une fiche ISO 19139", "an ISO 19139 record"),
    b"ExceptionReport": ("une erreur OGC (ExceptionReport)", "an OGC error (ExceptionReport)"),
}


def refuse_not_dcat(head: bytes, where: str) -> None:
    """Raise a clear SocleError when ``head`` (the document's first bytes) is CSW/ISO 19139."""
    text = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head[:4096], flags=re.S)
    found = _ROOT.search(text)
    if found is None or found.group(1) not in NOT_DCAT:
        return
    fr, en = NOT_DCAT[found.group(1)]
    raise SocleError(
        f"{where} n'est pas du DCAT mais {fr} : ISO 19139/CSW n'est pas pris en charge. "
        "Utilisez le point d'accès DCAT du portail (GeoNetwork : /srv/api/records?… "
        "au format DCAT, ou l'export DCAT-AP du catalogue).",
        f"{where} is not DCAT but {en}: ISO 19139/CSW is not supported. Use the portal's "
        "DCAT endpoint (GeoNetwork: its DCAT output, or the catalogue's DCAT-AP export).",
        url=where, kind="not-dcat")
