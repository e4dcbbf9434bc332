"""One error hierarchy for egov. It knows nothing of HTTP; egov_api maps it to problem+json."""

from __future__ import annotations


class EgovError(Exception):
    """Base class of every error egov raises on purpose.

    Attributes:
        code: a stable, machine-readable slug (also the tail of the problem+json ``type``).
    """

    code: str = "egov-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LawParseError(EgovError):
    """A law document (XML or v2 JSON) could not be read.

    Attributes:
        source: the file name or other label of the input.
        element_path: where in the document it failed (e.g. ``/Law/LawBody/MainProvision/Article[3]``), if known.
    """

    code = "law-parse-error"

    def __init__(self, message: str, *, source: str | None = None, element_path: str | None = None) -> None:
        where = ", ".join(p for p in (source, f"at {element_path}" if element_path else None) if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.reason = message
        self.source = source
        self.element_path = element_path


class CaseParseError(EgovError):
    """A court-decision record could not be read at all (partial records are imported and flagged instead)."""

    code = "case-parse-error"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(f"{source}: {message}" if source else message)
        self.source = source


class InvalidNumeralError(EgovError, ValueError):
    """A kanji / Arabic numeral or article number could not be understood."""

    code = "invalid-numeral"


class InvalidProvisionPathError(EgovError, ValueError):
    """A provision path is not valid e-Gov ``elm`` syntax."""

    code = "invalid-provision-path"


class InvalidDateError(EgovError, ValueError):
    """A Japanese era date or ISO date could not be understood."""

    code = "invalid-date"


class NotFoundError(EgovError):
    """A requested law, revision, provision or court decision does not exist."""

    code = "not-found"


class LawNotFoundError(NotFoundError):
    """No law with the given identifier."""

    code = "law-not-found"


class RevisionNotFoundError(NotFoundError):
    """No revision of the law matches (revision id or ``asof`` date)."""

    code = "revision-not-found"


class ProvisionNotFoundError(NotFoundError):
    """The law exists but has no provision at the given path."""

    code = "provision-not-found"


class CaseNotFoundError(NotFoundError):
    """No court decision with the given identifier."""

    code = "case-not-found"


class CitationPathNotFoundError(NotFoundError):
    """No chain of citations leads from one provision to the other within the search's depth."""

    code = "citation-path-not-found"


class CitationPathLimitError(EgovError):
    """A citation path search reached its bound on visited provisions before it could answer."""

    code = "citation-path-limit"


class DiffApplyError(EgovError):
    """A diff does not fit the text it is applied to (that text is not the diff's old side)."""

    code = "diff-mismatch"


class InvalidQueryError(EgovError, ValueError):
    """A search query or filter is malformed or over a documented limit."""

    code = "invalid-query"


class StorageError(EgovError):
    """The database failed in a way the caller cannot fix (translated once at the storage boundary)."""

    code = "storage-error"


class StorageUnavailableError(StorageError):
    """The database cannot be reached (or the embedded server could not start)."""

    code = "storage-unavailable"


class StorageBusyError(StorageUnavailableError):
    """The database did not answer in time (a statement ran into ``statement_timeout``): overloaded, not
    broken, so callers treat it as unavailable for now."""

    code = "storage-busy"


class ImportFailedError(EgovError):
    """An import source could not be read (missing path, unreadable ZIP)."""

    code = "import-failed"


class EgovApiError(EgovError):
    """The e-Gov 法令API answered with an error or could not be reached."""

    code = "egov-api-error"


class EgovApiResponseError(EgovApiError):
    """e-Gov answered, but with an error (an HTTP error status, an e-Gov error code or a v1 Result code).

    Attributes:
        status_code: the HTTP status of the answer.
        egov_code: e-Gov's own error code (v2 ``400004`` / ``404003`` / ``500001``; v1 Result ``Code``), if given.
        egov_message: e-Gov's message, if given.
        endpoint: the API path that was called (no host: only the configured base URL is ever contacted).
    """

    code = "egov-api-response-error"

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        egov_code: str | None = None,
        egov_message: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.egov_code = egov_code
        self.egov_message = egov_message
        self.endpoint = endpoint


class EgovApiBadRequestError(EgovApiResponseError):
    """e-Gov rejected the request (HTTP 4xx, codes ``400xxx``): fix the request, retrying will not help."""

    code = "egov-api-bad-request"


class EgovApiNotFoundError(EgovApiResponseError):
    """e-Gov has no such law, revision or attachment (HTTP 404, codes ``404xxx``, v1 ``Code`` 1 on 404)."""

    code = "egov-api-not-found"


class EgovApiServerError(EgovApiResponseError):
    """e-Gov failed on its side (HTTP 5xx, codes ``500xxx``) and kept failing after the retries."""

    code = "egov-api-server-error"


class EgovApiRateLimitedError(EgovApiResponseError):
    """e-Gov kept answering 429 Too Many Requests after the retries.

    Attributes:
        retry_after_s: the last ``Retry-After`` e-Gov sent, in seconds, if any.
    """

    code = "egov-api-rate-limited"

    def __init__(
        self,
        message: str,
        *,
        retry_after_s: float | None = None,
        status_code: int | None = 429,
        egov_code: str | None = None,
        egov_message: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, egov_code=egov_code, egov_message=egov_message, endpoint=endpoint
        )
        self.retry_after_s = retry_after_s


class EgovApiUnavailableError(EgovApiError):
    """e-Gov could not be reached: connection errors or timeouts, still failing after the retries."""

    code = "egov-api-unavailable"


class EgovApiResponseTooLargeError(EgovApiError):
    """The answer was larger than ``max_response_bytes``; reading stopped there.

    Attributes:
        limit: the configured limit in bytes.
    """

    code = "egov-api-response-too-large"

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class EgovApiUnexpectedContentError(EgovApiError):
    """The answer was not what the endpoint promises: wrong content type, unreadable or schema-violating body,
    a redirect, or an unknown v1 Result code."""

    code = "egov-api-unexpected-content"


class OpsError(EgovError):
    """An operations task (writing the secrets file, backup, restore) failed."""

    code = "ops-error"


class EnvFileExistsError(OpsError):
    """The secrets file already exists: it is never overwritten (secrets in use would be lost)."""

    code = "env-file-exists"


class BackupToolMissingError(OpsError):
    """No pg_dump / pg_restore / psql matching the server's PostgreSQL version could be found."""

    code = "backup-tool-missing"


class BackupFailedError(OpsError):
    """pg_dump or pg_restore ran and failed (unreachable database, wrong password, bad archive …)."""

    code = "backup-failed"
