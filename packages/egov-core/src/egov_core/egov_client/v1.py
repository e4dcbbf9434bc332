"""The e-Gov 法令API v1 (``/api/1``): law lists, law data, articles and daily update lists (XML)."""

from __future__ import annotations

from datetime import date, datetime

from lxml import etree

from egov_core.egov_client import _ids
from egov_core.egov_client._http import HttpCore
from egov_core.egov_client._xml import parse_xml, text_of
from egov_core.egov_client.v1_models import LawList, LawListEntry, UpdatedLaw, UpdateLawList, V1Articles, V1LawData
from egov_core.errors import EgovApiResponseError, EgovApiUnexpectedContentError, InvalidQueryError

_XML = ("application/xml", "text/xml")
_UPDATED_FIELDS = {
    "LawTypeName": "law_type_name",
    "LawNo": "law_no",
    "LawName": "law_name",
    "LawNameKana": "law_name_kana",
    "OldLawName": "old_law_name",
    "PromulgationDate": "promulgation_date",
    "AmendName": "amend_name",
    "AmendNo": "amend_no",
    "AmendPromulgationDate": "amend_promulgation_date",
    "EnforcementDate": "enforcement_date",
    "EnforcementComment": "enforcement_comment",
    "LawId": "law_id",
    "LawUrl": "law_url",
    "EnforcementFlg": "enforcement_flg",
    "AuthFlg": "auth_flg",
}
_DATE_FIELDS = frozenset({"promulgation_date", "amend_promulgation_date", "enforcement_date"})


def _date(text: str | None, endpoint: str) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").date()  # noqa: DTZ007 — a calendar date, no time zone
    except ValueError as exc:
        raise EgovApiUnexpectedContentError(f"{endpoint}: not a yyyyMMdd date: {text!r}") from exc


def _appl_data(body: bytes, *, endpoint: str, status: int, allow_multiple: bool = False) -> tuple[etree._Element, str]:
    """Check ``DataRoot/Result/Code`` and return ``(ApplData, code)``."""
    root = parse_xml(body, endpoint=endpoint)
    if root.tag != "DataRoot":
        raise EgovApiUnexpectedContentError(f"{endpoint}: expected <DataRoot>, got <{root.tag}>")
    code, message = text_of(root.find("Result/Code")), text_of(root.find("Result/Message"))
    if code == "1":
        raise EgovApiResponseError(
            f"{endpoint}: e-Gov Result Code 1: {message}",
            status_code=status,
            egov_code=code,
            egov_message=message,
            endpoint=endpoint,
        )
    if code not in ("0", "2") or (code == "2" and not allow_multiple):
        raise EgovApiUnexpectedContentError(f"{endpoint}: unexpected Result Code {code!r} ({message})")
    appl = root.find("ApplData")
    if appl is None:
        raise EgovApiUnexpectedContentError(f"{endpoint}: no <ApplData>")
    return appl, code


