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


class InvalidQueryError(EgovError, ValueError):
    """A search query or filter is malformed or over a documented limit."""

    code = "invalid-query"


class StorageError(EgovError):
    """The database failed in a way the caller cannot fix (translated once at the storage boundary)."""

    code = "storage-error"


class StorageUnavailableError(StorageError):
    """The database cannot be reached (or the embedded server could not start)."""

    code = "storage-unavailable"


class ImportFailedError(EgovError):
    """An import source could not be read (missing path, unreadable ZIP)."""

    code = "import-failed"


class EgovApiError(EgovError):
    """The e-Gov 法令API answered with an error or could not be reached."""

    code = "egov-api-error"
