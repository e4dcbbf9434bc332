"""The e-Gov side of a sync: which laws changed, which revisions to read, and each revision's document bytes."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import orjson

from egov_core.egov_client import EgovClient, LawData, RevisionInfo
from egov_core.egov_client.models import LawItem
from egov_core.errors import EgovApiUnexpectedContentError, InvalidQueryError
from egov_core.ingest.version import checksum_of
from egov_core.sync._cursor import jst_date

__all__ = [
    "Target",
    "changed_laws_v1",
    "changed_laws_v2",
    "checksum_of",
    "document_bytes",
    "fetch_document",
    "in_force",
    "revision_targets",
]

#: Page size of ``GET /laws`` while listing every law (e-Gov's default is 100; fewer round trips at the rate limit).
LAWS_PAGE = 1000

#: Longest ``updatelawlists`` walk: e-Gov keeps about three months of daily update lists.
MAX_V1_DAYS = 93


@dataclass(frozen=True, slots=True)
class Target:
    """A revision to read: ``law_revision_id`` (None: the law's current revision), with e-Gov's ``updated``."""

    law_id: str
    law_revision_id: str | None
    updated: datetime | None = None


def _recent(item: LawItem, since: date) -> bool:
    stamps = [i.updated for i in (item.revision_info, item.current_revision_info) if i is not None and i.updated]
    # A law e-Gov gives no date for cannot be ruled out: look at its revisions.
    return not stamps or any(jst_date(stamp) >= since for stamp in stamps)


async def changed_laws_v2(client: EgovClient, since: date | None) -> list[str]:
    """Law ids listed by v2 ``GET /laws`` (every page) whose revision data e-Gov updated on or after ``since``.

    ``/laws`` has no ``updated_from`` filter (only ``/law_revisions`` does), so the list is filtered here on the
    ``updated`` of ``revision_info`` and ``current_revision_info``. ``since`` None: every law.
    """
    seen: dict[str, None] = {}
    async for page in client.v2.iter_laws(limit=LAWS_PAGE):
        for item in page.laws:
            law_id = item.law_info.law_id
            if law_id and (since is None or _recent(item, since)):
                seen.setdefault(law_id)
    return list(seen)


async def changed_laws_v1(client: EgovClient, since: date, today: date) -> list[str]:
    """Law ids of v1 ``updatelawlists/{yyyyMMdd}`` for every day from ``since`` to ``today`` (JST), in order.

    Raises:
        InvalidQueryError: the range is longer than e-Gov keeps update lists for.
    """
    if (today - since).days > MAX_V1_DAYS:
        raise InvalidQueryError(f"v1 update lists reach back {MAX_V1_DAYS} days at most; since {since} is older")
    seen: dict[str, None] = {}
    day = since
    while day <= today:
        for entry in (await client.v1.updatelawlists(day)).entries:
            if entry.law_id:
                seen.setdefault(entry.law_id)
        day += timedelta(days=1)
    return list(seen)


async def revision_targets(client: EgovClient, law_id: str, since: date | None) -> list[Target]:
    """The revisions of ``law_id`` e-Gov updated on or after ``since`` (all when None), oldest first.

    ``updated_from`` narrows the answer at e-Gov; the same test runs here too, so a server that ignores the
    parameter (a mirror, an older API) cannot make the sync re-read everything. A revision without ``updated``
    is kept.
    """
    answer = await client.v2.law_revisions(law_id, updated_from=since)
    targets = [
        Target(law_id, r.law_revision_id, r.updated)
        for r in answer.revisions
        if r.law_revision_id and (since is None or r.updated is None or jst_date(r.updated) >= since)
    ]
    return sorted(targets, key=lambda t: t.law_revision_id or "")


def _enforced(revision: RevisionInfo) -> date | None:
    if revision.amendment_enforcement_date is not None:
        return revision.amendment_enforcement_date
    # e-Gov's ids carry the enforcement date: {law_id}_{YYYYMMDD}_{amending law id}.
    parts = (revision.law_revision_id or "").split("_")
    if len(parts) == 3 and parts[1].isdigit() and len(parts[1]) == 8:
        return date(int(parts[1][:4]), int(parts[1][4:6]), int(parts[1][6:]))
    return None


async def in_force(client: EgovClient, law_id: str, asof: date) -> Target | None:
    """The revision of ``law_id`` in force on ``asof``: the latest enforcement date not after it.

    Chosen from ``/law_revisions`` rather than asking ``/law_data?asof=``, so the exact revision id is known
    before its text is read (and the same rule as the store's ``resolve_revision`` applies).
    """
    answer = await client.v2.law_revisions(law_id)
    dated = [(_enforced(r), r) for r in answer.revisions if r.law_revision_id]
    eligible = [(d or date.min, r.law_revision_id or "", r) for d, r in dated if d is None or d <= asof]
    if not eligible:
        return None
    _, rev_id, revision = max(eligible, key=lambda e: (e[0], e[1]))
    return Target(law_id, rev_id, revision.updated)


def document_bytes(data: LawData) -> bytes:
    """A ``/law_data`` answer as the import pipeline's source bytes: ``law_info``, ``revision_info`` and the
    full text (XML as Base64, like e-Gov sends it; or the JSON tree), canonical JSON with sorted keys.

    The parser reads revision metadata (id, enforcement date, status, amending law) from ``revision_info``;
    canonical serialisation makes identical answers give identical bytes, hence the same checksum.
    """
    if data.law_full_text_xml is not None:
        full_text: object = base64.b64encode(data.law_full_text_xml).decode("ascii")
    elif data.law_full_text_json is not None:
        full_text = data.law_full_text_json
    else:
        raise EgovApiUnexpectedContentError("v2 /law_data: the answer carries no law_full_text")
    doc = {
        "law_info": data.law_info.model_dump(mode="json"),
        "revision_info": data.revision_info.model_dump(mode="json") if data.revision_info is not None else None,
        "law_full_text": full_text,
    }
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


async def fetch_document(client: EgovClient, target: Target) -> tuple[str, bytes, datetime | None]:
    """``(law_revision_id, document bytes, updated)`` of one revision (XML text, the canonical form).

    Raises:
        EgovApiError: e-Gov failed (EgovApiUnexpectedContentError: the answer names no revision id at all).
    """
    data = await client.v2.law_data(target.law_revision_id or target.law_id, law_full_text_format="xml")
    info = data.revision_info
    revision_id = (info.law_revision_id if info is not None else None) or target.law_revision_id
    if not revision_id:
        raise EgovApiUnexpectedContentError(f"v2 /law_data/{target.law_id}: the answer names no law_revision_id")
    return revision_id, document_bytes(data), (info.updated if info is not None else None) or target.updated
