"""The application factory. Nothing happens at import time: ``create_app()`` builds everything.

Granian serves it as a factory: ``granian --interface asgi --factory egov_api.app:create_app``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI

from egov_api import __version__
from egov_api.limits import BodySizeLimit
from egov_api.metrics import Metrics, MetricsMiddleware
from egov_api.problems import install_problem_handlers
from egov_api.routes import cases, citations, health, laws, problems_doc, provisions, search
from egov_api.state import AppState
from egov_core.citations import SqlLawDirectory
from egov_core.settings import EgovSettings
from egov_core.storage import open_store

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
    {"name": "cases", "description": "Court decisions (判例) and the provisions they cite."},
    {"name": "operations", "description": "Health, readiness and metrics."},
]


def create_app(settings: EgovSettings | None = None) -> FastAPI:
    """Build the egov ASGI app.

    Args:
        settings: settings to use; default: read from the environment (``EGOV_*``).

    Returns:
        The FastAPI app wrapped by nothing; ASGI middleware (body limit, metrics, cache fast path) is
        installed on it.
    """
    settings = settings or EgovSettings()
    state = AppState(settings=settings)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            store = await stack.enter_async_context(open_store(settings, run_migrations=False))
            state.engine = store.engine
            state.extras["store"] = store
            metrics.bind_engine(store.engine)
            state.extras["directory"] = SqlLawDirectory(store.engine)
            log.info("egov %s ready", __version__)
            yield
        state.engine = None

    app = FastAPI(
        title="egov — Japanese statutes and court decisions API",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        license_info={"name": "MIT"},
    )
    app.state.egov = state
    install_problem_handlers(app)
    for module in (laws, provisions, citations, search, cases, health, problems_doc):
        app.include_router(module.router)
    metrics.install(app)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(BodySizeLimit, max_bytes=settings.api.max_body_bytes)
    return app
