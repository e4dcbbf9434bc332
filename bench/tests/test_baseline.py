"""bench.baseline's measurement core over real servers and PostgreSQL, without building an old venv: both sides
are this checkout, each serving its own copy of the small corpus (the figures are the machine's, not judged)."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import pytest
from bench.baseline import compare, current_side, group_cpu_s, table
from bench.search_sql import GROUPS
from egov_api_smallcorpus import small_corpus
from egov_testsupport import PgTemplates, pg_templates  # noqa: F401 - the session's template databases

pytestmark = pytest.mark.integration


def test_group_cpu_counts_the_processes_of_a_session() -> None:
    busy = "import sys, time; sum(i * i for i in range(3_000_000)); print(flush=True); time.sleep(60)"
    child = subprocess.Popen([sys.executable, "-c", busy], start_new_session=True, stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None
        child.stdout.readline()  # its work is done
        assert group_cpu_s(child.pid) >= 0.05
    finally:
        child.kill()
        child.communicate()
    assert group_cpu_s(child.pid) == 0  # gone: nothing of that group is left


async def test_both_sides_are_measured_per_request_in_every_group(
    pg_templates: PgTemplates,  # noqa: F811 - the fixture imported above
) -> None:
    side = current_side()
    other = type(side)("baseline", side.label, side.bindir, side.cwd)
    urls = [(await small_corpus(pg_templates)).replace("postgresql://", "postgresql+asyncpg://", 1) for _ in range(2)]
    # In a thread: the measurement keeps an event loop of its own for its pg_stat_activity reads.
    result = await asyncio.to_thread(compare, [(other, urls[0]), (side, urls[1])], rounds=1, duration=1.0, warmup=0.0)
    assert [s["name"] for s in result["sides"]] == ["baseline", "current"]
    assert set(result["groups"]) == set(GROUPS)
    for group, per_side in result["groups"].items():
        for rounds in per_side:
            assert len(rounds) == 1, group
            (figures,) = rounds
            assert figures["errors"] == 0, (group, figures)
            assert figures["requests"] > 0, (group, figures)
            assert figures["db_cpu_us"] > 0, (group, figures)
            assert figures["cpu_us"] > 0, (group, figures)
    lines = table(result)
    rows = {line.split("|")[1].strip(): line for line in lines if re.match(r"\| \d", line)}
    assert set(rows) == set(GROUPS)
    for row in rows.values():
        cells = [c.strip() for c in row.split("|")[2:-1]]
        assert float(cells[0].replace(",", "")) > 0  # the baseline's PostgreSQL CPU-µs per request
        assert float(cells[1].replace(",", "")) > 0  # the current side's
        assert float(cells[2]) > 0  # the ratio of the medians
    assert any("load average" in line for line in lines)
