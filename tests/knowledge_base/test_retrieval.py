"""Retrieval on messy worker questions (colloquial, typos, Traditional, run-on, repeated),
normalisation and synonyms, and honesty when nothing fits. Retrieval only (no NLU), so the
table tests this package alone. Every question here was written for this test."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge_base.retrieval import (
    _BIGRAM,
    _EXPANSION,
    _KNOWN_WORD,
    _WORD,
    DEFAULT_USER_DICT,
    KbTokenizer,
    Retriever,
    _article_text,
    _QuestionParts,
    _top,
)
from knowledge_base.service import AnswerResult, KnowledgeBase
from knowledge_base.synonyms import _joined, default_lexicon, normalize
from knowledge_base.text import (
    _REPEAT,
    _keep_one,
    _repeats_back_to_back,
    collapse_repeats,
    strip_noise,
)
from knowledge_base.topics import TOPICS

# (question, acceptable topics, expected entry id or None when several entries would do)
TABLE: list[tuple[str, set[str], str | None]] = [
    ("我在使用期被老板炒鱿鱼了有没有补偿", {"probation"}, "probation.dismissal"),
    ("使用期工资可以只给一半吗", {"probation"}, "probation.pay"),
    ("試用期最長可以定多久", {"probation"}, "probation.length_limits"),
    ("老闆說試用期不買社保合法嗎", {"probation", "social_insurance"}, None),
    (
        "厂里叫我周末来加班又不给加班费 周末加班到底怎么算钱的 周末加班到底怎么算钱的",
        {"overtime"},
        None,
    ),
    ("国庆节上班工资怎么算三倍吗", {"holidays_rest", "overtime"}, None),
    (
        "两班倒 白班夜班都是12个钟 厂里说这样不算加班",  # a shift pattern, not proving overtime
        {"overtime"},
        "overtime.shift_patterns",
    ),
    ("我想辞工 要提前多久跟厂里说 我想辞工 要提前多久跟厂里说", {"resignation"}, None),
    ("急辞工厂里扣我一个月工资合法吗", {"resignation", "wages_arrears"}, None),
    ("自离了工资还能拿到吗", {"resignation", "wages_arrears"}, None),
    ("老板拖了我三个月工资一直不发怎么办啊啊啊", {"wages_arrears"}, None),
    (
        "上班时间去厕所被扣钱",  # a deduction, not the injuries that do not count
        {"wages_arrears"},
        "wages_arrears.deductions_and_fines",
    ),
    ("包工头跑路了工地的工钱找谁要", {"wages_arrears"}, "wages_arrears.contractor_ran_away"),
    (
        "进厂要交500押金还扣了我身份证",
        {"child_or_forced_labor", "labor_contract", "resignation", "wages_arrears"},
        None,
    ),
    ("在厂里干活手被机器压伤了算工伤吗", {"work_injury"}, None),
    (
        "工伤认定下来了 厂里不给停工留薪期工资",  # the named period, not the uninsured case
        {"work_injury"},
        "work_injury.paid_leave_period",
    ),
    (
        "被车间主任打了一巴掌 我该怎么办",  # a beating, not sexual harassment
        {"discrimination_harassment"},
        "discrimination_harassment.abuse_and_physical_punishment",
    ),
    ("上班路上被电动车撞了算不算工商", {"work_injury"}, "work_injury.commuting_accident"),
    ("工伤认定要多久之内去申请", {"work_injury"}, None),
    ("干了十年粉尘车间现在老咳嗽怀疑尘肺怎么办", {"occupational_disease"}, None),
    ("怀孕了厂里要辞退我", {"dismissal", "female_protection"}, None),
    ("产假有几天", {"female_protection"}, "female_protection.maternity_leave"),
    (
        "我是孕妇 公司要把我调去仓库搬货",  # heavy work in pregnancy, not the general duties
        {"female_protection"},
        "female_protection.pregnant_overtime_night",
    ),
    ("干满一年有年假吗 年假几天", {"annual_leave"}, None),
    ("五险一金公司不给交", {"social_insurance"}, None),
    (
        "厂里不给交养老保险怎么办",  # the employer not paying in, not paying in alone
        {"social_insurance"},
        "social_insurance.employer_not_paying",
    ),
    ("公司没给我买医保", {"social_insurance", "economic_compensation"}, None),
    ("离职了公积金能取出来吗", {"housing_fund"}, None),
    ("我是派遣工跟正式工干一样的活工资少一半", {"labor_dispatch"}, None),
    ("学校安排我们去厂里实习每天上十二个小时", {"student_intern"}, None),
    ("我表弟才15岁能进厂打工吗", {"child_or_forced_labor"}, None),
    ("厂里的线长经常对女工动手动脚", {"discrimination_harassment", "female_protection"}, None),
    ("公司不跟我签劳动合同已经半年了", {"labor_contract"}, None),
    ("单位无缘无故把我开除了能要赔偿吗", {"dismissal", "economic_compensation"}, None),
    ("干了3年被裁员能拿几个月工资", {"economic_compensation", "dismissal"}, None),
    ("劳动仲裁要钱吗 多久之内要去申请", {"arbitration_procedure"}, None),
    ("厂里给的工资比最低工资还低", {"minimum_wage"}, None),
]


@pytest.mark.parametrize(("question", "topics", "entry_id"), TABLE, ids=[t[0][:12] for t in TABLE])
def test_messy_questions_find_the_topic(
    kb: KnowledgeBase, question: str, topics: set[str], entry_id: str | None
) -> None:
    result = kb.answer(question)
    assert result.topic in topics
    assert result.entry is not None
    assert result.entry.topic in topics
    if entry_id is not None:
        assert result.answer_id == entry_id
    assert result.citations
    assert len(result.articles) == len(result.citations)


def test_the_table_covers_most_topics() -> None:
    covered = set().union(*(topics for _, topics, _ in TABLE))
    assert sorted(set(TOPICS) - covered) == ["other"]


OFF_TOPIC = [
    "今天天气怎么样",
    "红烧肉怎么做才好吃",
    "明天会下雨吗",
    "附近有什么好吃的",
    "股票怎么买",
    "世界杯谁赢了",
    "你好",
    "",
    "？？？",
]


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_no_good_match_is_said_honestly(kb: KnowledgeBase, question: str) -> None:
    result = kb.answer(question)
    assert result.entry is None
    assert result.low_confidence
    assert result.confidence < kb.weights.low_confidence
    assert len(result.topics) == 3


def test_result_shape(kb: KnowledgeBase) -> None:
    result = kb.answer("加班费怎么算")
    data = result.to_json()
    assert list(data) == [
        "topic",
        "topics",
        "intent",
        "confidence",
        "answer_id",
        "answer",
        "citations",
    ]
    assert data["topic"] == "overtime"
    assert data["intent"] == "ask_overtime"
    assert 0.0 <= data["confidence"] <= 1.0
    assert len(data["topics"]) == 3
    assert all(set(c) == {"law", "article"} for c in data["citations"])
    assert {"law": "劳动法", "article": 44} in data["citations"]


def test_article_request_in_a_question(kb: KnowledgeBase) -> None:
    result: AnswerResult = kb.answer("劳动合同法第47条")
    assert result.article_request is not None
    assert result.entry is None
    assert [c.to_json() for c in result.citations] == [{"law": "劳动合同法", "article": 47}]
    assert result.articles[0].label == "《劳动合同法》第四十七条"
    assert result.confidence == 1.0


def test_article_text_accepts_aliases(kb: KnowledgeBase) -> None:
    article = kb.article_text("社保法", 58)
    assert article is not None
    assert article.law == "社会保险法"
    assert kb.article_text("劳动合同法", 99) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("試用期最長多久", "试用期最长多久"),
        ("１５０％加班費", "150%加班费"),
        ("我在使用期被辞退", "我在试用期被辞退"),
        ("合同使用期限三年", "合同使用期限三年"),
        ("这算不算工商事故", "这算不算工伤事故"),
        ("去工商局登记", "去工商局登记"),
        ("怎么办怎么办怎么办", "怎么办"),
        ("不给工资,怎么办?不给工资,怎么办?", "不给工资,怎么办?"),
        ("加班300300元", "加班300300元"),
        ("看这里 https://example.com/x 😭[图片]", "看这里"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_collapse_repeats_and_noise() -> None:
    assert collapse_repeats("老板不发工资老板不发工资啊") == "老板不发工资啊"
    assert strip_noise("  @小王  你好  ") == "你好"


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("被炒鱿鱼了", {"辞退", "解除劳动合同"}),
        ("自离", {"辞职", "离职", "自动离职"}),
        ("急辞工", {"辞职", "离职"}),
        ("五险一金", {"社会保险", "社保", "住房公积金", "公积金"}),
        ("包工头跑了", {"包工头", "农民工工资", "拖欠工资"}),
        ("交了押金", {"押金", "扣押证件"}),
        ("双倍工资", {"二倍工资", "书面劳动合同"}),
        ("进了黑厂", {"强迫劳动", "限制人身自由"}),
    ],
)
def test_synonyms_expand(text: str, terms: set[str]) -> None:
    assert terms <= set(default_lexicon().expansions(normalize(text)))


def test_slang_is_kept_as_one_word() -> None:
    tokenizer = KbTokenizer()
    assert "炒鱿鱼" in tokenizer.words(normalize("老板把我炒鱿鱼了"))
    assert "急辞工" in tokenizer.words(normalize("我想急辞工"))


def test_token_cache_round_trip(kb: KnowledgeBase, tmp_path: Path) -> None:
    first = Retriever.build(kb.book, kb.library, user_dict=DEFAULT_USER_DICT, cache_dir=tmp_path)
    cached = list(tmp_path.glob("kb_tokens_*.json"))
    assert len(cached) == 1
    second = Retriever.build(kb.book, kb.library, user_dict=DEFAULT_USER_DICT, cache_dir=tmp_path)
    question = "周末加班工资怎么算"
    assert first.search(question) == second.search(question)


def test_statute_index_grounds_a_question_without_an_entry(kb: KnowledgeBase) -> None:
    found = kb.retriever.search("用人单位自用工之日起即与劳动者建立劳动关系")
    assert found.articles[0].law == "劳动合同法"
    assert found.articles[0].number == 7


@given(st.text(alphabet="工资不发老板,啊 ab12", max_size=40))
def test_repeat_precheck_never_skips_a_repeat(text: str) -> None:
    # The cheap check only decides whether the quadratic regular expression needs to run.
    if not _repeats_back_to_back(text):
        assert _REPEAT.sub(_keep_one, text) == text


@given(st.text(alphabet="炒鱿鱼自离急辞工五险一金押金包工头跑了双倍 ", max_size=30))
def test_indexed_expansions_match_every_group_in_order(text: str) -> None:
    lexicon = default_lexicon()
    expected: list[str] = []
    for group in lexicon.groups:
        if group.matches(text):
            expected += [term for term in group.terms if term not in expected]
    assert lexicon.expansions(text) == expected


SCORED_QUESTIONS = [
    "周末加班工资怎么算",
    "老板拖欠三个月工资 我能不能马上辞职还要补偿",
    "在厂里干活手被机器压伤了算工伤吗 老板没买工伤保险",
    "用人单位自用工之日起即与劳动者建立劳动关系",
]


@pytest.mark.parametrize("question", SCORED_QUESTIONS)
def test_vectorised_article_scores_equal_bm25s(kb: KnowledgeBase, question: str) -> None:
    retriever = kb.retriever
    found = retriever.search(question, k_entries=40, k_articles=10)
    block = retriever.article_block
    known = [t for t in found.tokens if t in block.bm25.vocab_dict]
    expected = block.bm25.get_scores(known)
    order = np.argsort(-expected, kind="stable")[:10]
    got = [(hit.law, hit.number) for hit in found.articles]
    assert got == [(retriever.articles[i].law, retriever.articles[i].number) for i in order]
    assert [hit.score for hit in found.articles] == pytest.approx(
        [float(expected[i]) for i in order], rel=1e-5
    )


@pytest.mark.parametrize("question", SCORED_QUESTIONS)
def test_entry_hits_are_ranked_with_coverage_in_range(kb: KnowledgeBase, question: str) -> None:
    found = kb.retriever.search(question, k_entries=40)
    scores = [hit.score for hit in found.entries]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= hit.coverage <= 1.0 for hit in found.entries)
    assert all(hit.topic == kb.book.by_id[hit.entry_id].topic for hit in found.entries)


@pytest.mark.parametrize("question", SCORED_QUESTIONS)
def test_one_posting_matrix_gives_every_block_its_bm25s_scores(
    kb: KnowledgeBase, question: str
) -> None:
    # Weights and coverage share one posting matrix (one gather per question): each block's
    # part of it must still be that block's own BM25 scores.
    retriever = kb.retriever
    tokens = retriever.tokenizer.tokens(question)
    words = [t for t in tokens if t[0] not in "#="]
    expansions = [t for t in tokens if t[0] == "="]
    bigram_ids = retriever._bigram_ids(normalize(question, retriever.tokenizer.lexicon))
    parts = _QuestionParts(words, bigram_ids, expansions)
    sums = retriever._postings.sums(retriever._question_terms(parts).keys)
    for block in (retriever.phrasings, retriever.content, retriever.article_block):
        known = [t for t in tokens if t in block.bm25.vocab_dict]
        expected = block.bm25.get_scores(known)
        got = sums[block.offset : block.offset + block.size]
        assert got == pytest.approx(expected, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("question", SCORED_QUESTIONS)
def test_article_coverage_is_the_idf_share_of_the_concepts_each_article_has(
    kb: KnowledgeBase, question: str
) -> None:
    retriever = kb.retriever
    found = retriever.search(question)
    concepts = {t for t in found.tokens if not t.startswith("#")}
    idf, vocab = retriever.article_block.idf, retriever._vocab
    unseen = [t for t in concepts if t not in vocab]
    total = sum(idf[vocab[t]] for t in concepts if t in vocab)
    total += len(unseen) * retriever.article_block.unseen_idf
    by_key = {(a.law, a.number): a for a in retriever.articles}
    for hit in found.articles:
        article = by_key[(hit.law, hit.number)]
        words = set(retriever.tokenizer.tokens(_article_text(article), document=True))
        covered = sum(idf[vocab[t]] for t in concepts & words)
        assert hit.coverage == pytest.approx(min(covered / total, 1.0), rel=1e-9)


def test_term_kinds_follow_the_tokens(kb: KnowledgeBase) -> None:
    retriever = kb.retriever
    known = retriever.phrasings.present | retriever.article_block.present
    for token, term in retriever._vocab.items():
        kind = retriever._term_kinds[term]
        if token.startswith("#"):
            assert kind == _BIGRAM
        elif token.startswith("="):
            assert kind == _EXPANSION
        else:
            assert kind == (_KNOWN_WORD if known[term] else _WORD)


def _naive_top(scores: list[float], k: int) -> list[int]:
    floor = 1e-300 if k < len(scores) else 5e-324
    ranked = sorted((i for i, s in enumerate(scores) if s >= floor), key=lambda i: -scores[i])
    return ranked[: max(k, 0)]


@given(
    st.lists(st.sampled_from([0.0, 0.0, 0.5, 1.0, 1.0, 2.5, 3.0, 1e-320]), max_size=700),
    st.integers(min_value=-1, max_value=720),
)
def test_top_is_the_stable_ranking_of_positive_scores(scores: list[float], k: int) -> None:
    # Many ties and zeros, and lengths on both sides of the partition threshold.
    assert _top(np.asarray(scores), k).tolist() == _naive_top(scores, k)


@given(st.text(alphabet="使用期限适间工商保险算上了加开出我辞社宝产价格 ab", max_size=30))
def test_typo_rules_joined_in_one_pattern_fix_what_each_rule_fixes(text: str) -> None:
    # The joined pattern only decides whether the rules need to run at all.
    lexicon = default_lexicon()
    expected = text
    for rule in lexicon.typos:
        expected = rule.pattern.sub(rule.replace, expected)
    assert lexicon.fix_typos(text) == expected


def test_typo_rules_with_groups_are_not_joined() -> None:
    plain = [re.compile("社宝"), re.compile("使用期(?!限)")]
    joined = _joined(plain)
    assert joined is not None
    assert joined.search("我的使用期") and not joined.search("使用期限")
    assert _joined([*plain, re.compile(r"(工)\1")]) is None
    assert _joined([]) is None


@pytest.mark.parametrize(
    "question", [*SCORED_QUESTIONS, "", "abc 12", "的", "😀工资👍", "工資係咪冇晒"]
)
def test_bigram_ids_are_the_vocabulary_ids_of_the_bigram_tokens(
    kb: KnowledgeBase, question: str
) -> None:
    # Found with numpy in search(); looked up one string at a time in rank(): the same ids.
    retriever = kb.retriever
    clean = normalize(question, retriever.tokenizer.lexicon)
    tokens = retriever.tokenizer.tokens_of_normalized(clean)
    expected = [retriever._vocab[t] for t in tokens if t[0] == "#" and t in retriever._vocab]
    assert retriever._bigram_ids(clean).tolist() == expected
    searched = retriever.search(question, k_entries=40)
    ranked = retriever.rank(clean, tokens, k_entries=40)
    assert (searched.entries, searched.articles) == (ranked.entries, ranked.articles)
    assert searched.tokens == tuple(tokens)


@given(st.text(alphabet="工资不发老板,啊 ab12", max_size=60))
def test_repeat_precheck_agrees_with_the_regular_expression(text: str) -> None:
    # Both ways: a repeat the check misses would be kept, one it invents costs only time.
    assert _repeats_back_to_back(text) == (_REPEAT.search(text) is not None)
