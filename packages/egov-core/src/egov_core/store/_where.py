"""Filters to SQL conditions: one rule for which filter fields take part, shared by every repository."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["add_conditions"]


def add_conditions(where: list[str], params: dict[str, Any], conditions: Iterable[tuple[str, str, Any]]) -> None:
    """Append each ``(condition, name, value)`` whose value is given, binding the value as ``:name``.

    Not given: None, ``""`` or an empty collection (an unset filter field); ``0`` and ``False`` are given.
    Tuples and sets are bound as lists (``= ANY(:name)``).
    """
    for condition, name, value in conditions:
        if value is None or value == "" or (isinstance(value, tuple | list | set | frozenset) and not value):
            continue
        where.append(condition)
        params[name] = list(value) if isinstance(value, tuple | set | frozenset) else value
