"""Query/document prefix presets: models trained with instruction prefixes lose quality without them."""

from __future__ import annotations

__all__ = ["PREFIX_PRESETS", "resolve_prefixes"]

#: preset name -> (query prefix, document prefix)
PREFIX_PRESETS: dict[str, tuple[str, str]] = {
    # cl-nagoya/ruri-v3-*: 「検索クエリ: 」 for queries, 「検索文書: 」 for the passages searched.
    "ruri-v3": ("検索クエリ: ", "検索文書: "),
    # intfloat/multilingual-e5-*: "query: " / "passage: ".
    "e5": ("query: ", "passage: "),
    "none": ("", ""),
}


def resolve_prefixes(
    model: str, preset: str = "auto", *, query_prefix: str | None = None, document_prefix: str | None = None
) -> tuple[str, str]:
    """The (query, document) prefixes for ``model``.

    Args:
        model: model name or path; with ``preset="auto"`` a name containing ``ruri`` gets the ruri-v3
            prefixes, one containing ``e5`` the e5 prefixes, anything else none.
        preset: ``auto`` or a key of :data:`PREFIX_PRESETS`.
        query_prefix / document_prefix: explicit prefixes, overriding the preset's.

    Raises:
        ValueError: unknown preset.
    """
    if preset == "auto":
        name = model.lower()
        preset = "ruri-v3" if "ruri" in name else "e5" if "e5" in name else "none"
    if preset not in PREFIX_PRESETS:
        raise ValueError(f"unknown prefix preset {preset!r}; expected auto or one of {sorted(PREFIX_PRESETS)}")
    q, d = PREFIX_PRESETS[preset]
    return (q if query_prefix is None else query_prefix, d if document_prefix is None else document_prefix)
