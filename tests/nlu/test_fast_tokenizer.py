"""FastTokenizer cuts exactly as jieba's own Tokenizer, with either dictionary."""

from __future__ import annotations

import logging
import warnings

import pytest

from knowledge_base.retrieval import DEFAULT_USER_DICT
from knowledge_base.synonyms import default_lexicon
from nlu.settings import NluSettings
from nlu.tokenizer import DEFAULT_DICTIONARY_DIR, FastTokenizer, _user_dictionaries, normalize
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
