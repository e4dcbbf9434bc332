"""The application factory. Nothing happens at import time: ``create_app()`` builds everything.

Granian serves it as a factory: ``granian --interface asgi --factory egov_api.app:create_app``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.types import ASGIApp

from egov_api import __version__
from egov_api.docs import install_docs
from egov_api.edge import Edge, InputGate, WorkBudget
from egov_api.fastpath import FastPath
from egov_api.lawapi import mount_lawapi
from egov_api.limits import BodySizeLimit
from egov_api.mcp_server import mount_mcp
from egov_api.metrics import Metrics, MetricsMiddleware
from egov_api.problems import install_problem_handlers
from egov_api.query_params import reject_unknown_query
from egov_api.replica_fallback import ReplicaFallback
from egov_api.routes import (
    amendments,
    cases,
    citations,
    definitions,
    diff,
    graph,
    graph_path,
    health,
    laws,
    problems_doc,
    provisions,
    search,
)
from egov_api.routes._shortcut import install_shortcut_dispatch
from egov_api.state import AppState
from egov_api.vector import mount_vector_routes, start_vector
from egov_core.cache import DataVersionWatcher, TieredCache, asyncpg_dsn
from egov_core.citations import SqlLawDirectory
from egov_core.settings import EgovSettings
from egov_core.store import Database, ReplicaSet, open_store
from egov_core.text.snippets import warm_up as snippets_warm_up

log = logging.getLogger("egov.api")

DESCRIPTION = """
egov serves Japanese statutes (法令, from the official e-Gov 法令 data) and court decisions (判例):
article-level retrieval by e-Gov `elm` path or by article number in any form people type, citation
resolution (「民法第七百九条第一項」), Japanese-aware keyword search, and court decisions linked to the
provisions they cite.

Errors are RFC 9457 `application/problem+json`. Reads carry strong `ETag`s and `Cache-Control`.

