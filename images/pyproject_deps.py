"""Print the third-party requirements of workspace packages, one per line, for a cacheable image layer.

Images install dependencies in their own layer before the source is copied, so a source change does
not reinstall the world. Only the ``pyproject.toml`` files are in the build context at that point;
this script reads them (stdlib ``tomllib``, no network) and drops the sibling ``egov-*`` packages,
which are installed later from wheels built from the source.

Usage: ``python3 pyproject_deps.py PYPROJECT[EXTRA,...] ...``, for example
``packages/egov-vector/pyproject.toml[sentence-transformers]``.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_SIBLING = re.compile(r"^egov-(core|api|vector)\b")


def requirements(spec: str) -> list[str]:
    """Return the non-sibling requirements of one ``PYPROJECT[extra,...]`` argument.

    Args:
        spec: a path to a ``pyproject.toml``, optionally followed by extras in brackets.

    Returns:
        Requirement strings as written in the file, siblings removed.
    """
    path, _, extras = spec.partition("[")
    project = tomllib.loads(Path(path).read_text(encoding="utf-8"))["project"]
    reqs = list(project.get("dependencies", []))
    optional = project.get("optional-dependencies", {})
    for extra in filter(None, extras.rstrip("]").split(",")):
        reqs.extend(optional[extra.strip()])
    return [r for r in reqs if not _SIBLING.match(r)]


def main(argv: list[str]) -> int:
    """Print the requirements of every argument, de-duplicated, in order."""
    seen: dict[str, None] = {}
    for spec in argv:
        for req in requirements(spec):
            seen.setdefault(req, None)
    sys.stdout.write("".join(f"{r}\n" for r in seen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
