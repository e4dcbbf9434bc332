"""Read replica settings and the replica set's choice (no server: engines are created, never connected)."""

from __future__ import annotations

import pytest
from egov_testsupport import FakeClock
from pydantic import ValidationError

from egov_core.settings import EgovSettings
from egov_core.store import ReplicaSet


def _urls(settings: EgovSettings) -> list[str]:
    return [url.get_secret_value() for url in settings.database.read_url]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgresql://egov@r1:5432/egov", ["postgresql://egov@r1:5432/egov"]),
        (
            "postgresql://egov@r1/egov postgresql://egov@r2/egov",
            ["postgresql://egov@r1/egov", "postgresql://egov@r2/egov"],
        ),
        (
            "postgresql://egov@r1/egov, postgresql://egov@r2/egov",
            ["postgresql://egov@r1/egov", "postgresql://egov@r2/egov"],
        ),
        # A libpq multi-host URL keeps its comma: only a comma before a new scheme separates two URLs.
        ("postgresql://egov@r1,r2/egov", ["postgresql://egov@r1,r2/egov"]),
        ('["postgresql://egov@r1/egov"]', ["postgresql://egov@r1/egov"]),
        ("", []),
    ],
)
def test_read_url_from_the_environment(raw: str, expected: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_DATABASE__READ_URL", raw)
    assert _urls(EgovSettings()) == expected


def test_read_url_is_a_secret() -> None:
    settings = EgovSettings(database={"read_url": "postgresql://egov:hunter2@r1/egov"})
    assert "hunter2" not in repr(settings.database)


def test_too_many_replicas_are_refused() -> None:
    with pytest.raises(ValidationError, match="read_url"):
        EgovSettings(database={"read_url": [f"postgresql://r{i}/egov" for i in range(17)]})


def _set(clock: FakeClock, n: int = 2) -> ReplicaSet:
    settings = EgovSettings(
        database={"url": "postgresql://p/egov", "read_url": [f"postgresql://r{i}:5432/egov" for i in range(n)]}
    )
    replicas = ReplicaSet.from_settings(settings, required=lambda: 0)
    assert replicas is not None
    replicas._clock = clock
    return replicas


def test_pool_bounds_per_replica_come_from_the_read_settings() -> None:
    settings = EgovSettings(database={"read_url": "postgresql://r1/egov", "read_pool_size": 3, "read_max_overflow": 1})
    replicas = ReplicaSet.from_settings(settings, required=lambda: 0)
    assert replicas is not None
    pool = replicas.replicas[0].engine.pool
    assert pool.size() == 3  # type: ignore[attr-defined]
    assert pool._max_overflow == 1  # type: ignore[attr-defined]


def test_candidates_rotate_and_a_failed_replica_is_skipped_until_retry() -> None:
    clock = FakeClock()
    replicas = _set(clock)
    r0, r1 = replicas.replicas
    assert {replicas.candidates()[0].name for _ in range(4)} == {r0.name, r1.name}
    replicas.failed(r0, ConnectionRefusedError("refused"))
    assert [r.name for r in replicas.candidates()] == [r1.name]
    assert replicas.stats()[r0.name]["up"] == 0.0
    clock.advance(replicas.retry_s + 0.01)
    assert r0.name in {r.name for r in replicas.candidates()}
    replicas.failed(r1, ConnectionRefusedError("refused"))
    replicas.failed(r0, ConnectionRefusedError("refused"))
    assert replicas.candidates() == []
