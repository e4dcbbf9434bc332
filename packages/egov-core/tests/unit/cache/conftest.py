"""Fixtures for the cache unit tests: a real e-Gov payload as a cached body."""

from __future__ import annotations

from pathlib import Path

import pytest

from egov_core.cache import CachedResponse

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def law_body() -> bytes:
    """A real e-Gov API v2 law_data payload (copied from /work/shared/data/egov_api/v2)."""
    return (FIXTURES / "law_data.json").read_bytes()


@pytest.fixture(scope="session")
def law_response(law_body: bytes) -> CachedResponse:
    return CachedResponse.build(law_body, content_type=b"application/json", max_age=86400)
