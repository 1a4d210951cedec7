"""Rule and lookup entity extraction (nlu/entities.py): values, offsets, the data's annotations."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu import entities
from nlu.entities import NUMERIC_ENTITIES, PHRASE_ENTITIES, EntityExtractor, extract_entities
from nlu.settings import PROJECT_ROOT
from nlu.training_data import load_training_data
from tests.nlu.conftest import SMALL_DATA_DIR, as_number

Found = list[tuple[str, object, str]]

RULE_CASES: list[tuple[str, Found]] = [
    ("老板欠了我三个月工资，一共一万二千块",
     [("duration", 3.0, "三个月"), ("money", 12000, "一万二千块")]),
    ("我们厂有三百多个人，每天干12个小时，一个月3500",
     [("worker_count", 300, "三百多个人"), ("hours", 12.0, "12个小时"), ("money", 3500, "3500")]),
    ("2023年3月5日入职，试用期两个半月，工资3k5",
     [("date", "2023-03-05", "2023年3月5日"), ("duration", 2.5, "两个半月"),
      ("money", 3500, "3k5")]),
    ("23年5月进的厂 干了一年半", [("date", "2023-05", "23年5月"), ("duration", 18.0, "一年半")]),
    ("从3月15号开始就没发工资了", [("date", "--03-15", "3月15号")]),
    ("去年12月被辞退了", [("date", "--12", "去年12月")]),
    ("2022-11-30被辞退", [("date", "2022-11-30", "2022-11-30")]),
    ("二〇二一年十二月开始上班", [("date", "2021-12", "二〇二一年十二月")]),
    # The year in brackets after a relative one (seventh session, probe 13).
    ("前年(2024年)3月开始上班", [("date", "2024-03", "2024年)3月")]),
    ("工資3500，每天做十二個鐘頭", [("money", 3500, "3500"), ("hours", 12.0, "十二個鐘頭")]),
    ("迟到一次扣五十", [("money", 50, "五十")]),
    ("罚款两百块", [("money", 200, "两百块")]),
    ("200人的小厂", [("worker_count", 200, "200人")]),
    ("干了一年零三个月", [("duration", 15.0, "一年零三个月")]),
    ("月薪4500周末加了16个小时", [("money", 4500, "4500"), ("hours", 16.0, "16个小时")]),
    # Not entities: ages, metro lines, phone numbers, codes, a rate (每个月), a month name.
    ("我18岁，住3号线附近", []),
    ("手机13812345678", []),
    ("回执号GY-7K3P-Q9MX", []),
    ("每个月休两天", [("duration", 0.07, "两天")]),
    ("三月份的工资", [("date", "--03", "三月份")]),
    # A length ending in a Chinese unit is no code glued to the digits after it.
    ("头3个月4000块", [("duration", 3.0, "3个月"), ("money", 4000, "4000块")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), RULE_CASES)
def test_rule_entities(text: str, expected: Found) -> None:
    found = [
        (e.entity, e.value, e.text)
        for e in extract_entities(text)
        if e.entity not in PHRASE_ENTITIES
    ]
    assert found == expected


# The phrases the calculators read, of several families in one message: read together, in
# the message's order (each family's own cases are in tests/nlu/test_<its module>.py).
PHRASE_CASES: list[tuple[str, Found]] = [
    ("一天250 国庆三天都上班了",
     [("wage", "250/day", "一天250"), ("work_time", "holiday:3d", "三天")]),
    # A holiday named with numerals (五一, 十一) is the kind of day, not an amount.
    ("日薪200，五一那天上了一天班",
     [("wage", "200/day", "日薪200"), ("work_time", "holiday:1d", "一天")]),
    # … but not inside a longer number (两千八百五一个月 is 2850 a month, not 五一).
    ("两千八百五一个月，每天做12个钟",
     [("wage", "2850/month", "两千八百五一个月"), ("work_time", "work:12h/day", "每天做12个钟")]),
    # Days worked beyond a festival's statutory days are the moved weekends: rest-day work.
    ("日薪一百八，国庆7天都没休息",
     [("wage", "180/day", "日薪一百八"), ("work_time", "holiday:3d", "7天"),
      ("work_time", "rest_day:4d", "7天")]),
    ("一个钟22块 周末加了16个小时",
     [("wage", "22/hour", "一个钟22块"), ("work_time", "rest_day:16h", "16个小时")]),
    ("每天做12个钟 一周干六天 月薪3千五",
     [("work_time", "work:12h/day", "每天做12个钟"), ("work_time", "work:6d/week", "一周干六天"),
      ("wage", "3500/month", "月薪3千五")]),
    # Days counted right after the wage and a comma (月薪4000，4个周六).
    ("月薪4000，4个周六都加班了", [("wage", "4000/month", "月薪4000"),
                                 ("work_time", "rest_day:4d", "4个周六")]),
    ("在这个厂做了六年一个月5200",
     [("service_length", "72m", "六年"), ("wage", "5200/month", "一个月5200")]),
    ("每天12小时 月薪4500", [("work_time", "work:12h/day", "每天12小时"),
                             ("wage", "4500/month", "月薪4500")]),
    ("一个月休息4天 工资4000",
     [("work_time", "off:4d/month", "一个月休息4天"), ("wage", "4000/month", "工资4000")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), PHRASE_CASES)
def test_phrase_entities(text: str, expected: Found) -> None:
    found = [
        (e.entity, e.value, e.text) for e in extract_entities(text) if e.entity in PHRASE_ENTITIES
    ]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # Probe 17: a day of a month named relative to the day the message is read.
        ("上个月30号走的", "2026-11-30"),
        ("上上个月3号进的厂", "2026-10-03"),
        ("这个月5号发工资", "2026-12-05"),
        ("上个月31号", None),  # November has no 31st
    ],
)
def test_a_day_of_a_month_named_relative_to_today(text: str, day: str | None) -> None:
    found = [
        e.value for e in extract_entities(text, today=dt.date(2026, 12, 6)) if e.entity == "date"
    ]
    assert found == ([day] if day else [])


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        # Probes 26, 27: the year said before a holiday goes with the day placed after it.
        ("前年国庆过后10月8号进的厂", ["2024-10-08"]),
        ("去年春节后2月20号来的", ["2025-02-20"]),
        ("大前年国庆之后十月八号", ["2023-10-08"]),
        # A holiday's own dates are left to the holiday-work rules: no full date here.
        ("去年国庆10月1号到7号都上班", ["--10-01"]),
        ("去年国庆后30号", []),  # no month: not read as a date
    ],
)
def test_a_day_placed_after_a_holiday_takes_the_year_said_before_it(
    text: str, dates: list[str]
) -> None:
    found = [
        e.value for e in extract_entities(text, today=dt.date(2026, 12, 6)) if e.entity == "date"
    ]
    assert found == dates


@pytest.mark.parametrize(
    ("text", "employer"),
    [
        ("我在深圳华强电子厂上班", "深圳华强电子厂"),
        ("23年进的富士康公司", "富士康公司"),
        ("东莞市长安镇立讯精密工业有限公司欠薪", "东莞市长安镇立讯精密工业有限公司"),
        ("ABC科技有限公司不交社保", "ABC科技有限公司"),
    ],
)
def test_employer_names(text: str, employer: str) -> None:
    assert [e.value for e in extract_entities(text) if e.entity == "employer"] == [employer]


@pytest.mark.parametrize(
    "text", ["我们公司不给交社保", "电子厂老板跑路了", "这家工厂太黑", "厂长骂人"]
)
def test_generic_workplaces_are_not_employer_names(text: str) -> None:
    assert [e for e in extract_entities(text) if e.entity == "employer"] == []


def test_lookup_tables_synonyms_and_regexes_from_the_data() -> None:
    extractor = EntityExtractor.from_training_data(load_training_data(SMALL_DATA_DIR))
    text = "我是湖南人 在鹏城的富土康干活 之前在廣東省东莞市"
    found = [(e.entity, e.value, e.text) for e in extractor.extract(text)]
    assert found == [
        ("province", "湖南", "湖南"),
        ("city", "深圳", "鹏城"),
        ("employer", "富土康", "富土康"),
        ("province", "广东", "廣東省"),
        ("city", "东莞", "东莞市"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "在東莞做了兩年半 工資３５００塊",
        "老板說欠我們一萬二 三百多個人都沒發",
        "２０２３年３月入職",
    ],
)
def test_offsets_index_the_original_text(text: str) -> None:
    entities = extract_entities(text)
    assert entities
    assert all(text[e.start : e.end] == e.text for e in entities)


def test_annotations_in_the_training_data_are_found() -> None:
    """The rules find the values the data's annotators wrote, at the same place."""
    data = load_training_data(PROJECT_ROOT / "nlu" / "data")
    extractor = EntityExtractor.from_training_data(data)
    total, missed = 0, []
    for example in data.examples:
        found = {
            (e.entity, as_number(e.value), e.start, e.end) for e in extractor.extract(example.text)
        }
        for ent in example.entities:
            total += 1
            key = (ent.entity, as_number(ent.value), ent.start, ent.end)
            if key not in found:
                missed.append(f"{example.text!r}: {ent.entity}={ent.value} ({ent.text})")
    recall = 1 - len(missed) / total
    print(f"annotation recall {recall:.3f} over {total} annotations; missed: {missed}")
    assert total > 100
    assert recall >= 0.97, missed


def test_numeric_entities_have_numeric_values() -> None:
    for entity in extract_entities("干了两年半 工资4500块 每天11个钟 我们200人"):
        if entity.entity in PHRASE_ENTITIES:
            assert isinstance(entity.value, str)
            continue
        assert entity.entity in NUMERIC_ENTITIES | {"worker_count"}
        assert isinstance(entity.value, int | float)


@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789一二十两〇年月日号份去今前大-/. 第个级")),
        max_size=24,
    )
)
def test_date_patterns_skipped_for_a_missing_character_would_find_nothing(text: str) -> None:
    for pattern, needs in zip(entities._DATE_PATTERNS, entities._DATE_NEEDS, strict=True):
        if not all(any(char in text for char in chars) for chars in needs):
            assert pattern.search(text) is None, (pattern.pattern, text)
