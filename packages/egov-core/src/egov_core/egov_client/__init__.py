"""Async client of the e-Gov 法令API (v2 JSON/XML and v1 XML), polite and defensive by default.

Only the configured base URLs are ever contacted; path values are validated and percent-encoded.
Requests share a token bucket (default 1 request/s), are retried with full-jitter backoff on 5xx,
429, timeouts and connection errors (never on other 4xx), honour ``Retry-After``, and stop reading past
``max_response_bytes``. Errors are the typed ``EgovApi*Error`` classes of :mod:`egov_core.errors`.
"""

from egov_core.egov_client.client import EgovClient
from egov_core.egov_client.models import (
    AttachedFile,
    AttachedFilesInfo,
    ErrorInfo,
    FileType,
    KeywordItem,
    KeywordResponse,
    KeywordSentence,
    LawData,
    LawDataResponse,
    LawFile,
    LawInfo,
    LawItem,
    LawRevisionsResponse,
    LawsResponse,
    LawType,
    ResponseFormat,
    RevisionInfo,
)
from egov_core.egov_client.ratelimit import TokenBucket
from egov_core.egov_client.v1 import LawApiV1
from egov_core.egov_client.v1_models import LawList, LawListEntry, UpdatedLaw, UpdateLawList, V1Articles, V1LawData
from egov_core.egov_client.v2 import LawApiV2, paginate

__all__ = [
    "AttachedFile",
    "AttachedFilesInfo",
    "EgovClient",
    "ErrorInfo",
    "FileType",
    "KeywordItem",
    "KeywordResponse",
    "KeywordSentence",
    "LawApiV1",
    "LawApiV2",
    "LawData",
    "LawDataResponse",
    "LawFile",
    "LawInfo",
    "LawItem",
    "LawList",
    "LawListEntry",
    "LawRevisionsResponse",
    "LawType",
    "LawsResponse",
    "ResponseFormat",
    "RevisionInfo",
    "TokenBucket",
    "UpdateLawList",
    "UpdatedLaw",
    "V1Articles",
    "V1LawData",
    "paginate",
]
