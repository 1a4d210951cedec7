"""What a first message says about the worker's time at this employer, for calculators that
ask it as dates and statuses (annual leave, double wages): how long they have been there
(在这个厂干了3年, 进厂5个月了), when they joined (2019年进的厂, 今年3月入职) and whether they
have left or are leaving (辞职了, 被辞退). The words live in prompts.yml under ``tenure``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import MonthDate
from knowledge_base.calculators.dates import add_months
from knowledge_base.calculators.parsing import normalize, parse_date, said_unnegated
from knowledge_base.forms.spec import Parsed, Unparsed
from knowledge_base.text import to_simplified
from nlu.numbers import NUMERAL_CHARS
from nlu.phrase_text import clause_start
from nlu.service_length import read_service_length
from nlu.types import Entity

_JOIN_WORD_REACH: Final = 8
#: How far before a length a word for the total may sit (总工龄是3年, 累计工作了12年).
_TOTAL_REACH: Final = 6
_MONTHS_IN_A_YEAR: Final = 12
_YEAR_DIGITS: Final = 4
#: Where a month is said (10月, 十月): what follows a holiday placing a day (前年国庆过后10月8号).
_MONTH_SAID: Final = re.compile(rf"(?:\d{{1,2}}|[{NUMERAL_CHARS}]{{1,3}})月")
_CLAUSES: Final = re.compile(r"[\s,.!?;:，。！？；：、]+")


@dataclass(frozen=True)
class Tenure:
    """This employer's part of a message. ``length`` is the time said (5个月) as typed, and
    ``since`` the day it counts back to when the worker has not left; ``joined`` a join date
    said with a join word (a year alone is its 1 January); ``left`` whether they left or are
    leaving, and ``left_on`` the day said right before the word (11月30号离职了, 上个月底辞职了;
    a day without a year is the last such day up to today); ``career_start`` when the worker
    began working at all (1999年9月就开始上班了, 2015年参加工作), not here."""

    length: str | None
    since: date | None
    joined: date | None
    left: bool
    left_on: date | None = None
    career_start: date | None = None
    months: int = 0  # whole months of ``length`` (0 when none was said)

    def start(self) -> date | None:
        """The day work here began, as far as the message tells."""
        return self.joined or self.since


def clauses(text: str) -> list[str]:
    """``text`` cut at punctuation and spaces (a worker's clauses)."""
    return _CLAUSES.split(text)


def typed_date(day: date) -> str:
    """A date as the worker would type it at a date question (a month alone stays a month)."""
    if isinstance(day, MonthDate):
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def of_this_employer(entity: Entity, text: str) -> bool:
    """Whether the clause before ``entity`` names this employer (在这个厂干了3年, 进厂5个月),
    not an earlier one (之前在老家那边厂里干了8年)."""
    clause = normalize(text[clause_start(text, entity.start) : entity.start])
    if any(word in clause for word in texts.words("tenure.earlier_employer_words")):
        return False
    return any(
        word in clause for word in (*texts.words("parsing.this_employer_words"), *join_words())
    )


def of_an_earlier_employer(entity: Entity, text: str) -> bool:
    """Whether the clause before ``entity`` names an earlier employer (之前在别的厂干了7年)."""
    clause = normalize(text[clause_start(text, entity.start) : entity.start])
    earlier = (
        *texts.words("tenure.earlier_employer_words"),
        *texts.words("tenure.other_employer_words"),
    )
    return any(word in clause for word in earlier)


def said_as_total(entity: Entity, text: str) -> bool:
    """A length said right after a word for all the years of work (总工龄3年, 累计工作了12年)."""
    before = normalize(text[max(0, entity.start - _TOTAL_REACH) : entity.start])
    return any(word in before for word in texts.words("parsing.total_years_words"))


def only_employer(text: str) -> bool:
    """Whether the message says this is the worker's only employer (毕业就进了这个厂), so the
    years here are all the years of work."""
    norm = normalize(text)
    return any(word in norm for word in texts.words("tenure.only_employer_words"))


def sole_length(entities: Sequence[Entity], text: str) -> Entity | None:
    """The one length of work a message says, when nothing before it makes it an earlier
    employer's or a whole working life's (我返咗7个月工 … 老细一直冇同我签合同): this
    employer's, for a calculator about one employer only."""
    found = [e for e in entities if e.entity == "service_length"]
    if len(found) == 2:
        # 在船厂干了6年，社保累计交了22年: the total beside it is the working life's.
        found = [e for e in found if not said_as_total(e, text)]
    if len(found) != 1:
        return None
    clause = normalize(text[clause_start(text, found[0].start) : found[0].start])
    others = (*texts.words("tenure.earlier_employer_words"), *texts.words("tenure.career_words"))
    career = texts.words("tenure.career_length_words")
    if not _names_another_employer(text):
        sums = texts.words("tenure.career_sum_words")
        career = tuple(word for word in career if word not in sums)
    if any(word in clause for word in (*others, *career)):
        return None
    return found[0]


def _names_another_employer(text: str) -> bool:
    norm = normalize(text)
    earlier = (
        *texts.words("tenure.earlier_employer_words"),
        *texts.words("tenure.other_employer_words"),
    )
    return any(word in norm for word in earlier)


def _length_here(entities: Sequence[Entity], text: str) -> Entity | None:
    found = [e for e in entities if e.entity == "service_length" and of_this_employer(e, text)]
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=1)
def join_words() -> tuple[str, ...]:
    """Words that say joining this employer after a date: ``tenure.join_words``, and each verb
    of going with each employer gone to (到新公司, 进了这间厂), longest first."""
    gone_to = (
        verb + employer
        for verb in texts.words("tenure.join_verbs")
        for employer in texts.words("tenure.join_employers")
    )
    return tuple(sorted({*texts.words("tenure.join_words"), *gone_to}, key=len, reverse=True))


