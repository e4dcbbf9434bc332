"""Bake the Full image's embedding model into a plain directory, then prove it loads and embeds offline.

Run by ``images/Dockerfile.full`` (stage ``model``) with the build arguments in the environment:

- ``EMBED_MODEL``: the model id stored with every vector (default ``cl-nagoya/ruri-v3-30m``).
- ``EMBED_MODEL_DIR``: a local sentence-transformers model directory mounted at build time. It is copied
  as it is; the hub is never asked (air-gapped builds, or a model shipped inside a Python package).
- ``HF_SEED``: a Hugging Face cache (``HF_HOME``) mounted at build time that already holds ``EMBED_MODEL``;
  the snapshot is resolved from it offline.
- neither: ``EMBED_MODEL`` at ``EMBED_MODEL_REVISION`` is downloaded from the Hugging Face hub.

Whatever the source, the result is one directory (``--dest``) that the runtime loads through
``EGOV_VECTOR__MODEL_PATH`` with the hub switched off, so a model that would not load offline fails the
build here rather than the container at its first semantic query.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# Only what a sentence-transformers model needs; READMEs, ONNX/OpenVINO exports and training logs stay out.
ALLOW = ["*.json", "*.safetensors", "*.txt", "*.model", "tokenizer*", "1_Pooling/*", "2_Normalize/*"]


def _copy_tree(source: Path, dest: Path) -> None:
    if not (source / "modules.json").is_file() and not (source / "config.json").is_file():
        raise SystemExit(f"{source} is not a sentence-transformers / transformers model directory (no config.json)")
    # Dereference symlinks: a Hugging Face snapshot is a tree of links into blobs/.
    shutil.copytree(source, dest, symlinks=False, dirs_exist_ok=True)


def fetch(model: str, revision: str, dest: Path, model_dir: str, hf_seed: str) -> str:
    """Put the model files into ``dest``; return where they came from (for the build log)."""
    dest.mkdir(parents=True, exist_ok=True)
    if model_dir:
        _copy_tree(Path(model_dir), dest)
        return f"directory {model_dir}"
    from huggingface_hub import snapshot_download

    if hf_seed:
        snapshot = snapshot_download(
            repo_id=model, revision=revision, cache_dir=str(Path(hf_seed) / "hub"), local_files_only=True
        )
        _copy_tree(Path(snapshot), dest)
        return f"Hugging Face cache {hf_seed}"
    snapshot_download(repo_id=model, revision=revision, local_dir=str(dest), allow_patterns=ALLOW)
    shutil.rmtree(dest / ".cache", ignore_errors=True)
    return f"Hugging Face hub ({revision})"


def check(dest: Path) -> int:
    """Load ``dest`` with the hub switched off and embed one sentence; return the dimension."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(dest), device="cpu", local_files_only=True)
    vector = model.encode(["個人情報の保護に関する法律"], normalize_embeddings=True)
    return int(vector.shape[1])


def main() -> int:
    """Bake and check; the destination is the only argument."""
    dest = Path(sys.argv[1] if len(sys.argv) > 1 else "/opt/models/embed")
    model = os.environ.get("EMBED_MODEL") or "cl-nagoya/ruri-v3-30m"
    source = fetch(
        model,
        os.environ.get("EMBED_MODEL_REVISION") or "main",
        dest,
        os.environ.get("EMBED_MODEL_DIR", ""),
        os.environ.get("HF_SEED", ""),
    )
    # Readable by the server's user (uid 10001), whatever modes the source had: safetensors and some
    # exports write 0600, and root (who runs this) would never notice.
    for path in [dest, *dest.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    dimension = check(dest)
    size = sum(f.stat().st_size for f in dest.rglob("*") if f.is_file())
    print(f"baked {model} from {source}: {dimension} dimensions, {size / 1e6:.0f} MB, loads offline")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
