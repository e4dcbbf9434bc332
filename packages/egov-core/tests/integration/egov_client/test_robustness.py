"""Retries, Retry-After, rate limiting, size limits, content types and redirects over real HTTP."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from fakes.fake_egov import FakeEgov, FakeResponse

from egov_core.egov_client import EgovClient
from egov_core.errors import (
    EgovApiBadRequestError,
    EgovApiNotFoundError,
    EgovApiRateLimitedError,
    EgovApiResponseTooLargeError,
    EgovApiServerError,
    EgovApiUnavailableError,
    EgovApiUnexpectedContentError,
)

pytestmark = pytest.mark.integration

LAWS = "/api/2/laws"


class RecordingSleep:
    """Records the waits between attempts (and really waits a little, so the order of events is real)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(min(seconds, 0.01))


async def test_503_twice_then_success_is_retried(fake_egov: FakeEgov, shared: Path) -> None:
    ok = FakeResponse.file(shared / "egov_api/v2/laws.json")
    fake_egov.add(LAWS, [FakeResponse.status_only(503), FakeResponse.status_only(503), ok])
    sleep = RecordingSleep()
    async with EgovClient(fake_egov.settings(retries=3), sleep=sleep) as client:
        laws = await client.v2.laws()
    assert laws.count == 1
    assert fake_egov.served(LAWS) == 3
    assert len(sleep.waits) == 2


async def test_4xx_is_not_retried(fake_egov: FakeEgov) -> None:
    fake_egov.add(LAWS, FakeResponse.error(400, "400004", "日付（asof等）が誤っています。"))
    async with EgovClient(fake_egov.settings(retries=3)) as client:
        with pytest.raises(EgovApiBadRequestError) as caught:
            await client.v2.laws()
    assert (caught.value.egov_code, caught.value.status_code) == ("400004", 400)
    assert caught.value.egov_message == "日付（asof等）が誤っています。"
    assert fake_egov.served(LAWS) == 1


async def test_not_found_404003_is_not_retried(fake_egov: FakeEgov) -> None:
    revision_id = "411AC0000000127_19990813_000000000000000"
    path = f"/api/2/attachment/{revision_id}"
    body = "<error_info><code>404003</code><message>指定のパラメータで取得できる添付ファイルは存在しません。</message></error_info>"
    fake_egov.add(path, FakeResponse.xml(body, status=404))
    async with EgovClient(fake_egov.settings()) as client:
        with pytest.raises(EgovApiNotFoundError) as caught:
            await client.v2.attachment(revision_id, src="./pict/none.jpg")
    assert caught.value.egov_code == "404003"
    assert fake_egov.served(path) == 1


async def test_persistent_500001_gives_up_after_the_retries(fake_egov: FakeEgov) -> None:
    fake_egov.add(LAWS, FakeResponse.error(500, "500001", "サーバ内処理で異常が発生しました。"))
    async with EgovClient(fake_egov.settings(retries=2)) as client:
        with pytest.raises(EgovApiServerError) as caught:
            await client.v2.laws()
    assert caught.value.egov_code == "500001"
    assert fake_egov.served(LAWS) == 3


async def test_retry_after_is_honoured_on_429_and_503(fake_egov: FakeEgov, shared: Path) -> None:
    ok = FakeResponse.file(shared / "egov_api/v2/laws.json")
    fake_egov.add(
        LAWS,
        [
            FakeResponse.status_only(429, headers={"Retry-After": "7"}),
            FakeResponse.status_only(503, headers={"Retry-After": "3"}),
            ok,
        ],
    )
    sleep = RecordingSleep()
    async with EgovClient(fake_egov.settings(), sleep=sleep) as client:
        await client.v2.laws()
    assert sleep.waits == [7.0, 3.0]


async def test_retry_after_longer_than_allowed_gives_up_at_once(fake_egov: FakeEgov) -> None:
    fake_egov.add(LAWS, FakeResponse.status_only(429, headers={"Retry-After": "3600"}))
    sleep = RecordingSleep()
    async with EgovClient(fake_egov.settings(max_retry_after_s=60), sleep=sleep) as client:
        with pytest.raises(EgovApiRateLimitedError) as caught:
            await client.v2.laws()
    assert caught.value.retry_after_s == 3600.0
    assert fake_egov.served(LAWS) == 1
    assert sleep.waits == []


async def test_429_until_the_retries_run_out(fake_egov: FakeEgov) -> None:
    fake_egov.add(LAWS, FakeResponse.status_only(429))
    async with EgovClient(fake_egov.settings(retries=1)) as client:
        with pytest.raises(EgovApiRateLimitedError):
            await client.v2.laws()
    assert fake_egov.served(LAWS) == 2


