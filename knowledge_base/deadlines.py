"""Limitation periods in answers: the deadline a claim runs into, and a plain warning when a date
the worker states suggests it may already have passed (with what can still be done).

National rules only: labour arbitration one year from when the worker knew or should have known
(《劳动争议调解仲裁法》第二十七条), wage arrears unlimited while employed but one year from the end
of employment (same article, 第四款), injury recognition 30 days for the employer and one year for
the worker (《工伤保险条例》第十七条, 《工伤认定办法》第四、五条), labour inspection two years
(《劳动保障监察条例》第二十条). A stated date ("前年被辞退", "2023年5月离职", "去年3月受的伤",
"受伤快一年了") is read as a span of days, so "passed" is said only when even its latest reading
is past the period; a span that straddles the end is "close". Wording lives in deadlines.yml.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge_base.answers import DEADLINE_KINDS, AnswerEntry, Citation
from knowledge_base.calculators.dates import add_months
from knowledge_base.numerals import chinese_to_int
from knowledge_base.text import fold_width, to_simplified
from knowledge_base.yaml_io import load_yaml_file

DEFAULT_DEADLINES_PATH: Final = Path(__file__).with_name("deadlines.yml")
#: China has one time zone and no daylight saving time.
CHINA_TIME: Final = dt.timezone(dt.timedelta(hours=8))
#: At most this many deadline paragraphs go with one answer (dated notes first).
MAX_NOTES: Final = 2

_NUM = r"\d{1,2}|[一二两三四五六七八九十]{1,3}"
_MONTH = (
    rf"(?P<month>{_NUM})\s*月份?(?:\s*(?P<day>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*[日号])?"
)
_PART = r"(?P<part>年底|年末|底|末|年初|初|上半年|下半年|年中)"
_ABSOLUTE = re.compile(
    rf"(?P<year>(?:19|20)\d{{2}}|[一二〇零○][〇零○一二三四五六七八九]{{3}}|\d{{2}})\s*年"
    rf"\s*(?:{_MONTH}|{_PART})?"
)
_RELATIVE_YEAR = re.compile(rf"(?P<rel>大大前年|大前年|前年|去年|今年)\s*(?:{_MONTH}|{_PART})?")
_RELATIVE_MONTH = re.compile(r"(?P<rel>上上个月|上上月|上个月|上月|这个月|本月)")
_UNIT = r"(?P<unit>年|个多月|个月|个星期|星期|周|天)(?P<half>半)?(?P<more>多)?"
_AGO = re.compile(rf"(?P<n>{_NUM}|半)\s*{_UNIT}\s*(?:以前|之前|前)")
# "辞职两年了", "受伤快一年了", "离职一年多了": time since an event named just before it.
_SINCE = re.compile(
    rf"(?:已经|都|也|快要|快|将近|差不多|大概|有|了|的)*(?P<n>{_NUM}|半)\s*{_UNIT}\s*了"
)
_ALMOST = re.compile(r"快|将近|差不多")
_CLAUSE_END = re.compile(r"[，,。.；;！!？?\n]")
_TWO_DIGIT_YEAR_NOISE = re.compile(r"(?:干|做|工作|满|了|近|快|多|有|共|龄)\s*$")
#: Characters searched after a date for the event it dates, and before it.
AFTER_WINDOW: Final = 16
BEFORE_WINDOW: Final = 8


class Status(StrEnum):
    """Where a stated date puts a limitation period."""

    PASSED = "passed"
    CLOSE = "close"
    EMPLOYER_LATE = "employer_late"
    OPEN = "open"
    STILL_EMPLOYED = "still_employed"
    IF_LEFT = "if_left"


# ---- the data file ------------------------------------------------------------------------


class Period(BaseModel):
    """A length of time in years and days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    years: int = Field(default=0, ge=0)
    days: int = Field(default=0, ge=0)

    def after(self, day: dt.date) -> dt.date:
        """The day this period after ``day`` (29 February falls back to the 28th)."""
        return add_months(day, 12 * self.years) + dt.timedelta(days=self.days)


