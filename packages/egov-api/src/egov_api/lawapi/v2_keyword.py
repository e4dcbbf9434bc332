"""e-Gov 法令API v2 ``/keyword`` (キーワード検索API), answered by egov's own keyword search.

Hits are article-level units ranked by relevance (e-Gov's default order is by law id; see the README),
grouped by law in the order their best hit ranks; each hit is one ``sentence`` whose ``position`` is the
unit's elm path and whose ``text`` marks the matches with ``highlight_tag``. ``limit`` / ``offset`` count
sentences, as on e-Gov.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from egov_api.fastpath import mark_cacheable
from egov_api.lawapi import params as p
from egov_api.lawapi.errors import LawApiError
from egov_api.lawapi.render import answer, answer_format
from egov_api.lawapi.shapes import law_info, revision_info
from egov_api.state import Conn
from egov_core.errors import InvalidQueryError
from egov_core.search import Hit, ProvisionFilter, search_parsed
from egov_core.store import revisions_in_force
from egov_core.store.compat import (
    LAWAPI_ORDER_COLUMNS,
    LawApiFilter,
    lawapi_infos,
    lawapi_law_ids,
    lawapi_revisions_by_pk,
)
from egov_core.text.query import ParsedQuery, parse_query
from egov_core.text.snippets import make_snippet

router = APIRouter(tags=["e-Gov 法令API v2"])

#: e-Gov's published bounds: limit defaults to 100 and is at most 1000.
MAX_KEYWORD_LIMIT = 1000
#: Deepest offset (the search itself goes no deeper).
MAX_KEYWORD_OFFSET = 10_000
#: Laws a law-level filter (law_num …) may select before the search; beyond, the filter is too wide to help.
MAX_SCOPE = 20_000
_PAGE = 100
_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,15}$")
_WORDS = {"AND": " ", "OR": " OR ", "NOT": " -"}


def keyword_query(keyword: str) -> ParsedQuery:
    """e-Gov's search expression as egov's query: terms separated by spaces (or ``AND``) must all occur,
    ``OR`` joins alternatives, ``NOT term`` excludes, ``"…"`` is a phrase. Wildcards (``*`` ``?``) are not
    supported (400005, see the README)."""
    folded = unicodedata.normalize("NFKC", keyword).strip()
    if not folded:
        raise LawApiError("400005", "keyword: empty")
    if "*" in folded or "?" in folded:
        raise LawApiError("400005", "keyword: wildcards (* ?) are not supported by this server")
    words: list[str] = []
    for token in re.split(r"(\s+)", folded):
        words.append(_WORDS.get(token, token))
    expression = re.sub(r"-\s+", "-", "".join(words))
    try:
        return parse_query(expression)
    except InvalidQueryError as exc:
        raise LawApiError("400005", exc.message) from None


def highlighted(text: str, terms: tuple[str, ...], size: int, tag: str) -> str:
    """The unit's text around its first matches, ``size`` characters, matches wrapped in ``<tag>``."""
    snippet = make_snippet(text, terms, width=size, lead=min(20, size // 4))
    parts: list[str] = []
    cursor = 0
    for start, end in snippet.highlights:
        parts += [snippet.text[cursor:start], f"<{tag}>", snippet.text[start:end], f"</{tag}>"]
        cursor = end
    parts.append(snippet.text[cursor:])
    return "".join(parts)


@router.get(
    "/keyword",
    summary="キーワード検索API (e-Gov-compatible)",
    description=(
        "Provisions containing the keyword, grouped by law, as e-Gov's `/keyword`: `sentences` carry the elm "
        "`position` and the text with matches in `highlight_tag`. Syntax: spaces or AND, OR, NOT, quoted phrases."
    ),
)
async def get_keyword(
    request: Request,
    conn: Conn,
    keyword: Annotated[str | None, Query(description="Search expression, e.g. `不法行為 損害`.")] = None,
    law_num: Annotated[str | None, Query(description="法令番号 (substring).")] = None,
    law_num_era: Annotated[str | None, Query(description="Era of the law number.")] = None,
    law_num_num: Annotated[str | None, Query(description="Number within the year.")] = None,
    law_num_type: Annotated[str | None, Query(description="Law type of the law number.")] = None,
    law_num_year: Annotated[str | None, Query(description="Year of the law number.")] = None,
    law_type: Annotated[str | None, Query(description="Law types, comma-separated.")] = None,
    asof: Annotated[str | None, Query(description="YYYY-MM-DD: search the revisions in force then.")] = None,
    category_cd: Annotated[str | None, Query(description="Category codes, comma-separated.")] = None,
    promulgation_date_from: Annotated[str | None, Query(description="Promulgated on or after.")] = None,
    promulgation_date_to: Annotated[str | None, Query(description="Promulgated on or before.")] = None,
    limit: Annotated[str | None, Query(description="Sentences per answer (default 100, at most 1000).")] = None,
    offset: Annotated[str | None, Query(description="Sentences to skip (at most 10,000).")] = None,
    order: Annotated[str | None, Query(description="Sort the page's laws, e.g. `+law_info.law_id`.")] = None,
    response_format: Annotated[str | None, Query(description="json or xml.")] = None,
    sentences_limit: Annotated[str | None, Query(description="Sentences shown per law.")] = None,
    sentence_text_size: Annotated[str | None, Query(description="Characters of each sentence (default 100).")] = None,
    highlight_tag: Annotated[str | None, Query(description="Tag around matches (default span).")] = None,
) -> Response:
    fmt = answer_format(request, p.response_format(response_format))
    if not keyword:
        raise LawApiError("400005", "keyword is required")
    query = keyword_query(p.text("keyword", keyword) or "")
    tag = highlight_tag or "span"
    if not _TAG.match(tag):
        raise LawApiError("400002", "highlight_tag: an element name of letters and digits (at most 16)")
    size = p.integer("limit", limit, low=1, high=MAX_KEYWORD_LIMIT, default=100) or 100
    skip = p.integer("offset", offset, low=0, high=MAX_KEYWORD_OFFSET, default=0) or 0
    per_law = p.integer("sentences_limit", sentences_limit, low=1, high=MAX_KEYWORD_LIMIT, default=None)
    text_size = p.integer("sentence_text_size", sentence_text_size, low=1, high=10_000, default=100) or 100
    sort = p.order(order, LAWAPI_ORDER_COLUMNS, "law_info.law_id") if order else None
    flt = LawApiFilter(
        law_num=p.text("law_num", law_num),
        era=p.one_of("law_num_era", law_num_era, p.ERAS),
        year=p.integer("law_num_year", law_num_year, low=-(10**9), high=10**9),
        num=p.text("law_num_num", law_num_num),
        num_type=p.one_of("law_num_type", law_num_type, p.LAW_TYPES, "400001"),
        promulgated_from=p.day("promulgation_date_from", promulgation_date_from),
        promulgated_to=p.day("promulgation_date_to", promulgation_date_to),
    )
    types = p.law_types("law_type", law_type)
    categories = p.categories(category_cd)
    when = p.day("asof", asof)
    law_ids: list[str] | None = None
    if any(v is not None for v in (flt.law_num, flt.era, flt.year, flt.num, flt.num_type)) or (
        flt.promulgated_from or flt.promulgated_to
    ):
        law_ids = await lawapi_law_ids(conn, flt, cap=MAX_SCOPE)
    revision_ids = await revisions_in_force(conn, when, law_ids) if when is not None else None
    hits: list[Hit] = []
    total = 0
    exhausted = False
    if law_ids != [] and revision_ids != []:
        while len(hits) < size:
            start = skip + len(hits)
            if start > MAX_KEYWORD_OFFSET:
                break
            want = min(_PAGE, size - len(hits))
            page = await search_parsed(
                conn,
                query,
                filters=ProvisionFilter(law_ids, types or None, categories or None, None, revision_ids),
                limit=want,
                offset=start,
                snippets=False,
            )
            total = page.total
            hits.extend(page.hits)
            if len(page.hits) < want:
                exhausted = True
                break
    items = await _group(conn, hits, query.positive_terms, per_law=per_law, size=text_size, tag=tag, sort=sort)
    consumed = skip + len(hits)
    body = {
        "total_count": total,
        "sentence_count": sum(len(item["sentences"]) for item in items),
        "next_offset": None if exhausted or consumed >= total or not hits else consumed,
        "items": items,
    }
    response = answer("keyword_response", body, fmt)
    mark_cacheable(response, "search")
    return response


async def _group(
    conn: Conn,
    hits: list[Hit],
    terms: tuple[str, ...],
    *,
    per_law: int | None,
    size: int,
    tag: str,
    sort: list[tuple[str, bool]] | None,
) -> list[dict[str, Any]]:
    infos = await lawapi_infos(conn, list(dict.fromkeys(h.law_id for h in hits)))
    revisions = await lawapi_revisions_by_pk(conn, list(dict.fromkeys(h.revision_id for h in hits)))
    items: dict[int, dict[str, Any]] = {}
    shown: list[tuple[dict[str, str], Hit]] = []
    for hit in hits:
        rev = revisions.get(hit.revision_id)
        info = infos.get(hit.law_id)
        if rev is None or info is None:
            continue
        item = items.setdefault(
            hit.revision_id, {"law_info": law_info(info), "revision_info": revision_info(rev), "sentences": []}
        )
        if per_law is None or len(item["sentences"]) < per_law:
            sentence = {"position": hit.path, "text": ""}
            item["sentences"].append(sentence)
            shown.append((sentence, hit))
    # Up to 1,000 texts of up to 10,000 characters highlighted: seconds of CPU on the widest keywords, which
    # held every other request of the worker when done on the event loop.
    texts = await asyncio.to_thread(lambda: [highlighted(h.source_text or "", terms, size, tag) for _, h in shown])
    for (sentence, _), text in zip(shown, texts, strict=True):
        sentence["text"] = text
    out = list(items.values())
    for field, descending in reversed(sort or []):
        group, name = field.split(".", 1)
        out.sort(key=lambda x: (x[group].get(name) is None, str(x[group].get(name) or "")), reverse=descending)
    return out
