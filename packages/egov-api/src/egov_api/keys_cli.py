"""``egov keys``: create, list and revoke API keys (see the README's "API keys and quotas")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from egov_api.console import err

if TYPE_CHECKING:
    from egov_core.store import Database

T = TypeVar("T")

keys_app = typer.Typer(
    name="keys",
    help="API keys: clients sending one get the key's quota; with EGOV_API__REQUIRE_KEY=true only they get in.",
    no_args_is_help=True,
)


def _with_store(work: Callable[[Database], Awaitable[T]]) -> T:
    from egov_api.cli import _run, _settings
    from egov_core.store import Database, open_store

    async def go() -> T:
        async with open_store(_settings(), run_migrations=True) as store:
            return await work(Database(store.engine))

    return _run(go())


@keys_app.command("create")
def create(
    name: Annotated[str, typer.Option(help="Who holds the key (shown by egov keys list).")],
    quota: Annotated[
        int | None,
        typer.Option(min=1, help="Requests per rate-limit window (default: EGOV_API__RATE_LIMIT__KEYED)."),
    ] = None,
) -> None:
    """Create a key and print it once (only its hash is stored: it cannot be shown again)."""
    from egov_core.store.api_keys import create_api_key

    key, text = _with_store(lambda database: create_api_key(database, name, quota=quota))
    err.print(f"created key {key.key_id} for {key.name!r} (quota {key.quota or 'default'}); store it now:")
    typer.echo(text)


@keys_app.command("list")
def list_keys() -> None:
    """List keys: id, name, quota, created, revoked (never the secrets)."""
    from egov_core.store.api_keys import list_api_keys

    for key in _with_store(list_api_keys):
        revoked = key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "-"
        created = key.created_at.isoformat(timespec="seconds")
        typer.echo(f"{key.key_id}\t{key.name}\t{key.quota or 'default'}\t{created}\trevoked: {revoked}")


@keys_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id (the 12 hex digits after egov_).")]) -> None:
    """Revoke a key. Servers stop accepting it within 10 s (their key cache)."""
    from egov_core.store.api_keys import revoke_api_key

    key = _with_store(lambda database: revoke_api_key(database, key_id))
    err.print(f"revoked {key.key_id} ({key.name})")
