"""Laws: list and filter, one law, its revisions, table of contents and full text."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Response

from egov_api.abbreviations import law_ids_for_abbreviation
from egov_api.law_text import plain_text
from egov_api.routes._common import (
    NO_NUL,
    AsOf,
    FreeText,
    LawIdPath,
    RevisionId,
    law_url,
    mark_cacheable,
    pick_revision,
)
from egov_api.schemas.common import PROBLEM_RESPONSES, page_info
from egov_api.schemas.graph import LawGraph
from egov_api.schemas.laws import LawDetail, LawList, LawSummary, RevisionList, RevisionSummary, Toc, TocNode
from egov_api.state import Conn, State
from egov_core.rendering import RubyMode
from egov_core.store import (
    LawFilter,
    LawRow,
    RevisionRow,
    get_law,
    get_toc,
    law_degree,
    list_laws,
    list_revisions,
    revision_tree,
)
from egov_core.store.laws import SORTS

router = APIRouter(prefix="/v1/laws", tags=["laws"], responses=PROBLEM_RESPONSES)

LawType = Literal["Constitution", "Act", "CabinetOrder", "ImperialOrder", "MinisterialOrdinance", "Rule", "Misc"]
Era = Literal["Meiji", "Taisho", "Showa", "Heisei", "Reiwa"]


def law_summary(row: LawRow, *, matched_abbrev: str | None = None) -> LawSummary:
    """API view of a stored law; ``matched_abbrev``: the abbreviation a list request found it by, shown
    where e-Gov records none (most laws: 「労基法」 comes from the abbreviation table, not e-Gov)."""
    abbrev = row.abbrev
    if abbrev is None and matched_abbrev and matched_abbrev != row.title:
        abbrev = matched_abbrev
    return LawSummary(
        law_id=row.law_id,
        law_num=row.law_num,
        title=row.title,
        title_kana=row.title_kana,
        abbrev=abbrev,
        law_type=row.law_type,
        era=row.era,
        year=row.year,
        num=row.num,
        promulgation_date=row.promulgation_date,
        category=row.category,
        url=law_url(row.law_id),
    )


def revision_summary(rev: RevisionRow) -> RevisionSummary:
    """API view of a stored revision."""
    return RevisionSummary(
        law_revision_id=rev.law_revision_id,
        enforcement_date=rev.enforcement_date,
        amendment_law_id=rev.amendment_law_id,
        status=rev.status,
        is_current=rev.is_current,
        title=rev.title,
        url=f"{law_url(rev.law_id)}?revision={rev.law_revision_id}",
    )


@router.get(
    "",
    summary="List and filter laws",
    description=(
        "Laws in the store, filtered by type, category, era/year/number, promulgation date range, title "
        "substring or common abbreviation (「労基法」 → 労働基準法), sorted, paginated with the total count."
    ),
)
async def list_laws_route(
    conn: Conn,
    state: State,
    response: Response,
    law_type: Annotated[list[LawType] | None, Query(description="e-Gov law type; repeat for several.")] = None,
    category: Annotated[
        list[FreeText] | None, Query(description="e-Gov 分野 (category); repeat for several.", max_length=20)
    ] = None,
    era: Annotated[Era | None, Query(description="Era of the law number.")] = None,
    year: Annotated[int | None, Query(ge=1, le=99, description="Year within the era.")] = None,
    num: Annotated[str | None, Query(max_length=10, pattern=r"^[0-9]+$", description="Number within the year.")] = None,
    promulgated_from: Annotated[date | None, Query(description="Promulgated on or after (YYYY-MM-DD).")] = None,
    promulgated_to: Annotated[date | None, Query(description="Promulgated on or before (YYYY-MM-DD).")] = None,
    title: Annotated[
        str | None, Query(max_length=100, pattern=NO_NUL, description="Substring of the title.", examples=["個人情報"])
    ] = None,
    abbrev: Annotated[
        str | None,
        Query(
            max_length=100, pattern=NO_NUL, description="A common abbreviation of the law's name.", examples=["労基法"]
        ),
    ] = None,
    sort: Annotated[
        Literal["law_id", "title", "promulgation_date", "law_num"], Query(description="Sort key.")
    ] = "law_id",
    order: Annotated[Literal["asc", "desc"], Query(description="Sort direction.")] = "asc",
    limit: Annotated[int, Query(ge=1, le=100, description="Page size (max 100).")] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000, description="Items to skip.")] = 0,
) -> LawList:
    assert sort in SORTS
    law_ids: tuple[str, ...] | None = None
    if abbrev:
        law_ids = tuple(await law_ids_for_abbreviation(conn, abbrev))
    flt = LawFilter(
        law_types=tuple(law_type or ()),
        categories=tuple(category or ()),
        era=era,
        year=year,
        num=num,
        promulgated_from=promulgated_from,
        promulgated_to=promulgated_to,
        title=title,
        law_ids=law_ids,
    )
    rows, total = await list_laws(conn, flt, sort=sort, descending=order == "desc", limit=limit, offset=offset)
    mark_cacheable(response, "list")
    return LawList(
        page=page_info(total, limit, offset, len(rows)), items=[law_summary(r, matched_abbrev=abbrev) for r in rows]
    )


@router.get(
    "/{law_id}",
    summary="One law",
    description="A law's metadata, the revision served (current, `asof` a date, or an explicit `revision`) and links.",
)
async def get_law_route(
    conn: Conn,
    response: Response,
    law_id: LawIdPath,
    asof: AsOf = None,
    revision: RevisionId = None,
    expand: Annotated[
        list[Literal["graph"]] | None,
        Query(description="`graph`: add the law's citation degree (references out, references and decisions in)."),
    ] = None,
) -> LawDetail:
    law = await get_law(conn, law_id)
    rev = await pick_revision(conn, law_id, asof, revision)
    # Only on request: the in-degree counts every current revision's references to the law.
    degree = await law_degree(conn, law_id, rev.id) if expand and "graph" in expand else None
    mark_cacheable(response, "law", immutable=revision is not None and degree is None)
    base = law_url(law_id)
    pin = f"?revision={rev.law_revision_id}"
    return LawDetail(
        law=law_summary(law),
        revision=revision_summary(rev),
        links={
            "toc": base + "/toc" + pin,
            "text": base + "/text" + pin,
            "plain_text": base + "/text" + pin + "&format=plain",
            "revisions": base + "/revisions",
            "provisions": base + "/provisions/{path}",
            "articles": base + "/articles/{number}",
            "cases": base + "/cases",
            "graph": base + "/graph" + pin,
        },
        graph=None
        if degree is None
        else LawGraph(law_id=law_id, law_revision_id=rev.law_revision_id, **asdict(degree)),
    )


@router.get(
    "/{law_id}/revisions",
    summary="A law's revisions",
    description="Every stored revision of the law, newest first, with enforcement dates and the current one marked.",
)
async def list_revisions_route(conn: Conn, response: Response, law_id: LawIdPath) -> RevisionList:
    revs = await list_revisions(conn, law_id)
    mark_cacheable(response, "law")
    return RevisionList(law_id=law_id, items=[revision_summary(r) for r in revs])


@router.get(
    "/{law_id}/toc",
    summary="Table of contents",
    description="Structure of the law (編章節款目, articles with captions, 附則, 別表) without text bodies, nested.",
)
async def get_toc_route(
    conn: Conn, response: Response, law_id: LawIdPath, asof: AsOf = None, revision: RevisionId = None
) -> Toc:
    rev = await pick_revision(conn, law_id, asof, revision)
    rows = await get_toc(conn, rev.id)
    nodes: dict[str, dict[str, object]] = {}
    roots: list[dict[str, object]] = []
    for r in rows:
        node: dict[str, object] = {
            "path": r.path,
            "kind": r.kind,
            "num": r.num,
            "title": r.title,
            "caption": r.caption,
            "children": [],
        }
        nodes[r.path] = node
        parent = nodes.get(r.parent_path) if r.parent_path else None
        if parent is not None:
            children = parent["children"]
            assert isinstance(children, list)
            children.append(node)
        else:
            roots.append(node)
    mark_cacheable(response, "law", immutable=revision is not None)
    return Toc(law_id=law_id, law_revision_id=rev.law_revision_id, items=[TocNode.model_validate(n) for n in roots])


@router.get(
    "/{law_id}/text",
    summary="Full text",
    description=(
        "The whole law revision: `format=json` (default) gives the lossless element tree in the e-Gov 法令API v2 "
        "`law_full_text` shape; `format=plain` gives labelled plain text (text/plain), where `ruby=inline` puts "
        "ruby readings (ルビ) in full-width brackets after their base text (`溜（た）め`) instead of omitting them."
    ),
    responses={200: {"content": {"application/json": {}, "text/plain": {}}}},
)
async def get_text_route(
    conn: Conn,
    law_id: LawIdPath,
    asof: AsOf = None,
    revision: RevisionId = None,
    format: Annotated[Literal["json", "plain"], Query(description="json (tree) or plain (text).")] = "json",
    ruby: Annotated[
        RubyMode, Query(description="format=plain: omit ruby readings, or give them inline after their base text.")
    ] = "omit",
) -> Response:
    rev = await pick_revision(conn, law_id, asof, revision)
    tree = await revision_tree(conn, rev.id)
    if format == "plain":
        response = Response(plain_text(tree, ruby=ruby), media_type="text/plain; charset=utf-8")
    else:
        head = orjson.dumps({"law_id": law_id, "law_revision_id": rev.law_revision_id})[:-1]
        response = Response(head + b',"law_full_text":' + tree + b"}", media_type="application/json")
    mark_cacheable(response, "law", immutable=revision is not None)
    return response
