"""The integration tests' Rasa model, trained in the background from the start of the run.

Where the model cache lacks it (a new machine, changed NLU data), training takes about nine
minutes on two idle cores. Started when collection ends (``tests/conftest.py``), it overlaps the
rest of the suite instead of following it, at the lowest priority (``nice 19``) and on one of
TensorFlow's threads, so the tests beside it keep a processor of their own: on both cores it
slowed the rest of a CI run about threefold (57 minutes in all). With the model in the cache it
is restored at once, as before.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from nlu import rasa_runtime
from nlu.settings import PROJECT_ROOT

# DIET's epochs for the tests' model (config.yml's own 100 take three times as long).
TEST_DIET_EPOCHS = 30
MODEL_NAME = "test"

_job: rasa_runtime.TrainingJob | None = None
_workdir: Path | None = None


def training_inputs(workdir: Path) -> tuple[Path, Path]:
    """The config written into ``workdir`` (config.yml's pipeline, fewer epochs) and the data."""
    config = rasa_runtime.rasa_pipeline_config(diet_epochs=TEST_DIET_EPOCHS)
    config_path = rasa_runtime.write_rasa_config(workdir / "config.yml", config)
    return config_path, PROJECT_ROOT / "nlu" / "data"


def start(items: Sequence[pytest.Item]) -> bool:
    """Start training when the run holds a Rasa test and Rasa is installed; True if started.

    Without Rasa nothing starts: the tests' fixture sets it up and trains, as it always did.
    """
    global _job, _workdir
    if _job is not None or not any(item.get_closest_marker("rasa") for item in items):
        return False
    if not rasa_runtime.rasa_installed():
        return False
    workdir = Path(tempfile.mkdtemp(prefix="gongyou-rasa-"))
    config_path, data_path = training_inputs(workdir)
    try:
        _job = rasa_runtime.start_rasa_training(
            config_path, data_path, workdir / "models", MODEL_NAME, niceness=19, threads=1
        )
    except rasa_runtime.RasaRuntimeError:
        shutil.rmtree(workdir, ignore_errors=True)
        return False  # the fixture tries again and reports what went wrong
    _workdir = workdir
    return True


def model(workdir: Path) -> Path:
    """The tests' model: the background training's when one started, else trained now."""
    if _job is not None:
        return _job.wait()
    config_path, data_path = training_inputs(workdir)
    return rasa_runtime.train_rasa_model(config_path, data_path, workdir / "models", MODEL_NAME)


def stop() -> None:
    """End of the run: stop a training nobody waited for and remove its folder."""
    global _job, _workdir
    if _job is not None:
        _job.cancel()
    if _workdir is not None:
        shutil.rmtree(_workdir, ignore_errors=True)
    _job = _workdir = None
