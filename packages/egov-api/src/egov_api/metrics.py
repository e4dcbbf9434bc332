"""Prometheus metrics: requests and latency by route and status, DB pool, data version, cache tiers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from egov_core.store import Engine


class Metrics:
    """The app's metrics, in a registry of its own (several apps in one process stay separate)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "egov_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "egov_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.pool = Gauge("egov_db_pool_connections", "DB pool connections", ["state"], registry=self.registry)
        self.data_version = Gauge("egov_data_version", "Data version being served", registry=self.registry)
        self.cache = Gauge("egov_cache", "Cache counters and gauges by tier", ["tier", "stat"], registry=self.registry)
        self.replicas = Gauge(
            "egov_db_replica",
            "Read replicas: up (1) or skipped (0); reads served; reads sent elsewhere (behind, busy); failures",
            ["replica", "stat"],
            registry=self.registry,
        )
        self._engine: Engine | None = None
        self._collectors: list[Callable[[Metrics], None]] = []

    def bind_engine(self, engine: Engine) -> None:
        """Report this engine's pool."""
        self._engine = engine

    def add_collector(self, collect: Callable[[Metrics], None]) -> None:
        """Run ``collect(self)`` before each scrape (cache stats, data version …)."""
        self._collectors.append(collect)

    def refresh(self) -> None:
        """Update gauges that are read, not counted."""
        if self._engine is not None:
            pool: Any = self._engine.pool
            for state, getter in (("checked_out", "checkedout"), ("idle", "checkedin"), ("overflow", "overflow")):
                fn = getattr(pool, getter, None)
                if callable(fn):
                    self.pool.labels(state).set(fn())
        for collect in self._collectors:
            collect(self)

    def install(self, app: FastAPI) -> None:
        """Mount ``GET /metrics``."""

        async def metrics_endpoint(request: Request) -> Response:
            self.refresh()
            return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

        app.add_api_route(
            "/metrics",
            metrics_endpoint,
            methods=["GET"],
            tags=["operations"],
            summary="Prometheus metrics",
            description="Requests and latency by route and status, DB pool, data version, cache tiers.",
            include_in_schema=True,
            response_class=Response,
            responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
        )


#: Method label values: any other method a client invents is counted as ``OTHER`` (bounded label values).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MetricsMiddleware:
    """Pure ASGI middleware counting requests by route template and a fixed method set (bounded label values:
    a client can neither mint routes nor methods)."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - start)
