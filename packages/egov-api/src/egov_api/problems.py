"""The one place where errors become RFC 9457 ``application/problem+json`` responses.

Every problem has a stable ``type`` (``/problems/<code>``, documented at that URL), a ``title``, the HTTP
``status``, a helpful ``detail`` and, where it applies, the offending ``parameter``. No stack traces,
SQL or file paths ever reach a response.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from egov_core import errors as e
from egov_core.cache import REDIS_ERRORS
from egov_core.store import DRIVER_ERRORS, translate_error

log = logging.getLogger("egov.api")

PROBLEM_JSON = "application/problem+json"

#: code -> (status, title). The code is the tail of the problem ``type`` URI.
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "law-not-found": (404, "Law not found"),
    "revision-not-found": (404, "Revision not found"),
    "provision-not-found": (404, "Provision not found"),
    "case-not-found": (404, "Court decision not found"),
    "not-found": (404, "Not found"),
    "citation-path-not-found": (404, "No citation path"),
    "citation-path-limit": (422, "Citation path search beyond its limits"),
    "invalid-parameter": (422, "Invalid parameter"),
    "unknown-parameter": (400, "Unknown query parameter"),
    "invalid-numeral": (422, "Invalid article or numeral"),
    "invalid-provision-path": (422, "Invalid provision path"),
    "invalid-date": (422, "Invalid date"),
    "invalid-query": (422, "Invalid query"),
    "request-validation": (422, "Request validation failed"),
    "method-not-allowed": (405, "Method not allowed"),
    "payload-too-large": (413, "Request body too large"),
    "not-acceptable": (406, "Not acceptable"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "storage-unavailable": (503, "Database unavailable"),
    "storage-busy": (503, "Database busy"),
    "service-unavailable": (503, "Service unavailable"),
    "vector-unavailable": (503, "Semantic search unavailable"),
    "vector-extension-missing": (503, "Semantic search unavailable: the database has no pgvector"),
    "vector-index-missing": (503, "Semantic search index not built yet"),
    "embedder-unavailable": (503, "Embedding model unavailable"),
    "model-mismatch": (409, "Embedding model conflicts with stored vectors"),
    "internal-error": (500, "Internal server error"),
    # Errors of the command line and the importer: they reach no route today, but every code has a type.
    "egov-error": (500, "Error"),
    "storage-error": (500, "Database error"),
    "cache-format-error": (500, "Cached entry unreadable"),
    "diff-mismatch": (500, "Diff does not fit the text"),
    "law-parse-error": (422, "Law document not parseable"),
    "case-parse-error": (422, "Court decision record not parseable"),
    "import-failed": (422, "Import failed"),
    "import-source-too-large": (413, "Import source beyond the limits"),
    "egov-api-error": (502, "e-Gov API error"),
    "egov-api-response-error": (502, "e-Gov API answered with an error"),
    "egov-api-bad-request": (502, "e-Gov API refused the request"),
    "egov-api-not-found": (404, "Not found at the e-Gov API"),
    "egov-api-server-error": (502, "e-Gov API server error"),
    "egov-api-rate-limited": (503, "e-Gov API rate limit"),
    "egov-api-unavailable": (503, "e-Gov API unavailable"),
    "egov-api-response-too-large": (502, "e-Gov API response too large"),
    "egov-api-unexpected-content": (502, "e-Gov API answered something unexpected"),
    "ops-error": (500, "Operation failed"),
    "env-file-exists": (409, "Environment file exists"),
    "backup-tool-missing": (500, "Backup tool missing"),
    "backup-failed": (500, "Backup failed"),
    # The edge (egov_api.edge): input hygiene, keys, quotas, work budgets.
    "invalid-input": (422, "Invalid characters in the request"),
    "api-key-required": (401, "API key required"),
    "api-key-invalid": (401, "API key not valid"),
    "rate-limited": (429, "Too many requests"),
    "work-budget-exceeded": (503, "Request took more than its work budget"),
    "server-busy": (503, "Server busy"),
    "request-timeout": (408, "Request body not received in time"),
}

#: Problems that mean "try again later": answered 503 with ``Retry-After`` (seconds).
UNAVAILABLE_CODES = frozenset(
    {
        "storage-unavailable",
        "storage-busy",
        "service-unavailable",
        "vector-unavailable",
        "vector-extension-missing",
        "vector-index-missing",
        "embedder-unavailable",
    }
)
RETRY_AFTER_S = 5


class ParameterError(e.EgovError):
    """A request parameter is invalid; names the parameter (``parameter`` in the problem)."""

    code = "invalid-parameter"

    def __init__(self, parameter: str, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter
        if code is not None:
            self.code = code


def problem_response(
    code: str,
    detail: str,
    *,
    status: int | None = None,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem+json response for ``code`` (``headers``: extra response headers, e.g. ``Retry-After``)."""
    default_status, title = PROBLEM_TYPES.get(code, (500, "Error"))
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status or default_status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    if code in UNAVAILABLE_CODES:
        headers = {"Retry-After": str(RETRY_AFTER_S), **(headers or {})}
    return Response(orjson.dumps(body), status_code=body["status"], media_type=PROBLEM_JSON, headers=headers)


