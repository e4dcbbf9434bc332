"""Load compose files the way Compose reads them, for the security lint.

Two details matter for a lint that must not be fooled:

* the merge tags ``!override`` and ``!reset`` (Compose ≥ 2.24) must be understood, or an override
  that rebinds the app to 0.0.0.0 would go unnoticed;
* several files given together (``-f compose.yaml -f compose.lan.yaml``) are merged in order: mappings
  deep-merge, ``command``/``entrypoint``/``healthcheck.test`` are replaced, other sequences (ports,
  cap_drop, …) are appended, ``environment`` lists and mappings are the same thing.

``${VAR}`` references are never interpolated: the lint checks what is *written*, not a particular .env.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["REPLACED_SEQUENCES", "Override", "Reset", "env_mapping", "load_compose", "load_merged", "mask_refs"]

#: Sequences that a later file replaces instead of extending (as Compose does).
REPLACED_SEQUENCES = frozenset({"command", "entrypoint", "test", "profiles"})

_REF = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True)
class Override:
    """A value tagged ``!override``: replaces what earlier files said, whole."""

    value: Any


@dataclass(frozen=True)
class Reset:
    """A value tagged ``!reset``: removes the key from what earlier files said."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that knows Compose's merge tags."""


def _construct_override(loader: yaml.SafeLoader, node: yaml.Node) -> Override:
    if isinstance(node, yaml.MappingNode):
        return Override(loader.construct_mapping(node, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return Override(loader.construct_sequence(node, deep=True))
    return Override(loader.construct_scalar(node))  # type: ignore[arg-type]


def _construct_reset(loader: yaml.SafeLoader, node: yaml.Node) -> Reset:
    return Reset()


_Loader.add_constructor("!override", _construct_override)
_Loader.add_constructor("!reset", _construct_reset)


def load_compose(path: Path) -> dict[str, Any]:
    """Read one compose file (YAML anchors and merge keys resolved, merge tags kept as markers).

    Raises:
        ValueError: the file is not a YAML mapping.
    """
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a compose file (top level is not a mapping)")
    return data


def env_mapping(value: Any) -> dict[str, Any]:
    """``environment`` in either form (list of ``K=V`` or mapping) as a mapping."""
    if isinstance(value, dict):
        return dict(value)
    out: dict[str, Any] = {}
    for item in value or []:
        key, sep, val = str(item).partition("=")
        out[key] = val if sep else None
    return out


def _strip_tags(value: Any) -> Any:
    """Drop merge markers from a value that has nothing left to merge with."""
    if isinstance(value, Override):
        return _strip_tags(value.value)
    if isinstance(value, dict):
        return {k: _strip_tags(v) for k, v in value.items() if not isinstance(v, Reset)}
    if isinstance(value, list):
        return [_strip_tags(v) for v in value]
    return value


def _merge(base: Any, over: Any, key: str | None = None) -> Any:
    if isinstance(over, Override):
        return _strip_tags(over.value)
    if key == "environment":
        return {**env_mapping(base), **env_mapping(_strip_tags(over))}
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for k, v in over.items():
            if isinstance(v, Reset):
                merged.pop(k, None)
            elif k in merged:
                merged[k] = _merge(merged[k], v, k)
            else:
                merged[k] = _strip_tags(v) if k != "environment" else env_mapping(_strip_tags(v))
        return merged
    if isinstance(base, list) and isinstance(over, list) and key not in REPLACED_SEQUENCES:
        return base + [v for v in _strip_tags(over) if v not in base]
    return _strip_tags(over)


def load_merged(paths: Sequence[Path]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Merge compose files in order, as ``docker compose -f A -f B`` does.

    Returns:
        The merged model and the raw per-file models (for file-level markers such as ``x-egov-exposure``).
    """
    raws = [load_compose(p) for p in paths]
    merged: dict[str, Any] = {}
    for raw in raws:
        merged = _merge(merged, raw)
    for service in (merged.get("services") or {}).values():
        if isinstance(service, dict) and "environment" in service:
            service["environment"] = env_mapping(service["environment"])
    return merged, raws


def mask_refs(text: str) -> tuple[str, list[str]]:
    """Replace every ``${…}`` reference by a placeholder ``\\x00N\\x00`` so ``:`` and ``@`` inside it
    cannot confuse a parser; returns the masked text and the references in order."""
    refs: list[str] = []

    def sub(m: re.Match[str]) -> str:
        refs.append(m.group(0))
        return f"\x00{len(refs) - 1}\x00"

    return _REF.sub(sub, text), refs


def iter_strings(value: Any) -> Iterator[str]:
    """Every string inside a nested value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from iter_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from iter_strings(v)