出典：e-Gov法令検索 (https://laws.e-gov.go.jp/) — processed data; not the official text.
"""

TAGS = [
    {"name": "laws", "description": "Laws, their revisions, tables of contents and full texts."},
    {"name": "provisions", "description": "条・項・号 by path or by article number."},
    {"name": "citations", "description": "Resolve statute citations written in Japanese."},
    {"name": "search", "description": "Keyword search over provisions (Japanese-aware)."},
    {"name": "definitions", "description": "Defined terms (定義語) with their scope, per law and by term."},
    {"name": "graph", "description": "The statute citation graph: what a provision cites, what cites it, degrees."},
    {"name": "amendments", "description": "Amendments by enforcement date, pending (未施行) ones, what each changed."},
    {"name": "cases", "description": "Court decisions (判例) and the provisions they cite."},
    {"name": "operations", "description": "Health, readiness and metrics."},
]


def create_app(settings: EgovSettings | None = None) -> ASGIApp:
    """Build the egov ASGI app: the FastAPI app behind the cache fast path, behind the edge (:mod:`egov_api.edge`).

    Args:
        settings: settings to use; default: read from the environment (``EGOV_*``).

    Returns:
        An ASGI app. Cached GETs are answered by :class:`~egov_api.fastpath.FastPath` before routing; it
        forwards attribute access (``.state``, ``.openapi()``) to the FastAPI app inside.
    """
    settings = settings or EgovSettings()
    edge = Edge(settings)
    app, cache = build_fastapi(settings, edge=edge)
    inner = FastPath(app, cache=cache, prefixes=("/v1/",), client_max_age=settings.cache.client_max_age)
    # The e-Gov-compatible surfaces answer JSON or XML by Accept when response_format is absent: keyed on it.
    outer = FastPath(
        inner, cache=cache, prefixes=("/api/",), vary=("accept",), client_max_age=settings.cache.client_max_age
    )
    # MCP tools call the routes in-process: behind the input check, but not through the gate a second time
    # (the /mcp request itself already spent its quota and showed its key).
    app.state.egov.in_process = InputGate(outer)
    mount_mcp(app, app.state.egov.in_process, host=settings.host)
    return edge.wrap(outer)


def build_fastapi(settings: EgovSettings, *, edge: Edge | None = None) -> tuple[FastAPI, TieredCache]:
    """The FastAPI app and the cache its lifespan opens (without the fast path and the edge in front).

    Args:
        settings: the process's settings.
        edge: the edge layers wrapped around the app; its lifespan binds them to the store and closes them.
    """
    state = AppState(settings=settings)
    metrics = Metrics()
    watcher = DataVersionWatcher(poll_interval_s=settings.cache.version_poll_s)
    cache = TieredCache.from_settings(settings.cache, settings.redis, version=watcher)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            store = await stack.enter_async_context(open_store(settings, run_migrations=False))
            # Read replicas (EGOV_DATABASE__READ_URL) serve a read only once they have replayed the data
            # version the cache keys with: the watcher's, read from the primary (egov_core.store.replicas).
            replicas = ReplicaSet.from_settings(settings, required=lambda: watcher.current)
            if replicas is not None:
                stack.push_async_callback(replicas.dispose)
            state.database = Database(store.engine, replicas=replicas, keep_warm=settings.database.pool_size)
            state.store = store
            metrics.bind_engine(store.engine)
            # The resolver's name index and provision lookups read where every other read goes (a replica when
            # one is up and current): Database.reads is read() behind an engine-like connect().
            state.directory = SqlLawDirectory(state.database.reads)
            if edge is not None:
                edge.bind(state.database)
                stack.push_async_callback(edge.close)
            await watcher.start(asyncpg_dsn(store.url))
            stack.push_async_callback(watcher.stop)
            stack.push_async_callback(cache.close)
            state.cache = cache
            await start_vector(state, pgvector=store.vector)
            if state.mcp is not None:
                await stack.enter_async_context(state.mcp())
            await asyncio.to_thread(snippets_warm_up)  # else the first snippet of a semantic hit waits for it
            log.info("egov %s ready", __version__)
            yield
        state.database = state.store = state.directory = state.cache = None

    app = FastAPI(
        title="egov — Japanese statutes and court decisions API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        license_info={"name": "MIT"},
        dependencies=[Depends(reject_unknown_query)],
        # A redirect to the slash-less URL was built from the Host header (open redirect): no redirects at all.
        redirect_slashes=False,
        docs_url=None,  # install_docs: the same pages with locally served assets
        redoc_url=None,
    )
    install_docs(app)
    app.state.egov = state
    install_problem_handlers(app)
    for module in (
        laws,
        diff,
        amendments,
        definitions,
        graph,
        graph_path,
        provisions,
        citations,
        search,
        cases,
        health,
        problems_doc,
    ):
        app.include_router(module.router)
    mount_vector_routes(app, state)
    mount_lawapi(app, state)
    metrics.install(app)
    metrics.add_collector(lambda m: _collect_cache(m, cache))
    metrics.add_collector(lambda m: _collect_replicas(m, state))
    # Plain article, provision and search GETs skip FastAPI's walk over every route (routes/_shortcut.py).
    install_shortcut_dispatch(app)
    api = settings.api
    app.add_middleware(WorkBudget, budget_s=api.work_budget_s, concurrency=api.heavy_concurrency)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(BodySizeLimit, max_bytes=settings.api.max_body_bytes)
    if settings.database.read_url:
        app.add_middleware(ReplicaFallback)
    return app, cache


def _collect_cache(metrics: Metrics, cache: TieredCache) -> None:
    for key, value in cache.stats().items():
        tier, _, stat = key.partition("_")
        if stat:
            metrics.cache.labels(tier, stat).set(value)
    metrics.data_version.set(cache.data_version)


def _collect_replicas(metrics: Metrics, state: AppState) -> None:
    replicas = state.database.replicas if state.database is not None else None
    if replicas is None:
        return
    for name, stats in replicas.stats().items():
        for stat, value in stats.items():
            metrics.replicas.labels(name, stat).set(value)