class LawApiV1:
    """法令API v1 over a shared :class:`~egov_core.egov_client._http.HttpCore` (use :class:`EgovClient`)."""

    def __init__(self, core: HttpCore, base_url: str) -> None:
        self._core = core
        self._base = base_url

    async def _appl(self, path: str, endpoint: str, *, allow_multiple: bool = False) -> tuple[etree._Element, str]:
        raw = await self._core.get(self._base, path, accept=_XML, endpoint=endpoint)
        return _appl_data(raw.content, endpoint=endpoint, status=raw.status_code, allow_multiple=allow_multiple)

    async def lawlists(self, category: int) -> LawList:
        """``/lawlists/{category}`` — 1 all laws, 2 constitution and acts, 3 cabinet/imperial orders, 4 ordinances."""
        if category not in (1, 2, 3, 4):
            raise InvalidQueryError(f"lawlists category must be 1–4: {category!r}")
        endpoint = "v1 /lawlists"
        appl, _ = await self._appl(f"/lawlists/{category}", endpoint)
        entries = tuple(
            LawListEntry(
                law_id=text_of(info.find("LawId")),
                law_name=text_of(info.find("LawName")),
                law_no=text_of(info.find("LawNo")),
                promulgation_date=_date(text_of(info.find("PromulgationDate")), endpoint),
            )
            for info in appl.iterfind("LawNameListInfo")
        )
        cat = text_of(appl.find("Category"))
        return LawList(category=int(cat) if cat and cat.isdigit() else None, entries=entries)

    async def lawdata(self, law_id_or_num: str) -> V1LawData:
        """``/lawdata/{law_id or law_num}`` — the current text of one law."""
        target = _ids.segment(_ids.law_id_or_num(law_id_or_num))
        endpoint = "v1 /lawdata"
        appl, _ = await self._appl(f"/lawdata/{target}", endpoint)
        law = appl.find("LawFullText/Law")
        if law is None:
            raise EgovApiUnexpectedContentError(f"{endpoint}: no <LawFullText><Law>")
        return V1LawData(
            law_id=text_of(appl.find("LawId")),
            law_num=text_of(appl.find("LawNum")),
            law_full_text_xml=etree.tostring(law, encoding="utf-8", xml_declaration=True),
            image_data=text_of(appl.find("ImageData")),
        )

    async def articles(
        self,
        *,
        law_id: str | None = None,
        law_num: str | None = None,
        article: str | None = None,
        paragraph: str | None = None,
        appdx_table: str | None = None,
    ) -> V1Articles:
        """``/articles;lawId=…;article=…;paragraph=…;appdxTable=…`` — one provision of a law.

        Exactly one of ``law_id`` / ``law_num``, and at least one of ``article`` / ``paragraph`` / ``appdx_table``
        (as e-Gov writes them, e.g. ``第十一条``, ``第一項``, ``別表第一``, or plain numbers).
        """
        if (law_id is None) == (law_num is None):
            raise InvalidQueryError("give exactly one of law_id and law_num")
        if article is None and paragraph is None and appdx_table is None:
            raise InvalidQueryError("give at least one of article, paragraph, appdx_table")
        parts = [("lawId", _ids.law_id(law_id))] if law_id is not None else [("lawNum", _ids.law_num(law_num or ""))]
        for key, value in (("article", article), ("paragraph", paragraph), ("appdxTable", appdx_table)):
            if value is not None:
                parts.append((key, _ids.v1_selector(value, key)))
        path = "/articles" + "".join(f";{key}={_ids.segment(value)}" for key, value in parts)
        endpoint = "v1 /articles"
        appl, code = await self._appl(path, endpoint, allow_multiple=True)
        contents = appl.find("LawContents")
        return V1Articles(
            law_id=text_of(appl.find("LawId")),
            law_num=text_of(appl.find("LawNum")),
            article=text_of(appl.find("Article")),
            paragraph=text_of(appl.find("Paragraph")),
            appdx_table=text_of(appl.find("AppdxTable")),
            contents_xml=tuple(
                etree.tostring(child, encoding="utf-8") for child in (contents if contents is not None else ())
            ),
            image_data=text_of(appl.find("ImageData")),
            multiple=code == "2",
        )

    async def updatelawlists(self, day: date) -> UpdateLawList:
        """``/updatelawlists/{yyyyMMdd}`` — the laws e-Gov updated on ``day``.

        e-Gov answers a day without updates with Result Code 1 (「該当する法令更新一覧がありません。」);
        that is returned as an empty list, not raised.
        """
        endpoint = "v1 /updatelawlists"
        try:
            appl, _ = await self._appl(f"/updatelawlists/{_ids.yyyymmdd(day)}", endpoint)
        except EgovApiResponseError as exc:
            # Only "nothing that day" (200 or 404 with Code 1); a 400 means the request was wrong.
            if exc.egov_code == "1" and exc.status_code in (200, 404):
                return UpdateLawList(date=day, entries=())
            raise
        entries = []
        for info in appl.iterfind("LawNameListInfo"):
            fields: dict[str, object] = {}
            for tag, name in _UPDATED_FIELDS.items():
                text = text_of(info.find(tag))
                fields[name] = _date(text, endpoint) if name in _DATE_FIELDS else text
            entries.append(UpdatedLaw.model_validate(fields))
        return UpdateLawList(date=_date(text_of(appl.find("Date")), endpoint) or day, entries=tuple(entries))
