"""BM25's document frequencies count the current units only, from the n-gram table or by the index alike."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from egov_core.store.search import unit_document_frequencies
from egov_core.text.query import term_index_tsquery

pytestmark = pytest.mark.integration


async def test_document_frequencies_leave_older_revisions_out(laws_at_head: AsyncEngine) -> None:
    """The fixture laws hold one law in two revisions: a bigram its older units hold too counts once per
    current unit, whether read from the frequency table or counted through the index."""
    async with laws_at_head.connect() as conn:
        token, current, everywhere = (
            await conn.execute(
                text(
                    "SELECT t.token, count(*) FILTER (WHERE su.is_current), count(*) "
                    "FROM search_units su, unnest(tsvector_to_array(su.tokens)) AS t(token) "
                    "WHERE length(t.token) = 2 GROUP BY t.token "
                    "HAVING count(*) > count(*) FILTER (WHERE su.is_current) AND count(*) FILTER (WHERE su.is_current) > 0 "
                    "ORDER BY t.token LIMIT 1"
                )
            )
        ).one()
        query = term_index_tsquery(token)
        assert query is not None
        counted = await unit_document_frequencies(conn, [query, query, ""], [token, None, None])
    assert everywhere > current
    assert counted == [current, current, 0]
