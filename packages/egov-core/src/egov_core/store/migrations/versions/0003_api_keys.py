"""API keys: clients that identify themselves get quotas of their own (``egov keys``).

Only a SHA-256 of each key's secret is stored: the secret is 256 random bits, so a fast hash is as good
as a slow one against guessing, and a leaked table gives no usable key.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE api_keys (
            key_id text PRIMARY KEY,
            name text NOT NULL,
            secret_sha256 bytea NOT NULL,
            quota integer CHECK (quota > 0),
            created_at timestamptz NOT NULL DEFAULT now(),
            revoked_at timestamptz
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE api_keys")
