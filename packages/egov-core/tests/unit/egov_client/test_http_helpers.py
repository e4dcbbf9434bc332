"""Backoff, Retry-After, the User-Agent, query building and the mapping of every e-Gov error to a typed error."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from egov_core import __version__
from egov_core.egov_client._errors import error_for_status
from egov_core.egov_client._http import HttpCore, retry_after_seconds, user_agent
from egov_core.egov_client._params import query
from egov_core.errors import (
    EgovApiBadRequestError,
    EgovApiNotFoundError,
    EgovApiRateLimitedError,
    EgovApiResponseError,
    EgovApiServerError,
    EgovApiUnexpectedContentError,
    InvalidQueryError,
)
from egov_core.settings import EgovClientSettings


async def test_full_jitter_backoff_stays_within_the_exponential_cap() -> None:
    core = HttpCore(EgovClientSettings(backoff_base_s=0.5, backoff_max_s=4.0), rng=random.Random(7))
    try:
        for attempt in range(8):
            cap = min(4.0, 0.5 * 2**attempt)
            samples = [core.backoff(attempt) for _ in range(200)]
            assert all(0.0 <= s <= cap for s in samples)
            assert max(samples) > cap * 0.8  # full jitter spreads over the whole interval
    finally:
        await core.aclose()


def test_retry_after_forms() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None


def test_user_agent_names_egov_and_its_version() -> None:
    assert user_agent(None).startswith(f"egov/{__version__} (egov_core {__version__};")
    assert user_agent("https://example.org/egov").endswith("; +https://example.org/egov)")


def test_query_wire_forms() -> None:
    pairs = query(
        law_type=["Act", "Rule"],
        category_cd=["001", "050"],
        asof=date(2023, 7, 1),
        omit_current_revision_info=True,
        limit=50,
        law_title="デジタル庁",
        order="+law_info.law_id,-revision_info.amendment_promulgate_date",
        offset=None,
        mission=[],
    )
    assert pairs == [
        ("law_type", "Act,Rule"),
        ("category_cd", "001,050"),
        ("asof", "2023-07-01"),
        ("omit_current_revision_info", "true"),
        ("limit", "50"),
        ("law_title", "デジタル庁"),
        ("order", "+law_info.law_id,-revision_info.amendment_promulgate_date"),
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"law_type": ["Statute"]},
        {"category_cd": ["051"]},
        {"response_format": "yaml"},
        {"limit": -1},
        {"law_title": "x" * 501},
        {"law_title": "a\nb"},
        {"order": "law_id; drop"},
    ],
)
def test_query_refuses_bad_values(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidQueryError):
        query(**kwargs)


def _examples(shared: Path) -> dict[str, dict[str, str]]:
    spec = yaml.safe_load((shared.parent / "reference/egov-lawapi-v2.yaml").read_text(encoding="utf-8"))
    return {k: v["value"] for k, v in spec["components"]["examples"].items() if "error" in k}


def test_every_published_error_example_maps_to_a_typed_error(shared: Path) -> None:
    examples = _examples(shared)
    assert len(examples) == 24
    for name, value in examples.items():
        status = 500 if "500error" in name else 400
        if name.endswith("_json"):
            body, ctype = b'{"code": "%s", "message": "m"}' % value["code"].encode(), "application/json"
        else:
            body, ctype = str(value).encode(), "application/xml"
        error = error_for_status(status, body, ctype, endpoint=name)
        assert isinstance(error, EgovApiResponseError)
        expected = {"400004": EgovApiBadRequestError, "404003": EgovApiNotFoundError, "500001": EgovApiServerError}
        assert error.egov_code in expected, name
        assert type(error) is expected[error.egov_code], name
        assert error.status_code == status


def test_status_decides_without_an_egov_code() -> None:
    assert type(error_for_status(404, b"", "", endpoint="e")) is EgovApiNotFoundError
    assert type(error_for_status(403, b"<html/>", "text/html", endpoint="e")) is EgovApiBadRequestError
    assert type(error_for_status(502, b"", "", endpoint="e")) is EgovApiServerError
    assert type(error_for_status(302, b"", "", endpoint="e")) is EgovApiUnexpectedContentError
    limited = error_for_status(429, b"", "", endpoint="e", retry_after_s=7.0)
    assert isinstance(limited, EgovApiRateLimitedError)
    assert limited.retry_after_s == 7.0


def test_v1_result_code_in_an_error_body() -> None:
    body = b"<DataRoot><Result><Code>1</Code><Message>\xe8\xa9\xb2\xe5\xbd\x93\xe3\x81\xaa\xe3\x81\x97</Message></Result></DataRoot>"
    error = error_for_status(404, body, "application/xml", endpoint="v1")
    assert isinstance(error, EgovApiNotFoundError)
    assert (error.egov_code, error.egov_message) == ("1", "該当なし")
