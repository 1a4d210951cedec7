"""Core facts: a number an answer states must be one its cited articles contain.

For each fact family (overtime rates, notice periods, probation limits, economic
compensation, annual leave, maternity leave, arbitration limitation, work-injury deadlines)
the test finds the answer sentences that state that kind of number and checks every such
number against the text of the articles the entry cites. Numbers are compared as (value,
unit) pairs after turning Chinese numerals into digits (三十日 → 30 日, 百分之一百五十 → 150 %).
A second set of checks pins the statutory figures themselves to the statute texts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pytest

from knowledge_base.answers import AnswerBook, AnswerEntry
from knowledge_base.numerals import chinese_to_int
from knowledge_base.statutes import StatuteLibrary

_CN = "零〇一二两三四五六七八九十百千"
_VALUE = rf"(?:\d+(?:\.\d+)?|[{_CN}]+|半)"
# Units we compare; 天 and 日 are the same unit, as are 个月 and 月.
_UNIT = r"(?P<unit>%|个工作日|个月|周年|小时|倍|日|天|年|月)"
_PERCENT_WORDS = re.compile(rf"百分之(?P<value>[{_CN}\d]+)")
_NUMBER_UNIT = re.compile(rf"(?P<value>{_VALUE})\s*{_UNIT}")
_SENTENCE = re.compile(r"[^。！？；\n]+")
# Worked examples ("比如你干了3年") are arithmetic about one case, not a statement of the rule.
_EXAMPLE = re.compile(r"比如|例如|举例|假如|假设|打个比方|算一算|举个例子|=|×|÷")

Pair = tuple[float, str]


def _unit(raw: str) -> str:
    return {"天": "日", "个月": "月", "周年": "年", "个工作日": "日"}.get(raw, raw)


def _value(raw: str) -> float | None:
    if raw == "半":
        return 0.5
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return float(raw)
    number = chinese_to_int(raw)
    return float(number) if number is not None else None


def number_pairs(text: str) -> set[Pair]:
    """Every (value, unit) stated in a text, digits and Chinese numerals alike."""
    text = unicodedata.normalize("NFKC", text)
    pairs: set[Pair] = set()
    for match in _PERCENT_WORDS.finditer(text):
        value = _value(match.group("value"))
        if value is not None:
            pairs.add((value, "%"))
    for match in _NUMBER_UNIT.finditer(text):
        value = _value(match.group("value"))
        if value is not None:
            pairs.add((value, _unit(match.group("unit"))))
    return pairs


@dataclass(frozen=True)
class Family:
    """One kind of core fact: which sentences state it and which units carry it."""

    name: str
    context: re.Pattern[str]
    units: frozenset[str]
    # (law, article, figures) that must be in the statute text for the family to make sense.
    anchors: tuple[tuple[str, int, frozenset[Pair]], ...]
    # Extra filter on the number's surroundings (None: any number of the units counts).
    near: re.Pattern[str] | None = None


FAMILIES = (
    Family(
        "overtime rates",
        re.compile(r"加班|延长工作时间|休息日|节假日|法定假|法定休假"),
        frozenset({"%"}),
        (("劳动法", 44, frozenset({(150.0, "%"), (200.0, "%"), (300.0, "%")})),),
    ),
    Family(
        "notice periods",
        re.compile(r"提前.{0,6}通知|书面通知|预告|提前\d+|提前[三十]"),
        frozenset({"日"}),
        (("劳动合同法", 37, frozenset({(30.0, "日"), (3.0, "日")})),),
        near=re.compile(r"提前|通知"),
    ),
    Family(
        "probation limits",
        re.compile(
            r"试用期.{0,30}(?:不得超过|不超过|最长|最多|上限)|(?:不得超过|最长|最多).{0,10}试用期"
        ),
        frozenset({"月"}),
        (("劳动合同法", 19, frozenset({(1.0, "月"), (2.0, "月"), (6.0, "月")})),),
    ),
    Family(
        "economic compensation",
        re.compile(r"经济补偿|补偿金|赔偿金|2N|N\+1"),
        frozenset({"月", "倍", "年"}),
        (
            (
                "劳动合同法",
                47,
                frozenset({(1.0, "月"), (0.5, "月"), (6.0, "月"), (3.0, "倍"), (12.0, "年")}),
            ),
        ),
        near=re.compile(r"工资|补偿|倍|年限|满|不满|最高|最多|按"),
    ),
    Family(
        "annual leave",
        re.compile(r"年休假|年假"),
        frozenset({"日"}),
        (("职工带薪年休假条例", 3, frozenset({(5.0, "日"), (10.0, "日"), (15.0, "日")})),),
    ),
    Family(
        "maternity leave",
        re.compile(r"产假|流产"),
        frozenset({"日"}),
        (("女职工劳动保护特别规定", 7, frozenset({(98.0, "日"), (15.0, "日"), (42.0, "日")})),),
    ),
    Family(
        "arbitration limitation",
        re.compile(r"仲裁.{0,12}(?:时效|期限|之内|以内|内提出|内申请)|时效.{0,12}仲裁"),
        frozenset({"年"}),
        (("劳动争议调解仲裁法", 27, frozenset({(1.0, "年")})),),
    ),
    Family(
        "work-injury deadlines",
        re.compile(r"工伤认定.{0,20}(?:申请|提出)|(?:申请|提出).{0,20}工伤认定"),
        frozenset({"日", "年"}),
        (("工伤保险条例", 17, frozenset({(30.0, "日"), (1.0, "年")})),),
        near=re.compile(r"内|之内|以内|起"),
    ),
)


def _cited_pairs(entry: AnswerEntry, library: StatuteLibrary) -> set[Pair]:
    pairs: set[Pair] = set()
    for citation in entry.citations:
        article = library.article(citation.law, citation.article)
        assert article is not None, (entry.id, citation)
        pairs |= number_pairs(article.text)
    return pairs


def stated_numbers(text: str, family: Family) -> list[tuple[Pair, str]]:
    """(number, sentence) for each number of the family's units in a sentence about it."""
    found: list[tuple[Pair, str]] = []
    for sentence in _SENTENCE.findall(unicodedata.normalize("NFKC", text)):
        if not family.context.search(sentence) or _EXAMPLE.search(sentence):
            continue
        for match in _NUMBER_UNIT.finditer(sentence):
            unit = _unit(match.group("unit"))
            value = _value(match.group("value"))
            if value is None or unit not in family.units:
                continue
            if family.near is not None:
                window = sentence[max(0, match.start() - 8) : match.end() + 8]
                if not family.near.search(window):
                    continue
            if unit == "倍" and sentence[match.end() : match.end() + 2] == "工资":
                # "二倍工资" names the no-written-contract claim; it states no rate here.
                continue
            found.append(((value, unit), sentence.strip()))
    return found


