"""``_FILE`` variables: any setting read from a file named by ``EGOV_<NAME>_FILE``.

Container platforms hand secrets over as files (compose and swarm secrets under ``/run/secrets``,
Kubernetes Secret volumes), because an environment value leaks into ``docker inspect``, ``/proc/<pid>/environ``
of every child and crash reports. ``EGOV_DATABASE__URL_FILE=/run/secrets/database_url`` sets
``database.url`` to the file's content, the convention of the official PostgreSQL and Grafana images.
Giving both ``EGOV_X`` and ``EGOV_X_FILE`` is an error, as it is there: which one wins would be a guess.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from pydantic_settings.exceptions import SettingsError

__all__ = ["MAX_FILE_BYTES", "FileVariablesSource"]

#: A secret is a password, a token or a URL; anything larger is a wrong path, not a secret.
MAX_FILE_BYTES = 64 * 1024

_SUFFIX = "_FILE"


class FileVariablesSource(PydanticBaseSettingsSource):
    """A settings source that reads ``<prefix><NAME>_FILE`` variables' files as the value of ``<NAME>``.

    Nested sections follow the settings' own delimiter (``EGOV_REDIS__URL_FILE`` -> ``redis.url``).
    The content is taken as UTF-8 with trailing line breaks removed (``echo secret > file`` works).
    """

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str] | None = None) -> None:
        super().__init__(settings_cls)
        self._environ = os.environ if environ is None else environ
        self._prefix = (self.config.get("env_prefix") or "").upper()
        self._delimiter = self.config.get("env_nested_delimiter") or "__"

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Unused: :meth:`__call__` builds the whole mapping at once (nested keys included)."""
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        """The settings given through ``_FILE`` variables, as a nested mapping.

        Raises:
            SettingsError: a variable names a file that cannot be read, is too large or is not UTF-8,
                or the same setting is also given directly.
        """
        upper = {key.upper(): value for key, value in self._environ.items()}
        values: dict[str, Any] = {}
        for key, path in upper.items():
            if not (key.startswith(self._prefix) and key.endswith(_SUFFIX)) or len(key) <= len(self._prefix + _SUFFIX):
                continue
            name = key[: -len(_SUFFIX)]
            if name in upper:
                raise SettingsError(f"both {name} and {key} are set: give one of them")
            parts = [part.lower() for part in name[len(self._prefix) :].split(self._delimiter)]
            if not all(parts):
                continue
            node = values
            for part in parts[:-1]:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    break
                node = child
            else:
                node[parts[-1]] = _read(key, path)
        return values


def _read(variable: str, path: str) -> str:
    file = Path(path)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        # Say which variable and why (a permission problem is not "no such file").
        raise SettingsError(f"{variable}: cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise SettingsError(f"{variable}: {path} is larger than {MAX_FILE_BYTES} bytes; is it the right file?")
    try:
        return data.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise SettingsError(f"{variable}: {path} is not UTF-8 text") from None
