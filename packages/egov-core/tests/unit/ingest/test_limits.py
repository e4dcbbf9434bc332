"""Import limits are checked while reading: a ZIP bomb, a huge file or an archive of countless entries
costs a bounded amount of memory and is reported, not read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # no types-psutil in the dev set
import pytest

from egov_core.errors import ImportFailedError
from egov_core.ingest import IngestLimits, SourceTooLargeError, iter_law_sources, measure_sources
from egov_core.ingest.limits import zip_entry_count

MiB = 1 << 20
LAW = b'<?xml version="1.0" encoding="UTF-8"?><Law Era="Reiwa"><LawNum>x</LawNum></Law>'


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_bomb_member_is_abandoned_mid_stream(tmp_path: Path) -> None:
    # 256 MiB of zeros deflate to ~250 KB; the member is refused before it is inflated in memory.
    bomb = _zip(tmp_path / "bomb.zip", {"129AC0000000089.xml": LAW, "999AC0000000001.xml": bytes(256 * MiB)})
    assert bomb.stat().st_size < 2 * MiB
    tracemalloc.start()
    try:
        items = list(iter_law_sources([bomb]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * MiB, f"peak {peak / MiB:.0f} MiB"
    good, bad = items
    assert good.read() == LAW
    assert bad.data is None
    with pytest.raises(SourceTooLargeError, match="inflates past the limits"):
        bad.read()


def test_the_ratio_limit_applies_above_a_mebibyte(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", {"small_zeros.xml": bytes(MiB // 2), "big_zeros.xml": bytes(4 * MiB)})
    small, big = sorted(iter_law_sources([archive], limits=IngestLimits(max_ratio=10)), key=lambda i: i.size)
    assert small.read() == bytes(MiB // 2)  # highly compressible, but under the slack
    with pytest.raises(SourceTooLargeError):
        big.read()


def test_an_archive_with_too_many_entries_is_refused_before_it_is_listed(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "many.zip", {f"{i:03d}AC0000000001.xml": LAW for i in range(50)})
    assert zip_entry_count(archive) == 50
    limits = IngestLimits(max_entries=10)
    with pytest.raises(ImportFailedError, match="50 entries"):
        list(iter_law_sources([archive], limits=limits))
    with pytest.raises(ImportFailedError, match="50 entries"):
        measure_sources([archive], limits=limits)
    assert len(list(iter_law_sources([archive]))) == 50


def test_a_file_too_large_is_reported_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "129AC0000000089.xml"
    big.write_bytes(b"x" * 4096)
    (item,) = iter_law_sources([big], limits=IngestLimits(max_file_bytes=1024))
    with pytest.raises(SourceTooLargeError, match="4,096 bytes"):
        item.read()


def test_parser_workers_die_with_a_killed_importer() -> None:
    # The importer's own pool, started as an import starts it; then the importer is killed with SIGKILL.
    script = (
        "import asyncio, os, sys, time\n"
        "from egov_core.ingest.pipeline import _LazyPool\n"
        "async def main():\n"
        "    with _LazyPool(2) as pool:\n"
        "        futures = [pool.submit(time.sleep, 120) for _ in range(2)]\n"
        "        await asyncio.sleep(0.1)\n"
        "        print('ready', flush=True)\n"
        "        await asyncio.gather(*futures)\n"
        "if __name__ == '__main__':\n"
        "    asyncio.run(main())\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        workers: list[psutil.Process] = []
        while time.monotonic() < deadline and len(workers) < 2:
            kids = psutil.Process(parent.pid).children(recursive=True)
            workers = [k for k in kids if "spawn_main" in " ".join(k.cmdline())]
            time.sleep(0.1)
        assert len(workers) == 2, [k.cmdline() for k in kids]
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        _, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, "parser workers outlived the importer"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
