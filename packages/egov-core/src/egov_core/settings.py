"""Settings: pydantic-settings, prefix ``EGOV_``, nested sections with ``__`` (``EGOV_DATABASE__URL``).

Any setting can also come from a file: ``EGOV_DATABASE__URL_FILE=/run/secrets/database_url`` (see
:mod:`egov_core.settings_files`), which is how containers should receive secrets.

Nothing builds a settings object at import time: the app factory and the command line do, so tests
pass their own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from egov_core.settings_files import FileVariablesSource
from egov_core.vector_settings import VectorSettings


class DatabaseSettings(BaseModel):
    """Where the store lives.

    With no ``url`` egov starts its embedded PostgreSQL (+pgvector) in ``embedded_dir``.
    """

    url: SecretStr | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. postgresql+asyncpg://egov:***@db:5432/egov. Unset: embedded PostgreSQL.",
    )
    embedded_dir: Path | None = Field(default=None, description="Data directory of the embedded PostgreSQL.")
    pool_size: int = Field(
        default=10,
        ge=1,
        le=200,
        description=(
            "Pooled connections to the primary per process; the API server keeps up to this many of them warm "
            "(checked out between reads, within the pool's bounds: egov_core.store.warm)."
        ),
    )
    max_overflow: int = Field(default=10, ge=0, le=200)
    statement_timeout_ms: int = Field(default=10_000, ge=100, description="Per-statement limit for API reads.")
    connect_timeout_s: float = Field(default=10.0, gt=0)
    connect_retries: int = Field(default=30, ge=0, description="Start-up retries while the database comes up.")
    # NoDecode: the validator below reads the raw string (JSON lists included), not pydantic-settings' JSON-only parse.
    read_url: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        max_length=16,
        description=(
            "Read replicas (streaming standbys of ``url``) for the API's reads: one URL, several separated by spaces"
            " or commas, or a JSON list. Imports, sync, migrations and API-key lookups always use ``url``. Empty: every"
            " read goes to ``url``."
        ),
    )
    read_pool_size: int = Field(default=5, ge=1, le=200, description="Pooled connections per read replica.")
    read_max_overflow: int = Field(default=5, ge=0, le=200, description="Extra connections per read replica.")
    read_connect_timeout_s: float = Field(
        default=2.0, gt=0, description="A replica that does not accept a connection within this long is skipped."
    )
    read_pooled: bool = Field(
        default=False,
        description=(
            "The read URLs go through a transaction-mode pooler (PgBouncer) that may hand each statement to another"
            " replica: each read then runs in one REPEATABLE READ transaction that checks data_version itself."
        ),
    )
    read_retry_s: float = Field(
        default=5.0, gt=0, description="How long a replica that failed is skipped before one read tries it again."
    )

    @field_validator("read_url", mode="before")
    @classmethod
    def _split_read_urls(cls, value: Any) -> Any:
        """``EGOV_DATABASE__READ_URL`` may hold several URLs separated by spaces or commas (a comma inside a
        libpq multi-host URL, ``postgresql://a,b/db``, is kept: only a comma before a new scheme separates)."""
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [part for part in re.split(r"\s+|,(?=\s*postgres)", value.strip()) if part]
        return value


class RedisSettings(BaseModel):
    """The optional L2 cache. Unset ``url``: no Redis, L1 only."""

    url: SecretStr | None = None
    timeout_ms: int = Field(default=100, ge=1, le=100, description="Every Redis call gives up after this.")
    breaker_failures: int = Field(default=3, ge=1, description="Consecutive failures that open the breaker.")
    breaker_reset_s: float = Field(default=5.0, gt=0, description="How long an open breaker stops trying.")
    key_prefix: str = "egov"


class CacheSettings(BaseModel):
    """Tiered cache limits and TTLs per kind of data (seconds)."""

    enabled: bool = True
    l1_max_bytes: int = Field(default=64 * 1024 * 1024, ge=0)
    ttl_law: int = Field(default=24 * 3600, ge=1, description="Law, provision and structure data.")
    ttl_search: int = Field(default=3600, ge=1, description="Search and citation-resolution results.")
    ttl_list: int = Field(default=3600, ge=1, description="Lists (laws, cases).")
    version_poll_s: float = Field(
        default=1.0, gt=0, description="Seconds between re-reads of meta.data_version (NOTIFY is the fast path)."
    )
    client_max_age: int = Field(
        default=300, ge=0, description="max-age clients get for current (non-revision) URLs; revision URLs: 1 year."
    )


class RateLimitSettings(BaseModel):
    """Per-client request quotas (``EGOV_API__RATE_LIMIT__*``), counted in Redis when configured, else in-process.

    A client is its API key when it sends one, else its address (see ``ApiSettings.trusted_proxies``).
    """

    enabled: bool = Field(default=True, description="Off: no quotas, no RateLimit headers.")
    window_s: int = Field(default=60, ge=1, le=86_400, description="Length of one quota window.")
    anonymous: int = Field(default=600, ge=1, description="Requests per window for a client without an API key.")
    keyed: int = Field(default=6000, ge=1, description="Requests per window for an API key without a quota of its own.")
    redis_timeout_ms: int = Field(
        default=250,
        ge=1,
        le=1000,
        description="Bound on one Redis count; past it the request is counted in-process (then per worker).",
    )


class ApiSettings(BaseModel):
    """Limits of the HTTP API."""

    max_page_size: int = Field(default=100, ge=1, le=1000)
    default_page_size: int = Field(default=20, ge=1)
    max_query_length: int = Field(default=200, ge=1, description="Characters in a search or citation query.")
    max_body_bytes: int = Field(default=1_000_000, ge=1024, description="Request bodies larger than this get 413.")
    max_citation_text_chars: int = Field(default=100_000, ge=1, description="Text accepted by POST /v1/citations.")
    max_citations_per_response: int = Field(
        default=1000, ge=1, description="Most citations one POST /v1/citations answer carries (`limit`'s ceiling)."
    )
    load_sample_if_empty: bool = Field(default=True, description="Embedded default: load the bundled corpus.")
    require_key: bool = Field(default=False, description="Every route but /health and the docs needs an API key.")
    ops_token: SecretStr | None = Field(
        default=None, description="Bearer token for /metrics and readiness details. Unset: /metrics answers 404."
    )
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed by CORS. Empty: CORS off.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses / CIDRs of proxies whose X-Forwarded-For names the client (Caddy). Empty: the peer.",
    )
    rate_limit: RateLimitSettings = RateLimitSettings()
    work_budget_s: float = Field(
        default=5.0, gt=0, le=300, description="Time a CPU-heavy request (citations, search) may take before a 503."
    )
    heavy_concurrency: int = Field(
        default=4, ge=1, description="CPU-heavy requests one worker runs at once; more wait briefly, then get 503."
    )
    idle_timeout_ms: int = Field(
        default=5000,
        ge=1,
        le=60_000,
        description="egov serve: a connection that sends no complete request head within this long is closed.",
    )
    backpressure: int = Field(
        default=8192, ge=1, description="egov serve: connections one Granian worker holds (idle ones are cheap)."
    )


