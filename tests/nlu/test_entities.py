"""Rule and lookup entity extraction (nlu/entities.py): values, offsets, the data's annotations."""

from __future__ import annotations

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


# The phrases the calculators read: pay with its unit, working time with its kind and period,
# length of service with how exactly it was said.
PHRASE_CASES: list[tuple[str, Found]] = [
    ("一天250 国庆三天都上班了",
     [("wage", "250/day", "一天250"), ("work_time", "holiday:3d", "三天")]),
    # A holiday named with numerals (五一, 十一) is the kind of day, not an amount.
    ("日薪200，五一那天上了一天班",
     [("wage", "200/day", "日薪200"), ("work_time", "holiday:1d", "一天")]),
    ("十一假期上了三天班", [("work_time", "holiday:3d", "三天")]),
    # … but not inside a longer number (两千八百五一个月 is 2850 a month, not 五一).
    ("两千八百五一个月，每天做12个钟",
     [("wage", "2850/month", "两千八百五一个月"), ("work_time", "work:12h/day", "每天做12个钟")]),
    # Days worked beyond a festival's statutory days are the moved weekends: rest-day work.
    ("日薪一百八，国庆7天都没休息",
     [("wage", "180/day", "日薪一百八"), ("work_time", "holiday:3d", "7天"),
      ("work_time", "rest_day:4d", "7天")]),
    ("一个钟22块 周末加了16个小时",
     [("wage", "22/hour", "一个钟22块"), ("work_time", "rest_day:16h", "16个小时")]),
    ("周末加了16个小时", [("work_time", "rest_day:16h", "16个小时")]),
    ("平时每天加3个钟", [("work_time", "weekday:3h/day", "每天加3个钟")]),
    ("月薪4500帮我算一下加班费", [("wage", "4500/month", "月薪4500")]),
    ("底薪3千五", [("wage", "3500/month", "底薪3千五")]),
    ("日薪两百五", [("wage", "250/day", "日薪两百五")]),
    ("时薪22 加班多", [("wage", "22/hour", "时薪22")]),
    ("250元一天", [("wage", "250/day", "250元一天")]),
    ("22块一个钟", [("wage", "22/hour", "22块一个钟")]),
    ("我是计件的 加班费怎么算", [("wage", "piece", "计件")]),
    ("计件 一件5毛", [("wage", "0.5/piece", "一件5毛")]),
    ("每天做12个钟 一周干六天 月薪3千五",
     [("work_time", "work:12h/day", "每天做12个钟"), ("work_time", "work:6d/week", "一周干六天"),
      ("wage", "3500/month", "月薪3千五")]),
    ("周末加班，一共16个小时", [("work_time", "rest_day:16h", "16个小时")]),
    ("一个月上22天班", [("work_time", "work:22d/month", "一个月上22天")]),
    ("春节初一到初三都上班了", [("work_time", "holiday:3d", "初一到初三")]),
    ("正月初二上班了", [("work_time", "holiday:1d", "正月初二")]),
    ("初一到初七都没放假",
     [("work_time", "holiday:3d", "初一到初七"), ("work_time", "rest_day:4d", "初一到初七")]),
    ("大年三十到初五都在上班",
     [("work_time", "holiday:4d", "大年三十到初五"),
      ("work_time", "rest_day:2d", "大年三十到初五")]),
    ("一周上六天班", [("work_time", "work:6d/week", "一周上六天")]),
    # Days of a kind counted, with the hours worked on each: one total of hours (2026-12-06:
    # each used to be read as one day).
    ("4个周六都去上班了，每天8小时",
     [("work_time", "rest_day:32h", "4个周六都去上班了，每天8小时")]),
    ("3个星期天各上了8个钟的班", [("work_time", "rest_day:24h", "3个星期天各上了8个钟")]),
    # Right after the wage and a comma (月薪4000，4个周六), and hours after a leave word are
    # leave given back, not work (2026-12-06, fourth session).
    ("月薪4000，4个周六都加班了", [("wage", "4000/month", "月薪4000"),
                                 ("work_time", "rest_day:4d", "4个周六")]),
    ("4个周六加班 补休了8个小时", [("work_time", "rest_day:4d", "4个周六")]),
    # A holiday's break told by its dates: the statutory days are holiday work, the rest
    # rest-day work; 一天没休 is no day of work, 这7天 the same days again, 放五天假 a break.
    ("国庆10月1号到7号我一天没休 都在厂里干 这7天加班费",
     [("work_time", "holiday:3d", "10月1号到7号"), ("work_time", "rest_day:4d", "10月1号到7号")]),
    ("五一放五天假 5月1号到5号都上班了",
     [("work_time", "holiday:2d", "5月1号到5号"), ("work_time", "rest_day:3d", "5月1号到5号")]),
    ("春节放了八天假 我八天都上班了",
     [("work_time", "holiday:4d", "八天"), ("work_time", "rest_day:4d", "八天")]),
    # Hours a day beside a holiday's break are worked on its moved rest days too; 一整天 is a
    # day (清明那天上了一整天), or each counted day's length (4个周六都上了一整天班).
    ("国庆7天都没休息 每天8个钟",
     [("work_time", "holiday:24h", "7天都没休息 每天8个钟"),
      ("work_time", "rest_day:32h", "7天都没休息 每天8个钟")]),
    ("清明那天也上了一整天", [("work_time", "holiday:1d", "一整天")]),
    ("4个周六都上了一整天班", [("work_time", "rest_day:4d", "4个周六")]),
    # Weekdays counted with the overtime after each (2026-12-06, fourth session): a total;
    # a lunar range with its verb inside (除夕一直干到初六).
    ("有15天都是平时下了班又干3个钟",
     [("work_time", "weekday:45h", "15天都是平时下了班又干3个钟")]),
    ("从除夕一直干到初五", [("work_time", "holiday:4d", "除夕一直干到初五"),
                          ("work_time", "rest_day:2d", "除夕一直干到初五")]),
    # Fifth session (probe 9): days counted after overtime hours a day are the days of those
    # hours (more days, 另外还加了2天, are not); a break told by its dates, 没歇; holidays named
    # as single days in a list (中秋节当天和国庆节那天, 同, 当日, 嗰日), not when not worked;
    # days of each of the weekends counted; 大年初五 with 上到; Cantonese lengths and 人工.
    ("平时每天都加班3小时 总共加了15天",
     [("work_time", "weekday:45h", "每天都加班3小时 总共加了15天")]),
    ("每天加班2小时 另外还加了2天班",
     [("work_time", "overtime:2h/day", "每天加班2小时"), ("work_time", "overtime:2d", "2天")]),
    ("国庆10月1号到5号我都没歇",
     [("work_time", "holiday:3d", "10月1号到5号"), ("work_time", "rest_day:2d", "10月1号到5号")]),
    ("中秋节当天和国庆节那天都被叫回去上班",
     [("work_time", "holiday:2d", "中秋节当天和国庆节那天")]),
    ("端午那天没去上班", []),
    ("清明节当日加上端午节当日都休息了", []),  # 加上 joins the days, no verb
    ("中秋那天去参加婚礼", []),
    ("元旦当日同清明节嗰日都返咗工 每日做足10个钟",
     [("work_time", "holiday:20h", "元旦当日同清明节嗰日都返咗工 每日做足10个钟")]),
    ("两个周末 每个周末两天都加班", [("work_time", "rest_day:4d", "每个周末两天")]),
    ("4个周末一共加了3天", [("work_time", "rest_day:3d", "3天")]),
    ("年三十一直上到大年初五", [("work_time", "holiday:4d", "年三十一直上到大年初五"),
                              ("work_time", "rest_day:2d", "年三十一直上到大年初五")]),
    ("我返咗两年工", [("service_length", "24m", "两年")]),
    ("来这个厂也3年了", [("service_length", "36m", "3年")]),
    ("人工4800", [("wage", "4800/month", "人工4800")]),
    # 晚上 between the period and the amount: still hours a day.
    ("每天晚上加班3小时", [("work_time", "weekday:3h/day", "每天晚上加班3小时")]),
    ("两个礼拜天都加班了", [("work_time", "rest_day:2d", "两个礼拜天")]),
    ("国庆三天都上班，每天干8个小时", [("work_time", "holiday:24h", "三天都上班，每天干8个小时")]),
    # 法定假 names the holiday (the festival's name may sit before its dates).
    # The days by their dates (both statutory from 2025); 两天 is the same days again.
    ("五一劳动节5月1号和2号两天法定假我都上了班", [("work_time", "holiday:2d", "5月1号和2号")]),
    ("每天都多干2个钟", [("work_time", "overtime:2h/day", "每天都多干2个钟")]),
    ("工资4k一个月", [("wage", "4000/month", "4k一个月")]),
    ("干了两年零七个月被辞退", [("service_length", "31m", "两年零七个月")]),
    ("干了快五年 公司裁员", [("service_length", "60m-", "快五年")]),
    ("进厂一年多了", [("service_length", "12m+", "一年多")]),
    ("在这个厂干了三年半", [("service_length", "42m", "三年半")]),
    ("工作一共11年了", [("service_length", "132m", "11年")]),  # 一共 holds no number
    ("我都上了22年班了", [("service_length", "264m", "22年")]),  # the verb split by the length
    # 俩 and 仨 hold their 个; 一个月 right before an amount is its period, not a month more.
    ("干了三年零仨月", [("service_length", "39m", "三年零仨月")]),
    ("在这个厂做了六年一个月5200",
     [("service_length", "72m", "六年"), ("wage", "5200/month", "一个月5200")]),
    # No verb: a length right after a workplace that ends its clause; not 3年没涨过工资.
    ("这个厂4年了", [("service_length", "48m", "4年")]),
    ("在公司都有两年了", [("service_length", "24m", "两年")]),
    ("我们厂3年没涨过工资", []),
    # 一 of 一直 is no wage of 1 yuan; 一直 may sit between the pay word and the amount.
    ("工资一直是每月5000", [("wage", "5000/month", "每月5000")]),
    ("月工资一直4200没变过", [("wage", "4200/month", "月工资一直4200")]),
    # Days named as days off (周六周日休息) name no work said later.
    ("周一到周五上班 周六周日休息 上个月上了22天班", [("work_time", "weekday:22d", "22天")]),
    ("周六不休息 上了4天", [("work_time", "rest_day:4d", "4天")]),
    # A holiday named before its dates, read by the dates; the days named again (这三天) are
    # no more days.
    ("国庆10月1号2号3号这三天也叫我去上班 每天8个钟 这三天的加班费",
     [("work_time", "holiday:24h", "10月1号2号3号这三天也叫我去上班 每天8个钟")]),
    # Hours of each counted day: 每次, or said of the day's own kind before the count.
    ("上个月3个周日都被叫去加班 每次10小时",
     [("work_time", "rest_day:30h", "3个周日都被叫去加班 每次10小时")]),
    ("周六还要干9个钟 周日休息 上个月4个周六都上了", [("work_time", "rest_day:36h", "4个周六")]),
    ("上个月做了3个周六", [("work_time", "rest_day:3d", "3个周六")]),
    # Weekdays counted are days worked; going there on counted Sundays is working; the set
    # they were among (5个礼拜天里头) is not; the standard day (合同写的) is no time worked.
    ("上个月20个工作日每天都干11个钟头",
     [("work_time", "weekday:20d", "20个工作日"),
      ("work_time", "work:11h/day", "每天都干11个钟头")]),
    ("上个月一共去了3个礼拜天 每回9个钟头",
     [("work_time", "rest_day:27h", "3个礼拜天 每回9个钟头")]),
    ("上个月4个礼拜天里头去了2个", [("work_time", "rest_day:2d", "2个")]),
    # Counted after the verb, in times (去了3回, 加了两次班).
    ("上个月礼拜六去了3回 每回8个钟", [("work_time", "rest_day:24h", "3回 每回8个钟")]),
    ("周六加了两次班", [("work_time", "rest_day:2d", "两次")]),
    # Kept on after the shift is overtime; wages held back (工资拖了3天) are not.
    ("平时每天下班后又拖了两个半钟头",
     [("work_time", "weekday:2.5h/day", "每天下班后又拖了两个半钟头")]),
    ("工资拖了3天才发", []),
    # After the shift, still a day's hours; the days named again (这4个周六) are no count.
    ("每天下了班还要多干两个半小时",
     [("work_time", "overtime:2.5h/day", "每天下了班还要多干两个半小时")]),
    ("这4个周六的加班费怎么算", []),
    # The verb after the holiday's own dates named again; not worked when it says so.
    ("国庆那三天 就是10月1号到3号 我都上了班", [("work_time", "holiday:3d", "三天")]),
    ("国庆那三天 就是10月1号到3号 我都在家", []),
    ("合同写的周一到周五每天8小时", []),
    # A working day told by the clock, with a per-day word or a work verb; not a meeting.
    ("天天早上8点干到晚上8点", [("work_time", "work:12h/day", "早上8点干到晚上8点")]),
    ("明天3点到4点见面", []),
    # The standard day said in the clause before (厂里定的是 …) is no time worked.
    ("厂里定的是周一到周五上班 一天8小时", []),
    # 春节 days named in a list are all of them; 够 and 实际 may sit before the hours a day.
    ("除夕 初一 初二这3天都在厂里上班 每天8小时",
     [("work_time", "holiday:24h", "除夕 初一 初二这3天都在厂里上班 每天8小时")]),
    # Days in a list that are not one after another share the list's verb and add up.
    ("初一、初三都上班了", [("work_time", "holiday:2d", "初一、初三")]),
    ("初二、初五、初六都上班了",
     [("work_time", "holiday:1d", "初二、初五、初六"),
      ("work_time", "rest_day:2d", "初二、初五、初六")]),
    ("每天都干够10个钟头", [("work_time", "work:10h/day", "每天都干够10个钟头")]),
    # A weekday's whole working time, not overtime.
    ("平时周一到周五上班 每天8个钟", [("work_time", "work:8h/day", "每天8个钟")]),
    # Not phrases: a holiday that was not worked, a pay day; days off are (the rest worked).
    ("月休2天", [("work_time", "off:2d/month", "月休2天")]),
    ("每周上6天", [("work_time", "work:6d/week", "每周上6天")]),
    ("每天12小时 月薪4500", [("work_time", "work:12h/day", "每天12小时"),
                             ("wage", "4500/month", "月薪4500")]),
    ("每天3小时", []),  # no verb and no longer than a standard day: asked, not guessed
    ("上个月上了5天", [("work_time", "work:5d", "5天")]),
    ("一个月只休息两天", [("work_time", "off:2d/month", "一个月只休息两天")]),
    ("每周休一天", [("work_time", "off:1d/week", "每周休一天")]),
    ("国庆放假三天", []),
    ("初三那天我去医院了", []),
    ("每个月4号发工资", []),
    ("一个月休息4天 工资4000",
     [("work_time", "off:4d/month", "一个月休息4天"), ("wage", "4000/month", "工资4000")]),
    # A period before kind words, 去 and 加起来 (每个礼拜平时加班加起来10个小时): still the
    # period's amount, not a total.
    ("每个礼拜平时加班加起来10个小时",
     [("work_time", "weekday:10h/week", "每个礼拜平时加班加起来10个小时")]),
    ("每周周末都去加班8小时", [("work_time", "rest_day:8h/week", "每周周末都去加班8小时")]),
    # One rest day every week: its hours are the week's (the weeks are asked or said).
    ("每周六加班8小时", [("work_time", "rest_day:8h/week", "每周六加班8小时")]),
    # The days of a holiday split in two (one statutory, two moved) named again: no more days.
    ("端午放了三天假，我三天都去上班了，这三天的加班费",
     [("work_time", "holiday:1d", "三天"), ("work_time", "rest_day:2d", "三天")]),
    # After 另外 another fact starts: its kind word and its verb are not the hours' before it.
    ("五一上了三天班每天8个小时另外平时晚上又加了12个小时",
     [("work_time", "holiday:16h", "三天班每天8个小时"),
      ("work_time", "rest_day:8h", "三天班每天8个小时"),
      ("work_time", "weekday:12h", "12个小时")]),
    # Cantonese days counted with 日 after 咗 (做咗21日) and worked in full (返足).
    ("上个月做咗21日，每日加班2个钟",
     [("work_time", "work:21d", "21日"), ("work_time", "overtime:2h/day", "每日加班2个钟")]),
    ("两个礼拜六都返足8个钟", [("work_time", "rest_day:16h", "两个礼拜六都返足8个钟")]),
    ("日日都加班2个钟", [("work_time", "overtime:2h/day", "日日都加班2个钟")]),
    ("3月22日发工资", []),
    # A festival named with a fixed-date holiday is that holiday's break (2025: 中秋 in it).
    ("2025年国庆加中秋10月1号到8号我都在厂里干活",
     [("work_time", "holiday:4d", "10月1号到8号"), ("work_time", "rest_day:4d", "10月1号到8号")]),
    ("2025年国庆节和中秋节8天一天没休",
     [("work_time", "holiday:4d", "8天"), ("work_time", "rest_day:4d", "8天")]),
    ("国庆节和中秋节8天都没休", []),  # no year: 中秋's day is not known
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), PHRASE_CASES)
def test_phrase_entities(text: str, expected: Found) -> None:
    found = [
        (e.entity, e.value, e.text) for e in extract_entities(text) if e.entity in PHRASE_ENTITIES
    ]
    assert found == expected


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
