"""A law revision cut into diff units: the pieces a 新旧対照表 compares side by side.

A *unit* is one article with everything inside it (項, 号, 号細分), one 編章節款目 heading, one 附則 heading, one
項 standing directly in a 本則 or 附則 (laws without articles), one 別表 / 別記 / 様式 with its whole content, the
制定文, the 前文 and the 目次. Formally: every provision whose parent is a *container* (本則, 附則, 編章節款目) or
that has no parent is a unit; a container's unit holds its heading only, and any other unit holds its whole subtree.

Each unit's text is the plain-text rendering of that content (:func:`egov_core.rendering.render_plain_text`), so
ruby readings are left out of it; ``markup`` keeps a fingerprint of the lossless element (ruby included), so a
change in ruby alone is still seen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from egov_core.domain import Element, Law, Provision, ProvisionKind
from egov_core.rendering import render_plain_text

__all__ = ["CONTAINER_KINDS", "DiffUnit", "law_units", "provision_units"]

#: Provisions that group units and contribute only their heading.
CONTAINER_KINDS = frozenset(
    {
        ProvisionKind.MAIN_PROVISION,
        ProvisionKind.SUPPL_PROVISION,
        ProvisionKind.PART,
        ProvisionKind.CHAPTER,
        ProvisionKind.SECTION,
        ProvisionKind.SUBSECTION,
        ProvisionKind.DIVISION,
    }
)
_PROVISION_TAGS = frozenset(k.value for k in ProvisionKind)


@dataclass(frozen=True, slots=True)
class DiffUnit:
    """One unit of a revision (see the module docstring).

    Attributes:
        key: identity across revisions: the path with each 附則 named by its amending law
            (``Suppl(平成一一年一二月二二日法律第一六〇号)-Article_3``) instead of its position, which shifts.
        path: the e-Gov ``elm`` path in this revision.
        kind: the provision kind (``Article``, ``Chapter``, ``AppdxTable`` …).
        title: the heading label (``第七百九条``, ``第一章　総則``), if any.
        caption: the 見出し, if any.
        text: the unit's plain text, labels included (one line per 項 / 号).
        body: ``text`` without its own number label: what 条の繰上げ・繰下げ keeps.
        markup: a digest of the unit's text with ruby readings and inline markup (Sup, Sub, Line).
    """

    key: str
    path: str
    kind: str
    title: str | None
    caption: str | None
    text: str
    body: str
    markup: str


def _pruned(prov: Provision) -> Element:
    """A container's element without its child provisions (its heading and own text only)."""
    el = prov.element
    kept = tuple(c for c in el.children if isinstance(c, str) or c.tag not in _PROVISION_TAGS)
    return Element(el.tag, el.attrs, kept)


def _suppl_names(provisions: Sequence[Provision]) -> dict[str, str]:
    """``SupplProvision[n]`` -> ``Suppl(<amending law number>)``, numbered when a law number repeats."""
    names: dict[str, str] = {}
    seen: dict[str, int] = {}
    for prov in provisions:
        if prov.kind is ProvisionKind.SUPPL_PROVISION and prov.parent_path is None:
            # Not Extract (抄): e-Gov sets and clears it on the same 附則 from one revision to the next.
            base = f"Suppl({prov.element.attrs.get('AmendLawNum', '')})"
            n = seen[base] = seen.get(base, 0) + 1
            names[prov.path] = base if n == 1 else f"{base}[{n}]"
    return names


def _key(path: str, suppl: dict[str, str]) -> str:
    head, sep, rest = path.partition("-")
    named = suppl.get(head)
    return f"{named}{sep}{rest}" if named is not None else path


def _body(text: str, title: str | None) -> str:
    """The text without the unit's own number label (第十条 → ''), so renumbered units compare equal."""
    if title:
        at = text.find(title)
        if at != -1 and "\n" not in text[:at]:
            return text[:at] + text[at + len(title) :]
    return text


#: Inline markup that changes how the text reads, though not its plain text.
_MARKED = frozenset({"Ruby", "Rt", "Sup", "Sub", "Line"})


def _marked_text(el: Element, parts: list[str]) -> None:
    for child in el.children:
        if isinstance(child, str):
            parts.append(child)
            continue
        marked = child.tag in _MARKED
        if marked:
            parts.append(f"<{child.tag}{child.attrs.get('Style', '')}>")
        _marked_text(child, parts)
        if marked:
            parts.append(f"</{child.tag}>")


def _digest(el: Element) -> str:
    """A digest of the text with its ruby readings and inline markup, but none of the bookkeeping attributes
    (``Delete="false"``, ``Hide``, ``Id``) that e-Gov adds or drops between revisions without any change."""
    parts: list[str] = []
    _marked_text(el, parts)
    return hashlib.blake2b("".join(parts).encode(), digest_size=12).hexdigest()


def law_units(law: Law) -> tuple[DiffUnit, ...]:
    """The revision's units in document order (see the module docstring)."""
    return provision_units(law.provisions)


def provision_units(provisions: Sequence[Provision]) -> tuple[DiffUnit, ...]:
    """The units of a revision given its provisions in document order (see the module docstring)."""
    suppl = _suppl_names(provisions)
    by_path = {p.path: p for p in provisions}
    units: list[DiffUnit] = []
    for prov in provisions:
        parent = by_path.get(prov.parent_path) if prov.parent_path is not None else None
        if parent is not None and parent.kind not in CONTAINER_KINDS:
            continue  # inside an article, a 別表 …: part of that unit
        el = _pruned(prov) if prov.kind in CONTAINER_KINDS else prov.element
        text = render_plain_text(el)
        units.append(
            DiffUnit(
                key=_key(prov.path, suppl),
                path=prov.path,
                kind=prov.kind.value,
                title=prov.title,
                caption=prov.caption,
                text=text,
                body=_body(text, prov.title),
                markup=_digest(el),
            )
        )
    return tuple(units)
