"""Engine-agnostic helpers for the container nox sessions (images, stack): build, up, wait, load, down.

    python compose/checks/stack.py engine                       # which engine / compose is usable
    python compose/checks/stack.py build lite|full [--tag T]    # build an image, print time and size
    python compose/checks/stack.py up [--full] | down [--full]  # the compose stack (compose/compose.yaml)
    python compose/checks/stack.py ingest DATA_DIR [--full]     # load ../shared/data into the stack's database
    python compose/checks/stack.py embed [LAW_ID …]             # Full: embed these laws (default: all)
    python compose/checks/stack.py wait URL [--timeout S]       # poll URL until 200, print the time it took
    python compose/checks/stack.py load URL [--requests N] [--concurrency C]
    python compose/checks/stack.py semantic URL [QUERY]         # Full: semantic + hybrid search answer

Engines: docker (when its daemon answers), else podman, else none — then ``engine`` says so and
exits 3, which the nox sessions turn into a clear skip. ``--full`` runs the Full edition instead
(profile ``full``: ``app-full`` on ``API_PORT_FULL``, default 8001) as the compose project
``egov-full``, with its own database volume (see ``PROJECTS``).

docker compose honours ``depends_on`` conditions itself. podman-compose does not (it ignores
``service_healthy`` before podman 4.6, healthchecks never run without systemd timers, and its
``--requires`` links make podman 4.3 refuse to start the app once the one-shot ``migrate`` has
exited). With podman this script therefore walks compose.yaml's ``depends_on`` graph itself: each
service started alone (``up -d --no-deps``), ``service_healthy`` awaited with ``podman healthcheck
run``, ``service_completed_successfully`` one-shots run to completion (``run --rm --no-deps``) — the
same order and the same conditions, from the same file.

Air-gapped builds take their extra arguments from the environment: ``EGOV_BUILD_BASE`` (→
``--build-arg BASE``), ``EGOV_BUILD_CA`` (a CA bundle on the host, mounted at build time and passed as
``PIP_CERT``), ``EGOV_BUILD_WHEELS`` (a wheel directory, mounted and passed as ``PIP_FIND_LINKS``),
``EGOV_BUILD_TORCH_INDEX`` (→ ``TORCH_INDEX_URL``, may be empty); for Full also
``EGOV_BUILD_EMBED_MODEL`` (→ ``EMBED_MODEL``, the model id), ``EGOV_BUILD_EMBED_MODEL_DIR`` (a local
sentence-transformers model directory, mounted and passed as ``EMBED_MODEL_DIR``) and
``EGOV_BUILD_HF_SEED`` (a Hugging Face cache holding the model, mounted and passed as ``HF_SEED``).
The ``-v`` build mounts are podman's; docker builds use the defaults (hub and PyTorch index reachable).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "Engine",
    "build_image",
    "compose_cmd",
    "detect_engine",
    "load",
    "main",
    "semantic_check",
    "start_plan",
    "wait_ready",
]

COMPOSE_DIR = Path(__file__).resolve().parents[1]
REPO = COMPOSE_DIR.parent
NO_ENGINE = 3
#: The services ``up`` starts (with everything they depend on), per edition.
TARGETS = {"lite": ("app",), "full": ("app-full",)}
#: The Full stack is a compose project of its own (own volume and network): once ``migrate-full`` has
#: added the vector tables, the Lite app reports the database ahead of its head (not ready), and Lite's
#: ``migrate`` does not know that revision.
PROJECTS = {"lite": None, "full": "egov-full"}


@dataclass(frozen=True)
class Engine:
    """A usable container engine and the compose command that drives it."""

    name: str
    compose: tuple[str, ...]


def _ok(cmd: Sequence[str]) -> bool:
    try:
        return subprocess.run(list(cmd), capture_output=True, timeout=30, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def detect_engine() -> Engine | None:
    """docker with a live daemon, else podman; None when neither can run containers."""
    if shutil.which("docker") and _ok(["docker", "info"]):
        if _ok(["docker", "compose", "version"]):
            return Engine("docker", ("docker", "compose"))
        if shutil.which("docker-compose"):
            return Engine("docker", ("docker-compose",))
    if shutil.which("podman") and _ok(["podman", "info"]):
        if shutil.which("podman-compose"):
            return Engine("podman", ("podman-compose",))
        return Engine("podman", ("podman", "compose"))
    return None


def compose_cmd(engine: Engine, *files: str, profiles: Sequence[str] = (), project: str | None = None) -> list[str]:
    """The compose command line for ``files`` (default: compose.yaml) with compose/.env, ``profiles`` and
    ``project`` (default: the file's ``name``)."""
    names = files or ("compose.yaml",)
    args = [*engine.compose, *(["-p", project] if project else []), "--env-file", str(COMPOSE_DIR / ".env")]
    for name in names:
        args += ["-f", str(COMPOSE_DIR / name)]
    for profile in profiles:
        args += ["--profile", profile]
    return args


def _depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):  # the short form means "started"
        return {str(name): "service_started" for name in deps}
    return {str(name): str((spec or {}).get("condition", "service_started")) for name, spec in deps.items()}


