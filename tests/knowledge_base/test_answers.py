"""Curated answers: the shipped files validate, cite real articles and cover every topic;
broken files are refused with errors that name the file, the entry and the field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from knowledge_base.answers import AnswerBook, AnswerBookError, load_answer_book
from knowledge_base.service import KnowledgeBase
from knowledge_base.statutes import StatuteLibrary
from knowledge_base.topics import TOPICS


def test_shipped_answers_have_enough_entries(book: AnswerBook) -> None:
    assert len(book.entries) >= 150


def test_every_topic_has_entries(book: AnswerBook) -> None:
    missing = [topic for topic in TOPICS if not book.topic_entries(topic)]
    assert missing == []


def test_one_file_per_topic(book: AnswerBook) -> None:
    assert sorted(path.stem for path in book.files) == sorted(TOPICS)


def test_every_citation_resolves_to_current_text(book: AnswerBook, library: StatuteLibrary) -> None:
    unresolved = []
    for entry in book.entries:
        for citation in entry.citations:
            law = library.law(citation.law)
            article = library.article(citation.law, citation.article)
            if law is None or law.superseded or article is None or law.name != citation.law:
                unresolved.append((entry.id, citation.law, citation.article))
    assert unresolved == []


def test_entries_follow_the_contract(book: AnswerBook) -> None:
    for entry in book.entries:
        assert entry.id.startswith(f"{entry.topic}.")
        assert len(entry.questions) >= 5, entry.id
        assert entry.citations, entry.id
        assert entry.next_steps, entry.id
    assert len({entry.id for entry in book.entries}) == len(book.entries)


GOOD_ENTRY = """\
topic: overtime
entries:
  - id: overtime.weekend_rate
    title: 周末加班工资怎么算
    questions:
      [周末加班给多少钱, 星期天上班算加班吗, 休息日加班费几倍, 礼拜六干活工资咋算, 周末加班没补休]
    short: 休息日加班又不能补休的，至少付工资的200%。
    details: 见劳动法第四十四条。
    citations:
      - {law: 劳动法, article: 44}
    next_steps: [保存考勤记录。]
    keywords: [周末, 996, 12333]
    reviewed_on: 2026-11-22
