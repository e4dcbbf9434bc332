"""A fake e-Gov 法令API: a real HTTP server on 127.0.0.1 and a free port, in a thread, serving recorded payloads.

Stdlib only (``http.server``): egov-core must not depend on a web framework, and the fake must be usable
from egov-core, egov-api and sync tests alike::

    with FakeEgov() as egov:
        egov.add_file("/api/2/laws", shared / "egov_api/v2/laws.json")
        egov.add("/api/2/keyword", [FakeResponse.status_only(503), FakeResponse.json({...})])  # fails once
        egov.mount("/api/2/law_data", tmp_path / "law_data")   # <dir>/<id>.json answers /api/2/law_data/<id>
        async with EgovClient(egov.settings()) as client:
            ...
        assert egov.requests[-1].headers["user-agent"].startswith("egov/")

Routes match the percent-decoded path (plus, optionally, a subset of the query). A list of responses is
played in order and its last one repeats. Unknown paths get 404 with an ``error_info`` body.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from egov_core.settings import EgovClientSettings

from . import egov_payloads

JSON = "application/json; charset=utf-8"
XML = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class FakeResponse:
    """What the fake answers.

    Attributes:
        status: HTTP status.
        body: the body bytes.
        content_type: Content-Type header (None: no header at all).
        headers: extra headers (``Retry-After`` …).
        delay_s: sleep before answering (client timeouts).
        chunked: send without Content-Length, in chunks (size limits must hold while streaming).
        drop: close the connection without answering (connection errors).
        drip_s: with ``chunked``, sleep this long before each chunk (a slow, never-quite-silent server).
        chunk_size: with ``chunked``, bytes per chunk.
    """

    status: int = 200
    body: bytes = b""
    content_type: str | None = JSON
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    chunked: bool = False
    drop: bool = False
    drip_s: float = 0.0
    chunk_size: int = 65536

    @classmethod
    def json(cls, data: Any, status: int = 200, **kwargs: Any) -> FakeResponse:
        """A JSON answer."""
        return cls(status=status, body=json.dumps(data, ensure_ascii=False).encode(), content_type=JSON, **kwargs)

    @classmethod
    def xml(cls, body: bytes | str, status: int = 200, **kwargs: Any) -> FakeResponse:
        """An XML answer."""
        raw = body.encode() if isinstance(body, str) else body
        return cls(status=status, body=raw, content_type=XML, **kwargs)

    @classmethod
    def error(cls, status: int, code: str, message: str, **kwargs: Any) -> FakeResponse:
        """An e-Gov v2 ``error_info`` answer (``{"code": "400004", "message": …}``)."""
        return cls.json({"code": code, "message": message}, status=status, **kwargs)

    @classmethod
    def status_only(cls, status: int, **kwargs: Any) -> FakeResponse:
        """A bodiless answer with just a status (503 from a load balancer, say)."""
        return cls(status=status, body=b"", content_type=None, **kwargs)

    @classmethod
    def file(cls, path: Path, status: int = 200, **kwargs: Any) -> FakeResponse:
        """A payload file; the content type follows the suffix (.json, .xml, else octet-stream)."""
        types = {".json": JSON, ".xml": XML}
        ctype = kwargs.pop("content_type", types.get(path.suffix, "application/octet-stream"))
        return cls(status=status, body=path.read_bytes(), content_type=ctype, **kwargs)


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received."""

    raw_path: str  # as sent, percent-encoded, without the query
    path: str  # percent-decoded
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    at: float  # time.monotonic() on arrival


@dataclass
class _Route:
    responses: list[FakeResponse]
    query: Mapping[str, str] | None
    served: int = 0

    def next(self) -> FakeResponse:
        response = self.responses[min(self.served, len(self.responses) - 1)]
        self.served += 1
        return response


