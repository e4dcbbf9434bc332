"""bench.search_model over a real store: both keyword models answer the same sample, and the new one counts
every 1-2 character term exactly (the agreement figures themselves are for the report, not for a test)."""

from __future__ import annotations

import pytest
from bench.search_model import evaluate
from egov_api_smallcorpus import small_corpus
from egov_testsupport import PgTemplates, pg_templates  # noqa: F401 - the session's template databases

pytestmark = pytest.mark.integration


async def test_both_models_answer_the_sample_and_short_terms_are_counted_exactly(
    pg_templates: PgTemplates,  # noqa: F811 - the fixture imported above
) -> None:
    url = (await small_corpus(pg_templates)).replace("postgresql://", "postgresql+asyncpg://", 1)
    kinds = await evaluate(url, per_kind=8)
    assert set(kinds) == {"1-char", "2-char", "phrase"}
    for name in ("1-char", "2-char"):
        kind = kinds[name]
        assert kind.queries > 0
        assert kind.exact_new == kind.queries
        assert set(kind.error_new) == {0.0}
    for kind in kinds.values():
        assert all(0.0 <= share <= 1.0 for share in kind.shared)
        assert kind.same_page <= kind.queries
