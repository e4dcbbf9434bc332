"""Citation resolution: one citation (GET /v1/resolve) or every citation in a text (POST /v1/citations)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from egov_api.problems import ParameterError
from egov_api.routes._common import format_provision_text, mark_cacheable, pick_revision, provision_url
from egov_api.schemas.citations import (
    Candidate,
    CitationsRequest,
    CitationsResult,
    FoundCitation,
    Resolution,
    ResolveResult,
)
from egov_api.schemas.common import PROBLEM_RESPONSES
from egov_api.state import AppState, State
from egov_core.citations import CitationContext, SqlLawDirectory, iter_resolved, resolve_citation
from egov_core.citations import Resolution as CoreResolution
from egov_core.errors import InvalidProvisionPathError
from egov_core.paths import canonical_path
from egov_core.store import get_subtree

router = APIRouter(prefix="/v1", tags=["citations"], responses=PROBLEM_RESPONSES)


def _url(res: CoreResolution) -> str | None:
    if not res.law_id:
        return None
    if not res.path:
        return f"/v1/laws/{res.law_id}"
    url = provision_url(res.law_id, res.path)
    return f"{url}?revision={res.revision_id}" if res.revision_id else url


def resolution_view(res: CoreResolution, *, text: str | None = None) -> Resolution:
    """API view of a core resolution (``text``: the provision's text, when the caller read it in full)."""
    parts = res.parts
    return Resolution(
        status=res.status.value,
        law_id=res.law_id,
        law_title=res.title,
        path=res.path,
        caption=res.caption,
        text=res.text if text is None else text,
        url=_url(res),
        law_name=parts.law_name,
        article=parts.article,
        paragraph=parts.paragraph,
        item=parts.item,
        revision_id=res.revision_id,
        law_from_text=parts.law_from_text,
        candidates=[Candidate(law_id=i, title=t) for i, t in res.candidates],
        reason=res.note or res.reason,
    )


def _context(law_id: str | None, path: str | None) -> CitationContext | None:
    if law_id is None and path is None:
        return None
    canonical = None
    if path is not None:
        try:
            canonical = canonical_path(path)
        except InvalidProvisionPathError as exc:
            raise ParameterError("context_path", exc.message, code="invalid-provision-path") from exc
    return CitationContext(law_id=law_id, path=canonical)


def _directory(state: AppState) -> SqlLawDirectory:
    assert state.directory is not None, "lifespan not started"
    return state.directory


async def _full_text(state: AppState, res: CoreResolution) -> str | None:
    """The labelled text of a resolved provision whose own text is empty (an article: its words are in its
    paragraphs), as ``/v1/laws/{law_id}/provisions/{path}`` gives it in ``full_text``; None otherwise."""
    if res.text or not (res.law_id and res.path and res.status.value == "resolved"):
        return None
    database = state.database
    assert database is not None, "lifespan not started"
    # A connection of its own, only for this case: most resolutions need none beyond the directory's.
    async with database.read() as conn:
        rev = await pick_revision(conn, res.law_id, None, None)
        return format_provision_text(await get_subtree(conn, rev.id, res.path))


@router.get(
    "/resolve",
    summary="Resolve a citation",
    description=(
        "Resolve one statute citation written the way people write them: 「民法第七百九条第一項」, 「民法709条1項」, "
        "abbreviations (「労基法第二十条」), 附則, 号. Relative references (同法, 前条, 同条第二項, 前項, 第三項) resolve "
        "against `context_law_id` / `context_path`. An unresolvable citation is a 200 with `status: not_found` and a reason. "
        "`text` is the provision's text; for an article, its paragraphs and items as `full_text` of the provision route."
    ),
)
async def resolve_route(
    state: State,
    response: Response,
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="The citation.", examples=["民法第七百九条第一項"])
    ],
    context_law_id: Annotated[
        str | None, Query(max_length=40, pattern=r"^[0-9A-Za-z_]+$", description="Law the citation is read in.")
    ] = None,
    context_path: Annotated[
        str | None, Query(max_length=300, description="Provision the citation is read in.", examples=["Article_709"])
    ] = None,
) -> ResolveResult:
    res = await resolve_citation(q, directory=_directory(state), context=_context(context_law_id, context_path))
    mark_cacheable(response, "search")
    return ResolveResult(query=q, resolution=resolution_view(res, text=await _full_text(state, res)))


@router.post(
    "/citations",
    summary="Find and resolve every citation in a text",
    description=(
        "Scan free text (up to 100,000 characters) for statute citations and resolve each: offsets, the citation as "
        "written, and its resolution (resolved / ambiguous / not_found). 同法 / 同条 follow the previous citation.\n\n"
        "Limits: the scan is linear in the text; one answer carries at most `limit` citations (default 200, at most "
        "1000). When more follow, `truncated` is true and `next_offset` says where to continue (send the same text "
        "with `offset`); 同法 at the start of a page still refers to the last law named in the 5,000 characters before it."
    ),
)
async def citations_route(state: State, body: CitationsRequest) -> CitationsResult:
    api = state.settings.api
    if len(body.text) > api.max_citation_text_chars:
        raise ParameterError("text", f"text longer than {api.max_citation_text_chars} characters ({len(body.text)})")
    if body.limit > api.max_citations_per_response:
        raise ParameterError("limit", f"limit is at most {api.max_citations_per_response} ({body.limit})")
    if body.offset > len(body.text):
        raise ParameterError("offset", f"offset {body.offset} is past the end of the text ({len(body.text)})")
    ctx = _context(body.context.law_id, body.context.path) if body.context else None
    items: list[FoundCitation] = []
    next_offset = None
    found = iter_resolved(body.text, _directory(state), ctx, start=body.offset, max_chars=api.max_citation_text_chars)
    async for m, r in found:
        if len(items) == body.limit:
            next_offset = m.start
            break
        items.append(FoundCitation(start=m.start, end=m.end, text=m.text, resolution=resolution_view(r)))
    await found.aclose()
    return CitationsResult(count=len(items), items=items, truncated=next_offset is not None, next_offset=next_offset)
