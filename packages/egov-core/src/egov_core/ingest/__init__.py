"""Import: e-Gov law documents and court decisions into the store.

Usage::

    async with open_store(settings) as store:
        summary = await ingest_laws(store.engine, ["laws/xml", "all_xml.zip"])
        print(summary.format())

Names are loaded on first use: parser worker processes import only what parsing needs, not the
database stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from egov_core.ingest.cases import ingest_cases
    from egov_core.ingest.limits import IngestLimits, SourceTooLargeError
    from egov_core.ingest.pipeline import ProgressCallback, ingest_laws, refresh_current_revisions
    from egov_core.ingest.shards import Shard, parse_shard
    from egov_core.ingest.sources import SourceItem, iter_case_sources, iter_law_sources, measure_sources
    from egov_core.ingest.summary import ImportProgress, ImportSummary
    from egov_core.ingest.units import MAX_UNIT_CHARS, SearchUnit, search_units

_EXPORTS = {
    "ingest_cases": "cases",
    "IngestLimits": "limits",
    "SourceTooLargeError": "limits",
    "ProgressCallback": "pipeline",
    "ingest_laws": "pipeline",
    "refresh_current_revisions": "pipeline",
    "Shard": "shards",
    "parse_shard": "shards",
    "SourceItem": "sources",
    "iter_case_sources": "sources",
    "iter_law_sources": "sources",
    "measure_sources": "sources",
    "ImportProgress": "summary",
    "ImportSummary": "summary",
    "MAX_UNIT_CHARS": "units",
    "SearchUnit": "units",
    "search_units": "units",
}

__all__ = [
    "MAX_UNIT_CHARS",
    "ImportProgress",
    "ImportSummary",
    "IngestLimits",
    "ProgressCallback",
    "SearchUnit",
    "Shard",
    "SourceItem",
    "SourceTooLargeError",
    "ingest_cases",
    "ingest_laws",
    "iter_case_sources",
    "iter_law_sources",
    "measure_sources",
    "parse_shard",
    "refresh_current_revisions",
    "search_units",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'egov_core.ingest' has no attribute {name!r}")
    return getattr(importlib.import_module(f"egov_core.ingest.{module}"), name)