def start_plan(services: dict[str, Any], targets: Sequence[str]) -> list[tuple[str, str]]:
    """What starting ``targets`` means under compose's ``depends_on`` rules, in order.

    Returns ``(service, how)`` pairs, dependencies first: ``how`` is ``run`` for a one-shot that a
    dependent needs completed successfully, ``healthy`` for a service a dependent needs healthy, and
    ``start`` otherwise. Raises ValueError on an unknown service or a dependency cycle.
    """
    order: list[str] = []
    needs: dict[str, set[str]] = {}
    visiting: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name not in services:
            raise ValueError(f"unknown service {name!r} (needed by {' -> '.join(path) or 'the command line'})")
        if name in order:
            return
        if name in visiting:
            raise ValueError(f"dependency cycle: {' -> '.join((*path, name))}")
        visiting.add(name)
        for dep, condition in _depends_on(services[name]).items():
            needs.setdefault(dep, set()).add(condition)
            visit(dep, (*path, name))
        visiting.discard(name)
        order.append(name)

    for target in targets:
        visit(target, ())
    plan = []
    for name in order:
        conditions = needs.get(name, set())
        how = (
            "run"
            if "service_completed_successfully" in conditions
            else "healthy"
            if "service_healthy" in conditions
            else "start"
        )
        plan.append((name, how))
    return plan