class KindRule(BaseModel):
    """One limitation period: what starts it, how long it is, what the bot says about it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    starts_with: str
    period: Period
    employer_period: Period | None = None
    stated_by: str
    citations: list[Citation] = Field(min_length=1)
    reminder: str
    notes: dict[Status, str] = Field(default_factory=dict)

    @field_validator("stated_by")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value


class DeadlineRules(BaseModel):
    """The whole of deadlines.yml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    close_days: int = Field(ge=0)
    events: dict[str, list[str]]
    other_events: list[str]
    still_employed: list[str]
    kinds: dict[str, KindRule]

    @cached_property
    def event_words(self) -> tuple[tuple[str, str], ...]:
        """(word, event), longest words first so 受的伤 wins over 伤了, 合同到期 over 到期."""
        pairs = [(word, event) for event, words in self.events.items() for word in words]
        return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))

    @model_validator(mode="after")
    def _consistent(self) -> DeadlineRules:
        if set(self.kinds) != set(DEADLINE_KINDS):
            raise ValueError(f"kinds must be exactly {', '.join(DEADLINE_KINDS)}")
        for name, rule in self.kinds.items():
            if rule.starts_with not in self.events:
                raise ValueError(f"{name}: starts_with {rule.starts_with!r} is not an event")
        return self


@lru_cache(maxsize=4)
def load_rules(path: Path = DEFAULT_DEADLINES_PATH) -> DeadlineRules:
    """Parse and validate deadlines.yml (cached)."""
    return DeadlineRules.model_validate(load_yaml_file(path))


# ---- reading dates from a question ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date as a worker states it: every day it could mean, and the words used."""

    earliest: dt.date
    latest: dt.date
    text: str


@dataclass(frozen=True, slots=True)
class StatedEvent:
    """An event (``termination``, ``injury``, ``arrears`` …) and when the question says it was."""

    event: str
    span: DateSpan


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    span: DateSpan


