"""The safety rules' fast alternation search finds exactly what ``re`` finds."""

from __future__ import annotations

import re
from functools import cache

import pytest

from nlu.embedded.alternation import Alternation, _flatten, alternation
from nlu.embedded.safety import SafetyLayer
from nlu.settings import NluSettings
from nlu.tokenizer import normalize
from nlu.training_data import load_training_data

_EXTRA = [
    "",
    "救命 我被锁在宿舍里了",
    "工厂着火了 烟好大",
    "我不想活了 药都数好了",
    "他的手被机器卷进去了 一直在流血",
    "3楼边上站着 不想下来",
    "１２层楼边缘",
    "老板扣了我的身份证不让走",
    "累得想死 加班费怎么算",
    "打工打了三年 被辞退了 能赔多少",
    "火火火火火",
    "abc def 123",
]


@cache
def _texts() -> list[str]:
    data = load_training_data(NluSettings().data_dir)
    texts = [normalize(e.text) for e in data.examples] + [normalize(t) for t in _EXTRA]
    # Suffixes, so matches start at other places and lookbehinds see other characters.
    return texts + [t[i:] for t in texts[:800] for i in (1, 2, 5)]


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    layer = SafetyLayer.load()
    found = []
    for rule in layer.rules:
        for field in ("danger", "plan", "firm", "doubtful", "exceptions", "look_alikes", "related"):
            pattern = getattr(rule, field)
            if pattern is not None:
                found.append((f"{rule.kind}.{field}", pattern))
    # The context patterns (now, past, question …) go through the same search.
    found += [(f"context.{name}", pattern) for name, pattern in layer._context.items()]
    return found


@pytest.mark.parametrize(("name", "pattern"), _patterns(), ids=[n for n, _ in _patterns()])
def test_same_matches_as_re(name: str, pattern: re.Pattern[str]) -> None:
    fast = Alternation(pattern)
    # A kind's word lists are what the dispatch is for; a context pattern may be one piece.
    assert fast.dispatched or name.startswith("context."), name
    for text in _texts():
        assert fast.search(text) == (pattern.search(text) is not None), text
        assert list(fast.spans(text)) == [m.span() for m in pattern.finditer(text)], text
        assert fast.count(text) == len(pattern.findall(text)), text
        assert fast.replace(text, " ") == pattern.sub(" ", text), text
        assert fast.blank(text) == pattern.sub(lambda m: " " * len(m.group()), text), text


def test_nested_groups_classes_and_escapes_are_split_at_the_top_only() -> None:
    assert _flatten(r"(?:a|b)|c(d|e)|[|x]|\|y|(?:f(?:g|h))") == [
        "a",
        "b",
        "c(d|e)",
        "[|x]",
        r"\|y",
        "f(?:g|h)",
    ]
    assert _flatten("(a|b") is None


@pytest.mark.parametrize(
    "source",
    [
        r".{0,3}火|烟",  # may start with any character
        r"(?i)火|烟",  # flags
        r"x?火|烟?",  # may match the empty text
        r"(?P<n>火)|烟",  # named group
    ],
)
def test_what_cannot_be_split_is_searched_with_re(source: str) -> None:
    pattern = re.compile(source)
    fast = Alternation(pattern)
    assert not fast.dispatched
    for text in ("火", "烟雾", "没有", "X火", ""):
        assert fast.search(text) == (pattern.search(text) is not None)
        assert list(fast.spans(text)) == [m.span() for m in pattern.finditer(text)]


def test_lookbehind_digits_and_order_of_alternatives() -> None:
    pattern = re.compile(r"(?<!心)酸|\d+级|伤残|伤|[一二三]楼|ab|a")
    fast = alternation(pattern)
    assert fast.dispatched
    for text in ("心酸 胃酸", "七级伤残", "３级伤残", "三楼 abab a", "伤心", "没事"):
        assert list(fast.spans(text)) == [m.span() for m in pattern.finditer(text)], text
    assert alternation(pattern) is fast  # built once per pattern


def test_capturing_groups_nested_classes_and_escapes_keep_the_same_matches() -> None:
    # Capturing groups are made non-capturing inside the dispatcher; "(" in a class or escaped
    # is no group.
    pattern = re.compile(r"(火|烟)(灾)?|[(]火|\(烟|火(?=(很)大)|(?:(大|小)(火))|烟(?!雾)")
    fast = Alternation(pattern)
    assert fast.dispatched
    for text in ("火灾 (火 (烟 火很大 大火 小火 烟雾 烟", "火火火", "((烟", ""):
        assert list(fast.spans(text)) == [m.span() for m in pattern.finditer(text)], text
        assert fast.search(text) == (pattern.search(text) is not None)


def test_back_references_are_searched_with_re() -> None:
    for source in (r"(火)\1|烟", r"烟|火(a)(?(1)b|c)"):
        pattern = re.compile(source)
        fast = Alternation(pattern)
        assert not fast.dispatched
        for text in ("火火 烟", "火ab 火c"):
            assert list(fast.spans(text)) == [m.span() for m in pattern.finditer(text)]


def test_many_start_characters_are_chunked_and_still_exact() -> None:
    # Hundreds of distinct start characters: the dispatcher nests them in chunks.
    words = [chr(0x4E00 + i) + chr(0x4E00 + (i * 7) % 300) for i in range(300)]
    pattern = re.compile("|".join(words) + r"|\d+")
    fast = Alternation(pattern)
    assert fast.dispatched
    text = "".join(chr(0x4E00 + (i * 13) % 320) for i in range(2000)) + " 123"
    assert list(fast.spans(text)) == [m.span() for m in pattern.finditer(text)]


def test_built_once_per_pattern_object_not_per_equal_pattern() -> None:
    first = re.compile("火|烟灾")
    # An equal pattern compiled apart (the re cache bypassed by a flag of no effect here).
    second = re.compile("火|烟灾", re.UNICODE)
    assert first == second
    assert alternation(first) is alternation(first)
    assert alternation(second).pattern is second
