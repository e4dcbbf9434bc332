"""Repository-wide pytest hooks, and the fixtures every package shares (one FixtureDef for the session).

With ``EGOV_FAIL_ON_SKIP=1`` (CI sets it) a skipped test fails the run: CI must never hide a suite that
could not run (missing shared data, missing pgvector, missing model).
"""

from __future__ import annotations

import os

import pytest
from egov_fullcorpus import full_corpus  # noqa: F401 - one import of the whole corpus per session, for every package


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("EGOV_FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if skipped and exitstatus == 0:
        print(f"\nEGOV_FAIL_ON_SKIP=1: {skipped} test(s) skipped — failing the run")
        session.exitstatus = 1
