"""The e-Gov 法令API client: one object, both API versions, one polite connection to e-Gov."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from types import TracebackType

import httpx

from egov_core.egov_client._http import HttpCore
from egov_core.egov_client.ratelimit import TokenBucket
from egov_core.egov_client.v1 import LawApiV1
from egov_core.egov_client.v2 import LawApiV2
from egov_core.settings import EgovClientSettings


class EgovClient:
    """Async client of the e-Gov 法令API v2 (``client.v2``) and v1 (``client.v1``).

    Both halves share one connection pool and one token bucket, so the configured rate
    (default one request per second) holds for everything the client sends. Use it as an async context
    manager, or call :meth:`aclose`::

        async with EgovClient(settings.egov_api) as client:
            revisions = await client.v2.law_revisions("129AC0000000089")
            async for page in client.v2.iter_laws(law_type=["Act"], limit=100):
                ...

    Args:
        settings: the ``egov_api`` section of :class:`~egov_core.settings.EgovSettings`; defaults if None.
        transport: an httpx transport instead of the network (e.g. ``httpx.MockTransport`` in tests).
        limiter: a token bucket to share with other clients; by default one from the settings.
        rng: the random source of the backoff jitter (seed it for reproducible tests).
        sleep: the async sleep between attempts.
    """

    def __init__(
        self,
        settings: EgovClientSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: TokenBucket | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings or EgovClientSettings()
        self._core = HttpCore(self.settings, transport=transport, limiter=limiter, rng=rng, sleep=sleep)
        self.v2 = LawApiV2(self._core, self.settings.base_url)
        self.v1 = LawApiV1(self._core, self.settings.v1_base_url)

    @property
    def limiter(self) -> TokenBucket:
        """The token bucket every request of this client waits on."""
        return self._core.limiter

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._core.aclose()

    async def __aenter__(self) -> EgovClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
