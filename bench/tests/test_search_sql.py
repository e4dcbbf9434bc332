"""bench.search_sql over a real store: the store's keyword statement runs for every query group and its
backend's CPU is read from /proc (the figures themselves are for the machine, not for a test to judge)."""

from __future__ import annotations

import os

import pytest
from bench.search_sql import GROUPS, backend_cpu_s, compare, measure
from egov_api_smallcorpus import small_corpus
from egov_testsupport import PgTemplates, pg_templates  # noqa: F401 - the session's template databases

pytestmark = pytest.mark.integration


def test_backend_cpu_counts_this_process() -> None:
    before = backend_cpu_s(os.getpid())
    sum(i * i for i in range(2_000_000))
    assert backend_cpu_s(os.getpid()) > before


async def test_every_group_is_measured_and_explained(
    pg_templates: PgTemplates,  # noqa: F811 - the fixture imported above
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = await small_corpus(pg_templates)
    figures = await measure(url.replace("postgresql://", "postgresql+asyncpg://", 1), n=6, rounds=1, explain=True)
    assert set(figures) == set(GROUPS)
    assert all(len(v) == 1 and v[0] >= 0 for v in figures.values())
    plans = capsys.readouterr().out
    assert plans.count("Execution Time") == len(GROUPS)
    assert "ix_search_units_tokens" in plans  # the candidates come from the GIN index


async def test_two_stores_are_measured_in_the_same_rounds(
    pg_templates: PgTemplates,  # noqa: F811 - the fixture imported above
) -> None:
    url = (await small_corpus(pg_templates)).replace("postgresql://", "postgresql+asyncpg://", 1)
    other = (await pg_templates.copy()).replace("postgresql://", "postgresql+asyncpg://", 1)  # migrated, no laws
    pair = await compare(url, other, n=6, rounds=2)
    assert set(pair) == {url, other}
    assert all(set(figures) == set(GROUPS) for figures in pair.values())
    assert all(len(v) == 2 and v[0] >= 0 for figures in pair.values() for v in figures.values())
