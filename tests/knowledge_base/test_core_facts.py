"""Core facts: a number an answer states must be one its cited articles contain.

For each fact family (overtime rates, notice periods, probation limits, economic
compensation, annual leave, maternity leave, arbitration limitation and duration, work-injury
deadlines, labour-inspection periods, the dispatch cap, double wages, older workers'
protection, unemployment benefits) the test finds the answer sentences that state that kind of
number (in the short answer, the details and the next steps) and checks every such number
against the text of the articles the entry cites. Numbers are compared as (value, unit) pairs
after turning Chinese numerals into digits (三十日 → 30 日, 百分之一百五十 → 150 %). A figure the
statute gives as a span ("满一个月的次日至满一年的前一日" = at most 11 months of double wages)
agrees when a cited article contains that span. The deadline notes in knowledge_base/deadlines.yml
are checked the same way against their own citations. A second set of checks pins the
statutory figures themselves to the statute texts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pytest

from knowledge_base.answers import AnswerBook, AnswerEntry, Citation
from knowledge_base.deadlines import DeadlineRules, load_rules
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
        (
            ("工伤保险条例", 17, frozenset({(30.0, "日"), (1.0, "年")})),
            ("工伤认定办法", 5, frozenset({(1.0, "年")})),
            ("工伤认定办法", 18, frozenset({(60.0, "日")})),
        ),
        near=re.compile(r"内|之内|以内|起"),
    ),
    Family(
        "arbitration duration",
        re.compile(r"仲裁"),
        frozenset({"日"}),
        (("劳动争议调解仲裁法", 43, frozenset({(45.0, "日"), (15.0, "日")})),),
        near=re.compile(r"内|延长|延期"),
    ),
    Family(
        "labour inspection periods",
        re.compile(r"监察|查处|立案"),
        frozenset({"日", "年"}),
        (
            ("劳动保障监察条例", 17, frozenset({(60.0, "日"), (30.0, "日")})),
            ("劳动保障监察条例", 20, frozenset({(2.0, "年")})),
        ),
        near=re.compile(r"内|延长"),
    ),
    Family(
        "dispatch cap",
        re.compile(r"派遣"),
        frozenset({"%"}),
        (("劳务派遣暂行规定", 4, frozenset({(10.0, "%")})),),
    ),
    Family(
        "double wages",
        re.compile(r"二倍|两倍|双倍"),
        frozenset({"月"}),
        (("劳动合同法", 82, frozenset({(1.0, "月")})),),
        near=re.compile(r"最多|不超过|最长|至多|封顶|满|超过"),
    ),
    Family(
        "older workers' protection",
        re.compile(r"退休"),
        frozenset({"年"}),
        (("劳动合同法", 42, frozenset({(15.0, "年"), (5.0, "年")})),),
        near=re.compile(r"满|不足|不到|连续"),
    ),
    Family(
        "unemployment benefits",
        re.compile(r"失业"),
        frozenset({"月", "年"}),
        (
            (
                "失业保险条例",
                17,
                frozenset(
                    {
                        (12.0, "月"),
                        (18.0, "月"),
                        (24.0, "月"),
                        (1.0, "年"),
                        (5.0, "年"),
                        (10.0, "年"),
                    }
                ),
            ),
            ("社会保险法", 46, frozenset({(12.0, "月"), (18.0, "月"), (24.0, "月")})),
        ),
        near=re.compile(r"领|最长|满|不足|缴费|以上"),
    ),
)


def _entry_texts(entry: AnswerEntry) -> tuple[str, ...]:
    return (entry.short, entry.details, *entry.next_steps)


def _cited_text(citations: list[Citation], library: StatuteLibrary) -> str:
    texts = []
    for citation in citations:
        article = library.article(citation.law, citation.article)
        assert article is not None, citation
        texts.append(article.text)
    return "\n".join(texts)


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


# Figures a statute states as a span, and the words a cited article must contain for them.
DERIVED_SPANS: tuple[tuple[Pair, str], ...] = (
    # Double wages run from the day after the first month to the day before the first year.
    ((11.0, "月"), "满一个月的次日至满一年的前一日"),
)


def agrees_in(pair: Pair, cited_text: str) -> bool:
    """``agrees`` against a cited text, or a span derived from words in it."""
    if agrees(pair, number_pairs(cited_text)):
        return True
    return any(pair == figure and words in cited_text for figure, words in DERIVED_SPANS)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_stated_numbers_agree_with_cited_articles(
    family: Family, book: AnswerBook, library: StatuteLibrary
) -> None:
    contradictions = []
    for entry in book.entries:
        cited_text = _cited_text(entry.citations, library)
        for text in _entry_texts(entry):
            for pair, sentence in stated_numbers(text, family):
                if not agrees_in(pair, cited_text):
                    contradictions.append((entry.id, pair, sentence))
    assert contradictions == []


def _deadline_texts(rules: DeadlineRules) -> list[tuple[str, list[Citation], str]]:
    return [
        (kind, rule.citations, text)
        for kind, rule in rules.kinds.items()
        for text in (rule.reminder, *rule.notes.values())
    ]


def test_deadline_notes_state_only_figures_of_their_citations(library: StatuteLibrary) -> None:
    contradictions = []
    for kind, citations, text in _deadline_texts(load_rules()):
        cited = number_pairs(_cited_text(citations, library))
        for pair in number_pairs(text):
            if pair[1] in {"日", "月", "年", "%"} and pair not in cited:
                contradictions.append((kind, pair))
    assert contradictions == []


def test_deadline_rules_agree_with_the_statutes(library: StatuteLibrary) -> None:
    rules = load_rules()
    arbitration = library.article("劳动争议调解仲裁法", 27)
    injury = library.article("工伤保险条例", 17)
    inspection = library.article("劳动保障监察条例", 20)
    assert arbitration is not None and injury is not None and inspection is not None
    assert rules.kinds["arbitration"].period.years == 1
    assert "时效期间为一年" in arbitration.paragraphs[0]
    # Wage arrears while employed: no limit; once employment ends, one year from that day.
    assert rules.kinds["wage_arrears"].period.years == 1
    assert "劳动关系存续期间因拖欠劳动报酬" in arbitration.paragraphs[3]
    assert "自劳动关系终止之日起一年内" in arbitration.paragraphs[3]
    # Interruption (second paragraph) and suspension (third) are what can still be done.
    assert "中断" in arbitration.paragraphs[1] and "中止" in arbitration.paragraphs[2]
    injury_rule = rules.kinds["injury_recognition"]
    assert injury_rule.employer_period is not None
    assert (injury_rule.employer_period.days, injury_rule.period.years) == (30, 1)
    assert {(30.0, "日"), (1.0, "年")} <= number_pairs(injury.text)
    assert rules.kinds["inspection"].period.years == 2
    assert (2.0, "年") in number_pairs(inspection.text)


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
        for text in _entry_texts(entry)
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


def test_a_derived_span_agrees_only_with_its_words(library: StatuteLibrary) -> None:
    rule = library.article("劳动合同法实施条例", 7)
    assert rule is not None
    assert agrees_in((11.0, "月"), rule.text)
    assert not agrees_in((11.0, "月"), "每月支付二倍的工资")
    assert not agrees_in((12.0, "月"), rule.text)


# ---- rules that are not numbers: which article an answer must rest on ----------------------

_SENTENCES = re.compile(r"[^。！？\n]+")
_LEAVE_AT_ONCE = re.compile(
    r"不用提前三十日|不用等三十日|不需要提前三十日|不受第三十七条|立即解除|可以立即走|不需事先告知|不需要事先告诉"
)
_UNINSURED = re.compile(r"(?:没|未)(?:参加|交|缴纳|买)(?:工伤保险|保险)|没参保")
_EMPLOYER_PAYS = re.compile(r"由(?:用人)?单位[^。]{0,24}(?:支付|负担|承担)")


def _cites(entry: AnswerEntry, *refs: tuple[str, int]) -> bool:
    return any(citation.key in refs for citation in entry.citations)


def test_leaving_at_once_rests_on_article_38(book: AnswerBook) -> None:
    # Quitting without the 30 days' notice is lawful only when the employer is at fault.
    missing = [
        entry.id
        for entry in book.entries
        if any(_LEAVE_AT_ONCE.search(text) for text in _entry_texts(entry))
        and not _cites(entry, ("劳动合同法", 38), ("劳动法", 32))
    ]
    assert missing == []


def test_uninsured_employer_pays_rests_on_article_62(book: AnswerBook) -> None:
    missing = []
    for entry in book.entries:
        for text in _entry_texts(entry):
            for sentence in _SENTENCES.findall(text):
                if _UNINSURED.search(sentence) and _EMPLOYER_PAYS.search(sentence):
                    refs = (("工伤保险条例", 62), ("社会保险法", 41), ("职业病防治法", 59))
                    if not _cites(entry, *refs):
                        missing.append((entry.id, sentence))
    assert missing == []


def test_article_62_says_the_employer_pays_everything(library: StatuteLibrary) -> None:
    article = library.article("工伤保险条例", 62)
    assert article is not None
    assert "由该用人单位按照本条例规定的工伤保险待遇项目和标准支付费用" in article.paragraphs[1]


def test_resignation_overview_gives_all_three_cases_and_asks(book: AnswerBook) -> None:
    # "I want to quit" must not get the probation rule alone: some resignation answer states
    # 3 days (probation), 30 days (after it) and leaving at once (article 38), then asks which.
    overviews = [
        entry
        for entry in book.topic_entries("resignation")
        if {(3.0, "日"), (30.0, "日")} <= number_pairs(entry.short)
        and _cites(entry, ("劳动合同法", 37))
        and _cites(entry, ("劳动合同法", 38))
        and entry.short.rstrip().endswith(("？", "?"))
    ]
    assert overviews


def test_situations_rest_on_cost_time_and_deadline_articles(book: AnswerBook) -> None:
    # Every "what to do now" answer says arbitration is free (第五十三条) or names another cost,
    # and states a time and a deadline; the figures are checked by the families above.
    situations = [entry for entry in book.entries if entry.kind == "situation"]
    assert len(situations) >= 25
    for entry in situations:
        steps = "\n".join(entry.next_steps)
        assert re.search(r"不收费|费用|不需要|不用", steps), entry.id
        assert re.search(r"\d+(?:个工作)?日内|[一二三四五六七八九十]+日内", steps), entry.id
        assert re.search(r"期限|时效", steps), entry.id
        assert re.search(r"12333|12348|监察|仲裁|110", steps), entry.id
