"""``egov embed``: the backfill with a progress bar, for egov_api's command line to call.

egov_api wires it as (typer)::

    @app.command()
    def embed(law_id: list[str] | None = None, cases: bool = True) -> None:
        from egov_vector.cli import run_embed
        asyncio.run(run_embed(EgovSettings(), law_ids=law_id, include_cases=cases))
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from egov_core.settings import EgovSettings
from egov_core.store import open_store
from egov_vector.backfill import DEFAULT_BATCH, BackfillProgress, BackfillSummary, backfill
from egov_vector.embedders import abuild_embedder
from egov_vector.migrate import migrate_vector
from egov_vector.settings import VectorSettings, load_vector_settings

__all__ = ["format_summary", "run_embed"]


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
