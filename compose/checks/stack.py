"""Engine-agnostic helpers for the container nox sessions (images, stack): build, up, wait, load, down.

    python compose/checks/stack.py engine                       # which engine / compose is usable
    python compose/checks/stack.py build lite|full [--tag T]    # build an image, print time and size
    python compose/checks/stack.py up | down                    # the compose stack (compose/compose.yaml)
    python compose/checks/stack.py ingest DATA_DIR              # load ../shared/data into the stack's database
    python compose/checks/stack.py wait URL [--timeout S]       # poll URL until 200, print the time it took
    python compose/checks/stack.py load URL [--requests N] [--concurrency C]

Engines: docker (when its daemon answers), else podman, else none — then ``engine`` says so and
exits 3, which the nox sessions turn into a clear skip. Air-gapped builds take their extra arguments
from the environment: ``EGOV_BUILD_BASE`` (→ ``--build-arg BASE``), ``EGOV_BUILD_CA`` (a CA bundle on
the host, mounted at build time and passed as ``PIP_CERT``), ``EGOV_BUILD_WHEELS`` (a wheel directory,
mounted and passed as ``PIP_FIND_LINKS``), ``EGOV_BUILD_TORCH_INDEX`` (→ ``TORCH_INDEX_URL``, may be empty).
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

__all__ = ["Engine", "build_image", "compose_cmd", "detect_engine", "load", "main", "wait_ready"]

COMPOSE_DIR = Path(__file__).resolve().parents[1]
REPO = COMPOSE_DIR.parent
NO_ENGINE = 3


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


def compose_cmd(engine: Engine, *files: str) -> list[str]:
    """The compose command line for ``files`` (default: compose.yaml) with compose/.env."""
    names = files or ("compose.yaml",)
    args = [*engine.compose, "--env-file", str(COMPOSE_DIR / ".env")]
    for name in names:
        args += ["-f", str(COMPOSE_DIR / name)]
    return args


def _build_args(edition: str) -> list[str]:
    args: list[str] = []
    if base := os.environ.get("EGOV_BUILD_BASE"):
        args += ["--build-arg", f"BASE={base}"]
    if ca := os.environ.get("EGOV_BUILD_CA"):
        args += ["-v", f"{ca}:/host-ca.crt:ro", "--build-arg", "PIP_CERT=/host-ca.crt"]
    if wheels := os.environ.get("EGOV_BUILD_WHEELS"):
        args += ["-v", f"{wheels}:/wheels:ro", "--build-arg", "PIP_FIND_LINKS=/wheels"]
    if edition == "full" and "EGOV_BUILD_TORCH_INDEX" in os.environ:
        args += ["--build-arg", f"TORCH_INDEX_URL={os.environ['EGOV_BUILD_TORCH_INDEX']}"]
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


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(__doc__)
        return 2
    cmd, rest = args[0], args[1:]
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
    if cmd == "up":
        return subprocess.run([*compose_cmd(engine), "up", "-d"], check=False).returncode
    if cmd == "ingest":
        # One-off app containers with the data mounted read-only; laws first (cases cite them).
        run = [*compose_cmd(engine), "run", "--rm", "--no-deps", "-v", f"{Path(rest[0]).resolve()}:/data:ro", "app"]
        steps = [["egov", "ingest", "/data/laws/xml", "/data/laws/revisions"], ["egov", "ingest-cases", "/data/cases"]]
        for step in steps:
            rc = subprocess.run([*run, *step], check=False).returncode
            if rc:
                return rc
        return 0
    if cmd == "down":
        return subprocess.run([*compose_cmd(engine), "down", "-t", "2"], check=False).returncode
    print(f"unknown command {cmd!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
