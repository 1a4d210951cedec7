"""topic_cues.yml: known topics, lists of words, normalised like questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.topic_cues import TopicCuesError, topic_cues
from knowledge_base.topics import TOPICS


def test_the_shipped_cues_name_known_topics_with_words() -> None:
    cues = topic_cues()
    assert cues and set(cues) <= set(TOPICS)
    assert all(words and all(words) for words in cues.values())


def test_traditional_cue_words_are_read_as_simplified(tmp_path: Path) -> None:
    path = tmp_path / "cues.yml"
    path.write_text("female_protection: [懷孕]\n", encoding="utf-8")
    assert topic_cues(path)["female_protection"] == ("怀孕",)


@pytest.mark.parametrize("text", ["not_a_topic: [x]\n", "female_protection: word\n", "[a, b]\n"])
def test_a_broken_file_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "cues.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TopicCuesError):
        topic_cues(path)
