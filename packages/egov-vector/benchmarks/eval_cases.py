"""The second dev set of ``eval_lawqa.py``: court decisions' 判示事項 / 裁判要旨 as questions, their 参照法条
(resolved by the citation resolver) as gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.search import directory_for
from egov_vector.evaluation import Question


def _read_cases(cases_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(cases_dir.glob("*.json"))]


async def case_questions(engine: AsyncEngine, cases_dir: Path) -> list[tuple[Question, set[tuple[str, str]]]]:
    """The second dev set: each decision's 判示事項 and 裁判要旨 as questions, its 参照法条 as gold.

    参照法条 are resolved by the citation resolver as on main; only parts resolved to a provision of a stored
    law count (a repealed law, 旧刑訴法, an unknown one is left out), each mapped to the search unit holding it.
    """
    from egov_core.citations import resolve_ref_law
    from egov_core.store import search as store_search

    out: list[tuple[Question, set[tuple[str, str]]]] = []
    directory = directory_for(engine)
    async with engine.connect() as conn:
        for case in _read_cases(cases_dir):
            gold: set[tuple[str, str]] = set()
            for ref in await resolve_ref_law(case.get("ref_law"), directory):
                if ref.status == "resolved" and ref.law_id and ref.path:
                    unit = await store_search.cited_unit(
                        conn, ref.law_id, ref.path, ["su.is_current", "NOT su.in_suppl"]
                    )
                    if unit is not None:
                        gold.add((unit.law_id, unit.path))
            if not gold:
                continue
            for field, label in (("gist", "判示事項"), ("case_gist", "裁判要旨")):
                if case.get(field):
                    out.append((Question(f"{case['lawsuit_id']}/{label}", case[field], ()), gold))
    return out