async def test_timeouts_are_retried_then_reported(fake_egov: FakeEgov, shared: Path) -> None:
    fake_egov.add(LAWS, FakeResponse(delay_s=1.0))
    async with EgovClient(fake_egov.settings(timeout_s=0.2, retries=1)) as client:
        with pytest.raises(EgovApiUnavailableError):
            await client.v2.laws()
    assert fake_egov.served(LAWS) == 2


async def test_a_dripping_server_hits_the_attempt_deadline(fake_egov: FakeEgov, shared: Path) -> None:
    body = (shared / "egov_api/v2/laws.json").read_bytes()
    fake_egov.add(LAWS, FakeResponse(body=body, chunked=True, chunk_size=64, drip_s=0.1))
    settings = fake_egov.settings(timeout_s=2.0, attempt_deadline_s=0.3, retries=1)
    async with EgovClient(settings) as client:
        with pytest.raises(EgovApiUnavailableError):
            await client.v2.laws()
    assert fake_egov.served(LAWS) == 2


async def test_undecodable_body_is_unexpected_content(fake_egov: FakeEgov) -> None:
    fake_egov.add(LAWS, FakeResponse(body=b"definitely not gzip", headers={"Content-Encoding": "gzip"}))
    async with EgovClient(fake_egov.settings()) as client:
        with pytest.raises(EgovApiUnexpectedContentError, match="decoded"):
            await client.v2.laws()
    assert fake_egov.served(LAWS) == 1


async def test_dropped_connection_is_retried(fake_egov: FakeEgov, shared: Path) -> None:
    fake_egov.add(LAWS, [FakeResponse(drop=True), FakeResponse.file(shared / "egov_api/v2/laws.json")])
    async with EgovClient(fake_egov.settings()) as client:
        laws = await client.v2.laws()
    assert laws.count == 1
    assert fake_egov.served(LAWS) == 2


async def test_connection_refused_is_unavailable() -> None:
    with FakeEgov() as fake:
        settings = fake.settings(retries=1)
    async with EgovClient(settings) as client:  # the fake is gone: nothing listens on that port now
        with pytest.raises(EgovApiUnavailableError):
            await client.v2.laws()


@pytest.mark.parametrize("chunked", [False, True])
async def test_size_limit(fake_egov: FakeEgov, chunked: bool) -> None:
    big = b'{"count": 0, "laws": [], "pad": "' + b"x" * 300_000 + b'"}'
    fake_egov.add(LAWS, FakeResponse(body=big, chunked=chunked))
    async with EgovClient(fake_egov.settings(max_response_bytes=100_000)) as client:
        with pytest.raises(EgovApiResponseTooLargeError) as caught:
            await client.v2.laws()
    assert caught.value.limit == 100_000
    assert fake_egov.served(LAWS) == 1  # not retried


async def test_content_type_mismatch(fake_egov: FakeEgov, shared: Path) -> None:
    fake_egov.add(LAWS, FakeResponse.file(shared / "egov_api/v2/laws.json", content_type="text/html"))
    async with EgovClient(fake_egov.settings()) as client:
        with pytest.raises(EgovApiUnexpectedContentError, match="content type"):
            await client.v2.laws()


async def test_a_redirect_is_never_followed(fake_egov: FakeEgov) -> None:
    fake_egov.add(LAWS, FakeResponse.status_only(302, headers={"Location": "http://127.0.0.2:1/steal"}))
    async with EgovClient(fake_egov.settings()) as client:
        with pytest.raises(EgovApiUnexpectedContentError, match="redirect"):
            await client.v2.laws()
    assert [r.path for r in fake_egov.requests] == [LAWS]


async def test_invalid_json_and_wrong_xml_root(fake_egov: FakeEgov) -> None:
    fake_egov.add(LAWS, FakeResponse(body=b"{not json"))
    fake_egov.add(LAWS, FakeResponse.xml("<law_data_response/>"), query={"response_format": "xml"})
    async with EgovClient(fake_egov.settings()) as client:
        with pytest.raises(EgovApiUnexpectedContentError, match="JSON"):
            await client.v2.laws()
        with pytest.raises(EgovApiUnexpectedContentError, match="laws_response"):
            await client.v2.laws(response_format="xml")


async def test_rate_limit_spaces_concurrent_calls(fake_egov: FakeEgov, shared: Path) -> None:
    # Behaviour, not performance: a token bucket can only make calls slower, so the lower bound is safe.
    fake_egov.add_file(LAWS, shared / "egov_api/v2/laws.json")
    rate, calls = 20.0, 8
    async with EgovClient(fake_egov.settings(rate_limit_per_s=rate, rate_limit_burst=1)) as client:
        await client.v2.laws()  # spend the initial token so every call below waits its turn
        start = time.monotonic()
        await asyncio.gather(*(client.v2.laws() for _ in range(calls)))
        elapsed = time.monotonic() - start
    assert elapsed >= (calls - 1) / rate * 0.95
    arrivals = [r.at for r in fake_egov.requests]
    assert arrivals[-1] - arrivals[0] >= calls / rate * 0.9
