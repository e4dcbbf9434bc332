"""Fixtures for the cache unit tests: a real e-Gov payload as a cached body (shared with the integration tests)."""

from __future__ import annotations

from egov_testsupport import law_body, law_response

__all__ = ["law_body", "law_response"]
