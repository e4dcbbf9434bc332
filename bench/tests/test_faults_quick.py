"""The short version of ``nox -s faults`` in the default run: every server attack, in its quick form, against
one real stack (Granian as ``egov serve`` runs it, PostgreSQL, a private redis-server), the worst inputs of the
newer routes (diff, graph, /api/2 keyword and law_data, /mcp) among them.

About a minute: starting the stack and its corpus is most of it; the importer attacks are left to the full run
(the ZIP bomb and worker-death checks run as unit tests in egov-core).
"""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.integration


def test_every_server_attack_passes_in_quick_form() -> None:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed (the fault suite stops, kills and restarts its own)")
    from bench.faults.rows import markdown
    from bench.faults.run import SERVER_ATTACKS
    from bench.faults.stack import running_stack

    with running_stack() as stack:
        rows = [attack(stack, True) for attack in SERVER_ATTACKS]
    table = markdown(rows)
    assert all(r.ok or r.expected_fail for r in rows), table