class IngestSettings(BaseModel):
    """Import limits (``EGOV_INGEST__*``), checked while reading, before memory is spent."""

    max_file_bytes: int = Field(default=64 * 1024 * 1024, ge=1024, description="Largest document read from disk.")
    max_entry_bytes: int = Field(default=64 * 1024 * 1024, ge=1024, description="Largest ZIP member, uncompressed.")
    max_ratio: float = Field(default=100.0, ge=1, description="Largest inflate ratio of a ZIP member above 1 MiB.")
    max_entries: int = Field(default=200_000, ge=1, description="Most entries one ZIP may hold.")


class EgovClientSettings(BaseModel):
    """The e-Gov 法令API client (``egov_core.egov_client``).

    Only ``base_url`` (v2) and ``v1_base_url`` are ever contacted; point them at a mirror or a local fake.
    """

    base_url: str = Field(default="https://laws.e-gov.go.jp/api/2", pattern=r"^https?://[^\s?#]+$")
    v1_base_url: str = Field(default="https://laws.e-gov.go.jp/api/1", pattern=r"^https?://[^\s?#]+$")
    timeout_s: float = Field(default=30.0, gt=0, description="Read/write/pool timeout of one attempt.")
    connect_timeout_s: float = Field(default=10.0, gt=0, description="TCP/TLS connect timeout of one attempt.")
    attempt_deadline_s: float = Field(
        default=300.0, gt=0, description="Whole-attempt limit: a server dripping bytes cannot hold a call forever."
    )
    retries: int = Field(default=4, ge=0, description="Extra attempts on 5xx, 429, timeouts, connection errors.")
    backoff_base_s: float = Field(default=0.5, ge=0, description="Full-jitter backoff: U(0, base * 2**attempt).")
    backoff_max_s: float = Field(default=30.0, ge=0, description="Cap of one backoff sleep.")
    max_retry_after_s: float = Field(default=120.0, ge=0, description="Longest Retry-After honoured (429/503).")
    rate_limit_per_s: float = Field(default=1.0, gt=0, description="Polite default: one request per second.")
    rate_limit_burst: int = Field(default=1, ge=1, description="Token-bucket size (requests allowed at once).")
    max_response_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    user_agent_contact: str | None = Field(
        default=None, description="URL or mail added to the User-Agent so e-Gov can reach the operator."
    )


class CompatSettings(BaseModel):
    """The e-Gov-compatible surfaces (/api/2, /api/1).

    ``upstream``: an e-Gov 法令API v2 base URL (``https://laws.e-gov.go.jp/api/2``). When set, a request for
    a law or revision the store lacks is fetched from there through the e-Gov client (``egov_api`` section:
    timeouts, retries, rate limit), imported, and answered; a request the store can answer never is.
    Unset (the default): such requests answer 404.
    """

    upstream: str | None = Field(default=None, pattern=r"^https?://[^\s?#]+$")


class EgovSettings(BaseSettings):
    """All of egov's settings (environment prefix ``EGOV_``, nested delimiter ``__``)."""

    model_config = SettingsConfigDict(env_prefix="EGOV_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    cache: CacheSettings = CacheSettings()
    api: ApiSettings = ApiSettings()
    ingest: IngestSettings = IngestSettings()
    egov_api: EgovClientSettings = EgovClientSettings()
    compat: CompatSettings = CompatSettings()
    #: The Full edition's section (``EGOV_VECTOR__*``); Lite, where egov-vector is not installed, ignores it.
    vector: VectorSettings = VectorSettings()
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, description="Granian worker processes (EGOV_WORKERS).")
    log_level: str = "info"

    def disabled_plugins(self) -> frozenset[str]:
        """Plug-ins (their entry-point names) whose settings section is switched off.

        ``EGOV_VECTOR__ENABLED=false`` serves the Lite edition from an install that holds egov-vector; then
        ``egov migrate`` must not run egov-vector's migrations either (they need pgvector).
        """
        return frozenset() if self.vector.enabled else frozenset({"vector"})

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The default sources plus ``EGOV_…_FILE`` variables, right after the environment."""
        files = FileVariablesSource(settings_cls)
        return init_settings, env_settings, files, dotenv_settings, file_secret_settings
