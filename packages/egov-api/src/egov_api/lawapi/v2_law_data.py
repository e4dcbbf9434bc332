"""e-Gov 法令API v2 ``/law_data/{law_id_or_num_or_revision_id}`` (法令本文取得API)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from egov_api.fastpath import mark_cacheable
from egov_api.lawapi import params as p
from egov_api.lawapi.elm import TreeCache, fig_sources, select, without_amendment_suppl
from egov_api.lawapi.render import Format, answer, answer_format, full_text_value
from egov_api.lawapi.shapes import law_info, revision_info, updated
from egov_api.lawapi.upstream import with_upstream
from egov_api.state import Conn
from egov_core.store import revision_tree
from egov_core.store.compat import LawApiRevision, find_lawapi_revision

router = APIRouter(tags=["e-Gov 法令API v2"])

#: This process's recently read law trees (see :class:`TreeCache`).
TREES = TreeCache()


def attached_files_info(rev: LawApiRevision, tree: dict[str, Any], raw: bytes | None = None) -> dict[str, Any]:
    """e-Gov ``attached_files_info``: the figures the text refers to. The store keeps no image files, so
    ``image_data`` stays empty even when ``include_attached_file_content=true`` (see the README)."""
    stamp = updated(rev.imported_at or datetime.now(UTC))
    files = [{"law_revision_id": rev.law_revision_id, "src": src, "updated": stamp} for src in fig_sources(tree, raw)]
    return {"image_data": "", "attached_files": files}


@router.get(
    "/law_data/{law_id_or_num_or_revision_id}",
    summary="法令本文取得API (e-Gov-compatible)",
    description=(
        "A law's text and metadata as e-Gov's `/law_data`: by 法令ID or 法令番号 (current revision, or the one in "
        "force on `asof`) or by law_revision_id. `elm` narrows the text to one element "
        "(`MainProvision-Article_709`); `law_full_text_format` json/xml, Base64 when it differs from "
        "`response_format`; `omit_amendment_suppl_provision=true` leaves out amending laws' 附則."
    ),
)
async def get_law_data(
    request: Request,
    conn: Conn,
    law_id_or_num_or_revision_id: str,
    law_full_text_format: Annotated[
        str | None, Query(description="json or xml (default: the answer's format).")
    ] = None,
    asof: Annotated[
        str | None, Query(description="YYYY-MM-DD: the revision in force then (ignored for a revision id).")
    ] = None,
    elm: Annotated[str | None, Query(description="Element to return, e.g. `MainProvision-Article_709`.")] = None,
    omit_amendment_suppl_provision: Annotated[
        str | None, Query(description="true: without amending laws' 附則.")
    ] = None,
    include_attached_file_content: Annotated[
        str | None, Query(description="true: image_data (always empty here).")
    ] = None,
    response_format: Annotated[str | None, Query(description="json or xml (default: from Accept, else json).")] = None,
) -> Response:
    fmt = answer_format(request, p.response_format(response_format))
    text_format: Format = p.one_of("law_full_text_format", law_full_text_format, ("json", "xml")) or fmt  # type: ignore[assignment]  # checked against the two formats
    key = p.text("law_id_or_num_or_revision_id", law_id_or_num_or_revision_id) or ""
    when = p.day("asof", asof)
    selected = p.text("elm", elm)
    omit = p.boolean("omit_amendment_suppl_provision", omit_amendment_suppl_provision)
    p.boolean("include_attached_file_content", include_attached_file_content)
    info, rev = await with_upstream(request, lambda: find_lawapi_revision(conn, key, asof=when), key=key, asof=when)
    tree_key = (rev.id, rev.imported_at)
    if (kept := TREES.get(tree_key)) is not None:
        raw, tree = kept
    else:
        raw = await revision_tree(conn, rev.id)
        tree = TREES.put(tree_key, raw)
    node_json: bytes | None = raw
    if omit:
        tree, node_json = without_amendment_suppl(tree), None
    node = tree
    if selected:
        node, node_json = select(tree, selected), None
    body = {
        "attached_files_info": attached_files_info(rev, tree, raw),
        "law_info": law_info(info),
        "revision_info": revision_info(rev),
        "law_full_text": full_text_value(node, node_json, text_format, fmt),
    }
    response = answer("law_data_response", body, fmt)
    mark_cacheable(response, "law", immutable=key == rev.law_revision_id)
    return response
