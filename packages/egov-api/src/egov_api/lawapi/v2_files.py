"""e-Gov 法令API v2 ``/law_file/{file_type}/{…}`` (法令本文ファイル取得API) and ``/attachment/{law_revision_id}``
(添付ファイル取得API): what the store holds. It holds each revision's text (so ``xml`` and ``json`` files),
but no rendered documents (``html``, ``rtf``, ``docx``) and no attached images or PDFs: those answer e-Gov's
404 ``error_info`` (404004, 404003), as listed in the README.
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from egov_api.fastpath import mark_cacheable
from egov_api.lawapi import params as p
from egov_api.lawapi.errors import LawApiError
from egov_api.lawapi.render import tree_xml
from egov_api.lawapi.upstream import with_upstream
from egov_api.state import Conn
from egov_core.store import revision_tree
from egov_core.store.compat import find_lawapi_revision

router = APIRouter(tags=["e-Gov 法令API v2"])

FILE_TYPES = ("xml", "json", "html", "rtf", "docx")


@router.get(
    "/law_file/{file_type}/{law_id_or_num_or_revision_id}",
    summary="法令本文ファイル取得API (e-Gov-compatible)",
    description="The law text as a file: `xml` (法令標準XML) or `json` (the v2 tree). html, rtf and docx: 404004.",
    responses={200: {"content": {"application/xml": {}, "application/octet-stream": {}}}},
)
async def get_law_file(
    request: Request,
    conn: Conn,
    file_type: str,
    law_id_or_num_or_revision_id: str,
    asof: Annotated[str | None, Query(description="YYYY-MM-DD: the revision in force then.")] = None,
) -> Response:
    kind = p.one_of("file_type", file_type, FILE_TYPES)
    key = p.text("law_id_or_num_or_revision_id", law_id_or_num_or_revision_id) or ""
    when = p.day("asof", asof)
    _, rev = await with_upstream(request, lambda: find_lawapi_revision(conn, key, asof=when), key=key, asof=when)
    if kind not in ("xml", "json"):
        raise LawApiError("404004", f"file_type {kind}: this server keeps the text as XML and JSON only")
    raw = await revision_tree(conn, rev.id)
    if kind == "json":
        # A file download, binary as the spec types it (a JSON media type would invite parsing it as an answer).
        response = Response(raw, media_type="application/octet-stream")
    else:
        xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + tree_xml(orjson.loads(raw))
        response = Response(xml.encode(), media_type="application/xml")
    response.headers["content-disposition"] = f'attachment; filename="{rev.law_revision_id}.{kind}"'
    mark_cacheable(response, "law", immutable=key == rev.law_revision_id)
    return response


@router.get(
    "/attachment/{law_revision_id}",
    summary="添付ファイル取得API (e-Gov-compatible)",
    description="Attached images / PDFs of a revision: the store keeps none, so a known revision answers 404003.",
)
async def get_attachment(
    conn: Conn,
    law_revision_id: str,
    src: Annotated[str | None, Query(description="The Fig element's src, e.g. `./pict/H11HO127-001.jpg`.")] = None,
) -> Response:
    key = p.text("law_revision_id", law_revision_id) or ""
    p.text("src", src)
    await find_lawapi_revision(conn, key)
    raise LawApiError("404003", "this server keeps no attached files")
