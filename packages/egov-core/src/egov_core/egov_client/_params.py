"""Query-string building for the v2 endpoints: typed values in, e-Gov's wire form out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, get_args

from egov_core.egov_client.models import (
    AmendmentType,
    CurrentRevisionStatus,
    FileType,
    LawNumEra,
    LawType,
    Mission,
    RepealStatus,
    ResponseFormat,
)
from egov_core.errors import InvalidQueryError

_CATEGORY_CD_RE = re.compile(r"0[0-4][0-9]|050")
_ORDER_RE = re.compile(r"[+-]?(law_info|revision_info)\.[a-z_]+(,[+-]?(law_info|revision_info)\.[a-z_]+)*")
_MAX_TEXT = 500  # characters in a free-text parameter (titles, keyword): generous, but bounded

_ENUMS: dict[str, tuple[str, ...]] = {
    "law_type": get_args(LawType),
    "law_num_type": get_args(LawType),
    "law_num_era": get_args(LawNumEra),
    "amendment_type": get_args(AmendmentType),
    "current_revision_status": get_args(CurrentRevisionStatus),
    "mission": get_args(Mission),
    "repeal_status": get_args(RepealStatus),
    "response_format": get_args(ResponseFormat),
    "law_full_text_format": get_args(ResponseFormat),
    "file_type": get_args(FileType),
}


def _scalar(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        if value < 0:
            raise InvalidQueryError(f"{name} must not be negative: {value}")
        return str(value)
    if isinstance(value, str):
        if name in _ENUMS and value not in _ENUMS[name]:
            raise InvalidQueryError(f"{name} must be one of {', '.join(_ENUMS[name])}: {value!r}")
        if name == "category_cd" and not _CATEGORY_CD_RE.fullmatch(value):
            raise InvalidQueryError(f"category_cd must be 001…050: {value!r}")
        if name == "order" and not _ORDER_RE.fullmatch(value):
            raise InvalidQueryError(f"order must look like +law_info.law_id,-revision_info.updated: {value!r}")
        if not value or len(value) > _MAX_TEXT or any(ord(c) < 0x20 for c in value):
            raise InvalidQueryError(f"{name} is empty, too long or has control characters")
        return value
    raise InvalidQueryError(f"{name}: unsupported value {value!r}")


def query(**params: Any) -> list[tuple[str, str]]:
    """Turn keyword arguments into query pairs: None dropped, lists comma-joined (``style: form``,
    ``explode: false``), dates ISO, booleans ``true``/``false``; enum and code values checked."""
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, Sequence) and not isinstance(value, str):
            if not value:
                continue
            pairs.append((name, ",".join(_scalar(name, v) for v in value)))
        else:
            pairs.append((name, _scalar(name, value)))
    return pairs
