"""Strict validation and percent-encoding of everything that goes into an e-Gov URL path.

The client builds every URL as ``<configured base URL>/<fixed endpoint>/<validated, percent-encoded values>``:
nothing a caller passes (nor anything a response contains) can change the scheme, host, port or endpoint.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

from egov_core.errors import InvalidQueryError

# 法令ID: three digits (era code + year) and twelve upper-case letters/digits (129AC0000000089, 321CONSTITUTION).
LAW_ID_RE = re.compile(r"[1-5][0-9]{2}[0-9A-Z]{12}")
# 法令履歴ID: {law_id}_{YYYYMMDD}_{amending law_id, 000000000000000 for the original text}.
LAW_REVISION_ID_RE = re.compile(r"[1-5][0-9]{2}[0-9A-Z]{12}_[0-9]{8}_[0-9A-Z]{15}")
# 法令番号: era, then kanji numerals, kana and the few punctuation marks real numbers use (人事院規則一〇―四,
# 内閣府・文部科学省令). No ASCII at all, so no '/', '?', '#', '%', ';' or spaces.
LAW_NUM_RE = re.compile(r"(明治|大正|昭和|平成|令和)[\u3041-\u30ff\u4e00-\u9fff〇―ー・]{2,120}")
# elm: e-Gov element paths (MainProvision-Article_709-Paragraph_1, SupplProvision[1]-Article_3).
ELM_RE = re.compile(r"[A-Za-z][A-Za-z0-9_\[\]\-]{0,255}")
# v1 article / paragraph / appdxTable selectors: 第十一条, 第一項, 別表第一, 11, 11_2 …
V1_SELECTOR_RE = re.compile(r"[0-9_\u3041-\u30ff\u4e00-\u9fff〇―ー・]{1,40}")
# attachment src: a Fig src relative to the law's pict folder (./pict/H11HO127-001.jpg).
ATTACHMENT_SRC_RE = re.compile(r"\./pict/[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*")

FILE_TYPES = ("xml", "json", "html", "rtf", "docx")


def _check(value: str, pattern: re.Pattern[str], what: str) -> str:
    if pattern.fullmatch(value) is None:
        raise InvalidQueryError(f"not a valid {what}: {value!r}")
    return value


def law_id(value: str) -> str:
    """Validate a 法令ID (``129AC0000000089``) and return it unchanged."""
    return _check(value, LAW_ID_RE, "law id")


def law_revision_id(value: str) -> str:
    """Validate a 法令履歴ID (``{law_id}_{YYYYMMDD}_{amending law id}``) and return it unchanged."""
    return _check(value, LAW_REVISION_ID_RE, "law revision id")


def law_num(value: str) -> str:
    """Validate a 法令番号 (``昭和二十二年政令第十六号``) and return it unchanged."""
    return _check(value, LAW_NUM_RE, "law number")


def law_id_or_num(value: str) -> str:
    """Validate a value that may be a 法令ID or a 法令番号."""
    if LAW_ID_RE.fullmatch(value) or LAW_NUM_RE.fullmatch(value):
        return value
    raise InvalidQueryError(f"not a valid law id or law number: {value!r}")


def law_id_or_num_or_revision_id(value: str) -> str:
    """Validate a value that may be a 法令ID, a 法令番号 or a 法令履歴ID."""
    if LAW_REVISION_ID_RE.fullmatch(value):
        return value
    return law_id_or_num(value)


def elm(value: str) -> str:
    """Validate an e-Gov ``elm`` element path."""
    return _check(value, ELM_RE, "elm path")


def v1_selector(value: str, what: str) -> str:
    """Validate a v1 ``article`` / ``paragraph`` / ``appdxTable`` value (``第十一条``, ``11``)."""
    return _check(value, V1_SELECTOR_RE, what)


def attachment_src(value: str) -> str:
    """Validate an attachment ``src`` (``./pict/H11HO127-001.jpg``); ``..`` cannot match the pattern."""
    return _check(value, ATTACHMENT_SRC_RE, "attachment src")


def file_type(value: str) -> str:
    """Validate a ``law_file`` type (xml, json, html, rtf, docx)."""
    if value not in FILE_TYPES:
        raise InvalidQueryError(f"file_type must be one of {', '.join(FILE_TYPES)}: {value!r}")
    return value


def yyyymmdd(value: date) -> str:
    """A date as v1 writes it in paths (``20230201``)."""
    if not isinstance(value, date):
        raise InvalidQueryError(f"not a date: {value!r}")
    return value.strftime("%Y%m%d")


def segment(value: str) -> str:
    """Percent-encode one validated path segment (everything but unreserved characters)."""
    return quote(value, safe="")
