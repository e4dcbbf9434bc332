"""Delegations (委任) in statute text: 「政令で定める」「厚生労働省令で定める」「内閣府令で定める」.

Which order implements a delegation follows e-Gov's naming: an Act's 政令 is its 「…施行令」, its 省令 /
府令 its 「…施行規則」 (where the corpus holds one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Delegation", "find_delegations", "implementing_titles"]


# 「政令で定める」, 「厚生労働省令で定める」, 「内閣府令・財務省令で定める」, 「主務省令で定めるところにより」.
_ISSUER = "内閣|デジタル|復興|総務|法務|外務|財務|文部科学|厚生労働|農林水産|経済産業|国土交通|環境|防衛|主務"
_ORDER = f"(?:{_ISSUER})?(?:省令|府令|庁令|官房令)"
_DELEGATION_RE = re.compile(f"(?P<order>政令|(?:{_ORDER}・)*{_ORDER})で定め")


@dataclass(frozen=True, slots=True)
class Delegation:
    """One 「…で定める」 found in a text: the order as written and its offsets."""

    raw: str
    order: str
    start: int
    end: int


def find_delegations(text: str) -> Iterator[Delegation]:
    """Every 「(政令|…省令|…府令)で定める」 in ``text``, in order."""
    for m in _DELEGATION_RE.finditer(text):
        order = m.group("order")
        yield Delegation(raw=m.group(0) + "る", order=order, start=m.start(), end=m.end() + 1)


def implementing_titles(law_title: str, order: str) -> tuple[str, ...]:
    """The titles an order implementing ``law_title``'s delegation to ``order`` may carry, most likely first."""
    if order.endswith("政令"):
        return (f"{law_title}施行令",)
    # A 省令 is never the 施行令 (a 政令): without a stored 施行規則 the delegation stays unresolved.
    return (f"{law_title}施行規則",)
