"""Optional pass-through (``EGOV_COMPAT__UPSTREAM``): a law or revision the store lacks is fetched from
e-Gov through the existing client and import pipeline (:func:`egov_core.sync.fetch`), then answered.

Only a miss triggers it — the lookup is tried first and again after the import — so a request the store
can answer never reaches upstream. One fetch runs at a time per process (e-Gov is rate-limited and the
client paces itself); a failing upstream is a 503, a law upstream does not have stays a 404.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TypeVar

from fastapi import Request

from egov_api.lawapi.errors import LawApiError
from egov_api.state import get_state
from egov_core.errors import EgovApiError, EgovError, LawNotFoundError, RevisionNotFoundError

log = logging.getLogger("egov.api")
T = TypeVar("T")

#: What may be sent upstream: a law id, a law revision id, or a law number (kanji, at most 40 characters).
_LAW_ID = re.compile(r"^[0-9]{3}[A-Z][0-9A-Z]{6,16}$")
_REVISION_ID = re.compile(r"^([0-9A-Z]{10,20})_[0-9]{8}_[0-9A-Z]{15}$")
_LAW_NUM = re.compile(
    r"^[明治大正昭和平成令和元一二三四五六七八九十百千]{3,12}年[^\s/?#]{1,30}第[一二三四五六七八九十百千〇]+号$"
)
_LOCK = asyncio.Lock()


def upstream_target(key: str) -> tuple[str, bool] | None:
    """``(law id or number to fetch, whether every revision is needed)`` for a key, or None if not sendable."""
    if m := _REVISION_ID.match(key):
        return m.group(1), True
    if _LAW_ID.match(key) or _LAW_NUM.match(key):
        return key, False
    return None


async def fetch_upstream(request: Request, key: str, asof: date | None) -> bool:
    """Import ``key`` from the configured upstream; False when pass-through is off or the key is not sendable."""
    from egov_core.egov_client import EgovClient
    from egov_core.sync import fetch

    state = get_state(request)
    upstream = state.settings.compat.upstream
    target = upstream_target(key)
    if upstream is None or target is None or state.database is None:
        return False
    law, every_revision = target
    settings = state.settings.egov_api.model_copy(update={"base_url": upstream})
    async with _LOCK:
        try:
            async with EgovClient(settings) as client:
                summary = await fetch(
                    state.database.engine,
                    client,
                    [law],
                    asof=None if every_revision else asof,
                    all_revisions=every_revision,
                )
        except EgovApiError as exc:
            log.warning("upstream fetch of %s failed: %s", law, exc)
            raise LawApiError("503001", f"upstream e-Gov failed: {exc.message}") from None
    log.info("upstream fetch of %s: %s", law, summary.format())
    if summary.aborted:
        raise LawApiError("503001", f"upstream e-Gov failed: {summary.aborted}")
    return True


async def with_upstream(request: Request, lookup: Callable[[], Awaitable[T]], *, key: str, asof: date | None) -> T:
    """``lookup()``; on a miss (law or revision not stored) and with pass-through on, fetch and look up again."""
    try:
        return await lookup()
    except (LawNotFoundError, RevisionNotFoundError) as miss:
        try:
            fetched = await fetch_upstream(request, key, asof)
        except EgovError as exc:
            if isinstance(exc, LawApiError):
                raise
            raise miss from exc  # not sendable as e-Gov reads it: the store's own 404
        if not fetched:
            raise
    return await lookup()
