"""A law revision: metadata, revision info, the lossless tree and its provisions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from egov_core.domain.element import Element
from egov_core.domain.provision import Provision, ProvisionKind
from egov_core.errors import InvalidProvisionPathError
from egov_core.paths import path_candidates


@dataclass(frozen=True, slots=True)
class LawMetadata:
    """What identifies a law and stays the same across its revisions.

    Attributes:
        law_id: e-Gov 法令ID (``129AC0000000089`` 民法, ``321CONSTITUTION``).
        law_num: 法令番号 (``明治二十九年法律第八十九号``).
        title: 法令名 (of this revision; titles can change with amendments).
        title_kana: reading, where the source gives it.
        abbrev: e-Gov's abbreviation(s) where given (comma separated in the source).
        law_type: e-Gov LawType (Constitution, Act, CabinetOrder, ImperialOrder, MinisterialOrdinance, Rule, Misc).
        era: Meiji / Taisho / Showa / Heisei / Reiwa.
        year: year within the era.
        num: the number within (era, year, law type), as written (``089`` or ``89``); None for e.g. the constitution.
        promulgation_date: 公布日 where known.
        category: e-Gov category (分野) where known.
    """

    law_id: str
    law_num: str
    title: str
    law_type: str
    era: str | None
    year: int | None
    num: str | None
    title_kana: str | None = None
    abbrev: str | None = None
    promulgation_date: date | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class RevisionInfo:
    """Which version of the law's text this is.

    Attributes:
        law_revision_id: ``{law_id}_{YYYYMMDD}_{amending law_id}`` as e-Gov defines it; for the 2020
            bulk files (which carry none) it is synthesised from the source's DataInfo or left None.
        enforcement_date: 施行日 of this revision, where known.
        amendment_law_id: the amending law (``000000000000000`` for the original text).
        amendment_promulgate_date: 公布日 of the amending law, where known.
        status: CurrentEnforced / PreviousEnforced / UnEnforced / Repeal …, as the source says.
        repeal_type: e-Gov RepealType where given.
        data_info: e-Gov DataInfo stamp where given.
        lang: document language (``ja``).
    """

    law_revision_id: str | None = None
    enforcement_date: date | None = None
    amendment_law_id: str | None = None
    amendment_promulgate_date: date | None = None
    status: str | None = None
    repeal_type: str | None = None
    data_info: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Law:
    """One revision of one law, fully parsed.

    Attributes:
        metadata: identity of the law.
        revision: which revision this text is.
        root: the lossless ``<Law>`` element tree.
        provisions: every addressable provision in document order.
        source_format: ``xml`` or ``json`` (e-Gov v2 ``law_full_text``).
    """

    metadata: LawMetadata
    revision: RevisionInfo
    root: Element
    provisions: tuple[Provision, ...]
    source_format: str = "xml"
    _by_path: Mapping[str, Provision] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._by_path:
            object.__setattr__(self, "_by_path", MappingProxyType({p.path: p for p in self.provisions}))

    def provision(self, path: str) -> Provision | None:
        """The provision at ``path``, or None (also for a path that is not ``elm`` syntax).

        ``path`` is read as the API reads it (:func:`egov_core.paths.path_candidates`): the stored path
        (``MainProvision-Article_709``) or a shorthand (``Article_709``, ``article_709-paragraph_1``,
        ``SupplProvision_1-Article_2``, ``MainProvision-Paragraph[1]``).
        """
        found = self._by_path.get(path)
        if found is not None:
            return found
        try:
            candidates = path_candidates(path)
        except InvalidProvisionPathError:
            return None
        return next((p for c in candidates if (p := self._by_path.get(c)) is not None), None)

    def count(self, kind: ProvisionKind) -> int:
        """How many provisions of ``kind`` the revision holds."""
        return sum(1 for p in self.provisions if p.kind is kind)
