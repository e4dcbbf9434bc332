"""Sync: keep the store current from the e-Gov 法令API, through the same import pipeline as files.

Usage::

    async with open_store(settings) as store, EgovClient(settings.egov_api) as client:
        summary = await sync(store.engine, client)            # everything e-Gov updated since the last sync
        summary = await fetch(store.engine, client, ["129AC0000000089"], all_revisions=True)
        print(summary.format())

The cursor is ``meta.sync_cursor`` (ISO 8601: when the last successful sync started); it moves only after a
run in which nothing failed.
"""

from egov_core.sync._cursor import SYNC_CURSOR_KEY, get_sync_cursor
from egov_core.sync._egov import document_bytes
from egov_core.sync.run import fetch, sync
from egov_core.sync.summary import PlannedRevision, SyncProgress, SyncProgressCallback, SyncSummary

__all__ = [
    "SYNC_CURSOR_KEY",
    "PlannedRevision",
    "SyncProgress",
    "SyncProgressCallback",
    "SyncSummary",
    "document_bytes",
    "fetch",
    "get_sync_cursor",
    "sync",
]
