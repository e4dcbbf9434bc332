"""Wheel build hook: compile the optional C extension ``egov_core.ingest._ctsvector`` where a compiler exists.

The extension computes the search tokens of an import several times faster than Python; everything works
without it (:mod:`egov_core.ingest._tsvector` falls back to the same bytes in Python). So a missing
compiler or header is a warning, unless ``EGOV_REQUIRE_EXTENSION=1`` (the images and CI set it) makes it
an error. ``EGOV_NO_EXTENSION=1`` skips the build; ``CC`` overrides the interpreter's compiler. The module is compiled next to its source, which is
where an editable install imports it from, and a regular wheel then carries it (platform-tagged).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_SOURCE = Path("src/egov_core/ingest/_ctsvector.c")


class CompileExtension(BuildHookInterface):
    """Compiles ``_ctsvector.c`` with the interpreter's own compiler settings (sysconfig)."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Build the extension in place and, for a regular wheel, include it with a platform tag."""
        if self.target_name != "wheel" or os.environ.get("EGOV_NO_EXTENSION") == "1":
            return
        source = Path(self.root) / _SOURCE
        target = source.with_name("_ctsvector" + sysconfig.get_config_var("EXT_SUFFIX"))
        building = target.with_name(target.name + ".building")
        cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
        command = [
            *cc,
            *shlex.split(sysconfig.get_config_var("CCSHARED") or "-fPIC"),
            "-shared",
            "-O2",
            "-I",
            sysconfig.get_path("include"),
            str(source),
            "-o",
            str(building),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True)
        except (OSError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", None) or str(error)
            message = f"egov-core: C extension not built, the import uses pure-Python tokens ({detail.strip()[:500]})"
            if os.environ.get("EGOV_REQUIRE_EXTENSION") == "1":
                raise RuntimeError(message) from error
            print(message, file=sys.stderr)
            building.unlink(missing_ok=True)
            return
        # Replaced in one step: a running importer keeps the old module mapped, a new one loads this.
        building.replace(target)
        if version != "editable":
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
            build_data["force_include"][str(target)] = f"egov_core/ingest/{target.name}"
