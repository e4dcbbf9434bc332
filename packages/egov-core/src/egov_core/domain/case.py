"""Court decisions (判例) from the courts.go.jp open data set (japanese-law-analysis/data_set format)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class DecisionDate:
    """A date as the record gives it (和暦) and its ISO form when valid."""

    era: str | None
    year: int | None
    month: int | None
    day: int | None
    iso: date | None


@dataclass(frozen=True, slots=True)
class LawReference:
    """One part of a decision's 参照法条, as written and as resolved.

    Attributes:
        raw: the part as written (``民法709条``).
        law_id: the resolved law, if the law is known.
        path: the resolved provision path, if it resolved to a provision.
        status: ``resolved`` / ``law_only`` / ``historical`` / ``not_found`` / ``ambiguous`` (see
            :func:`egov_core.citations.resolve_ref_law_part`), ``unresolved`` before resolution.
        note: why it did not resolve (``旧法``, unknown law …), if it did not.
    """

    raw: str
    law_id: str | None
    path: str | None
    status: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CourtDecision:
    """One court decision.

    Attributes:
        lawsuit_id: courts.go.jp id (stable key).
        trial_type: SupremeCourt / HighCourt / LowerCourt / IPCase / AdministrativeCase / LaborCase …
        case_number: 事件番号 (``平成10(オ)1081``).
        case_name: 事件名.
        court_name: 裁判所名.
        date: 裁判年月日.
        result_type: 判決 / 決定 …
        result: 棄却 / 破棄自判 …
        article_info: 判例集等巻・号・頁 (reporter citation).
        original_court_name / original_case_number / original_date: 原審.
        gist: 判示事項.
        case_gist: 裁判要旨.
        ref_law: 参照法条 exactly as given.
        contents: 全文 where present.
        detail_page_link / full_pdf_link: courts.go.jp links.
        extra: fields of other record schemas (IP cases: right_type, lawsuit_type …), kept as given.
        flags: problems found while importing (``contents_truncated``, ``missing:case_name`` …).
    """

    lawsuit_id: str
    trial_type: str | None
    case_number: str | None
    case_name: str | None
    court_name: str | None
    date: DecisionDate | None
    result_type: str | None = None
    result: str | None = None
    article_info: str | None = None
    original_court_name: str | None = None
    original_case_number: str | None = None
    original_date: DecisionDate | None = None
    gist: str | None = None
    case_gist: str | None = None
    ref_law: str | None = None
    contents: str | None = None
    detail_page_link: str | None = None
    full_pdf_link: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    flags: tuple[str, ...] = ()
