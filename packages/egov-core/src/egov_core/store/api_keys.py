"""API keys: their format, hashing and the SQL that stores them (the one module touching ``api_keys``).

A key reads ``egov_<key_id>_<secret>``: ``key_id`` (12 hex digits) is public and finds the row, ``secret``
(43 URL-safe characters, 256 random bits) is shown once at creation and stored only as its SHA-256.
Verification hashes what the client sent and compares digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update

from egov_core.errors import NotFoundError
from egov_core.store.database import Database
from egov_core.store.tables import api_keys

__all__ = [
    "ApiKey",
    "create_api_key",
    "find_api_key",
    "list_api_keys",
    "parse_api_key",
    "revoke_api_key",
    "secret_digest",
    "verify_secret",
]

_KEY = re.compile(r"^egov_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key (never its secret).

    Attributes:
        key_id: the public part of the key.
        name: what the operator called it (who holds it).
        quota: requests per rate-limit window; None: the settings' ``keyed`` default.
        created_at: when it was made.
        revoked_at: when it was revoked (None: valid).
        secret_sha256: SHA-256 of the secret.
    """

    key_id: str
    name: str
    quota: int | None
    created_at: datetime
    revoked_at: datetime | None
    secret_sha256: bytes


def parse_api_key(key: str) -> tuple[str, str] | None:
    """``(key_id, secret)`` of a well-formed key, or None."""
    match = _KEY.match(key)
    return (match.group(1), match.group(2)) if match else None


def secret_digest(secret: str) -> bytes:
    """What is stored for a secret."""
    return hashlib.sha256(secret.encode("ascii")).digest()


def verify_secret(stored: bytes, secret: str) -> bool:
    """Whether ``secret`` hashes to ``stored`` (constant-time comparison)."""
    return hmac.compare_digest(stored, secret_digest(secret))


def _row(row: Row[Any]) -> ApiKey:
    m = row._mapping
    return ApiKey(
        key_id=m["key_id"],
        name=m["name"],
        quota=m["quota"],
        created_at=m["created_at"],
        revoked_at=m["revoked_at"],
        secret_sha256=bytes(m["secret_sha256"]),
    )


async def create_api_key(database: Database, name: str, *, quota: int | None = None) -> tuple[ApiKey, str]:
    """Store a new key; returns it and the full key text (the only time the secret exists outside a client)."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    async with database.write() as conn:
        row = (
            await conn.execute(
                insert(api_keys)
                .values(key_id=key_id, name=name, secret_sha256=secret_digest(secret), quota=quota)
                .returning(api_keys)
            )
        ).one()
    return _row(row), f"egov_{key_id}_{secret}"


async def find_api_key(database: Database, key_id: str) -> ApiKey | None:
    """The key with this id, revoked or not, or None (from the primary: a revocation counts at once)."""
    async with database.read(primary=True) as conn:
        row = (await conn.execute(select(api_keys).where(api_keys.c.key_id == key_id))).first()
    return _row(row) if row is not None else None


async def list_api_keys(database: Database) -> list[ApiKey]:
    """Every key, oldest first."""
    async with database.read() as conn:
        rows = (await conn.execute(select(api_keys).order_by(api_keys.c.created_at, api_keys.c.key_id))).all()
    return [_row(r) for r in rows]


async def revoke_api_key(database: Database, key_id: str) -> ApiKey:
    """Revoke a key (idempotent; the row stays for the record). Raises NotFoundError for an unknown id."""
    async with database.write() as conn:
        await conn.execute(
            update(api_keys)
            .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now().astimezone())
        )
        row = (await conn.execute(select(api_keys).where(api_keys.c.key_id == key_id))).first()
    if row is None:
        raise NotFoundError(f"no API key {key_id!r}")
    return _row(row)
