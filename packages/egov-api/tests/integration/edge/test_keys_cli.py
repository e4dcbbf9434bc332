"""``egov keys create / list / revoke`` as a user runs them, against a real database and server."""

from __future__ import annotations

import httpx
import pytest
from egov_api_testsupport import egov_server
from typer.testing import CliRunner, Result

from egov_api.cli import app

pytestmark = pytest.mark.integration


def _egov(url: str, *args: str) -> Result:
    """Run ``egov keys …`` in this process (the command line as users call it, without a new interpreter)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EGOV_DATABASE__URL", url)
        return CliRunner().invoke(app, ["keys", *args])


def test_create_list_revoke_and_require_key(edge_db: str) -> None:
    made = _egov(edge_db, "create", "--name", "reader", "--quota", "50")
    assert made.exit_code == 0, made.output
    key = made.stdout.strip().splitlines()[-1]
    assert key.startswith("egov_")
    key_id = key.split("_")[1]
    listed = _egov(edge_db, "list")
    assert listed.exit_code == 0
    line = next(row for row in listed.stdout.splitlines() if row.startswith(key_id))
    assert "\treader\t50\t" in line
    assert "revoked: -" in line
    assert key.split("_", 2)[2] not in listed.stdout  # the secret is never shown again

    env = {
        "EGOV_DATABASE__URL": edge_db,
        "EGOV_API__LOAD_SAMPLE_IF_EMPTY": "false",
        "EGOV_API__REQUIRE_KEY": "true",
        "EGOV_API__RATE_LIMIT__ENABLED": "true",
    }
    with egov_server(env) as base, httpx.Client(base_url=base, timeout=30) as client:
        closed = client.get("/v1/laws")
        assert closed.status_code == 401
        assert closed.json()["type"] == "/problems/api-key-required"
        assert client.get("/health").status_code == 200
        assert client.get("/openapi.json").status_code == 200
        ok = client.get("/v1/laws", headers={"authorization": f"Bearer {key}"})
        assert ok.status_code == 200
        assert ok.headers["ratelimit-policy"] == '"default";q=50;w=60'

        revoked = _egov(edge_db, "revoke", key_id)
        assert revoked.exit_code == 0, revoked.output
        assert "revoked: 20" in _egov(edge_db, "list").stdout
        # Servers cache a key for 10 s; a new key id is read at once, and an unknown id is refused.
        unknown = client.get("/v1/laws", headers={"x-api-key": "egov_ffffffffffff_" + "a" * 43})
        assert unknown.status_code == 401
    assert _egov(edge_db, "revoke", "000000000000").exit_code == 1
