"""Cue words of topics the NLU may pick from context alone (``topic_cues.yml``)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Final

from knowledge_base.text import normalize_document
from knowledge_base.topics import TOPICS
from knowledge_base.yaml_io import load_yaml_file

TOPIC_CUES_PATH: Final = Path(__file__).with_name("topic_cues.yml")


class TopicCuesError(ValueError):
    """``topic_cues.yml`` is not a mapping of known topics to lists of words."""


@lru_cache(maxsize=4)
def topic_cues(path: Path = TOPIC_CUES_PATH) -> Mapping[str, tuple[str, ...]]:
    """Topic → its cue words, normalised as questions are (Simplified, lower case)."""
    raw = load_yaml_file(path) or {}
    if not isinstance(raw, dict):
        raise TopicCuesError(f"{path.name}: expected topic: [words]")
    cues: dict[str, tuple[str, ...]] = {}
    for topic, words in raw.items():
        if topic not in TOPICS:
            raise TopicCuesError(f"{path.name}: {topic!r} is not a topic")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            raise TopicCuesError(f"{path.name}: {topic} needs a list of words")
        cues[str(topic)] = tuple(normalize_document(w) for w in words if w.strip())
    return cues
