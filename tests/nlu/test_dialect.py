"""Cantonese 人工 (wages) read as wages, never a request for a person."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu.dialect import WAGES_WORD, with_wage_words
from nlu.embedded.backend import EmbeddedBackend


@pytest.mark.parametrize(
    "text", ["老细唔俾人工", "拖咗两个月人工", "人工未出", "今个月人工几多", "佢扣我人工"]
)
def test_wages_said_in_cantonese_become_wages(text: str) -> None:
    assert WAGES_WORD in with_wage_words(text)


@pytest.mark.parametrize(
    "text", ["转人工", "我要找人工客服", "人工", "有人工吗", "做了人工流产有假吗", "人工智能"]
)
def test_a_person_or_other_words_stay_as_they_are(text: str) -> None:
    assert with_wage_words(text) == text


@given(st.text(alphabet="人工俾拖月未转找要有流产智能 ", max_size=30))
def test_the_length_is_kept(text: str) -> None:
    assert len(with_wage_words(text)) == len(text)


@pytest.mark.parametrize("text", ["老細唔俾人工 點算", "老板唔俾人工"])
def test_unpaid_wages_in_cantonese_are_not_a_request_for_a_person(
    embedded_backend: EmbeddedBackend, text: str
) -> None:
    assert embedded_backend.parse(text).intent.name == "ask_wages_arrears"
