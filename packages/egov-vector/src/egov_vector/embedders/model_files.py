"""File modes of a local model directory: readable by whoever serves it, and a clear error when not.

A model baked into an image belongs to root, while the server runs as another user (uid 10001 in the
images). Writers that create files 0600 (safetensors writes through a private temporary file) leave
a model only root can load; a build that checks the model as root does not notice, and the loader's
own error then reads "No such file" for what is a permission problem.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["make_readable", "unreadable_files"]


def make_readable(root: Path) -> None:
    """Give every file under ``root`` mode 0644 and every directory 0755 (no write bit for others).

    Args:
        root: a model directory.
    """
    for directory, dirs, files in os.walk(root):
        Path(directory).chmod(0o755)
        for name in files:
            path = Path(directory, name)
            if not path.is_symlink():
                path.chmod(0o644)
        del dirs  # walked by os.walk itself


def unreadable_files(root: Path, limit: int = 5) -> list[str]:
    """Files or directories under ``root`` this process may not read (at most ``limit``), described.

    Args:
        root: a model directory.
        limit: stop after this many.

    Returns:
        ``"<path> (mode 0600, owner uid 0)"`` for each, empty when everything is readable.
    """
    found: list[str] = []

    def describe(path: Path) -> str:
        info = path.stat()
        return f"{path} (mode {stat.S_IMODE(info.st_mode):04o}, owner uid {info.st_uid})"

    def walk_error(error: OSError) -> None:
        found.append(describe(Path(str(error.filename))) if error.filename else str(error))

    for directory, _dirs, files in os.walk(root, onerror=walk_error):
        if not os.access(directory, os.R_OK | os.X_OK):
            found.append(describe(Path(directory)))
        for name in files:
            path = Path(directory, name)
            if not os.access(path, os.R_OK):
                found.append(describe(path))
        if len(found) >= limit:
            break
    return found[:limit]