def _egov_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.EgovError)
    code = exc.code if exc.code in PROBLEM_TYPES else "internal-error"
    if isinstance(exc, e.StorageBusyError):
        log.warning("database busy on %s: %s", request.url.path, exc)
        return problem_response("storage-busy", "the database did not answer in time; retry shortly")
    if code in UNAVAILABLE_CODES - {"storage-unavailable", "storage-busy"}:
        # Written by egov itself (the vector layer), so the message is safe to show.
        log.warning("unavailable on %s: %s", request.url.path, exc)
        return problem_response(code, exc.message, instance=request.url.path)
    if isinstance(exc, e.StorageUnavailableError):  # a driver's message may quote SQL: never shown
        log.warning("database unavailable: %s", exc)
        return problem_response("storage-unavailable", "the database cannot be reached; retry shortly")
    if isinstance(exc, e.StorageError) or PROBLEM_TYPES[code][0] >= 500:
        # A server-side failure (including the command line's own errors, should one reach a route): its
        # message may name files or hosts, so clients get the generic answer and the log the details.
        log.error("internal error on %s: %r", request.url.path, exc)
        return problem_response("internal-error", "the server failed to answer this request")
    return problem_response(
        code,
        exc.message,
        instance=request.url.path,
        parameter=getattr(exc, "parameter", None),
        accepted=getattr(exc, "accepted", None),
    )


def _driver_error(request: Request, exc: Exception) -> Response:
    # The one boundary behind the store's own translation: a driver error that escaped it (a connection
    # dropped mid-request in code that took its own connection) is still an egov error here, never a 500.
    return _egov_error(request, translate_error(exc))


def _redis_error(request: Request, exc: Exception) -> Response:
    log.warning("redis failed on %s: %r", request.url.path, exc)
    return problem_response("service-unavailable", "a backing service is unavailable; retry shortly")


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body", "header")]
        errors.append({"parameter": ".".join(loc) or None, "message": err.get("msg", "invalid")})
    names = ", ".join(x["parameter"] for x in errors if x["parameter"]) or "the request"
    first = errors[0]["parameter"] if errors else None
    return problem_response(
        "request-validation", f"invalid value for {names}", instance=request.url.path, parameter=first, errors=errors
    )


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not-found", 405: "method-not-allowed", 413: "payload-too-large", 406: "not-acceptable"}.get(
        exc.status_code, "invalid-parameter" if 400 <= exc.status_code < 500 else "internal-error"
    )
    detail = str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route {request.url.path}; see /docs for the API"
    return problem_response(code, detail, status=exc.status_code, instance=request.url.path)


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return problem_response("internal-error", "the server failed to answer this request")


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""
    app.add_exception_handler(e.EgovError, _egov_error)
    for driver_error in DRIVER_ERRORS:
        app.add_exception_handler(driver_error, _driver_error)
    for redis_error in REDIS_ERRORS:
        app.add_exception_handler(redis_error, _redis_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
