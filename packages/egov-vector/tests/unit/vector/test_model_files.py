"""A baked model must be readable by the server's non-root user, and an unreadable one says so."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from egov_vector.embedders.model_files import make_readable

NOBODY = 65534


def model_dir(tmp_path: Path) -> Path:
    """A model directory as a root-run export leaves it: weights 0600 (safetensors), a private subdirectory."""
    root = tmp_path / "model"
    (root / "1_Pooling").mkdir(parents=True)
    (root / "model.safetensors").write_bytes(b"\0" * 64)
    (root / "config.json").write_text("{}", encoding="utf-8")
    (root / "1_Pooling" / "config.json").write_text("{}", encoding="utf-8")
    (root / "model.safetensors").chmod(0o600)
    (root / "1_Pooling").chmod(0o700)
    tmp_path.chmod(0o755)
    if os.geteuid() == 0:  # owned by someone else, as an image's files are for the server's user
        for path in [root, *root.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)
    return root


def as_nobody(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` as a user the model's files are not for.

    Root reads everything through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH: the child keeps uid 0 (so it can
    still reach this interpreter under /root) but loses both, and the files belong to uid 65534.
    """
    drop = "-dac_override,-dac_read_search"
    cmd = ["setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}", sys.executable, "-c", code, *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def unreadable_as_nobody(root: Path) -> list[str]:
    code = (
        "import sys; from pathlib import Path; from egov_vector.embedders.model_files import unreadable_files; "
        "print('\\n'.join(unreadable_files(Path(sys.argv[1]))))"
    )
    proc = as_nobody(code, str(root))
    assert proc.returncode == 0, proc.stderr
    return [line for line in proc.stdout.splitlines() if line]


def test_make_readable_opens_files_and_directories_to_other_users(tmp_path: Path) -> None:
    root = model_dir(tmp_path)
    make_readable(root)
    modes = {p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}
    assert modes == {
        ".": 0o755,
        "1_Pooling": 0o755,
        "model.safetensors": 0o644,
        "config.json": 0o644,
        "1_Pooling/config.json": 0o644,
    }


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping root's file capabilities needs root")
def test_another_user_is_told_which_files_it_cannot_read(tmp_path: Path) -> None:
    root = model_dir(tmp_path)
    found = unreadable_as_nobody(root)
    assert any("model.safetensors (mode 0600, owner uid 65534)" in f for f in found), found
    assert any("1_Pooling (mode 0700" in f for f in found), found
    make_readable(root)
    assert unreadable_as_nobody(root) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping root's file capabilities needs root")
def test_the_loader_names_the_permission_problem_not_a_missing_file(tmp_path: Path) -> None:
    root = model_dir(tmp_path)
    code = (
        "import sys; from egov_vector.embedders.sentence_transformers import _load; "
        "_load(sys.argv[1], 'cpu', None, True, 1, 'float32')"
    )
    proc = as_nobody(code, str(root))
    assert proc.returncode == 1
    assert "EmbedderUnavailableError: cannot read the embedding model" in proc.stderr
    assert "model.safetensors (mode 0600, owner uid 65534)" in proc.stderr
    assert "chmod -R a+rX" in proc.stderr