def _followed_by(entity: Entity, text: str, words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` follows the date, right after it (就在这个厂: a word that
    begins with 就) or with 份的就才 between."""
    after = normalize(text[entity.end : entity.end + _JOIN_WORD_REACH])
    between = texts.text("tenure.between_date_and_join")
    return after.startswith(words) or after.lstrip(between).startswith(words)


def preceded_by(entity: Entity, text: str, words: tuple[str, ...], reach: int) -> bool:
    """Whether one of ``words`` ends right before the date, within the ``reach`` characters
    before it (一直做到10月31号): the mirror of a date followed by words (``date_before``)."""
    before = normalize(text[max(0, entity.start - reach) : entity.start])
    return before.endswith(_normalized(words))


@lru_cache(maxsize=32)
def _normalized(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` normalised as the text is (word lists are read once per question, not per
    date)."""
    return tuple(normalize(word) for word in words)


def date_before(
    entities: Sequence[Entity], text: str, today: date, key: str, *, after: date | None = None
) -> date | None:
    """The first date the words under ``key`` follow (到7月1号才签: the day signed). Said
    without a year, it is the first such day on or ``after`` a known earlier day (24年6月10号
    入职 … 10月10号才补签: 2024-10-10), else this year's."""
    for entity in entities:
        if entity.entity != "date" or not _followed_by(entity, text, texts.words(key)):
            continue
        day = entity_day(entity, today)
        if day is None:
            continue
        if after is not None and "年" not in entity.text and not isinstance(day, MonthDate):
            day = day.replace(year=after.year)
            if day < after:
                day = day.replace(year=after.year + 1)
        return day
    return None


def _career_start(entities: Sequence[Entity], text: str, today: date) -> date | None:
    """The date the worker began working at all: a date before a career word (参加工作,
    开始打工), or before 开始上班 in a clause that names no employer (not 开始在这个厂上班)."""
    for entity in entities:
        if entity.entity != "date":
            continue
        clause_end = _CLAUSES.search(text, entity.end)
        clause = normalize(text[entity.end : clause_end.start() if clause_end else len(text)])
        here = any(word in clause for word in texts.words("parsing.this_employer_words"))
        if _followed_by(entity, text, texts.words("tenure.career_words")) or (
            not here and _followed_by(entity, text, texts.words("tenure.career_or_join_words"))
        ):
            day = entity_day(entity, today)
            if day is not None and day <= today:
                return day
    return None


def date_as_typed(entity: Entity) -> str:
    """A date entity's words as the worker would type the date alone: in 去年（2025年）5月 the
    bracket between the year and the month is not part of the date, nor in 前年国庆过后10月8号
    the holiday that places the day after it (前年10月8号)."""
    typed = entity.text.replace(")", "").replace("）", "")
    years: dict[str, int] = texts.node("parsing.relative_years")
    for word in sorted(years, key=len, reverse=True):
        if not typed.startswith(word):
            continue
        month = _MONTH_SAID.search(typed, len(word))
        between = typed[len(word) : month.start()] if month is not None else ""
        if month is not None and between and not any(char.isdigit() for char in between):
            return word + typed[month.start() :]
        break
    return typed


def entity_day(entity: Entity, today: date) -> date | None:
    """The day a date entity tells, read against ``today`` (今年7月1号, 2021年3月)."""
    said = normalize(date_as_typed(entity))
    day = _day_before(said, today, ahead=False)
    if day is not None:
        return day
    year = str(entity.value)
    if year.isdigit() and len(year) == _YEAR_DIGITS:
        return date(int(year), 1, 1)  # 2019年进的厂: the year is what the message tells
    return None


def _join_date(
    entities: Sequence[Entity], text: str, today: date, career: date | None
) -> date | None:
    for entity in entities:
        if entity.entity != "date" or not _followed_by(entity, text, join_words()):
            continue
        day = entity_day(entity, today)
        if day is not None and day != career:
            return day
    return None


def _day_before(clause: str, today: date, *, ahead: bool) -> date | None:
    """The date a clause ends with (11月30号, 上个月底), the year supplied when not said: this
    year's, unless that is still to come and the leaving is not (``ahead``)."""
    for word in texts.words("parsing.this_employer_words"):
        clause = clause.replace(word, "")  # 7月15号从厂里离职的
    said = clause.strip(texts.text("tenure.around_a_day"))
    if not any(mark in said for mark in texts.text("tenure.date_marks")):
        return None  # 现在说要裁员: no day said
    # The longest end of the clause that is a day (上个月底11月30号 → 11月30号 when the whole
    # does not read).
    for begin in range(len(said)):
        day = _day_said(said[begin:], today, ahead=ahead)
        if day is not None:
            return day
    return None


def _day_said(said: str, today: date, *, ahead: bool) -> date | None:
    outcome = parse_date(said, today)
    if isinstance(outcome, Unparsed) and outcome.error == "date_needs_year":
        outcome = parse_date(f"{today.year}-{said}", today)
        if (
            isinstance(outcome, Parsed)
            and isinstance(outcome.value, date)
            and (outcome.value > today and not ahead)
        ):
            outcome = parse_date(f"{today.year - 1}-{said}", today)
    if isinstance(outcome, Parsed) and isinstance(outcome.value, date):
        return outcome.value
    return None


def _leaving(text: str) -> tuple[str, str] | None:
    """The first clause that says the worker left or is leaving this employer, and its
    leaving word (not 在老厂办完离职, not 没辞职); None when no clause does."""
    others = texts.words("tenure.other_employer_words")
    for clause in clauses(to_simplified(text)):
        norm = normalize(clause)
        if any(word in norm for word in others):
            continue
        for word in texts.words("tenure.left_words"):
            if said_unnegated(normalize(word), norm):
                return norm, normalize(word)
        for word in texts.words("tenure.left_after_a_day_words"):
            if _right_after_a_day(norm, normalize(word)):
                return norm, normalize(word)
    return None


def _right_after_a_day(clause: str, word: str) -> bool:
    """24年1月9号离职, 2024年4月30号走的: a leaving word that says the worker left only when a
    day stands right before it (离职 alone may be a plan or a question)."""
    index = clause.find(word)
    if index <= 0 or not said_unnegated(word, clause):
        return False
    before = clause[:index].rstrip(texts.text("tenure.around_a_day"))
    return before.endswith(tuple(texts.text("tenure.date_marks")))


def _left_on(clause: str, word: str, today: date) -> date | None:
    """The day said right before the leaving word in its clause (11月30号离职了)."""
    index = clause.find(word)
    if index <= 0:
        return None
    ahead = word in texts.words("tenure.leaving_soon_words")
    day = _day_before(clause[:index], today, ahead=ahead)
    if day is not None:
        return day
    # 5月31号做完最后一天就辞工了: the day stands before the last day worked, not the word.
    for after_a_day in texts.words("tenure.left_after_a_day_words"):
        last = normalize(after_a_day)
        if last != word and _right_after_a_day(clause, last):
            return _day_before(clause[: clause.find(last)], today, ahead=ahead)
    return None


def read_tenure(text: str, entities: Sequence[Entity], today: date) -> Tenure:
    """What ``text`` (with its ``entities``) says about the time at this employer."""
    leaving = _leaving(text)
    length = _length_here(entities, text)
    months = _months_of(length.text) if length is not None else 0
    since = add_months(today, -months) if months > 0 and leaving is None else None
    career = _career_start(entities, text, today)
    return Tenure(
        length=length.text if length is not None else None,
        since=since,
        joined=_join_date(entities, text, today, career),
        left=leaving is not None,
        left_on=_left_on(*leaving, today) if leaving is not None else None,
        career_start=career,
        months=months,
    )


def whole_months_said(here: str | None, text: str, entities: Sequence[Entity]) -> str | None:
    """The length at this employer (``here``, else the one length the message says) when it
    tells whole months: said exactly, or a year or more whatever the part-month (一年多, 快两年);
    None for 两个多月 or 快一年, whose months are not known."""
    if here is None:
        sole = sole_length(entities, text)
        here = sole.text if sole is not None else None
    fact = read_service_length(here) if here else None
    if fact is None or fact.months <= 0:
        return None
    if fact.qualifier == "exact":
        return here
    at_least = fact.months - 1 if fact.qualifier == "almost" else fact.months
    return here if at_least >= _MONTHS_IN_A_YEAR else None


def whole_months_here(
    here: str | None, text: str, entities: Sequence[Entity], *, exact: bool = False
) -> int:
    """Whole months of the length at this employer (:func:`whole_months_said`), 0 when none is
    known; ``exact``: only a length said exactly (干满7个月, not 一年多)."""
    said = whole_months_said(here, text, entities)
    fact = read_service_length(said) if said else None
    if fact is None or (exact and fact.qualifier != "exact"):
        return 0
    return int(fact.months)


def _months_of(length: str | None) -> int:
    """Whole months of a length as said (一年半 → 18; 0 for none)."""
    fact = read_service_length(length) if length else None
    return int(fact.months) if fact is not None else 0
