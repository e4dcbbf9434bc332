"""``Hit.rescored`` and ``CaseHit.rescored`` are ``dataclasses.replace`` of the score and fusion details: every
other field is carried over as it is (a field added to either class and not to its ``rescored`` fails here)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from egov_core.search.model import CaseHit, Fusion, Hit
from egov_core.text.snippets import Snippet

_SNIPPET = Snippet("第七百九条", ((0, 2),), "<em>第七</em>百九条", 3, True, False)


def _distinct(cls: Any) -> Any:
    """An instance of ``cls`` whose fields all hold different values (of their declared kinds)."""
    values: dict[str, Any] = {}
    for i, field in enumerate(dataclasses.fields(cls)):
        kind = str(field.type)
        if "Snippet" in kind:
            values[field.name] = _SNIPPET
        elif "Fusion" in kind:
            values[field.name] = Fusion(1, 2, 0.5, 0.25, 0.125, cited=True, named_law_rank=3, graph_rank=4)
        elif "date" in kind:
            values[field.name] = date(2000, 2, 29)
        elif kind == "bool":
            values[field.name] = i % 2 == 1  # Hit's two flags (fields 7 and 12) differ
        elif "float" in kind:
            values[field.name] = float(i) + 0.5
        elif kind == "int":
            values[field.name] = 100 + i
        else:
            values[field.name] = f"{field.name}-{i}"
    return cls(**values)


def test_a_rescored_hit_is_the_hit_with_its_score_and_fusion_replaced() -> None:
    hit = _distinct(Hit)
    fusion = Fusion(7, None, 0.75, None, 0.0625)
    assert hit.rescored(0.0625, fusion) == dataclasses.replace(hit, score=0.0625, fusion=fusion)
    assert hit.rescored(1.0, None) == dataclasses.replace(hit, score=1.0, fusion=None)


def test_a_rescored_case_hit_is_the_hit_with_its_score_and_fusion_replaced() -> None:
    hit = _distinct(CaseHit)
    fusion = Fusion(None, 3, None, 0.875, 0.03125)
    assert hit.rescored(0.03125, fusion) == dataclasses.replace(hit, score=0.03125, fusion=fusion)
