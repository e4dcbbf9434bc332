"""Import: e-Gov law documents and court decisions into the store.

Usage::

    async with open_store(settings) as store:
        summary = await ingest_laws(store.engine, ["laws/xml", "all_xml.zip"])
        print(summary.format())
"""

from egov_core.ingest.cases import ingest_cases, split_ref_law
from egov_core.ingest.pipeline import ProgressCallback, ingest_laws
from egov_core.ingest.sources import SourceItem, iter_case_sources, iter_law_sources, measure_sources
from egov_core.ingest.summary import ImportProgress, ImportSummary
from egov_core.ingest.units import MAX_UNIT_CHARS, SearchUnit, search_units

__all__ = [
    "MAX_UNIT_CHARS",
    "ImportProgress",
    "ImportSummary",
    "ProgressCallback",
    "SearchUnit",
    "SourceItem",
    "ingest_cases",
    "ingest_laws",
    "iter_case_sources",
    "iter_law_sources",
    "measure_sources",
    "search_units",
    "split_ref_law",
]
