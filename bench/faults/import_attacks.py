"""Attacks on the importer: kill -9 at random points (the content must equal a clean import's, no parser
worker may outlive it) and hostile files (ZIP bombs, entity expansion, external entities, deep nesting,
an archive of too many entries) — reported and skipped with bounded memory."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # no types-psutil in the dev set

from bench.faults.load import Tally
from bench.faults.rows import Row
from bench.infra import REPO, fresh_database

#: Peak RSS of the importer's process tree while it reads hostile files (the bomb was 2.18 GB before).
HOSTILE_RSS_MB = 400.0


def _egov(url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    environ |= {"EGOV_DATABASE__URL": url, **(env or {})}
    cmd = [sys.executable, "-c", "from egov_api.cli import main; main()", *args]
    return subprocess.Popen(cmd, env=environ, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _content_hash(url: str) -> str:
    from egov_core.settings import EgovSettings
    from egov_core.store import content_hash, create_engine

    async def go() -> str:
        engine = create_engine(EgovSettings(database={"url": url}))
        try:
            return await content_hash(engine)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _watch(proc: subprocess.Popen[bytes], limit_s: float) -> tuple[float, float, list[psutil.Process]]:
    """Wait for ``proc``: (seconds, peak RSS of its tree in MB, every child seen)."""
    started = time.monotonic()
    peak = 0.0
    seen: dict[int, psutil.Process] = {}
    root = psutil.Process(proc.pid)
    while proc.poll() is None and time.monotonic() - started < limit_s:
        try:
            kids = root.children(recursive=True)
            seen.update({k.pid: k for k in kids})
            peak = max(peak, sum(p.memory_info().rss for p in [root, *kids]) / 1e6)
        except psutil.Error:
            pass
        time.sleep(0.05)
    return time.monotonic() - started, peak, list(seen.values())


def killed_importer(quick: bool) -> Row:
    """``egov ingest`` of the sample corpus killed with SIGKILL at random moments, then run to the end."""
    from egov_core.sample import sample_laws_zip

    kills = 2 if quick else 4
    row = Row(f"importer kill -9 at {kills} random points", Tally())
    rng = random.Random(13)
    orphans = 0
    with fresh_database("egov_faults_clean") as clean, fresh_database("egov_faults_killed") as killed:
        for url in (clean, killed):
            proc = _egov(url, "migrate")
            proc.wait(timeout=120)
        clean_run = _egov(clean, "ingest", str(sample_laws_zip()))
        seconds, _, _ = _watch(clean_run, 300)
        row.check("clean import succeeded", clean_run.returncode == 0)
        for _ in range(kills):
            proc = _egov(killed, "ingest", str(sample_laws_zip()))
            at = rng.uniform(0.2, max(0.5, seconds * 0.9))
            _, _, kids = _watch(proc, at)
            kids = list(psutil.Process(proc.pid).children(recursive=True)) + kids if proc.poll() is None else kids
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            row.tally.requests += 1
            _, alive = psutil.wait_procs(list({k.pid: k for k in kids}.values()), timeout=10)
            orphans += len(alive)
            for k in alive:
                k.kill()
        final = _egov(killed, "ingest", str(sample_laws_zip()))
        _watch(final, 300)
        row.check("the run after the kills succeeded", final.returncode == 0)
        same = _content_hash(clean) == _content_hash(killed)
    row.check("content hash equal to a clean import", same)
    row.check(f"no parser worker outlived a killed importer ({orphans})", orphans == 0)
    return row


def _hostile_files(folder: Path) -> dict[str, Path]:
    bomb = folder / "bomb.zip"
    with (
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("129AC0000000089.xml", "w", force_zip64=True) as member,
    ):
        block = bytes(16 << 20)
        for _ in range(64):  # 1 GiB of zeros: about 1 MB compressed
            member.write(block)
    laughs = folder / "329AC0000000001.xml"
    entities = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    laughs.write_text(f'<?xml version="1.0"?><!DOCTYPE Law [{entities}]><Law><LawNum>&l9;</LawNum></Law>')
    xxe = folder / "329AC0000000002.xml"
    xxe.write_text(
        '<?xml version="1.0"?><!DOCTYPE Law [<!ENTITY x SYSTEM "file:///etc/passwd">]><Law><LawNum>&x;</LawNum></Law>'
    )
    deep = folder / "329AC0000000003.xml"
    deep.write_text('<?xml version="1.0"?><Law>' + "<Item>" * 100_000 + "</Item>" * 100_000 + "</Law>")
    many = folder / "many.zip"
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(1_500):
            archive.writestr(f"{i:03d}AC{i:010d}.xml", b"<Law/>")
    return {
        "ZIP bomb (1 GiB member)": bomb,
        "entity expansion": laughs,
        "external entity": xxe,
        "deep nesting": deep,
        "1,500 entries (limit 1,000)": many,
    }


def hostile_files(quick: bool) -> Row:
    """Each hostile file through ``egov ingest``: refused and reported, nothing stored, memory bounded."""
    row = Row("hostile XML / ZIP files", Tally())
    with tempfile.TemporaryDirectory() as tmp, fresh_database("egov_faults_hostile") as url:
        files = _hostile_files(Path(tmp))
        _egov(url, "migrate").wait(timeout=120)
        worst_rss = 0.0
        for label, path in files.items():
            proc = _egov(url, "ingest", "--workers", "1", str(path), env={"EGOV_INGEST__MAX_ENTRIES": "1000"})
            seconds, peak, _ = _watch(proc, 120)
            row.tally.requests += 1
            row.tally.worst_s = max(row.tally.worst_s, seconds)
            if proc.poll() is None:
                proc.kill()
                row.tally.timeouts += 1
            proc.wait()
            worst_rss = max(worst_rss, peak)
            row.check(f"{label}: refused (exit {proc.returncode})", proc.returncode != 0)
        stored = _count_laws(url)
    row.check("nothing stored", stored == 0)
    row.check(f"importer peak RSS {worst_rss:.0f} MB < {HOSTILE_RSS_MB:.0f} MB", worst_rss < HOSTILE_RSS_MB)
    row.rss_before, row.rss_after = None, None
    row.tally.notes.append(f"importer peak RSS {worst_rss:.0f} MB")
    return row


def _count_laws(url: str) -> int:
    from sqlalchemy import text

    from egov_core.settings import EgovSettings
    from egov_core.store import create_engine

    async def go() -> int:
        engine = create_engine(EgovSettings(database={"url": url}))
        try:
            async with engine.connect() as conn:
                return int((await conn.execute(text("SELECT count(*) FROM laws"))).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(go())


ATTACKS = [killed_importer, hostile_files]
#: Left out of ``--quick`` (minutes, not seconds).
SLOW = {killed_importer}
