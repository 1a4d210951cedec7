"""The trained-model cache of nlu.rasa_runtime: keyed by content, not by where a clone is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlu import rasa_runtime
from nlu.rasa_runtime import PROJECT_ROOT


def _clone(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A copy of nlu/data and a config like the test's, in a folder of its own."""
    folder = tmp_path / name
    shutil.copytree(PROJECT_ROOT / "nlu" / "data", folder / "data")
    config = rasa_runtime.rasa_pipeline_config(diet_epochs=30)
    config_path = rasa_runtime.write_rasa_config(folder / "config.yml", config)
    return config_path, folder / "data"


def test_two_clones_of_the_same_files_share_a_key(tmp_path: Path) -> None:
    first = rasa_runtime.training_key(*_clone(tmp_path, "one"))
    second = rasa_runtime.training_key(*_clone(tmp_path, "elsewhere/two"))

    assert first == second


def test_a_changed_example_or_setting_changes_the_key(tmp_path: Path) -> None:
    config_path, data_path = _clone(tmp_path, "one")
    before = rasa_runtime.training_key(config_path, data_path)
    some_file = sorted(data_path.rglob("*.yml"))[0]
    some_file.write_text(some_file.read_text("utf-8") + "\n# one more line\n", "utf-8")
    after_data = rasa_runtime.training_key(config_path, data_path)
    config = rasa_runtime.rasa_pipeline_config(diet_epochs=31)
    rasa_runtime.write_rasa_config(config_path, config)
    after_config = rasa_runtime.training_key(config_path, data_path)

    assert len({before, after_data, after_config}) == 3


def test_a_kept_model_is_restored_instead_of_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(rasa_runtime.MODEL_CACHE_ENV, str(tmp_path / "cache"))
    config_path, data_path = _clone(tmp_path, "one")
    key = rasa_runtime.training_key(config_path, data_path)
    trained = tmp_path / "trained.tar.gz"
    trained.write_bytes(b"a model's bytes")
    rasa_runtime._keep_model(key, trained)
    # No Rasa is reachable here: a restore must not try to start it.
    monkeypatch.setenv(rasa_runtime.RASA_VENV_ENV, str(tmp_path / "no-rasa"))

    model = rasa_runtime.train_rasa_model(config_path, data_path, tmp_path / "out", "test")

    assert model.read_bytes() == b"a model's bytes"
    assert key in (tmp_path / "out" / "test.train.log").read_text("utf-8")


def test_without_the_cache_a_missing_rasa_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(rasa_runtime.MODEL_CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(rasa_runtime.RASA_VENV_ENV, str(tmp_path / "no-rasa"))
    config_path, data_path = _clone(tmp_path, "one")
    rasa_runtime._keep_model(rasa_runtime.training_key(config_path, data_path), config_path)

    with pytest.raises(rasa_runtime.RasaRuntimeError, match="not found"):
        rasa_runtime.train_rasa_model(
            config_path, data_path, tmp_path / "out", "test", use_cache=False
        )


def test_only_the_newest_models_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rasa_runtime.MODEL_CACHE_ENV, str(tmp_path / "cache"))
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"x")
    for index in range(rasa_runtime._MODELS_KEPT + 2):
        rasa_runtime._keep_model(f"key{index}", model)

    assert len(list((tmp_path / "cache").glob("*.tar.gz"))) == rasa_runtime._MODELS_KEPT
