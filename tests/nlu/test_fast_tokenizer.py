"""FastTokenizer and WordCutter (jieba-rs) cut exactly as jieba's own Tokenizer, with either
dictionary."""

from __future__ import annotations

import functools
import json
import logging
import math
import re
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.retrieval import DEFAULT_USER_DICT
from knowledge_base.synonyms import default_lexicon
from nlu.settings import NluSettings
from nlu.tokenizer import (
    DEFAULT_DICTIONARY_DIR,
    FastTokenizer,
    WordCutter,
    _user_dictionaries,
    normalize,
)
from nlu.training_data import load_training_data

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import jieba


def _build(cls: type[jieba.Tokenizer], *, knowledge_base: bool) -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = cls()
    tokenizer.initialize()
    paths = [DEFAULT_USER_DICT] if knowledge_base else _user_dictionaries(DEFAULT_DICTIONARY_DIR)
    for path in paths:
        with path.open("rb") as handle:
            tokenizer.load_userdict(handle)
    if knowledge_base:
        for word in sorted(default_lexicon().words()):
            tokenizer.add_word(word, freq=2000)
    return tokenizer


@pytest.mark.parametrize("knowledge_base", [False, True], ids=["nlu", "knowledge_base"])
def test_same_cuts_as_jieba(knowledge_base: bool) -> None:
    texts = [normalize(e.text) for e in load_training_data(NluSettings().data_dir).examples]
    texts += ["", " ", "3500元", "ａｂｃ１２３ 工资", "我在东莞市长安镇的鸿达五金厂做了3年"]
    plain = _build(jieba.Tokenizer, knowledge_base=knowledge_base)
    fast = _build(FastTokenizer, knowledge_base=knowledge_base)
    for text in texts[::3]:
        assert fast.lcut(text, HMM=True) == plain.lcut(text, HMM=True), text
        assert fast.lcut(text, HMM=False) == plain.lcut(text, HMM=False), text
        assert list(fast.cut_for_search(text)) == list(plain.cut_for_search(text)), text
        assert list(fast.tokenize(text)) == list(plain.tokenize(text)), text


def test_a_new_word_changes_the_cut_as_in_jieba() -> None:
    plain = _build(jieba.Tokenizer, knowledge_base=False)
    fast = _build(FastTokenizer, knowledge_base=False)
    text = "鸿达五金厂拖欠工资"
    assert fast.lcut(text) == plain.lcut(text)  # weights computed and kept
    for tokenizer in (plain, fast):
        tokenizer.add_word("鸿达五金厂", freq=100000)
    assert fast.lcut(text) == plain.lcut(text)
    assert "鸿达五金厂" in fast.lcut(text)


def _cutter(*, knowledge_base: bool) -> WordCutter:
    if knowledge_base:
        return WordCutter([DEFAULT_USER_DICT], sorted(default_lexicon().words()), freq=2000)
    return WordCutter(_user_dictionaries(DEFAULT_DICTIONARY_DIR))


def _questions() -> list[str]:
    folder = Path(__file__).resolve().parents[2] / "knowledge_base" / "data"
    texts = []
    for path in sorted(folder.glob("*questions*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            texts += [json.loads(line)["question"] for line in handle if line.strip()]
    return texts


@pytest.mark.parametrize("knowledge_base", [False, True], ids=["nlu", "knowledge_base"])
def test_word_cutter_cuts_as_jieba(knowledge_base: bool) -> None:
    texts = [e.text for e in load_training_data(NluSettings().data_dir).examples][::2]
    texts += _questions()
    texts += ["", " ", "3500元", "ａｂｃ１２３ 工资", "12个钟 3k，。", "\t换行\n之后"]
    plain = _build(jieba.Tokenizer, knowledge_base=knowledge_base)
    cutter = _cutter(knowledge_base=knowledge_base)
    for text in map(normalize, texts):
        assert cutter.cut(text) == plain.lcut(text, HMM=True), text
        assert cutter.cut_for_search(text) == list(plain.cut_for_search(text)), text
        assert cutter.spans(text) == list(plain.tokenize(text)), text


def test_word_cutter_reads_dictionary_lines_as_jieba(tmp_path: Path) -> None:
    dictionary = tmp_path / "words.txt"
    dictionary.write_text("\ufeff鸿达五金厂 100000 nt\n   \n拖欠工资\n", "utf-8")
    assert "鸿达五金厂" not in _cutter(knowledge_base=False).cut("鸿达五金厂拖欠工资")

    cutter = WordCutter([dictionary])

    assert cutter.cut("鸿达五金厂拖欠工资") == ["鸿达五金厂", "拖欠工资"]
    # jieba itself, for the text jieba-rs cuts differently, has the same words.
    assert cutter.cut("鸿达五金厂n+1") == ["鸿达五金厂", "n", "+", "1"]


@functools.cache
def _plain_and_cutter() -> tuple[jieba.Tokenizer, WordCutter]:
    return _build(jieba.Tokenizer, knowledge_base=False), _cutter(knowledge_base=False)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="工资加班费拖欠的了吗厂鸿达abXY0159-._%+#&@ ，:/\t", max_size=24))
def test_word_cutter_cuts_made_up_text_as_jieba(text: str) -> None:
    plain, cutter = _plain_and_cutter()
    ours, theirs = cutter.cut(text), plain.lcut(text, HMM=True)
    if ours != theirs and _equally_likely(plain, ours, theirs):
        return  # 加加加: two routes of the same probability; the tie falls to float rounding
    assert ours == theirs
    assert cutter.cut_for_search(text) == list(plain.cut_for_search(text, HMM=True))
    assert cutter.spans(text) == list(plain.tokenize(text, HMM=True))


def _equally_likely(plain: jieba.Tokenizer, *cuts: list[str]) -> bool:
    """Whether the cuts differ only in routes through jieba's dictionary of the same
    probability (the pieces outside Chinese runs being the same)."""
    han = [[w for w in cut if _HAN.search(w)] for cut in cuts]
    other = [[w for w in cut if not _HAN.search(w)] for cut in cuts]
    if any(o != other[0] for o in other) or any(len(h) != len(han[0]) for h in han):
        return False
    freq = plain.FREQ
    if any(not freq.get(word) for words in han for word in words):
        return False  # a word jieba guessed (HMM): no route weight to compare
    weights = [sum(math.log(freq[w]) for w in words) for words in han]
    return max(weights) - min(weights) < 1e-9


_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    "text",
    [
        "我的 n+1, 怎么 算 3.5天",  # the run in a block of its own: only that block by jieba
        "补偿n+1是多少",  # the run inside a Chinese block: the whole block by jieba
        "回执 gy-7k3p-q9mx 案件，查询 进度 5.5年",
    ],
)
def test_only_the_block_holding_an_ascii_joined_run_needs_jieba(text: str) -> None:
    plain, cutter = _plain_and_cutter()
    assert cutter.cut(text) == plain.lcut(text, HMM=True)
    assert cutter.cut_for_search(text) == list(plain.cut_for_search(text, HMM=True))
    assert cutter.spans(text) == list(plain.tokenize(text, HMM=True))