class FakeEgov:
    """The fake server. Use as a context manager (or :meth:`start` / :meth:`stop`)."""

    def __init__(self) -> None:
        self._routes: dict[str, list[_Route]] = {}
        self._mounts: list[tuple[str, Path]] = []
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- configuration -------------------------------------------------------------------------------------
    def add(
        self, path: str, responses: FakeResponse | Sequence[FakeResponse], *, query: Mapping[str, str] | None = None
    ) -> None:
        """Answer GET ``path`` (decoded; with ``query`` a subset of the request's query) with ``responses``.

        Later routes for the same path win over earlier ones; a route with a query wins over one without.
        """
        listed = [responses] if isinstance(responses, FakeResponse) else list(responses)
        with self._lock:
            self._routes.setdefault(path, []).insert(0, _Route(listed, query))

    def add_json(self, path: str, data: Any, *, status: int = 200, query: Mapping[str, str] | None = None) -> None:
        """Answer ``path`` with JSON ``data``."""
        self.add(path, FakeResponse.json(data, status=status), query=query)

    def add_file(self, path: str, file: Path, *, query: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        """Answer ``path`` with the bytes of ``file`` (content type from its suffix)."""
        self.add(path, FakeResponse.file(file, **kwargs), query=query)

    def mount(self, prefix: str, directory: Path) -> None:
        """Serve ``directory/<rest>{,.json,.xml}`` for ``prefix/<rest>`` (recorded payloads laid out by path)."""
        with self._lock:
            self._mounts.insert(0, (prefix.rstrip("/"), directory))

    def serve_revisions(self, revisions_root: Path, law_ids: Sequence[str] | None = None) -> list[str]:
        """Serve laws laid out like ``shared/data/laws/revisions`` (``<LawId>/<LawRevisionId>/<id>.xml|.json``).

        Registers, for each law: ``/api/2/law_revisions/<law_id>`` (all revisions, newest first);
        ``/api/2/law_data/<revision_id>`` with ``law_full_text_format=xml`` (Base64 XML) and, where the
        ``.json`` tree exists, without it (JSON tree); ``/api/2/law_data/<law_id>`` likewise for the current
        revision (``Status="CurrentEnforced"``, else the newest); and ``/api/2/laws`` listing every law with its
        current revision. Register newer answers later to simulate e-Gov changing (later routes win).

        Returns:
            The law ids served.
        """
        laws = []
        served = []
        for law_dir in sorted(p for p in revisions_root.iterdir() if p.is_dir()):
            if law_ids is not None and law_dir.name not in law_ids:
                continue
            served.append(law_dir.name)
            revisions = egov_payloads.law_revisions_response(law_dir)
            self.add_json(f"/api/2/law_revisions/{law_dir.name}", revisions)
            current = next(
                (r for r in revisions["revisions"] if r["current_revision_status"] == "CurrentEnforced"),
                revisions["revisions"][0],
            )
            for revision_dir in egov_payloads.revision_dirs(law_dir):
                targets = [revision_dir.name]
                if revision_dir.name == current["law_revision_id"]:
                    targets.append(law_dir.name)
                for target in targets:
                    path = f"/api/2/law_data/{target}"
                    if (revision_dir / f"{revision_dir.name}.json").is_file():
                        self.add_json(path, egov_payloads.law_data_response(revision_dir, law_full_text_format="json"))
                    xml = egov_payloads.law_data_response(revision_dir, law_full_text_format="xml")
                    self.add_json(path, xml, query={"law_full_text_format": "xml"})
            laws.append({"law_info": revisions["law_info"], "revision_info": current, "current_revision_info": current})
        self.add_json("/api/2/laws", {"total_count": len(laws), "count": len(laws), "next_offset": None, "laws": laws})
        return served

    def served(self, path: str) -> int:
        """How many requests were made for the decoded ``path``."""
        return sum(1 for r in self.requests if r.path == path)

    # -- lifecycle -------------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running server."""
        if self._server is None:
            raise RuntimeError("FakeEgov is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def v2_base_url(self) -> str:
        """Base URL of the fake v2 API (``…/api/2``)."""
        return f"{self.base_url}/api/2"

    @property
    def v1_base_url(self) -> str:
        """Base URL of the fake v1 API (``…/api/1``)."""
        return f"{self.base_url}/api/1"

    def settings(self, **overrides: Any) -> EgovClientSettings:
        """Client settings aimed at this server: fast backoff and a high rate unless overridden."""
        values: dict[str, Any] = {
            "base_url": self.v2_base_url,
            "v1_base_url": self.v1_base_url,
            "timeout_s": 5.0,
            "connect_timeout_s": 5.0,
            "retries": 3,
            "backoff_base_s": 0.01,
            "backoff_max_s": 0.05,
            "rate_limit_per_s": 1000.0,
            "rate_limit_burst": 1000,
        }
        values.update(overrides)
        return EgovClientSettings(**values)

    def start(self) -> FakeEgov:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        handler = type("_Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-egov", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeEgov:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- dispatch ----------------------------------------------------------------------------------------------
    def _resolve(self, path: str, query: dict[str, str]) -> FakeResponse:
        with self._lock:
            routes = self._routes.get(path, [])
            for route in sorted(routes, key=lambda r: r.query is None):  # stable: with-query first
                if route.query is None or all(query.get(k) == v for k, v in route.query.items()):
                    return route.next()
            for prefix, directory in self._mounts:
                if path.startswith(prefix + "/"):
                    rest = path[len(prefix) + 1 :]
                    if ".." in rest.split("/"):
                        break
                    for candidate in (directory / rest, directory / f"{rest}.json", directory / f"{rest}.xml"):
                        if candidate.is_file():
                            return FakeResponse.file(candidate)
        return FakeResponse.json({"code": None, "message": f"fake e-Gov: nothing at {path}"}, status=404)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (timeouts, size limits) is expected here; anything else is reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeEgov
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        """Record the request and play the matching response."""
        parts = urlsplit(self.path)
        decoded = unquote(parts.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        with self.fake._lock:
            self.fake.requests.append(RecordedRequest(parts.path, decoded, query, headers, time.monotonic()))
        response = self.fake._resolve(decoded, query)
        if response.delay_s:
            time.sleep(response.delay_s)
        if response.drop:
            self.close_connection = True
            return
        self.send_response(response.status)
        if response.content_type is not None:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(response.body), response.chunk_size):
                chunk = response.body[start : start + response.chunk_size]
                if response.drip_s:
                    time.sleep(response.drip_s)
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
