"""The HTTP core shared by the v1 and v2 clients: one connection pool, one rate limit, retries, limits."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from egov_core import __version__
from egov_core.egov_client._errors import error_for_status
from egov_core.egov_client.ratelimit import TokenBucket
from egov_core.errors import (
    EgovApiError,
    EgovApiResponseTooLargeError,
    EgovApiUnavailableError,
    EgovApiUnexpectedContentError,
)
from egov_core.settings import EgovClientSettings

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RawResponse:
    """A successful (2xx) answer, fully read and under the size limit."""

    status_code: int
    content_type: str
    content: bytes
    headers: httpx.Headers


def user_agent(contact: str | None) -> str:
    """``egov/<version> (egov_core <version>; +<contact>)``: who is calling, so e-Gov can tell and reach us."""
    extra = f"; +{contact}" if contact else ""
    return f"egov/{__version__} (egov_core {__version__}; httpx {httpx.__version__}{extra})"


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpCore:
    """GET with a shared token bucket, retries (full-jitter backoff), Retry-After and size/content checks.

    Args:
        settings: client settings (timeouts, retries, rate, limits).
        transport: an httpx transport to use instead of the network (tests, custom TLS).
        limiter: a token bucket to share; by default one built from the settings.
        rng: the random source of the jitter.
        sleep: the async sleep used between attempts.
    """

    def __init__(
        self,
        settings: EgovClientSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: TokenBucket | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.limiter = limiter or TokenBucket(settings.rate_limit_per_s, settings.rate_limit_burst)
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
            # A redirect would send us to a URL taken from a response: never follow one.
            follow_redirects=False,
            headers={"User-Agent": user_agent(settings.user_agent_contact)},
            transport=transport,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in ``[0, min(backoff_max_s, backoff_base_s * 2**attempt)]``."""
        cap = min(self.settings.backoff_max_s, self.settings.backoff_base_s * (2**attempt))
        return self._rng.uniform(0.0, cap)

    async def get(
        self,
        base_url: str,
        path: str,
        params: Sequence[tuple[str, str]] = (),
        *,
        accept: Sequence[str] = (),
        endpoint: str,
    ) -> RawResponse:
        """GET ``base_url + path`` and return the 2xx answer, retrying what is worth retrying.

        Args:
            base_url: one of the configured base URLs.
            path: the endpoint path, already validated and percent-encoded (starts with ``/``).
            params: query parameters.
            accept: acceptable content types (substring match, e.g. ``application/json``); empty: any.
            endpoint: a short label for errors and logs.

        Raises:
            EgovApiError: a typed subclass (see :mod:`egov_core.errors`).
        """
        url = httpx.URL(base_url.rstrip("/") + path)
        base = httpx.URL(base_url)
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
            raise EgovApiError(f"{endpoint}: refusing to contact {url.host!r}")  # only the base URL, ever
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            await self.limiter.acquire()
            try:
                async with asyncio.timeout(self.settings.attempt_deadline_s):
                    status, headers, body = await self._fetch(url, params, endpoint)
            except httpx.DecodingError as exc:
                raise EgovApiUnexpectedContentError(f"{endpoint}: body could not be decoded: {exc}") from exc
            except (httpx.TimeoutException, httpx.TransportError, TimeoutError) as exc:
                if last:
                    raise EgovApiUnavailableError(f"{endpoint}: e-Gov unreachable: {exc!r}") from exc
                await self._sleep(self.backoff(attempt))
                continue
            content_type = headers.get("content-type", "").lower()
            if 200 <= status < 300:
                if accept and not any(a in content_type for a in accept):
                    raise EgovApiUnexpectedContentError(
                        f"{endpoint}: content type {content_type or '(none)'} is not {' or '.join(accept)}"
                    )
                return RawResponse(status, content_type, body, headers)
            retry_after = retry_after_seconds(headers.get("retry-after")) if status in (429, 503) else None
            error = error_for_status(status, body, content_type, endpoint=endpoint, retry_after_s=retry_after)
            if status not in _RETRY_STATUSES or last:
                raise error
            if retry_after is not None and retry_after > self.settings.max_retry_after_s:
                # Retrying sooner than asked would not honour Retry-After, waiting that long is not our call.
                raise error
            await self._sleep(retry_after if retry_after is not None else self.backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _fetch(
        self, url: httpx.URL, params: Sequence[tuple[str, str]], endpoint: str
    ) -> tuple[int, httpx.Headers, bytes]:
        limit = self.settings.max_response_bytes
        async with self._client.stream("GET", url, params=list(params)) as response:
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                raise EgovApiResponseTooLargeError(
                    f"{endpoint}: answer of {declared} bytes exceeds the limit of {limit}", limit=limit
                )
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise EgovApiResponseTooLargeError(
                        f"{endpoint}: answer exceeds the limit of {limit} bytes", limit=limit
                    )
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)
