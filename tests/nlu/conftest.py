"""Fixtures of the NLU tests: the real data, a small fixture data set, one trained model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from nlu.embedded import EmbeddedBackend
from nlu.entities import PHRASE_ENTITIES, extract_entities
from nlu.settings import PROJECT_ROOT, NluSettings

CASES_DIR = Path(__file__).parent / "cases"
FIXTURES_DIR = Path(__file__).parent / "fixtures"
SMALL_DATA_DIR = FIXTURES_DIR / "nlu_small"

#: Phrase entities found in a message: (entity, value, the text that says it).
PhrasesFound = list[tuple[str, object, str]]


def load_cases(name: str) -> Any:
    """A YAML table from tests/nlu/cases."""
    return yaml.safe_load((CASES_DIR / name).read_text(encoding="utf-8"))


def as_number(value: object) -> object:
    """Numbers written as text in YAML ("3500") compare as numbers; other values unchanged."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def phrase_entities(text: str) -> PhrasesFound:
    """The phrases the calculators read in ``text`` (wage, work_time, service_length), in order."""
    return [
        (e.entity, e.value, e.text) for e in extract_entities(text) if e.entity in PHRASE_ENTITIES
    ]


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> NluSettings:
    """The project's NLU settings with the model cache in a temporary directory."""
    model_dir = tmp_path_factory.mktemp("models")
    return NluSettings(
        data_dir=PROJECT_ROOT / "nlu" / "data",
        dictionary_dir=PROJECT_ROOT / "nlu" / "dictionary",
        model_dir=model_dir,
    )


@pytest.fixture(scope="session")
def embedded_backend(real_settings: NluSettings) -> EmbeddedBackend:
    """The embedded backend trained once on nlu/data (the first load: no cache yet)."""
    return EmbeddedBackend(real_settings)
