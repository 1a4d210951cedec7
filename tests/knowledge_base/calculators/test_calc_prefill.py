"""Facts in the worker's first message fill the right field with their unit (flow.prefill)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.calculators import flow
from knowledge_base.calculators.base import MonthDate, ServiceLength, Wage, WorkTime
from knowledge_base.calculators.registry import CALCULATORS
from nlu.entities import extract_entities
from nlu.numbers import int_to_chinese
from tests.knowledge_base.calculators.conftest import TODAY

D = Decimal
OVERTIME = CALCULATORS["calc_overtime"]
COMPENSATION = CALCULATORS["calc_compensation"]

# How workers name the pay period, and the kinds of day.
PAY_WORDS = {
    "month": ["月薪{n}", "底薪{n}", "工资{n}", "一个月{n}块"],
    "day": ["日薪{n}", "一天{n}", "一天{n}块", "每天{n}", "{n}一天"],
    "hour": ["时薪{n}", "一小时{n}", "一个钟{n}块", "每小时{n}"],
}
PLAUSIBLE = {"month": (500, 100_000), "day": (60, 5_000), "hour": (5, 1_000)}
DAY_WORDS = {
    "weekday": ["平时加了{n}个小时", "平时下班后加班{n}小时"],
    "rest_day": ["周末加了{n}个小时", "周六周日上了{n}个小时班", "休息日加班{n}小时"],
    "holiday": ["国庆加了{n}个小时", "春节上班{n}个小时", "法定节假日加班{n}小时"],
}
FIELDS = {"weekday": "weekday_hours", "rest_day": "rest_day_hours", "holiday": "holiday_hours"}


def facts(spec: object, text: str) -> flow.Prefill:
    return flow.prefill(spec, extract_entities(text), TODAY)  # type: ignore[arg-type]


@st.composite
def pay_phrases(draw: st.DrawFn) -> tuple[str, Wage]:
    unit = draw(st.sampled_from(sorted(PAY_WORDS)))
    low, high = PLAUSIBLE[unit]
    amount = draw(st.integers(min_value=low, max_value=high))
    template = draw(st.sampled_from(PAY_WORDS[unit]))
    # 六十一天 is 61 days, not 60 a day: an amount before its period is written in digits.
    chinese = [] if template.startswith("{n}") else [int_to_chinese(amount)]
    written = draw(st.sampled_from([str(amount), *chinese]))
    return template.format(n=written), Wage(D(amount), unit)  # type: ignore[arg-type]


@st.composite
def time_phrases(draw: st.DrawFn) -> tuple[str, str, Decimal]:
    kind = draw(st.sampled_from(sorted(DAY_WORDS)))
    hours = draw(st.integers(min_value=1, max_value=200))
    template = draw(st.sampled_from(DAY_WORDS[kind]))
    return template.format(n=hours), kind, D(hours)


@settings(deadline=None, max_examples=150)
@given(pay_phrases(), time_phrases(), st.sampled_from([" ", "，", "。"]), st.booleans())
def test_pay_and_hours_fill_their_own_fields(
    pay: tuple[str, Wage], time: tuple[str, str, Decimal], joint: str, pay_first: bool
) -> None:
    pay_text, wage = pay
    time_text, kind, hours = time
    text = joint.join([pay_text, time_text] if pay_first else [time_text, pay_text])
    read = facts(OVERTIME, text)
    assert read.answers["wage"] == wage, text
    assert read.answers[FIELDS[kind]] == WorkTime(hours), text
    # The kinds the message does not mention are shown as 0, to be confirmed.
    assert set(read.assumed) == set(FIELDS.values()) - {FIELDS[kind]}


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("周末加了16个小时", "rest_day_hours", WorkTime(D(16))),
        ("平时每天加3个钟", "weekday_hours", WorkTime(D(3), "h", "day")),
        ("每天做12个钟", "weekday_hours", WorkTime(D(12), "h", "day", "work")),
        ("一周干六天", "rest_day_hours", WorkTime(D(6), "d", "week", "work")),
        ("国庆三天都上班了", "holiday_hours", WorkTime(D(3), "d")),
        ("春节初一到初三都上班了", "holiday_hours", WorkTime(D(3), "d")),
        ("一个月休2天", "rest_day_hours", WorkTime(D(2), "d", "month", "off")),
        ("加了20个小时班", "weekday_hours", WorkTime(D(20))),
    ],
)
def test_working_time_goes_where_it_belongs(text: str, field: str, value: WorkTime) -> None:
    assert facts(OVERTIME, text).answers[field] == value


def test_working_days_in_the_month_count_the_days_of_daily_overtime() -> None:
    read = facts(OVERTIME, "月薪4000，一个月上22天班，每天加班3小时")
    assert read.answers["weekday_hours"] == WorkTime(D(3), "h", "day")
    assert read.answers["weekday_days"] == D(22)


def test_a_date_relative_to_today_fills_its_field() -> None:
    read = facts(COMPENSATION, "我2019年3月进的厂，去年12月被辞退了，月薪5500")
    assert read.answers["start_date"] == MonthDate(2019, 3, 1)
    assert read.answers["end_date"] == MonthDate(TODAY.year - 1, 12, 1)


def test_a_wage_said_with_its_unit_beats_a_bare_amount_elsewhere() -> None:
    read = facts(OVERTIME, "两班倒 每天12小时 一周上6天 底薪2100 加班费给了800 够不够")
    assert read.answers["wage"] == Wage(D(2100), "month")
    assert read.answers["weekday_hours"] == WorkTime(D(12), "h", "day", "work")
    assert read.answers["rest_day_hours"] == WorkTime(D(6), "d", "week", "work")


def test_a_bare_small_amount_is_not_taken_as_a_monthly_wage() -> None:
    assert "wage" not in facts(OVERTIME, "给了250 加班费怎么算").answers


def test_two_facts_for_one_field_are_asked_not_guessed() -> None:
    read = facts(OVERTIME, "周末加了16个小时 周日又加了8个小时")
    assert "rest_day_hours" not in read.answers


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("干了两年零七个月被辞退", ServiceLength(D(31))),
        ("干了快五年 公司裁员", ServiceLength(D(60), "almost")),
        ("进厂一年多了", ServiceLength(D(12), "more")),
        ("2021年3月进厂的", MonthDate(2021, 3, 1)),
    ],
)
def test_service_length_or_start_fills_the_start(text: str, start: object) -> None:
    assert facts(COMPENSATION, text).answers["start_date"] == start


def test_two_dates_fill_start_and_end_in_order() -> None:
    read = facts(COMPENSATION, "2019年3月1日进厂 2024年8月15日被辞退 月薪5000")
    assert read.stated == ("start_date", "end_date", "monthly_wage")


@pytest.mark.parametrize(
    ("text", "city"), [("广东深圳现在最低工资是多少", "深圳"), ("深圳最低工资多少", "深圳")]
)
def test_a_province_named_with_its_city_fills_the_place_with_the_city(text: str, city: str) -> None:
    stated = flow.prefill(CALCULATORS["calc_min_wage"], _parsed_entities(text), TODAY)
    assert stated.stated == ("city",)
    assert "深圳" in str(stated.answers["city"])


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("在苏州昆山电子厂，最低工资多少", "苏州昆山"),
        ("之前在深圳，现在在东莞，最低工资多少", None),
    ],
)
def test_places_written_together_are_one_place_and_two_cities_apart_are_asked(
    text: str, place: str | None
) -> None:
    stated = flow.prefill(CALCULATORS["calc_min_wage"], _parsed_entities(text), TODAY)
    assert stated.answers.get("city") == place


def _parsed_entities(text: str) -> list[object]:
    # Places come from the NLU's lookup tables, not the rule extractor.
    from nlu.backend import load_backend

    return list(load_backend("embedded").parse(text).entities)


def test_one_fact_said_twice_is_one_fact() -> None:
    read = facts(OVERTIME, "月薪5220，春节法定的4天假（除夕到初三）我全都上班了")
    holiday = read.answers["holiday_hours"]
    assert isinstance(holiday, WorkTime)
    assert (holiday.amount, holiday.unit) == (D(4), "d")


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("底薪3500，这个月4个周六都去上班了，每天正常8小时", "rest_day_hours", WorkTime(D(32))),
        ("一个钟20块，还有3个星期天各上了8个钟的班", "rest_day_hours", WorkTime(D(24))),
        ("一天250，这个月上了22天班，每天都多干2个钟", "weekday_days", D(22)),
    ],
)
def test_counted_days_and_the_days_of_daily_overtime(text: str, field: str, value: object) -> None:
    assert facts(OVERTIME, text).answers[field] == value


def _read_with_text(spec: object, text: str) -> flow.Prefill:
    return flow.prefill(spec, extract_entities(text), TODAY, text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("厂里经济不好裁员把我裁了，干了3年零4个月，平均工资5000", "economic"),
        ("仲裁员也说这是违法解除，违法解除的赔偿金该多少", "unlawful"),  # 仲裁员 is no 裁员
        ("公司裁员，这是违法解除吧", None),  # words of both: asked
        ("被开除了 补偿怎么算", None),  # 开除 alone may be lawful: asked
        # 解雇 and 非法 for 违法; no reason given, said in other words.
        ("厂里非法解雇我，干了4年", "unlawful"),
        ("主管啥理由都没讲就叫我明天别来了", "unlawful"),
        ("老细冇俾理由就炒咗我", "unlawful"),
        # Another way of saying "me": 把俺裁了 is 把我裁了.
        ("厂里效益不好把俺裁了", "economic"),
    ],
)
def test_the_kind_of_compensation_is_read_from_settling_words_only(
    text: str, kind: str | None
) -> None:
    assert _read_with_text(COMPENSATION, text).answers.get("kind") == kind


def test_years_at_this_employer_are_not_the_total_years_of_work() -> None:
    spec = CALCULATORS["calc_annual_leave"]
    read = _read_with_text(spec, "我累计工作6年了，在现在这个厂已经干了3年，前12个月平均工资4350")
    assert read.answers["cumulative_years"] == D(6)
    bare = _read_with_text(spec, "前12个月平均工资4350 年假怎么算")
    assert "cumulative_years" not in bare.answers  # a bare duration is not years of work


ANNUAL_LEAVE = CALCULATORS["calc_annual_leave"]
DOUBLE_WAGE = CALCULATORS["calc_double_wage"]


@pytest.mark.parametrize(
    ("text", "status", "taken"),
    [
        ("工作了8年了 在这个厂干了3年 今年一天年假都没休", "whole_year", D(0)),
        ("2019年进的厂 今年休了2天年假 累计工作12年", "whole_year", D(2)),
        ("进厂5个月了 累计工作6年 年假没休过", "joined", D(0)),
        ("今年3月入职 之前工作了5年 请了两天年假", "joined", D(2)),
        ("2018年进的厂 上个月辞职了 累计工作9年", "leaving", None),
        (
            "在这个厂干了4年 11月10号离职了 工作了6年",
            "leaving",
            None,
        ),  # here since before this year
        ("今年3月进厂 上个月辞职了 累计工作9年", "joined_and_leaving", None),
        ("上个月辞职了 累计工作9年 休了3天病假", None, None),  # left, start unknown; sick leave
        ("2010年进的现在这个厂 今年的年休假只歇了5天 累计工作20年", "whole_year", D(5)),
        # Cantonese: this employer (呢间厂), the whole of last year (去年成年).
        ("我喺呢间公司做咗4年 今年年假冇休过 累计工作9年", "whole_year", D(0)),
        ("累计工作9年 去年成年一日年假都冇放过", "whole_year", D(0)),
        # A length with no verb after this employer's name, in a list of employers.
        ("累计工作9年（之前的厂5年，这个厂4年） 今年年假一天没休", "whole_year", D(0)),
    ],
)
def test_annual_leave_reads_how_the_year_went_and_the_leave_taken(
    text: str, status: str | None, taken: Decimal | None
) -> None:
    read = _read_with_text(ANNUAL_LEAVE, text)
    assert read.answers.get("year_status") == status
    assert read.answers.get("taken_days") == taken
    assert {"year_status", "taken_days"} & set(read.answers) <= set(read.stated)  # to confirm


def test_the_day_of_leaving_this_year_is_read_for_annual_leave_and_double_wages() -> None:
    leave = _read_with_text(ANNUAL_LEAVE, "2018年进的厂 上个月底辞职了 累计工作9年")
    assert leave.answers["leave_date"] == date(2026, 10, 31)
    double = _read_with_text(DOUBLE_WAGE, "2025年3月进厂 一直没签合同 上个月底辞职了")
    assert double.answers["end_date"] == date(2026, 10, 31)
    assert "end_date" not in _read_with_text(DOUBLE_WAGE, "一直没签合同 辞职了").answers


def test_years_of_work_count_from_when_working_began() -> None:
    read = _read_with_text(ANNUAL_LEAVE, "我1995年3月参加工作的 2016年到的这个厂")
    assert read.answers["cumulative_years"] == D("31.6666")  # 1995-03-01 … 2026-11-22
    said = _read_with_text(ANNUAL_LEAVE, "我1995年3月参加工作的 一共工作了30年")
    assert said.answers["cumulative_years"] == D(30)  # years said outright win


def test_years_of_work_from_the_year_of_work_it_is() -> None:
    read = _read_with_text(ANNUAL_LEAVE, "今年是我参加工作的第11个年头 一直在这个厂")
    assert read.answers["cumulative_years"] == D(10)  # in the 11th year: 10 whole years


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("2026年2月进厂 一直没签合同 算到上个月月底为止", date(2026, 10, 31)),
        ("今年5月1号进厂的 合同都没签 我人还在厂里 就先算到上个月底", date(2026, 10, 31)),
        ("2024年8月15号开始在这个厂上班 今年3月20号辞职走了 没签过合同", date(2026, 3, 20)),
    ],
)
def test_double_wages_run_to_the_day_asked_for_or_left(text: str, end: date) -> None:
    assert _read_with_text(DOUBLE_WAGE, text).answers["end_date"] == end


def test_joining_this_year_by_a_length_counts_the_join_date_back() -> None:
    read = _read_with_text(ANNUAL_LEAVE, "进厂5个月了 累计工作6年")
    assert read.answers["join_date"] == date(2026, 6, 23)  # 2026-06-23 … 2026-11-22: 5 months


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("进厂5个月了一直没签合同", date(2026, 6, 23), TODAY),
        ("在这个厂干了一年半 一直没签合同", date(2025, 5, 23), TODAY),
        ("2025年3月进厂 一直没签劳动合同", MonthDate(2025, 3, 1), TODAY),
        # The length ends when they left: the start is asked; the month they left is the end.
        ("在厂里干了一年半没签合同 上个月走了", None, MonthDate(2026, 10, 1)),
        # The one length said, of no other employer: double wages are about one employer.
        ("干了5个月 一直没签合同", date(2026, 6, 23), TODAY),
        # … but not a whole working life's, nor an earlier employer's.
        ("出来打工5年了 一直没签合同", None, None),
        ("之前在别的厂干了5个月 一直没签合同", None, None),
    ],
)
def test_double_wages_read_the_start_and_run_to_today_while_still_working(
    text: str, start: date | None, end: date | None
) -> None:
    read = _read_with_text(DOUBLE_WAGE, text)
    assert read.answers.get("start_date") == start
    assert read.answers.get("end_date") == end


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("今年4月进厂 老板一直没跟咱签合同", "never"),
        ("今年4月进厂 厂里一直没和我们签劳动合同", "never"),
        ("今年4月进厂 到7月1号才跟俺签的", "signed"),
    ],
)
def test_other_ways_of_saying_me_settle_the_contract_too(text: str, status: str) -> None:
    assert _read_with_text(DOUBLE_WAGE, text).answers.get("contract_status") == status


def test_a_field_said_twice_is_asked_not_taken_as_zero() -> None:
    read = _read_with_text(OVERTIME, "平时加了20个小时 周六加了8个钟 周日加了10个钟 月薪4350")
    assert "rest_day_hours" not in read.answers  # two facts for it: asked
    assert "rest_day_hours" not in read.assumed
    assert read.answers["holiday_hours"] == WorkTime(D(0))  # never said: 0, shown to confirm


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("在这个厂干了3年 今年一天年假都没休", None),  # maybe not all the years of work: asked
        ("毕业就进了这个厂 在这个厂干了3年 今年一天年假都没休", D(3)),  # the only employer
        # An earlier employer's 8 years and the 8 months here since joining (TODAY 2026-11-22).
        ("之前在老家那边厂里干了8年 今年3月16号才进的这个厂", D("8.6666")),
        # No other job before, said other ways (Cantonese too).
        ("我喺呢间厂做咗3年 之前冇做过其他工 去年年假冇放过", D(3)),
        ("在这个厂干了6年 以前没干过别的工作 今年一天年假都没休", D(6)),
    ],
)
def test_years_here_are_the_years_of_work_only_when_this_is_the_only_employer(
    text: str, years: Decimal | None
) -> None:
    assert _read_with_text(ANNUAL_LEAVE, text).answers.get("cumulative_years") == years