def _services(files: Sequence[str]) -> tuple[str, dict[str, Any]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from compose_model import load_merged

    merged, _ = load_merged([COMPOSE_DIR / f for f in (files or ("compose.yaml",))])
    return str(merged.get("name") or COMPOSE_DIR.name), dict(merged.get("services") or {})


def _container(engine: Engine, project: str, service: str) -> str:
    out = subprocess.run(
        [
            engine.name,
            "ps",
            "-q",
            "--filter",
            f"label=com.docker.compose.project={project}",
            "--filter",
            f"label=com.docker.compose.service={service}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    ids = out.stdout.split()
    if not ids:
        raise RuntimeError(f"service {service!r} has no running container")
    return ids[0]


def wait_healthy(engine: Engine, project: str, service: str, timeout: float = 180.0) -> float:
    """Run the service's own healthcheck until it passes (nothing runs it by itself under podman without
    systemd); return the seconds it took. Raises TimeoutError."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            container = _container(engine, project, service)
        except RuntimeError:
            time.sleep(1)
            continue
        if _ok([engine.name, "healthcheck", "run", container]):
            return time.monotonic() - start
        time.sleep(1)
    raise TimeoutError(f"{service} not healthy after {timeout:.0f} s ({engine.name} healthcheck run)")


def _edition_cmd(engine: Engine, edition: str, files: Sequence[str] = ()) -> list[str]:
    profiles = ("full",) if edition == "full" else ()
    return compose_cmd(engine, *files, profiles=profiles, project=PROJECTS[edition])


def up(engine: Engine, edition: str = "lite", files: Sequence[str] = ()) -> int:
    """Start the stack: docker compose does it in one go; podman walks the depends_on graph (module doc)."""
    compose = _edition_cmd(engine, edition, files)
    targets = TARGETS[edition]
    if engine.name == "docker":
        return subprocess.run([*compose, "up", "-d", *targets], check=False).returncode
    project, services = _services(files)
    project = PROJECTS[edition] or project
    for service, how in start_plan(services, targets):
        t0 = time.monotonic()
        if how == "run":
            rc = subprocess.run([*compose, "run", "--rm", "--no-deps", "-T", service], check=False).returncode
            if rc:
                print(f"{service} failed (exit {rc}): its dependents need it to complete successfully")
                return rc
            print(f"{service}: completed in {time.monotonic() - t0:.1f} s")
            continue
        rc = subprocess.run([*compose, "up", "-d", "--no-deps", service], check=False).returncode
        if rc:
            return rc
        if how == "healthy":
            waited = wait_healthy(engine, project, service)
            print(f"{service}: healthy after {time.monotonic() - t0:.1f} s ({waited:.1f} s waiting)")
    return 0


def _build_args(edition: str) -> list[str]:
    args: list[str] = []
    if base := os.environ.get("EGOV_BUILD_BASE"):
        args += ["--build-arg", f"BASE={base}"]
    if ca := os.environ.get("EGOV_BUILD_CA"):
        args += ["-v", f"{ca}:/host-ca.crt:ro", "--build-arg", "PIP_CERT=/host-ca.crt"]
    if wheels := os.environ.get("EGOV_BUILD_WHEELS"):
        # Not /wheels: the builders write their own wheels there, and a read-only mount would refuse them.
        args += ["-v", f"{wheels}:/host-wheels:ro", "--build-arg", "PIP_FIND_LINKS=/host-wheels"]
    if edition == "full":
        if "EGOV_BUILD_TORCH_INDEX" in os.environ:
            args += ["--build-arg", f"TORCH_INDEX_URL={os.environ['EGOV_BUILD_TORCH_INDEX']}"]
        if model := os.environ.get("EGOV_BUILD_EMBED_MODEL"):
            args += ["--build-arg", f"EMBED_MODEL={model}"]
        if model_dir := os.environ.get("EGOV_BUILD_EMBED_MODEL_DIR"):
            args += [
                "-v",
                f"{Path(model_dir).resolve()}:/embed-model:ro",
                "--build-arg",
                "EMBED_MODEL_DIR=/embed-model",
            ]
        if seed := os.environ.get("EGOV_BUILD_HF_SEED"):
            args += ["-v", f"{Path(seed).resolve()}:/hf-seed:ro", "--build-arg", "HF_SEED=/hf-seed"]
    return args


def build_image(engine: Engine, edition: str, tag: str | None = None) -> tuple[float, int]:
    """Build ``images/Dockerfile.<edition>``; return (seconds, image size in bytes)."""
    tag = tag or f"egov:{edition}"
    revision = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    cmd = [engine.name, "build", "-f", str(REPO / "images" / f"Dockerfile.{edition}"), "-t", tag]
    if engine.name == "podman":
        cmd += ["--format", "docker"]  # the OCI format would silently drop the HEALTHCHECK
    cmd += ["--build-arg", f"REVISION={revision.stdout.strip() or 'unknown'}", *_build_args(edition), str(REPO)]
    start = time.monotonic()
    subprocess.run(cmd, check=True)
    seconds = time.monotonic() - start
    size = subprocess.run(
        [engine.name, "image", "inspect", "--format", "{{.Size}}", tag], capture_output=True, text=True
    )
    return seconds, int(size.stdout.strip() or 0)


def wait_ready(url: str, timeout: float = 180.0) -> float:
    """Poll ``url`` until it answers 200; return the seconds it took. Raises TimeoutError."""
    start = time.monotonic()
    last = "no answer"
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - a URL we were given on purpose
                if resp.status == 200:
                    return time.monotonic() - start
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}: {error.read(300).decode(errors='replace')}"
        except (OSError, ValueError) as error:
            last = str(error)
        time.sleep(1)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s (last: {last})")


async def _load(base: str, paths: list[str], requests: int, concurrency: int) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(paths[i % len(paths)])

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            path = queue.get_nowait()
            t0 = time.perf_counter()
            resp = await client.get(path)
            latencies.append(time.perf_counter() - t0)
            statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1

    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    wall = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(q[49] * 1000, 1),
        "p95_ms": round(q[94] * 1000, 1),
        "errors_5xx": sum(n for s, n in statuses.items() if s >= 500),
        **{f"status_{s}": n for s, n in sorted(statuses.items())},
    }


def load(base: str, requests: int = 500, concurrency: int = 8) -> dict[str, float]:
    """A short mixed read load (laws list, one law, search, health); returns throughput and latency."""
    import httpx

    with httpx.Client(base_url=base, timeout=30) as client:
        laws = client.get("/v1/laws", params={"limit": 5}).json()
    items = laws.get("items", []) if isinstance(laws, dict) else []
    paths = ["/health/ready", "/v1/laws?limit=20", "/v1/search?q=%E5%80%8B%E4%BA%BA%E6%83%85%E5%A0%B1"]
    paths += [f"/v1/laws/{item['law_id']}" for item in items if isinstance(item, dict) and "law_id" in item]
    return asyncio.run(_load(base, paths, requests, concurrency))


def semantic_check(base: str, query: str = "個人情報を第三者に提供するときの本人の同意") -> dict[str, Any]:
    """Ask the Full edition's semantic and hybrid search; return the model and the top hits of each.

    Raises RuntimeError when either answers with an error or with no hit (nothing embedded?).
    """
    import httpx

    out: dict[str, Any] = {"query": query}
    with httpx.Client(base_url=base, timeout=120) as client:
        for kind in ("semantic", "hybrid"):
            t0 = time.perf_counter()
            resp = client.get(f"/v1/search/{kind}", params={"q": query, "limit": 3})
            ms = round((time.perf_counter() - t0) * 1000, 1)
            if resp.status_code != 200:
                raise RuntimeError(f"/v1/search/{kind}: HTTP {resp.status_code}: {resp.text[:300]}")
            body = resp.json()
            hits = body.get("items") or []
            if not hits:
                raise RuntimeError(f"/v1/search/{kind} found nothing: run `stack.py embed` first")
            out[kind] = {
                "model_id": body.get("model_id"),
                "total": (body.get("page") or {}).get("total"),
                "ms": ms,
                "top": [f"{h.get('law_title')} {h.get('path')} ({h.get('score'):.3f})" for h in hits],
            }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(__doc__)
        return 2
    cmd, rest = args[0], args[1:]
    if cmd == "semantic":
        print(json.dumps(semantic_check(*rest[:2]), ensure_ascii=False, indent=1))
        return 0
    if cmd in ("wait", "load"):
        url = rest[0]
        if cmd == "wait":
            timeout = float(rest[rest.index("--timeout") + 1]) if "--timeout" in rest else 180.0
            print(f"ready after {wait_ready(url, timeout):.1f} s")
            return 0
        n = int(rest[rest.index("--requests") + 1]) if "--requests" in rest else 500
        c = int(rest[rest.index("--concurrency") + 1]) if "--concurrency" in rest else 8
        result = load(url, n, c)
        print(json.dumps(result))
        return 1 if result["errors_5xx"] else 0
    engine = detect_engine()
    if engine is None:
        print(
            "no container engine: neither a docker daemon nor podman answers — skipping (see ../shared/CONTAINERS.md)"
        )
        return NO_ENGINE
    if cmd == "engine":
        print(f"{engine.name} ({' '.join(engine.compose)})")
        return 0
    if cmd == "build":
        tag = rest[rest.index("--tag") + 1] if "--tag" in rest else None
        seconds, size = build_image(engine, rest[0], tag)
        print(f"built egov:{rest[0]} in {seconds:.0f} s, {size / 1e6:.0f} MB")
        return 0
    edition = "full" if "--full" in rest else "lite"
    if cmd == "up":
        return up(engine, edition)
    if cmd == "embed":
        # Incremental and resumable; the embed one-shot is in the full profile. Cases are left out.
        laws = [arg for law in rest if not law.startswith("--") for arg in ("--law-id", law)]
        embed = [*_edition_cmd(engine, "full"), "run", "--rm", "--no-deps", "-T", "embed"]
        return subprocess.run([*embed, "egov", "embed", "--no-cases", *laws], check=False).returncode
    if cmd == "ingest":
        # One-off app containers with the data mounted read-only; laws first (cases cite them).
        service = "app-full" if edition == "full" else "app"
        data = f"{Path(rest[0]).resolve()}:/data:ro"
        run = [*_edition_cmd(engine, edition), "run", "--rm", "--no-deps", "-T", "-v", data, service]
        steps = [["egov", "ingest", "/data/laws/xml", "/data/laws/revisions"], ["egov", "ingest-cases", "/data/cases"]]
        for step in steps:
            rc = subprocess.run([*run, *step], check=False).returncode
            if rc:
                return rc
        return 0
    if cmd == "down":
        return subprocess.run([*_edition_cmd(engine, edition), "down", "-t", "2"], check=False).returncode
    print(f"unknown command {cmd!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
