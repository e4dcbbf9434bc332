"""The e-Gov 法令API v2 (``/api/2``): all six endpoints as typed async methods."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from egov_core.egov_client import _ids
from egov_core.egov_client._http import HttpCore, RawResponse
from egov_core.egov_client._params import query
from egov_core.egov_client._v2_parse import law_data_from_payload, load_payload, validate
from egov_core.egov_client.models import (
    AmendmentType,
    CurrentRevisionStatus,
    FileType,
    KeywordResponse,
    LawData,
    LawFile,
    LawNumEra,
    LawRevisionsResponse,
    LawsResponse,
    LawType,
    Mission,
    RepealStatus,
    ResponseFormat,
)
from egov_core.errors import EgovApiUnexpectedContentError, InvalidQueryError

P = TypeVar("P", LawsResponse, KeywordResponse)

_ACCEPT = {"json": ("application/json",), "xml": ("application/xml", "text/xml")}
_FILE_ACCEPT = {
    "xml": ("xml",),
    "json": ("json",),
    "html": ("text/html",),
    "rtf": ("rtf", "application/octet-stream"),
    "docx": ("officedocument", "application/octet-stream", "application/zip"),
}


def _filename(raw: RawResponse) -> str | None:
    disposition = raw.headers.get("content-disposition", "")
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename" and value:
            return value.strip('"').rsplit("/", 1)[-1] or None
    return None


async def paginate(fetch: Callable[[int], Awaitable[P]], offset: int = 0) -> AsyncIterator[P]:
    """Yield pages from ``fetch(offset)`` following ``next_offset`` until e-Gov says null.

    Raises:
        EgovApiUnexpectedContentError: ``next_offset`` does not move forward (it would loop forever).
    """
    while True:
        page = await fetch(offset)
        yield page
        if page.next_offset is None:
            return
        if page.next_offset <= offset:
            raise EgovApiUnexpectedContentError(f"next_offset {page.next_offset} does not advance past {offset}")
        offset = page.next_offset


class LawApiV2:
    """法令API v2 over a shared :class:`~egov_core.egov_client._http.HttpCore` (use :class:`EgovClient`)."""

    def __init__(self, core: HttpCore, base_url: str) -> None:
        self._core = core
        self._base = base_url

    async def _get(self, path: str, params: list[tuple[str, str]], fmt: str, endpoint: str) -> RawResponse:
        return await self._core.get(self._base, path, params, accept=_ACCEPT[fmt], endpoint=endpoint)

    async def laws(
        self,
        *,
        law_id: str | None = None,
        law_num: str | None = None,
        law_num_era: LawNumEra | None = None,
        law_num_num: str | None = None,
        law_num_type: LawType | None = None,
        law_num_year: int | None = None,
        law_title: str | None = None,
        law_title_kana: str | None = None,
        law_type: Sequence[LawType] | None = None,
        amendment_law_id: str | None = None,
        asof: date | None = None,
        category_cd: Sequence[str] | None = None,
        mission: Sequence[Mission] | None = None,
        omit_current_revision_info: bool | None = None,
        promulgation_date_from: date | None = None,
        promulgation_date_to: date | None = None,
        repeal_status: Sequence[RepealStatus] | None = None,
        limit: int | None = None,
        offset: int | None = None,
        order: str | None = None,
        response_format: ResponseFormat = "json",
    ) -> LawsResponse:
        """``GET /laws`` — laws matching the filters (all optional; partial matches on ids, numbers, titles)."""
        params = query(**{k: v for k, v in locals().items() if k != "self"})
        raw = await self._get("/laws", params, response_format, "v2 /laws")
        data = load_payload(raw.content, raw.content_type, endpoint="v2 /laws", root_tag="laws_response")
        return validate(LawsResponse, data, endpoint="v2 /laws")

    def iter_laws(self, **filters: Any) -> AsyncIterator[LawsResponse]:
        """All pages of :meth:`laws` for the same filters (any of its keyword arguments), via ``next_offset``."""
        start = int(filters.pop("offset", 0) or 0)
        return paginate(lambda offset: self.laws(offset=offset, **filters), start)

    async def law_revisions(
        self,
        law_id_or_num: str,
        *,
        law_title: str | None = None,
        law_title_kana: str | None = None,
        amendment_date_from: date | None = None,
        amendment_date_to: date | None = None,
        amendment_law_id: str | None = None,
        amendment_law_num: str | None = None,
        amendment_law_title: str | None = None,
        amendment_law_title_kana: str | None = None,
        amendment_promulgate_date_from: date | None = None,
        amendment_promulgate_date_to: date | None = None,
        amendment_type: Sequence[AmendmentType] | None = None,
        category_cd: Sequence[str] | None = None,
        current_revision_status: Sequence[CurrentRevisionStatus] | None = None,
        mission: Sequence[Mission] | None = None,
        remain_in_force: bool | None = None,
        repeal_date_from: date | None = None,
        repeal_date_to: date | None = None,
        repeal_status: Sequence[RepealStatus] | None = None,
        updated_from: date | None = None,
        updated_to: date | None = None,
        response_format: ResponseFormat = "json",
    ) -> LawRevisionsResponse:
        """``GET /law_revisions/{law_id_or_num}`` — a law's revisions, newest first (``updated_from`` for sync)."""
        target = _ids.segment(_ids.law_id_or_num(law_id_or_num))
        params = query(**{k: v for k, v in locals().items() if k not in ("self", "law_id_or_num", "target")})
        endpoint = "v2 /law_revisions"
        raw = await self._get(f"/law_revisions/{target}", params, response_format, endpoint)
        data = load_payload(raw.content, raw.content_type, endpoint=endpoint, root_tag="law_revisions_response")
        return validate(LawRevisionsResponse, data, endpoint=endpoint)

    async def law_data(
        self,
        law_id_or_num_or_revision_id: str,
        *,
        law_full_text_format: ResponseFormat | None = None,
        asof: date | None = None,
        elm: str | None = None,
        omit_amendment_suppl_provision: bool | None = None,
        include_attached_file_content: bool | None = None,
        response_format: ResponseFormat = "json",
    ) -> LawData:
        """``GET /law_data/{id}`` — a law's text (current, ``asof`` a date, or an exact revision id).

        ``law_full_text`` comes back decoded: a JSON tree or ``<Law>`` XML bytes, whichever
        ``law_full_text_format`` (default: same as ``response_format``) asks for; Base64 is undone.
        """
        target = _ids.segment(_ids.law_id_or_num_or_revision_id(law_id_or_num_or_revision_id))
        if elm is not None:
            _ids.elm(elm)
        params = query(
            law_full_text_format=law_full_text_format,
            asof=asof,
            elm=elm,
            omit_amendment_suppl_provision=omit_amendment_suppl_provision,
            include_attached_file_content=include_attached_file_content,
            response_format=response_format,
        )
        endpoint = "v2 /law_data"
        raw = await self._get(f"/law_data/{target}", params, response_format, endpoint)
        data = load_payload(raw.content, raw.content_type, endpoint=endpoint, root_tag="law_data_response")
        return law_data_from_payload(data, endpoint=endpoint)

    async def attachment(self, law_revision_id: str, *, src: str | None = None) -> LawFile:
        """``GET /attachment/{law_revision_id}`` — one figure/PDF (``src``) or all of them as a ZIP."""
        target = _ids.segment(_ids.law_revision_id(law_revision_id))
        params = [("src", _ids.attachment_src(src))] if src is not None else []
        raw = await self._core.get(self._base, f"/attachment/{target}", params, endpoint="v2 /attachment")
        return LawFile(content=raw.content, content_type=raw.content_type, filename=_filename(raw))

    async def keyword(
        self,
        keyword: str,
        *,
        law_num: str | None = None,
        law_num_era: LawNumEra | None = None,
        law_num_num: str | None = None,
        law_num_type: LawType | None = None,
        law_num_year: int | None = None,
        law_type: Sequence[LawType] | None = None,
        asof: date | None = None,
        category_cd: Sequence[str] | None = None,
        promulgation_date_from: date | None = None,
        promulgation_date_to: date | None = None,
        limit: int | None = None,
        offset: int | None = None,
        order: str | None = None,
        response_format: ResponseFormat = "json",
        sentences_limit: int | None = None,
        sentence_text_size: int | None = None,
        highlight_tag: str | None = None,
    ) -> KeywordResponse:
        """``GET /keyword`` — full-text search of law texts (``limit`` counts hit sentences, at most 1000)."""
        if limit is not None and limit > 1000:
            raise InvalidQueryError("keyword limit is at most 1000")
        if highlight_tag is not None and not highlight_tag.isalnum():
            raise InvalidQueryError(f"highlight_tag must be a bare tag name: {highlight_tag!r}")
        params = query(**{k: v for k, v in locals().items() if k != "self"})
        raw = await self._get("/keyword", params, response_format, "v2 /keyword")
        data = load_payload(raw.content, raw.content_type, endpoint="v2 /keyword", root_tag="keyword_response")
        return validate(KeywordResponse, data, endpoint="v2 /keyword")

    def iter_keyword(self, keyword: str, **filters: Any) -> AsyncIterator[KeywordResponse]:
        """All pages of :meth:`keyword` for the same query and filters, via ``next_offset``."""
        start = int(filters.pop("offset", 0) or 0)
        return paginate(lambda offset: self.keyword(keyword, offset=offset, **filters), start)

    async def law_file(
        self, file_type: FileType, law_id_or_num_or_revision_id: str, *, asof: date | None = None
    ) -> LawFile:
        """``GET /law_file/{file_type}/{id}`` — the law text as a file (xml, json, html, rtf, docx)."""
        kind = _ids.file_type(file_type)
        target = _ids.segment(_ids.law_id_or_num_or_revision_id(law_id_or_num_or_revision_id))
        raw = await self._core.get(
            self._base,
            f"/law_file/{kind}/{target}",
            query(asof=asof),
            accept=_FILE_ACCEPT[kind],
            endpoint="v2 /law_file",
        )
        return LawFile(content=raw.content, content_type=raw.content_type, filename=_filename(raw))
