"""A safe lxml parser for e-Gov answers: no entities, no network, no DTD, DOCTYPE rejected."""

from __future__ import annotations

from lxml import etree

from egov_core.errors import EgovApiUnexpectedContentError


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not safe to share between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(body: bytes, *, endpoint: str) -> etree._Element:
    """Parse an XML answer safely.

    Raises:
        EgovApiUnexpectedContentError: not well-formed XML, or it declares a DOCTYPE (which e-Gov never
            sends; a DTD is the door to entity expansion, so it is refused rather than ignored).
    """
    try:
        root = etree.fromstring(body, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise EgovApiUnexpectedContentError(f"{endpoint}: not well-formed XML: {exc}") from exc
    if root is None:
        raise EgovApiUnexpectedContentError(f"{endpoint}: empty XML document")
    # lxml-stubs lacks DocInfo.doctype; it is the DOCTYPE declaration text, empty when there is none.
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise EgovApiUnexpectedContentError(f"{endpoint}: XML with a DOCTYPE is refused")
    return root


def text_of(element: etree._Element | None) -> str | None:
    """The stripped text of an element; None for a missing or empty one."""
    if element is None or element.text is None:
        return None
    text = element.text.strip()
    return text or None
