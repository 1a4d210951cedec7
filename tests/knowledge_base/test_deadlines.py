"""Deadlines: dates read from questions, where they put each limitation period, and the notes
shown with an answer. Every date is fixed (TODAY), never the machine's clock."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge_base.answers import DEADLINE_KINDS, AnswerBook
from knowledge_base.deadlines import (
    DeadlineRules,
    Period,
    Status,
    answer_deadline_notes,
    assess,
    deadline_notes,
    load_rules,
    stated_events,
)
from knowledge_base.statutes import StatuteLibrary

TODAY = dt.date(2026, 12, 2)
D = dt.date


@pytest.fixture(scope="module")
def rules() -> DeadlineRules:
    """The shipped deadlines.yml."""
    return load_rules()


def _events(question: str, rules: DeadlineRules) -> list[tuple[str, dt.date, dt.date]]:
    return [
        (e.event, e.span.earliest, e.span.latest) for e in stated_events(question, TODAY, rules)
    ]


def _statuses(question: str, kinds: list[str], rules: DeadlineRules) -> dict[str, Status]:
    return {f.kind: f.status for f in assess(question, kinds, TODAY, rules)}


# ---- reading dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("前年被辞退 还能要补偿吗", [("termination", D(2024, 1, 1), D(2024, 12, 31))]),
        ("2023年5月离职的 工资一直没结", [("termination", D(2023, 5, 1), D(2023, 5, 31))]),
        ("去年3月受的伤 老板不给报", [("injury", D(2025, 3, 1), D(2025, 3, 31))]),
        ("23年5月份被开除", [("termination", D(2023, 5, 1), D(2023, 5, 31))]),
        ("2024年8月15日出的事故", [("injury", D(2024, 8, 15), D(2024, 8, 15))]),
        ("二〇二四年底裁员", [("termination", D(2024, 11, 1), D(2024, 12, 31))]),
        ("被辭退是前年的事", [("termination", D(2024, 1, 1), D(2024, 12, 31))]),
        ("上个月在车间压伤了手", [("injury", D(2026, 11, 1), D(2026, 11, 30))]),
        ("大前年12月离的职", [("termination", D(2023, 12, 1), D(2023, 12, 31))]),
    ],
)
def test_dates_and_their_events(
    rules: DeadlineRules, question: str, expected: list[tuple[str, dt.date, dt.date]]
) -> None:
    assert _events(question, rules) == expected


def test_time_since_an_event(rules: DeadlineRules) -> None:
    ((event, earliest, latest),) = _events("离职一年多了 还能告吗", rules)
    assert event == "termination"
    assert latest < D(2025, 12, 2) and earliest <= D(2024, 12, 2)
    ((event, earliest, latest),) = _events("受伤快一年了 公司一直不报", rules)
    assert event == "injury"
    assert earliest == D(2025, 12, 2) and latest < TODAY


@pytest.mark.parametrize(
    "question",
    [
        "干了23年被裁员",  # a duration, not a year
        "我在厂里干了两年了想辞职",  # time worked, not time since leaving
        "2023年5月入职 工资一直不涨",  # starting work starts no clock
        "2030年合同到期",  # the future
        "被辞退了怎么办",  # no date at all
    ],
)
def test_no_dated_event(rules: DeadlineRules, question: str) -> None:
    assert _events(question, rules) == []


def test_a_start_date_is_not_taken_for_the_dismissal(rules: DeadlineRules) -> None:
    assert _events("2023年5月入职 去年被辞退", rules) == [
        ("termination", D(2025, 1, 1), D(2025, 12, 31))
    ]


# ---- where a date puts each period ---------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kinds", "expected"),
    [
        # Arbitration: one year from the dismissal.
        ("前年被辞退 还能要补偿吗", ["arbitration"], {"arbitration": Status.PASSED}),
        ("一年前被辞退的", ["arbitration"], {"arbitration": Status.CLOSE}),
        ("去年被开除", ["arbitration"], {"arbitration": Status.CLOSE}),
        ("三个月前被开除", ["arbitration"], {"arbitration": Status.OPEN}),
        # Wage arrears: one year from leaving; unlimited while still employed.
        ("2023年5月离职 工资一直没结", ["wage_arrears"], {"wage_arrears": Status.PASSED}),
        (
            "前年的工资还没给 我现在还在厂里上班",
            ["wage_arrears"],
            {"wage_arrears": Status.STILL_EMPLOYED},
        ),
        ("前年的工资还没给", ["wage_arrears"], {"wage_arrears": Status.IF_LEFT}),
        ("上个月的工资还没给", ["wage_arrears"], {}),
        # Injury recognition: the employer's 30 days, then the worker's one year.
        ("去年3月受的伤", ["injury_recognition"], {"injury_recognition": Status.PASSED}),
        ("受伤快一年了", ["injury_recognition"], {"injury_recognition": Status.CLOSE}),
        ("半年前受的伤", ["injury_recognition"], {"injury_recognition": Status.EMPLOYER_LATE}),
        ("三天前受的伤", ["injury_recognition"], {"injury_recognition": Status.OPEN}),
        # Injuries told by what happened (摔断了腿, 切断了手指), not the word 受伤.
        ("前年在厂里摔断了腿", ["injury_recognition"], {"injury_recognition": Status.PASSED}),
        ("去年3月被机器切断了手指", ["injury_recognition"], {"injury_recognition": Status.PASSED}),
        # Labour inspection: two years.
        ("今年3月离职的 社保一直没交", ["inspection"], {"inspection": Status.OPEN}),
        ("去年离职的 社保一直没交", ["inspection"], {"inspection": Status.CLOSE}),
        ("2022年离职的 社保一直没交", ["inspection"], {"inspection": Status.PASSED}),
        # A date about something else says nothing about this period.
        ("去年3月受的伤", ["arbitration"], {}),
    ],
)
def test_statuses(
    rules: DeadlineRules, question: str, kinds: list[str], expected: dict[str, Status]
) -> None:
    assert _statuses(question, kinds, rules) == expected


def test_apply_by_is_the_last_safe_day(rules: DeadlineRules) -> None:
    (finding,) = assess("今年10月被辞退", ["arbitration"], TODAY, rules)
    # The earliest reading (1 October) plus one year, less a day.
    assert finding.apply_by == D(2027, 9, 30)


@given(st.dates(min_value=D(2005, 1, 1), max_value=TODAY))
def test_an_exact_date_has_passed_exactly_when_a_year_is_over(day: dt.date) -> None:
    rules = load_rules()
    question = f"{day.year}年{day.month}月{day.day}日被辞退"
    (finding,) = assess(question, ["arbitration"], TODAY, rules)
    assert (finding.status is Status.PASSED) == (Period(years=1).after(day) < TODAY)


def test_a_year_from_29_february() -> None:
    assert Period(years=1).after(D(2024, 2, 29)) == D(2025, 2, 28)
    assert Period(days=30).after(D(2026, 1, 15)) == D(2026, 2, 14)


# ---- the notes -----------------------------------------------------------------------------


def test_a_stated_date_gives_its_note_instead_of_the_reminder(rules: DeadlineRules) -> None:
    notes = deadline_notes("前年被辞退 还能要补偿吗", ["arbitration"], "", TODAY, rules)
    passed = rules.kinds["arbitration"].notes[Status.PASSED]
    assert notes == [passed.format(when="前年被辞退", apply_by="2025年12月31日").strip()]


def test_without_a_date_the_reminder(rules: DeadlineRules) -> None:
    notes = deadline_notes("被辞退了怎么办", ["arbitration"], "", TODAY, rules)
    assert notes == [rules.kinds["arbitration"].reminder.strip()]


def test_no_reminder_when_the_answer_already_states_the_period(rules: DeadlineRules) -> None:
    short = "申请劳动仲裁的时效一般是一年。"
    assert deadline_notes("被辞退了怎么办", ["arbitration"], short, TODAY, rules) == []
    # A date still gets its note.
    assert deadline_notes("前年被辞退", ["arbitration"], short, TODAY, rules)


def test_one_event_judged_by_the_same_period_is_told_once(rules: DeadlineRules) -> None:
    notes = deadline_notes(
        "前年被辞退 工资也没结", ["wage_arrears", "arbitration"], "", TODAY, rules
    )
    assert len(notes) == 1


def test_at_most_two_notes(rules: DeadlineRules) -> None:
    kinds = list(DEADLINE_KINDS)
    assert len(deadline_notes("请问一下", kinds, "", TODAY, rules)) == 2


def test_every_note_fills_its_placeholders(rules: DeadlineRules) -> None:
    for rule in rules.kinds.values():
        for text in (rule.reminder, *rule.notes.values()):
            filled = text.format(when="前年被辞退", apply_by="2027年1月1日")
            assert "{" not in filled


def test_the_rules_cover_every_kind_and_cite_current_text(
    rules: DeadlineRules, library: StatuteLibrary
) -> None:
    assert set(rules.kinds) == set(DEADLINE_KINDS)
    for rule in rules.kinds.values():
        for citation in rule.citations:
            law = library.law(citation.law)
            assert law is not None and not law.superseded
            assert library.article(citation.law, citation.article) is not None


def test_entries_without_deadlines_get_no_notes(book: AnswerBook) -> None:
    entry = book.by_id["overtime.pay_rates"]
    assert entry.deadlines == []
    assert answer_deadline_notes("前年被辞退", entry, TODAY) == []


def test_an_entry_with_deadlines_gets_notes(book: AnswerBook) -> None:
    entry = book.by_id["work_injury.no_insurance_employer_pays"]
    notes = answer_deadline_notes("去年3月受的伤 厂里没买工伤保险", entry, TODAY)
    injury = load_rules().kinds["injury_recognition"].notes[Status.PASSED]
    assert notes[0] == injury.format(when="去年3月受的伤", apply_by="2026年2月28日").strip()