def _number(raw: str) -> int | None:
    return 0 if raw == "半" else chinese_to_int(raw)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` earlier (later when negative), clamped to the month."""
    return add_months(day, -months)


def _year_span(year: int, match: re.Match[str]) -> tuple[dt.date, dt.date] | None:
    month_raw, part = match.group("month"), match.group("part")
    if month_raw:
        month = chinese_to_int(month_raw)
        if month is None or not 1 <= month <= 12:
            return None
        day_raw = match.group("day")
        day = chinese_to_int(day_raw) if day_raw else None
        if day is not None and 1 <= day <= _month_end(year, month).day:
            exact = dt.date(year, month, day)
            return exact, exact
        return dt.date(year, month, 1), _month_end(year, month)
    months = {
        "年底": (11, 12),
        "年末": (11, 12),
        "底": (11, 12),
        "末": (11, 12),
        "年初": (1, 3),
        "初": (1, 3),
        "上半年": (1, 6),
        "下半年": (7, 12),
        "年中": (5, 8),
    }.get(part or "", (1, 12))
    return dt.date(year, months[0], 1), _month_end(year, months[1])


def _absolute(match: re.Match[str], text: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    raw = match.group("year")
    year = chinese_to_int(raw)
    if year is None:
        return None
    if len(raw) == 2:
        # "23年5月" is a year; "干了23年" is a duration.
        if not (match.group("month") or match.group("part")):
            return None
        if _TWO_DIGIT_YEAR_NOISE.search(text[max(0, match.start() - 3) : match.start()]):
            return None
        year += 2000
    if not 1990 <= year <= today.year:
        return None
    return _year_span(year, match)


def _relative_year(match: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date] | None:
    back = {"今年": 0, "去年": 1, "前年": 2, "大前年": 3, "大大前年": 4}[match.group("rel")]
    return _year_span(today.year - back, match)


def _relative_month(match: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date]:
    back = {"这个月": 0, "本月": 0, "上个月": 1, "上月": 1, "上上个月": 2, "上上月": 2}
    first = _months_before(today.replace(day=1), back[match.group("rel")])
    return first, _month_end(first.year, first.month)


def _elapsed(match: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Span of "N units ago": people round, so a margin either side; 多 = more, 快 = less."""
    amount = _number(match.group("n"))
    if amount is None:
        return None
    unit = match.group("unit")
    more = bool(match.group("more")) or unit == "个多月"
    if unit in {"天", "周", "星期", "个星期"}:
        days = amount * (1 if unit == "天" else 7)
        centre = today - dt.timedelta(days=days)
        return centre - dt.timedelta(days=max(1, days // 4)), centre
    half = 6 if match.group("half") or match.group("n") == "半" else 0
    in_years = unit == "年"
    centre = _months_before(today, amount * 12 + half if in_years else amount)
    if more:
        # "一年多" is between one and two years; "三个多月" between three and four months.
        step = 12 if in_years else 1
        return _months_before(centre, step), _months_before(centre, 1) if in_years else centre
    margin = 3 if in_years else 1
    if _ALMOST.search(match.group(0)):
        return centre, _months_before(centre, -margin)
    if in_years:
        return _months_before(centre, margin), _months_before(centre, -margin)
    return centre - dt.timedelta(days=15), centre + dt.timedelta(days=15)


def stated_dates(text: str, today: dt.date) -> list[tuple[int, int, DateSpan]]:
    """Every date the text states, as (start, end, span) on the normalised text."""
    found: list[_Mention] = []
    for pattern in (_ABSOLUTE, _RELATIVE_YEAR, _RELATIVE_MONTH, _AGO):
        for match in pattern.finditer(text):
            if any(m.start <= match.start() < m.end for m in found):
                continue
            if pattern is _ABSOLUTE:
                span = _absolute(match, text, today)
            elif pattern is _RELATIVE_YEAR:
                span = _relative_year(match, today)
            elif pattern is _RELATIVE_MONTH:
                span = _relative_month(match, today)
            else:
                span = _elapsed(match, today)
            if span is None or span[0] > today:
                continue
            earliest, latest = span[0], min(span[1], today)
            found.append(
                _Mention(match.start(), match.end(), DateSpan(earliest, latest, match.group(0)))
            )
    found.sort(key=lambda m: m.start)
    return [(m.start, m.end, m.span) for m in found]


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    event: str


def _first_event(text: str, low: int, high: int, rules: DeadlineRules) -> _Word | None:
    """The first event word in text[low:high], unless a word about something else comes first."""
    window = text[low:high]
    best: _Word | None = None
    for word, event in rules.event_words:
        at = window.find(word)
        if at >= 0 and (best is None or low + at < best.start):
            best = _Word(low + at, low + at + len(word), event)
    if best is None:
        return None
    if any(0 <= window.find(other) < best.start - low for other in rules.other_events):
        return None
    return best


def _last_event(text: str, low: int, high: int, rules: DeadlineRules) -> _Word | None:
    """The event word in text[low:high] that ends last."""
    window = text[low:high]
    best: _Word | None = None
    for word, event in rules.event_words:
        at = window.rfind(word)
        if at >= 0 and (best is None or low + at + len(word) > best.end):
            best = _Word(low + at, low + at + len(word), event)
    return best


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    before = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
    after = _CLAUSE_END.search(text, end)
    return (before[-1] if before else 0), (after.start() if after else len(text))


def _normalise(text: str) -> str:
    return fold_width(to_simplified(text))


def stated_events(question: str, today: dt.date, rules: DeadlineRules) -> list[StatedEvent]:
    """Events the question dates: "前年被辞退" → termination in the year before last.

    The span's ``text`` is the date with its event as the worker wrote it ("前年被辞退").
    """
    text = _normalise(question)
    mentions = stated_dates(text, today)
    events: list[StatedEvent] = []
    for i, (start, end, span) in enumerate(mentions):
        clause_start, clause_end = _clause(text, start, end)
        next_start = mentions[i + 1][0] if i + 1 < len(mentions) else len(text)
        word = _first_event(text, end, min(end + AFTER_WINDOW, next_start, clause_end), rules)
        if word is not None:
            phrase = text[start : word.end]
        else:
            previous_end = mentions[i - 1][1] if i else 0
            low = max(start - BEFORE_WINDOW, previous_end, clause_start)
            word = _last_event(text, low, start, rules)
            phrase = text[word.start : end] if word else ""
        if word is not None:
            events.append(StatedEvent(word.event, replace(span, text=phrase.strip())))
    events.extend(_events_with_time_since(text, today, rules, mentions))
    return events


def _events_with_time_since(
    text: str, today: dt.date, rules: DeadlineRules, mentions: Sequence[tuple[int, int, DateSpan]]
) -> Iterable[StatedEvent]:
    for match in _SINCE.finditer(text):
        if any(start <= match.start("n") < end for start, end, _ in mentions):
            continue
        word = _last_event(text, max(0, match.start() - BEFORE_WINDOW), match.start(), rules)
        if word is None or word.end < match.start() - 1:
            continue  # the event word must come right before the time: "辞职两年了"
        span = _elapsed(match, today)
        if span is not None:
            phrase = text[word.start : match.end()].strip()
            yield StatedEvent(word.event, DateSpan(span[0], span[1], phrase))


def still_employed(question: str, rules: DeadlineRules) -> bool:
    """The question says the worker still works there."""
    text = _normalise(question)
    return any(word in text for word in rules.still_employed)


# ---- assessment ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """What a stated date means for one limitation period."""

    kind: str
    status: Status
    when: str = ""
    apply_by: dt.date | None = None
    span: DateSpan | None = None


def _latest(events: Iterable[StatedEvent], event: str) -> StatedEvent | None:
    matching = [e for e in events if e.event == event]
    return max(matching, key=lambda e: e.span.latest) if matching else None


def _status(rule: KindRule, span: DateSpan, today: dt.date, close_days: int) -> Status:
    if rule.period.after(span.latest) < today:
        return Status.PASSED
    if rule.period.after(span.earliest) <= today + dt.timedelta(days=close_days):
        return Status.CLOSE
    if rule.employer_period and rule.employer_period.after(span.earliest) < today:
        return Status.EMPLOYER_LATE
    return Status.OPEN


def assess(
    question: str,
    kinds: Sequence[str],
    today: dt.date,
    rules: DeadlineRules | None = None,
) -> list[Finding]:
    """One finding per limitation period the question's dates say something about."""
    rules = rules or load_rules()
    events = stated_events(question, today, rules)
    findings: list[Finding] = []
    for kind in kinds:
        rule = rules.kinds[kind]
        started = _latest(events, rule.starts_with)
        if started is not None:
            status = _status(rule, started.span, today, rules.close_days)
            apply_by = rule.period.after(started.span.earliest) - dt.timedelta(days=1)
            findings.append(Finding(kind, status, started.span.text, apply_by, started.span))
            continue
        if kind == "wage_arrears":
            owed = _latest(events, "arrears")
            if owed is not None and rule.period.after(owed.span.latest) < today:
                status = (
                    Status.STILL_EMPLOYED if still_employed(question, rules) else Status.IF_LEFT
                )
                findings.append(Finding(kind, status, owed.span.text, span=owed.span))
    return findings


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def deadline_notes(
    question: str,
    kinds: Sequence[str],
    short: str,
    today: dt.date,
    rules: DeadlineRules | None = None,
) -> list[str]:
    """The deadline paragraphs to show with an answer whose claims run into ``kinds``.

    A date in the question that says something about a period gives that period's note;
    otherwise the period's reminder is shown, unless the answer's ``short`` already states it.
    The same event judged by the same period length is told once.
    """
    rules = rules or load_rules()
    findings = {f.kind: f for f in assess(question, kinds, today, rules)}
    dated: list[str] = []
    reminders: list[str] = []
    told: set[tuple[DateSpan | None, dt.date | None]] = set()
    for kind in kinds:
        rule = rules.kinds[kind]
        finding = findings.get(kind)
        note = rule.notes.get(finding.status) if finding else None
        if finding is not None and note is not None:
            key = (finding.span, finding.apply_by)
            if key in told:
                continue
            told.add(key)
            apply_by = _date_text(finding.apply_by) if finding.apply_by else ""
            dated.append(note.format(when=finding.when, apply_by=apply_by).strip())
        elif not re.search(rule.stated_by, short):
            reminders.append(rule.reminder.strip())
    return (dated + reminders)[:MAX_NOTES]


def china_today() -> dt.date:
    """Today's date in China, where the workers are."""
    return dt.datetime.now(CHINA_TIME).date()


def answer_deadline_notes(
    question: str, entry: AnswerEntry, today: dt.date | None = None
) -> list[str]:
    """Deadline paragraphs for the answer ``entry`` gives to ``question`` (today in China)."""
    if not entry.deadlines:
        return []
    return deadline_notes(question, entry.deadlines, entry.short, today or china_today())
