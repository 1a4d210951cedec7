"""Text helpers the phrase readers share (nlu/phrase_text.py)."""

from __future__ import annotations

from nlu.phrase_text import clause_end, clause_start, overlaps, strip_head, strip_tail


def test_a_clause_runs_between_breaks() -> None:
    text = "月薪4500，周末加了16个小时。"
    index = text.index("16")
    assert (clause_start(text, index), clause_end(text, index)) == (7, 16)


def test_words_are_stripped_one_after_another_up_to_the_limit() -> None:
    assert strip_tail("每天都要加", ("要", "加", "都"), limit=2) == "每天都"
    assert strip_head("都要加3个钟", ("都", "要"), limit=4) == "加3个钟"


def test_spans_overlap_only_when_they_share_characters() -> None:
    assert overlaps(2, 5, [(4, 6)])
    assert not overlaps(2, 5, [(5, 7), (0, 2)])
