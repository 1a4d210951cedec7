"""The integration tests' Rasa model, trained in the background from the start of the run.

Where the model cache lacks it (a new machine, changed NLU data), training takes about nine
minutes on two idle cores. Started when collection ends (``tests/conftest.py``), it overlaps the
rest of the suite instead of following it, at the lowest priority (``nice 19``) and on one of
TensorFlow's threads, so the tests beside it keep a processor of their own: on both cores it
slowed the rest of a CI run about threefold (57 minutes in all). With the model in the cache it
is restored at once, as before.

With the suite spread over processes (pytest-xdist), only the first worker trains; it holds a
file lock while it does, and keeps the model in the cache when it is done. A worker that gets
the Rasa tests and did not train waits for that lock, then restores the model from the cache
(or trains it itself if the first worker's training failed).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pytest

from nlu import rasa_runtime
from nlu.settings import PROJECT_ROOT

# DIET's epochs for the tests' model (config.yml's own 100 take three times as long).
TEST_DIET_EPOCHS = 30
MODEL_NAME = "test"

_job: rasa_runtime.TrainingJob | None = None
_workdir: Path | None = None
_lock_file: IO[bytes] | None = None
_keeper: threading.Thread | None = None


def training_inputs(workdir: Path) -> tuple[Path, Path]:
    """The config written into ``workdir`` (config.yml's pipeline, fewer epochs) and the data."""
    config = rasa_runtime.rasa_pipeline_config(diet_epochs=TEST_DIET_EPOCHS)
    config_path = rasa_runtime.write_rasa_config(workdir / "config.yml", config)
    return config_path, PROJECT_ROOT / "nlu" / "data"


def _xdist_worker() -> str | None:
    """This process's pytest-xdist worker id (``gw0``, ``gw1``…), None outside xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER") or None


def _lock_path() -> Path:
    """One lock per test run and training inputs, beside the system's temporary files."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "single")
    return Path(tempfile.gettempdir()) / f"gongyou-rasa-training-{run}.lock"


def start(items: Sequence[pytest.Item]) -> bool:
    """Start training when the run holds a Rasa test and Rasa is installed; True if started.

    Without Rasa nothing starts: the tests' fixture sets it up and trains, as it always did.
    Under xdist only worker ``gw0`` starts it.
    """
    global _job, _workdir, _lock_file, _keeper
    if _job is not None or not any(item.get_closest_marker("rasa") for item in items):
        return False
    worker = _xdist_worker()
    if worker not in (None, "gw0") or not rasa_runtime.rasa_installed():
        return False
    if worker is not None:
        _lock_file = _lock_path().open("wb")
        fcntl.flock(_lock_file, fcntl.LOCK_EX)
    workdir = Path(tempfile.mkdtemp(prefix="gongyou-rasa-"))
    config_path, data_path = training_inputs(workdir)
    try:
        _job = rasa_runtime.start_rasa_training(
            config_path, data_path, workdir / "models", MODEL_NAME, niceness=19, threads=1
        )
    except rasa_runtime.RasaRuntimeError:
        shutil.rmtree(workdir, ignore_errors=True)
        _release_lock()
        return False  # the fixture tries again and reports what went wrong
    _workdir = workdir
    if worker is not None:
        # Another worker may be the one that needs the model: wait for it here, keep it in the
        # cache, then let that worker in.
        _keeper = threading.Thread(target=_keep_for_other_workers, args=(_job,), daemon=True)
        _keeper.start()
    return True


def _keep_for_other_workers(job: rasa_runtime.TrainingJob) -> None:
    try:
        job.wait()
    except rasa_runtime.RasaRuntimeError:
        pass  # the worker with the Rasa tests trains again and reports what went wrong
    finally:
        _release_lock()


def _release_lock() -> None:
    global _lock_file
    if _lock_file is not None:
        fcntl.flock(_lock_file, fcntl.LOCK_UN)
        _lock_file.close()
        _lock_file = None


def _wait_for_other_worker() -> None:
    """Block until no worker holds the training lock (its model is then in the cache). The
    first worker always lets go: its training ends, fails or times out (``TrainingJob.wait``)."""
    with _lock_path().open("ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fcntl.flock(lock, fcntl.LOCK_UN)


def model(workdir: Path) -> Path:
    """The tests' model: the background training's when one started, else trained now."""
    if _job is not None:
        if _keeper is not None:
            _keeper.join()
        return _job.wait()
    if _xdist_worker() not in (None, "gw0"):
        _wait_for_other_worker()
    config_path, data_path = training_inputs(workdir)
    return rasa_runtime.train_rasa_model(config_path, data_path, workdir / "models", MODEL_NAME)


def stop(*, interrupted: bool = False) -> None:
    """End of the run: stop a training nobody waited for and remove its folder.

    Under xdist the training may still be needed by a worker that is not done yet: unless the
    run was interrupted, it is waited for (and kept in the cache) rather than stopped.
    """
    global _job, _workdir, _keeper
    if _job is not None and (_keeper is None or interrupted):
        _job.cancel()
    if _keeper is not None:
        _keeper.join()
        # The model is in the cache (or training failed): a worker that looks for the lock
        # from now on finds none, goes on, and restores or trains as it would alone.
        _lock_path().unlink(missing_ok=True)
    if _workdir is not None:
        shutil.rmtree(_workdir, ignore_errors=True)
    _release_lock()
    _job = _workdir = _keeper = None
