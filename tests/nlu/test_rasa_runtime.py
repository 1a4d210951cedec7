"""The trained-model cache of nlu.rasa_runtime: keyed by content, not by where a clone is."""

from __future__ import annotations

import shutil
import time
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


FAKE_RASA = """#!/bin/bash
# A stand-in for `rasa train nlu`: writes the model where it was asked to, after a while.
while [ $# -gt 0 ]; do
  case "$1" in --out) out=$2; shift;; --fixed-model-name) name=$2; shift;; esac
  shift
done
echo "training $name"
sleep {seconds}
exit_code={exit_code}
if [ "$exit_code" != 0 ]; then echo "boom: no model"; exit "$exit_code"; fi
echo "a trained model" > "$out/$name.tar.gz"
"""


def _fake_rasa(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, seconds: float, exit_code: int = 0
) -> None:
    """A Rasa virtualenv whose ``rasa`` only pretends to train, and an empty model cache."""
    venv = tmp_path / "fake-rasa"
    (venv / "bin").mkdir(parents=True)
    rasa = venv / "bin" / "rasa"
    rasa.write_text(FAKE_RASA.format(seconds=seconds, exit_code=exit_code), "utf-8")
    rasa.chmod(0o755)
    monkeypatch.setenv(rasa_runtime.RASA_VENV_ENV, str(venv))
    monkeypatch.setenv(rasa_runtime.MODEL_CACHE_ENV, str(tmp_path / "cache"))


def test_a_background_training_hands_over_its_model_and_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_rasa(tmp_path, monkeypatch, seconds=0.3)
    config_path, data_path = _clone(tmp_path, "one")

    job = rasa_runtime.start_rasa_training(
        config_path, data_path, tmp_path / "out", "test", niceness=19
    )
    model = job.wait(timeout_seconds=30)

    assert model.read_text("utf-8") == "a trained model\n"
    assert "training test" in job.log_path.read_text("utf-8")
    key = rasa_runtime.training_key(config_path, data_path)
    assert (tmp_path / "cache" / f"{key}.tar.gz").is_file()
    assert job.wait() == model  # waiting again hands over the same model


def test_a_failed_background_training_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_rasa(tmp_path, monkeypatch, seconds=0, exit_code=3)
    config_path, data_path = _clone(tmp_path, "one")
    job = rasa_runtime.start_rasa_training(config_path, data_path, tmp_path / "out", "test")

    with pytest.raises(rasa_runtime.RasaRuntimeError, match=r"exit 3[\s\S]*boom"):
        job.wait(timeout_seconds=30)
    assert not list((tmp_path / "cache").glob("*.tar.gz"))


def test_a_training_nobody_waits_for_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_rasa(tmp_path, monkeypatch, seconds=60)
    config_path, data_path = _clone(tmp_path, "one")
    job = rasa_runtime.start_rasa_training(config_path, data_path, tmp_path / "out", "test")
    began = time.monotonic()

    job.cancel()

    assert time.monotonic() - began < 10
    with pytest.raises(rasa_runtime.RasaRuntimeError, match="wrote no model"):
        job.wait(timeout_seconds=1)
