"""Turn e-Gov error answers (v2 ``error_info`` bodies, HTTP statuses) into typed egov errors."""

from __future__ import annotations

import orjson
from lxml import etree

from egov_core.egov_client._xml import parse_xml, text_of
from egov_core.errors import (
    EgovApiBadRequestError,
    EgovApiError,
    EgovApiNotFoundError,
    EgovApiRateLimitedError,
    EgovApiResponseError,
    EgovApiServerError,
    EgovApiUnexpectedContentError,
)


def parse_error_body(body: bytes, content_type: str) -> tuple[str | None, str | None]:
    """Read ``(code, message)`` from a v2 ``error_info`` body (JSON or XML) or a v1 ``DataRoot/Result``.

    ``(None, None)`` if the body is neither.
    """
    try:
        if "json" in content_type:
            data = orjson.loads(body)
            if isinstance(data, dict):
                code, message = data.get("code"), data.get("message")
                return (str(code) if code is not None else None, str(message) if message is not None else None)
        elif "xml" in content_type:
            root = parse_xml(body, endpoint="error")
            if root.tag == "error_info":
                return text_of(root.find("code")), text_of(root.find("message"))
            if root.tag == "DataRoot":  # v1: <DataRoot><Result><Code>1</Code><Message>…</Message></Result>
                return text_of(root.find("Result/Code")), text_of(root.find("Result/Message"))
    except (orjson.JSONDecodeError, EgovApiUnexpectedContentError, etree.LxmlError):
        pass
    return None, None


def error_for_status(
    status: int,
    body: bytes,
    content_type: str,
    *,
    endpoint: str,
    retry_after_s: float | None = None,
) -> EgovApiError:
    """The typed error for a non-2xx answer.

    The e-Gov code decides where it is more specific than the status (``404003`` is "not found" even if
    sent with 400, as the published attachment example does); otherwise the status decides.
    """
    code, message = parse_error_body(body, content_type)
    text = f"{endpoint}: e-Gov answered HTTP {status}" + (f" ({code}: {message})" if code or message else "")

    def make(cls: type[EgovApiResponseError]) -> EgovApiResponseError:
        return cls(text, status_code=status, egov_code=code, egov_message=message, endpoint=endpoint)

    if status == 429:
        return EgovApiRateLimitedError(
            text,
            retry_after_s=retry_after_s,
            status_code=status,
            egov_code=code,
            egov_message=message,
            endpoint=endpoint,
        )
    if (code or "").startswith("404") or status == 404:
        return make(EgovApiNotFoundError)
    if 300 <= status < 400:
        return EgovApiUnexpectedContentError(f"{endpoint}: redirect (HTTP {status}) not followed")
    if 400 <= status < 500 or (code or "").startswith("400"):
        return make(EgovApiBadRequestError)
    if status >= 500:
        return make(EgovApiServerError)
    return make(EgovApiResponseError)
