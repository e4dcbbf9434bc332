"""Errors of the e-Gov-compatible surface: e-Gov's ``error_info`` body (``{"code", "message"}``), not
problem+json, because the clients of this surface parse e-Gov's shape.

Codes e-Gov publishes keep their number and wording (400001 law type, 400004 date, 404003 attachment,
500001 server); the others follow its numbering (status × 1000 + n) and are listed in the README.
"""

from __future__ import annotations

import logging
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from egov_api.lawapi.render import answer, answer_format
from egov_core import errors as e

log = logging.getLogger("egov.api")

#: code -> (HTTP status, e-Gov's message). Published by e-Gov: 400001, 400004, 404003, 500001.
CODES: dict[str, tuple[int, str]] = {
    "400001": (400, "法令種別（law_type、law_num_type）が誤っています。"),
    "400002": (400, "パラメータが誤っています。"),
    "400003": (400, "要素（elm）の指定が誤っています。"),
    "400004": (400, "日付（asof等）が誤っています。"),
    "400005": (400, "キーワード（keyword）の指定が誤っています。"),
    "404001": (404, "指定の法令は存在しません。"),
    "404002": (404, "指定の要素（elm）は存在しません。"),
    "404003": (404, "指定のパラメータで取得できる添付ファイルは存在しません。"),
    "404004": (404, "指定のファイル形式では提供していません。"),
    "404005": (404, "指定のエンドポイントは存在しません。"),
    "405001": (405, "指定のメソッドには対応していません。"),
    "500001": (500, "サーバ内処理で異常が発生しました。"),
    "503001": (503, "一時的に利用できません。しばらくしてから再度お試しください。"),
}


class LawApiError(e.EgovError):
    """An e-Gov-shaped error: ``code`` is one of :data:`CODES`, ``detail`` says what exactly was wrong."""

    def __init__(self, code: str, detail: str | None = None) -> None:
        status, message = CODES[code]
        super().__init__(f"{message}（{detail}）" if detail else message)
        self.code = code
        self.status = status


class Respond(Protocol):
    """Builds the error answer of a surface for an e-Gov ``code`` (its default message when none is given)."""

    def __call__(self, request: Request, code: str, message: str | None = None) -> Response: ...


def _respond(request: Request) -> Respond:
    respond: Respond = request.app.state.lawapi_respond
    return respond


def error_response(request: Request, code: str, message: str | None = None) -> Response:
    """The ``error_info`` answer for ``code`` in the format the request asked for."""
    status, default = CODES[code]
    fmt = answer_format(request, request.query_params.get("response_format"))
    response = answer("error_info", {"code": code, "message": message or default}, fmt, status=status)
    if status == 503:
        response.headers["Retry-After"] = "5"
    return response


def _egov_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.EgovError)
    if isinstance(exc, LawApiError):
        return _respond(request)(request, exc.code, exc.message)
    if isinstance(exc, e.StorageUnavailableError):
        log.warning("database unavailable: %s", exc)
        return _respond(request)(request, "503001")
    if isinstance(exc, e.LawNotFoundError | e.RevisionNotFoundError):
        return _respond(request)(request, "404001", f"{CODES['404001'][1]}（{exc.message}）")
    if isinstance(exc, e.ProvisionNotFoundError):
        return _respond(request)(request, "404002", f"{CODES['404002'][1]}（{exc.message}）")
    if isinstance(exc, e.InvalidProvisionPathError):
        return _respond(request)(request, "400003", f"{CODES['400003'][1]}（{exc.message}）")
    if isinstance(exc, e.InvalidDateError):
        return _respond(request)(request, "400004")
    if isinstance(exc, e.InvalidQueryError | e.InvalidNumeralError):
        return _respond(request)(request, "400002", f"{CODES['400002'][1]}（{exc.message}）")
    log.error("internal error on %s: %r", request.url.path, exc)
    return _respond(request)(request, "500001")


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    name = str(first.get("loc", ("", "?"))[-1])
    code = "400004" if name in DATE_PARAMETERS else "400002"
    return _respond(request)(request, code, f"{CODES[code][1]}（{name}: {first.get('msg', 'invalid')}）")


#: Parameters whose bad values e-Gov reports as 400004 (dates).
DATE_PARAMETERS = frozenset(
    {
        "asof",
        "promulgation_date_from",
        "promulgation_date_to",
        "amendment_date_from",
        "amendment_date_to",
        "amendment_promulgate_date_from",
        "amendment_promulgate_date_to",
        "repeal_date_from",
        "repeal_date_to",
        "updated_from",
        "updated_to",
    }
)


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return _respond(request)(request, "404005")
    if exc.status_code == 405:
        return _respond(request)(request, "405001")
    return _respond(request)(request, "400002") if exc.status_code < 500 else _respond(request)(request, "500001")


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return _respond(request)(request, "500001")


def install_lawapi_errors(app: FastAPI, respond: Respond | None = None) -> None:
    """Make every error of ``app`` (a compatible surface) an e-Gov answer: ``error_info`` (v2) by default, or
    what ``respond(request, code, message)`` builds (v1's ``DataRoot/Result``)."""
    app.state.lawapi_respond = respond or error_response
    app.add_exception_handler(e.EgovError, _egov_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