"""


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _problems(directory: Path, library: StatuteLibrary) -> list[str]:
    with pytest.raises(AnswerBookError) as caught:
        load_answer_book(directory, library)
    return caught.value.problems


def test_a_valid_file_loads(tmp_path: Path, library: StatuteLibrary) -> None:
    _write(tmp_path, "overtime.yml", GOOD_ENTRY)
    book = load_answer_book(tmp_path, library)
    assert [entry.id for entry in book.entries] == ["overtime.weekend_rate"]
    entry = book.by_id["overtime.weekend_rate"]
    # Bare numbers in text fields are read as the text the operator typed.
    assert entry.keywords == ["周末", "996", "12333"]
    assert entry.citations[0].key == ("劳动法", 44)


def test_alias_in_citation_is_stored_as_canonical_name(
    tmp_path: Path, library: StatuteLibrary
) -> None:
    _write(
        tmp_path,
        "overtime.yml",
        GOOD_ENTRY.replace("law: 劳动法,", "law: 《中华人民共和国劳动法》,"),
    )
    book = load_answer_book(tmp_path, library)
    assert book.entries[0].citations[0].law == "劳动法"


def test_missing_field_names_file_entry_and_field(tmp_path: Path, library: StatuteLibrary) -> None:
    path = _write(
        tmp_path, "overtime.yml", GOOD_ENTRY.replace("    next_steps: [保存考勤记录。]\n", "")
    )
    problems = _problems(tmp_path, library)
    assert problems == [f"{path}: overtime.weekend_rate: next_steps: Field required"]


def test_unknown_field_is_refused(tmp_path: Path, library: StatuteLibrary) -> None:
    path = _write(tmp_path, "overtime.yml", GOOD_ENTRY.replace("    keywords:", "    keyword:"))
    problems = _problems(tmp_path, library)
    assert problems == [f"{path}: overtime.weekend_rate: keyword: Extra inputs are not permitted"]


def test_missing_article_is_a_load_error(tmp_path: Path, library: StatuteLibrary) -> None:
    path = _write(tmp_path, "overtime.yml", GOOD_ENTRY.replace("article: 44", "article: 144"))
    problems = _problems(tmp_path, library)
    assert problems == [
        f"{path}: overtime.weekend_rate: citations.0.article: "
        "劳动法 has no article 144 (it has 107)"
    ]


def test_unknown_law_is_a_load_error(tmp_path: Path, library: StatuteLibrary) -> None:
    path = _write(tmp_path, "overtime.yml", GOOD_ENTRY.replace("law: 劳动法,", "law: 公司法,"))
    problems = _problems(tmp_path, library)
    assert problems == [f"{path}: overtime.weekend_rate: citations.0.law: unknown law '公司法'"]


def test_superseded_law_cannot_be_cited(tmp_path: Path, library: StatuteLibrary) -> None:
    text = GOOD_ENTRY.replace(
        "{law: 劳动法, article: 44}", "{law: 住房公积金管理条例（2019）, article: 20}"
    )
    path = _write(tmp_path, "overtime.yml", text)
    problems = _problems(tmp_path, library)
    assert problems == [
        f"{path}: overtime.weekend_rate: citations.0.law: "
        "住房公积金管理条例（2019） is superseded; cite the current text"
    ]


def test_unnumbered_notice_is_cited_with_null(tmp_path: Path, library: StatuteLibrary) -> None:
    notice = "关于职工全年月平均工作时间和工资折算问题的通知"
    text = GOOD_ENTRY.replace("{law: 劳动法, article: 44}", f"{{law: {notice}, article: null}}")
    _write(tmp_path, "overtime.yml", text)
    book = load_answer_book(tmp_path, library)
    assert book.entries[0].citations[0].key == (notice, None)


def test_numbered_law_needs_an_article(tmp_path: Path, library: StatuteLibrary) -> None:
    path = _write(tmp_path, "overtime.yml", GOOD_ENTRY.replace("article: 44", "article: null"))
    problems = _problems(tmp_path, library)
    assert problems == [
        f"{path}: overtime.weekend_rate: citations.0.article: "
        "劳动法 has numbered articles; give one"
    ]


def test_too_few_questions(tmp_path: Path, library: StatuteLibrary) -> None:
    text = GOOD_ENTRY.replace(", 礼拜六干活工资咋算, 周末加班没补休", "")
    path = _write(tmp_path, "overtime.yml", text)
    problems = _problems(tmp_path, library)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: overtime.weekend_rate: questions: ")


def test_the_same_article_cited_twice_is_refused(tmp_path: Path, library: StatuteLibrary) -> None:
    twice = "      - {law: 劳动法, article: 44}\n      - {law: 劳动法, article: 44}\n"
    path = _write(
        tmp_path, "overtime.yml", GOOD_ENTRY.replace(twice[: twice.index("\n") + 1], twice)
    )
    problems = _problems(tmp_path, library)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: overtime.weekend_rate: citations: ")
    assert "劳动法 44 twice" in problems[0]


def test_short_answer_of_four_sentences_is_refused(tmp_path: Path, library: StatuteLibrary) -> None:
    text = GOOD_ENTRY.replace(
        "short: 休息日加班又不能补休的，至少付工资的200%。",
        "short: 第一句话在这里。第二句话在这里。第三句话在这里。第四句话在这里。",
    )
    path = _write(tmp_path, "overtime.yml", text)
    problems = _problems(tmp_path, library)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: overtime.weekend_rate: short: ")


def test_id_must_match_the_file_topic(tmp_path: Path, library: StatuteLibrary) -> None:
    path = _write(tmp_path, "overtime.yml", GOOD_ENTRY.replace("id: overtime.", "id: probation."))
    problems = _problems(tmp_path, library)
    assert problems == [f"{path}: probation.weekend_rate: id: must start with overtime."]


def test_file_name_must_match_topic(tmp_path: Path, library: StatuteLibrary) -> None:
    path = _write(tmp_path, "probation.yml", GOOD_ENTRY)
    problems = _problems(tmp_path, library)
    assert problems == [f"{path}: (file): topic: is 'overtime' but the file name says 'probation'"]


def test_duplicate_ids_across_files(tmp_path: Path, library: StatuteLibrary) -> None:
    first = _write(tmp_path, "overtime.yml", GOOD_ENTRY)
    sub = tmp_path / "zz_more"
    sub.mkdir()
    second = _write(sub, "overtime.yml", GOOD_ENTRY)
    with pytest.raises(AnswerBookError) as caught:
        load_answer_book(tmp_path, library, files=[first, second])
    assert caught.value.problems == [
        f"{second}: overtime.weekend_rate: id: already used in {first}"
    ]


def test_local_rules_must_say_where_to_check(tmp_path: Path, library: StatuteLibrary) -> None:
    text = GOOD_ENTRY.replace("    reviewed_on:", "    local_rules: true\n    reviewed_on:")
    path = _write(tmp_path, "overtime.yml", text)
    problems = _problems(tmp_path, library)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: overtime.weekend_rate: (entry): ")


def test_broken_yaml_names_the_file(tmp_path: Path, library: StatuteLibrary) -> None:
    path = _write(tmp_path, "overtime.yml", "topic: overtime\nentries: [\n")
    problems = _problems(tmp_path, library)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: not valid YAML")


def test_all_problems_are_reported_at_once(tmp_path: Path, library: StatuteLibrary) -> None:
    text = GOOD_ENTRY.replace("article: 44", "article: 144").replace("law: 劳动法,", "law: 刑法,")
    _write(tmp_path, "overtime.yml", text)
    _write(tmp_path, "probation.yml", "topic: probation\nentries: []\n")
    problems = _problems(tmp_path, library)
    assert len(problems) == 2


def test_skip_invalid_keeps_the_valid_files(tmp_path: Path, library: StatuteLibrary) -> None:
    _write(tmp_path, "overtime.yml", GOOD_ENTRY)
    _write(tmp_path, "probation.yml", "topic: probation\nentries: []\n")
    book = load_answer_book(tmp_path, library, skip_invalid=True)
    assert [entry.id for entry in book.entries] == ["overtime.weekend_rate"]
    assert len(book.problems) == 1


# ---- kinds of entries and the deadlines they carry -----------------------------------------

SIX_STEPS = "    next_steps: [现在就做。, 留证据。, 找谁。, 花多少钱。, 要多久。, 期限。]\n"


def _with(fields: str, *, steps: str | None = None) -> str:
    text = GOOD_ENTRY.replace("    reviewed_on:", f"{fields}    reviewed_on:")
    if steps is not None:
        text = text.replace("    next_steps: [保存考勤记录。]\n", steps)
    return text


def test_an_entry_is_a_fact_without_deadlines_by_default(
    tmp_path: Path, library: StatuteLibrary
) -> None:
    _write(tmp_path, "overtime.yml", GOOD_ENTRY)
    entry = load_answer_book(tmp_path, library).entries[0]
    assert (entry.kind, entry.deadlines) == ("fact", [])


def test_a_situation_with_its_steps_and_deadlines_loads(
    tmp_path: Path, library: StatuteLibrary
) -> None:
    text = _with(
        "    kind: situation\n    deadlines: [wage_arrears, arbitration]\n", steps=SIX_STEPS
    )
    _write(tmp_path, "overtime.yml", text)
    entry = load_answer_book(tmp_path, library).entries[0]
    assert (entry.kind, entry.deadlines) == ("situation", ["wage_arrears", "arbitration"])


@pytest.mark.parametrize(
    ("fields", "steps", "field"),
    [
        ("    kind: story\n", None, "kind"),
        ("    kind: situation\n    deadlines: [arbitration]\n", None, "(entry)"),
        ("    kind: situation\n", SIX_STEPS, "(entry)"),
        ("    deadlines: [statute_of_limitations]\n", None, "deadlines.0"),
        ("    deadlines: [arbitration, arbitration]\n", None, "deadlines"),
    ],
    ids=["unknown kind", "too few steps", "no deadlines", "unknown deadline", "twice"],
)
def test_bad_kind_or_deadlines_are_refused(
    tmp_path: Path, library: StatuteLibrary, fields: str, steps: str | None, field: str
) -> None:
    path = _write(tmp_path, "overtime.yml", _with(fields, steps=steps))
    problems = _problems(tmp_path, library)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: overtime.weekend_rate: {field}: ")


def test_the_shipped_book_marks_situations(book: AnswerBook) -> None:
    situations = [entry for entry in book.entries if entry.kind == "situation"]
    assert len(situations) >= 25
    assert all(entry.deadlines for entry in situations)
    # At least one situation in each of the topics workers ask most about.
    topics = {entry.topic for entry in situations}
    assert {"wages_arrears", "dismissal", "work_injury", "labor_contract"} <= topics


def test_claims_name_their_deadlines(book: AnswerBook) -> None:
    # Answers about getting money or a job back carry the limitation period that applies.
    for topic, kind in [
        ("wages_arrears", "wage_arrears"),
        ("dismissal", "arbitration"),
        ("economic_compensation", "arbitration"),
        ("work_injury", "injury_recognition"),
    ]:
        with_kind = [e for e in book.topic_entries(topic) if kind in e.deadlines]
        assert len(with_kind) >= len(book.topic_entries(topic)) // 2, topic


@pytest.mark.parametrize(
    "question",
    ["不想再干下去了 想辞职要怎么走", "打算辞工 有什么要注意的", "想离开这个厂 辞职有哪些规定"],
)
def test_a_plain_wish_to_quit_gets_all_three_cases(kb: KnowledgeBase, question: str) -> None:
    # Not the probation rule as if it applied to everyone.
    result = kb.answer(question, None)
    assert result.answer_id == "resignation.which_way_to_quit"
