"""The client's settings section: environment overrides, validation, and what a client is built from."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from egov_core.egov_client import EgovClient
from egov_core.settings import EgovClientSettings, EgovSettings


def test_defaults_are_polite() -> None:
    settings = EgovClientSettings()
    assert settings.base_url == "https://laws.e-gov.go.jp/api/2"
    assert settings.v1_base_url == "https://laws.e-gov.go.jp/api/1"
    assert settings.rate_limit_per_s == 1.0
    assert settings.rate_limit_burst == 1


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_EGOV_API__BASE_URL", "http://mirror.internal:8080/api/2")
    monkeypatch.setenv("EGOV_EGOV_API__RATE_LIMIT_PER_S", "0.5")
    monkeypatch.setenv("EGOV_EGOV_API__USER_AGENT_CONTACT", "mailto:ops@example.org")
    settings = EgovSettings().egov_api
    assert settings.base_url == "http://mirror.internal:8080/api/2"
    assert settings.rate_limit_per_s == 0.5
    assert settings.user_agent_contact == "mailto:ops@example.org"


@pytest.mark.parametrize(
    "url", ["ftp://x/api/2", "https://x/api/2?u=http://evil", "https://x/#frag", "laws.e-gov.go.jp"]
)
def test_base_url_must_be_a_plain_http_url(url: str) -> None:
    with pytest.raises(ValidationError):
        EgovClientSettings(base_url=url)


async def test_client_shares_one_bucket_built_from_the_settings() -> None:
    async with EgovClient(EgovClientSettings(rate_limit_per_s=3.0, rate_limit_burst=2)) as client:
        assert (client.limiter.rate, client.limiter.burst) == (3.0, 2)
        assert client.v1._core is client.v2._core
