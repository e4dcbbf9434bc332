"""Parameters as e-Gov reads them: comma-separated lists (``law_type=Act,Rule``), ``true``/``false``,
``YYYY-MM-DD`` dates, ``+field,-field`` orders, each bad value answered with e-Gov's error code."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from egov_api.lawapi.errors import LawApiError
from egov_api.lawapi.shapes import CATEGORY_CODES

LAW_TYPES = ("Constitution", "Act", "CabinetOrder", "ImperialOrder", "MinisterialOrdinance", "Rule", "Misc")
ERAS = ("Meiji", "Taisho", "Showa", "Heisei", "Reiwa")
MISSIONS = ("New", "Partial")
REPEAL_STATUSES = ("None", "Repeal", "Expire", "Suspend", "LossOfEffectiveness")
REVISION_STATUSES = ("CurrentEnforced", "UnEnforced", "PreviousEnforced", "Repeal")
AMENDMENT_TYPES = ("1", "3", "8")
#: Longest free-text value (titles, numbers, ids): longer ones match nothing anyway.
MAX_TEXT = 200
#: Values of one list parameter.
MAX_VALUES = 60


def text(name: str, value: str | None) -> str | None:
    """A free-text value (None when absent or empty)."""
    if value is None or value == "":
        return None
    if len(value) > MAX_TEXT or "\x00" in value:
        raise LawApiError("400002", f"{name}: at most {MAX_TEXT} characters, no NUL")
    return value


def one_of(name: str, value: str | None, allowed: Collection[str], code: str = "400002") -> str | None:
    """A value from a fixed set."""
    if value is None or value == "":
        return None
    if value not in allowed:
        raise LawApiError(code, f"{name}: {value[:40]!r} is not one of {', '.join(allowed)}")
    return value


def many(name: str, value: str | None, allowed: Collection[str], code: str = "400002") -> tuple[str, ...]:
    """A comma-separated list of values from a fixed set (``Act,Rule``); ``()`` when absent."""
    if value is None or value == "":
        return ()
    # Empty items (``Act,,Rule``, ``,,,``) are ignored, as an absent parameter would be.
    items = [v.strip() for v in value.split(",") if v.strip()]
    if len(items) > MAX_VALUES:
        raise LawApiError(code, f"{name}: at most {MAX_VALUES} values")
    for item in items:
        one_of(name, item, allowed, code)
    return tuple(dict.fromkeys(items))


def law_types(name: str, value: str | None) -> tuple[str, ...]:
    """A list of law types (e-Gov answers 400001 for a wrong one)."""
    return many(name, value, LAW_TYPES, "400001")


def categories(value: str | None) -> tuple[str, ...]:
    """``category_cd`` codes (``001,046``) as the category names the store keeps."""
    return tuple(CATEGORY_CODES[c] for c in many("category_cd", value, CATEGORY_CODES))


def integer(name: str, value: str | None, *, low: int, high: int, default: int | None = None) -> int | None:
    """An integer within ``[low, high]``."""
    if value is None or value == "":
        return default
    stripped = value.strip()
    if not stripped.lstrip("+-").isdigit() or len(stripped) > 12:
        raise LawApiError("400002", f"{name}: not an integer")
    number = int(stripped)
    if not low <= number <= high:
        raise LawApiError("400002", f"{name}: must be between {low} and {high}")
    return number


def boolean(name: str, value: str | None) -> bool:
    """``true`` / ``false`` (also 1/0); absent is false."""
    if value is None or value == "":
        return False
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise LawApiError("400002", f"{name}: use true or false")


def day(name: str, value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` date (e-Gov answers 400004 for a bad one)."""
    if value is None or value == "":
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise LawApiError("400004", f"{name}: {value[:20]!r} is not YYYY-MM-DD") from None


def order(value: str | None, allowed: Collection[str], default: str) -> list[tuple[str, bool]]:
    """``+law_info.law_id,-revision_info.amendment_promulgate_date`` as ``(field, descending)`` pairs."""
    fields: list[tuple[str, bool]] = []
    for raw in (value or default).split(","):
        item = raw.strip()
        descending = item.startswith("-")
        name = item.lstrip("+-").strip()
        if name not in allowed:
            raise LawApiError("400002", f"order: {name[:60]!r} cannot be sorted on")
        fields.append((name, descending))
        if len(fields) > 8:
            raise LawApiError("400002", "order: at most 8 fields")
    return fields


def response_format(value: str | None) -> str | None:
    """``json`` / ``xml`` / absent."""
    return one_of("response_format", value, ("json", "xml"))
