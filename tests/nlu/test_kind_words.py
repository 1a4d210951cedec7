"""Kind words (平时, 周末, 国庆 …) and the words that say what the days were not
(nlu/kind_words.py)."""

from __future__ import annotations

import pytest

from nlu.kind_words import find_kind_words
from nlu.numbers import find_quantities
from nlu.phrase_rules import load_phrase_rules
from nlu.tokenizer import normalize


def kinds(text: str) -> list[str]:
    norm = normalize(text)
    return [w.kind for w in find_kind_words(norm, find_quantities(norm), load_phrase_rules())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Denied, perhaps with 调休 between: no kind.
        ("都系放假嘅休息日，唔系调休上班日", ["rest_day"]),
        ("这两天不是周末", []),
        # A question is no denial.
        ("是不是周末加班要给双倍", ["rest_day"]),
        ("系唔系上班日", ["weekday"]),
    ],
)
def test_a_kind_word_after_a_denial_names_no_kind(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected
