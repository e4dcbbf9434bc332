"""Citations of a law's text before an amendment (「民法（平成二十九年法律第四十四号による改正前のもの）第四百十五条」,
「改正前の民法」, a 旧法 a 附則 defines): the old revision's provision when the store holds it, else the law only."""

from __future__ import annotations

import re

from egov_core.citations.directory import LawDirectory, LawEntry
from egov_core.citations.model import CitationParts, Resolution, ResolutionStatus
from egov_core.errors import InvalidNumeralError
from egov_core.numerals import kanji_to_int
from egov_core.text.normalize import normalize

__all__ = ["amending_law_id", "historical_resolution"]

_ERA_CODES = {"明治": 1, "大正": 2, "昭和": 3, "平成": 4, "令和": 5}
_KANJI_NUMERAL_RE = re.compile(r"[〇一二三四五六七八九十百千]+")
_LAW_NUMBER_RE = re.compile(r"^(明治|大正|昭和|平成|令和)(元|\d+)年(法律|政令)第?(\d+)号$")


def amending_law_id(law_number: str) -> str | None:
    """e-Gov law id of a law number as written (「平成二十九年法律第四十四号」 → ``429AC0000000044``), or None."""
    try:
        arabic = _KANJI_NUMERAL_RE.sub(lambda k: str(kanji_to_int(k.group())), normalize(law_number))
        m = _LAW_NUMBER_RE.match(arabic)
    except InvalidNumeralError:
        return None
    if m is None:
        return None
    era, year, kind, num = m.groups()
    year_no = 1 if year == "元" else int(year)
    return f"{_ERA_CODES[era]}{year_no:02d}{'AC' if kind == '法律' else 'CO'}{int(num):010d}"


async def historical_resolution(
    parts: CitationParts, law: LawEntry, path: str | None, directory: LawDirectory
) -> Resolution:
    """A citation of the text before an amendment (``path``: the provision it names, None for the law): the old revision's provision when stored, else the law only.

    Never today's provision: 「民法（平成二十九年法律第四十四号による改正前のもの）第四百十五条」 is not the
    current 第四百十五条.
    """
    amending = amending_law_id(parts.amended_by) if parts.amended_by else None
    paths = [path] if path else []
    if amending and paths:
        old = await directory.provisions_before_amendment(law.law_id, amending, paths)
        if old is not None and (hit := old[1].get(paths[0])) is not None:
            return Resolution(
                ResolutionStatus.HISTORICAL,
                parts,
                law_id=law.law_id,
                title=law.title,
                path=hit.path,
                caption=hit.caption,
                text=hit.text,
                revision_id=old[0],
                note=f"{parts.amended_by}による改正前の{law.title}（{old[0]}）",
            )
    before = f"{parts.amended_by}による" if parts.amended_by else ""
    return Resolution(
        ResolutionStatus.HISTORICAL,
        parts,
        law_id=law.law_id,
        title=law.title,
        reason="historical",
        note=f"{before}改正前の{law.title}の条文は収録されていません（現行の条文とは異なります）",
    )
