"""e-Gov 法令API Version 1 (XML): ``/lawlists/{type}``, ``/lawdata/{id}``, ``/articles;lawId=…;article=…``,
``/updatelawlists/{yyyyMMdd}``, in v1's ``<DataRoot><Result/><ApplData/></DataRoot>`` shape.

Result ``Code`` 0 is success, 1 an error (with its message, and the HTTP status e-Gov would send), 2 several
candidates (never sent here: a selector names one element). ``/updatelawlists`` lists the revisions this
store imported that day (Japan time).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from egov_api.fastpath import mark_cacheable
from egov_api.lawapi.elm import TreeCache, select
from egov_api.lawapi.errors import CODES, LawApiError, install_lawapi_errors
from egov_api.lawapi.render import tree_xml
from egov_api.lawapi.shapes import JST
from egov_api.lawapi.upstream import with_upstream
from egov_api.state import AppState, Conn
from egov_core.errors import InvalidNumeralError
from egov_core.numerals import parse_article_number
from egov_core.store import revision_tree
from egov_core.store.compat import find_lawapi_revision, v1_law_list, v1_updates

router = APIRouter(tags=["e-Gov 法令API v1"])

XML = "application/xml"
#: ``/lawlists/{type}``: 1 all laws, 2 憲法・法律, 3 政令・勅令, 4 府省令・規則.
LIST_TYPES: dict[int, tuple[str, ...] | None] = {
    1: None,
    2: ("Constitution", "Act"),
    3: ("CabinetOrder", "ImperialOrder"),
    4: ("MinisterialOrdinance", "Rule"),
}
LAW_TYPE_NAMES = {
    "Constitution": "憲法",
    "Act": "法律",
    "CabinetOrder": "政令",
    "ImperialOrder": "勅令",
    "MinisterialOrdinance": "府省令",
    "Rule": "規則",
    "Misc": "その他",
}
NO_UPDATES = "該当する法令更新一覧がありません。"
TREES = TreeCache(max_trees=4)


def _ymd(day: date | None) -> str | None:
    return day.strftime("%Y%m%d") if day else None


def _fields(pairs: list[tuple[str, Any]]) -> str:
    return "".join(
        f"<{k}/>" if v is None else f"<{k}>{v if isinstance(v, Raw) else escape(str(v))}</{k}>" for k, v in pairs
    )


class Raw(str):
    """Text already XML (a law's elements), placed as is."""

    __slots__ = ()


def data_root(appl: str, *, code: str = "0", message: str | None = None, status: int = 200) -> Response:
    """A v1 answer: ``<DataRoot><Result><Code/><Message/></Result><ApplData>…</ApplData></DataRoot>``."""
    result = _fields([("Code", code), ("Message", message)])
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<DataRoot><Result>{result}</Result>'
    body += f"<ApplData>{appl}</ApplData></DataRoot>" if appl else "</DataRoot>"
    return Response(body.encode(), status_code=status, media_type=XML)


def v1_error(request: Request, code: str, message: str | None = None) -> Response:
    """An error in v1's shape: Result Code 1, the message, the status of the e-Gov code."""
    status, default = CODES[code]
    return data_root("", code="1", message=message or default, status=status)


@router.get("/lawlists/{law_type}", summary="法令名一覧取得API (e-Gov v1-compatible)")
async def lawlists(conn: Conn, law_type: str) -> Response:
    """Every law of a type (1 all, 2 憲法・法律, 3 政令・勅令, 4 府省令・規則): LawId, LawName, LawNo, PromulgationDate."""
    if not law_type.isdigit() or int(law_type) not in LIST_TYPES:
        raise LawApiError(
            "400001", "法令種別は 1 (全法令), 2 (憲法・法律), 3 (政令・勅令), 4 (府省令・規則) のいずれかです"
        )
    entries = await v1_law_list(conn, LIST_TYPES[int(law_type)])
    infos = "".join(
        "<LawNameListInfo>"
        + _fields(
            [
                ("LawId", e.law_id),
                ("LawName", e.title),
                ("LawNo", e.law_num),
                ("PromulgationDate", _ymd(e.promulgation_date)),
            ]
        )
        + "</LawNameListInfo>"
        for e in entries
    )
    response = data_root(f"<Category>{int(law_type)}</Category>{infos}")
    mark_cacheable(response, "list")
    return response


async def _law_tree(request: Request, conn: Conn, key: str) -> tuple[str, str | None, str, Any]:
    """(law_id, law_num, law_revision_id, parsed tree) of the current revision of a law id or number."""
    if len(key) > 200 or "\x00" in key:
        raise LawApiError("400002", "law id or number: at most 200 characters")
    info, rev = await with_upstream(request, lambda: find_lawapi_revision(conn, key), key=key, asof=None)
    if "_" in key and key == rev.law_revision_id:
        raise LawApiError("404001", "v1 takes a law id or law number")
    tree_key = (rev.id, rev.imported_at)
    if (kept := TREES.get(tree_key)) is not None:
        tree = kept[1]
    else:
        tree = TREES.put(tree_key, await revision_tree(conn, rev.id))
    return info.law_id, info.law_num, rev.law_revision_id, tree


@router.get("/lawdata/{law_id_or_num}", summary="法令取得API (e-Gov v1-compatible)")
async def lawdata(request: Request, conn: Conn, law_id_or_num: str) -> Response:
    """A law's current text: LawId, LawNum, LawFullText (法令標準XML), ImageData (empty: no figures kept)."""
    law_id, law_num, _, tree = await _law_tree(request, conn, law_id_or_num)
    appl = _fields([("LawId", law_id), ("LawNum", law_num), ("LawFullText", Raw(tree_xml(tree))), ("ImageData", None)])
    response = data_root(appl)
    mark_cacheable(response, "law")
    return response


def _selector(value: str, name: str) -> str:
    """``第十一条`` / ``11`` / ``第十二条の二`` as e-Gov's Num (``11``, ``12_2``)."""
    try:
        return parse_article_number(value)
    except InvalidNumeralError as exc:
        raise LawApiError("400002", f"{name}: {exc.message}") from None


@router.get("/articles;{selectors:path}", summary="条文内容取得API (e-Gov v1-compatible)")
async def articles(request: Request, conn: Conn, selectors: str) -> Response:
    """One provision: ``;lawId=…`` or ``;lawNum=…`` and ``;article=…`` / ``;paragraph=…`` / ``;appdxTable=…``."""
    params: dict[str, str] = {}
    for part in selectors.split(";"):
        name, sep, value = part.partition("=")
        if not sep or name not in ("lawId", "lawNum", "article", "paragraph", "appdxTable") or name in params:
            raise LawApiError("400002", f"unknown or repeated selector {name[:40]!r}")
        params[name] = value
    if ("lawId" in params) == ("lawNum" in params):
        raise LawApiError("400002", "give exactly one of lawId and lawNum")
    if not {"article", "paragraph", "appdxTable"} & set(params):
        raise LawApiError("400002", "give article, paragraph or appdxTable")
    law_id, law_num, _, tree = await _law_tree(request, conn, params.get("lawId") or params["lawNum"])
    if "appdxTable" in params:
        elm = f"AppdxTable_{_selector(params['appdxTable'], 'appdxTable')}"
    else:
        elm = "MainProvision"
        if "article" in params:
            elm += f"-Article_{_selector(params['article'], 'article')}"
        if "paragraph" in params:
            elm += f"-Paragraph_{_selector(params['paragraph'], 'paragraph')}"
    try:
        node = select(tree, elm)
    except LawApiError as exc:
        if exc.code == "404002" and elm.startswith("AppdxTable_"):
            node = select(tree, f"AppdxTable[{elm.removeprefix('AppdxTable_')}]")  # 別表 without Num: by position
        else:
            raise
    appl = _fields(
        [
            ("LawId", law_id),
            ("LawNum", law_num),
            ("Article", params.get("article")),
            ("Paragraph", params.get("paragraph")),
            ("AppdxTable", params.get("appdxTable")),
            ("LawContents", Raw(tree_xml(node))),
            ("ImageData", None),
        ]
    )
    response = data_root(appl)
    mark_cacheable(response, "law")
    return response


@router.get("/updatelawlists/{day}", summary="更新法令一覧取得API (e-Gov v1-compatible)")
async def updatelawlists(conn: Conn, day: str) -> Response:
    """The laws whose revisions this store imported on ``day`` (yyyyMMdd, Japan time); none: Code 1, 404."""
    try:
        when = datetime.strptime(day, "%Y%m%d").replace(tzinfo=JST).date() if len(day) == 8 else None
    except ValueError:
        when = None
    if when is None:
        raise LawApiError("400004", "yyyyMMdd")
    updates = await v1_updates(conn, when)
    if not updates:
        return data_root(f"<Date>{day}</Date>", code="1", message=NO_UPDATES, status=404)
    infos = "".join(
        "<LawNameListInfo>"
        + _fields(
            [
                ("LawTypeName", LAW_TYPE_NAMES.get(u.law_type or "", u.law_type)),
                ("LawNo", u.law_num),
                ("LawName", u.title),
                ("LawNameKana", u.title_kana),
                ("OldLawName", None),
                ("PromulgationDate", _ymd(u.promulgation_date)),
                ("AmendName", u.amendment_law_title),
                ("AmendNo", u.amendment_law_num),
                ("AmendPromulgationDate", _ymd(u.amendment_promulgate_date)),
                ("EnforcementDate", _ymd(u.enforcement_date)),
                ("EnforcementComment", None),
                ("LawId", u.law_id),
                ("LawUrl", f"https://laws.e-gov.go.jp/law/{u.law_revision_id}"),
                ("EnforcementFlg", "0" if u.enforcement_date is None or u.enforcement_date <= when else "1"),
                ("AuthFlg", "0"),
            ]
        )
        + "</LawNameListInfo>"
        for u in updates
    )
    response = data_root(f"<Date>{day}</Date>{infos}")
    mark_cacheable(response, "list")
    return response


def build_v1(state: AppState) -> FastAPI:
    """The ``/api/1`` sub-application."""
    app = FastAPI(title="egov — e-Gov 法令API v1-compatible", version="1", description=__doc__)
    app.state.egov = state
    install_lawapi_errors(app, v1_error)
    app.include_router(router)
    return app