def agrees(pair: Pair, cited: set[Pair]) -> bool:
    """The figure is in the cited text, or is a cited multiple of a cited amount (2N)."""
    if pair in cited:
        return True
    value, unit = pair
    multipliers = {v for v, u in cited if u == "倍"}
    return any((value / k, unit) in cited for k in multipliers if k)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_stated_numbers_agree_with_cited_articles(
    family: Family, book: AnswerBook, library: StatuteLibrary
) -> None:
    contradictions = []
    for entry in book.entries:
        cited = _cited_pairs(entry, library)
        for text in (entry.short, entry.details):
            for pair, sentence in stated_numbers(text, family):
                if not agrees(pair, cited):
                    contradictions.append((entry.id, pair, sentence))
    assert contradictions == []


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_statutory_figures_are_in_the_statutes(family: Family, library: StatuteLibrary) -> None:
    for law, number, figures in family.anchors:
        article = library.article(law, number)
        assert article is not None
        assert figures <= number_pairs(article.text), (law, number)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_each_family_is_actually_checked(family: Family, book: AnswerBook) -> None:
    # Guards the guard: if no sentence matched, the patterns above would test nothing.
    checked = [
        pair
        for entry in book.entries
        for text in (entry.short, entry.details)
        for pair, _ in stated_numbers(text, family)
    ]
    assert checked


def test_number_pairs_reads_statute_style_numbers() -> None:
    assert number_pairs("支付不低于工资的百分之一百五十的工资报酬") == {(150.0, "%")}
    assert number_pairs("提前三十日以书面形式通知") == {(30.0, "日")}
    assert number_pairs("不满六个月的，向劳动者支付半个月工资") == {(6.0, "月"), (0.5, "月")}
    assert number_pairs("女职工生育享受98天产假") == {(98.0, "日")}
    assert number_pairs("按照不低于１５０％支付") == {(150.0, "%")}


def test_a_cited_multiple_of_a_cited_amount_agrees() -> None:
    cited = number_pairs("经济补偿标准的二倍") | number_pairs("每满一年支付一个月工资")
    assert agrees((2.0, "月"), cited)
    assert not agrees((3.0, "月"), cited)


def test_a_contradiction_is_caught(library: StatuteLibrary) -> None:
    family = next(f for f in FAMILIES if f.name == "maternity leave")
    wrong = "女职工生育可以休128天产假。"
    stated = stated_numbers(wrong, family)
    article = library.article("女职工劳动保护特别规定", 7)
    assert article is not None
    assert [pair for pair, _ in stated] == [(128.0, "日")]
    assert (128.0, "日") not in number_pairs(article.text)
