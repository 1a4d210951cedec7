"""One message that states every fact is worked out whole (oneshot.calculate): the families
of phrasing read since probe 10, each in sentences of our own, amounts computed by hand."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge_base.calculators.oneshot import calculate
from tests.knowledge_base.calculators.conftest import TODAY


@pytest.mark.parametrize(
    ("text", "intent", "amount"),
    [
        # Days of a holiday's break by their dates: 2号 statutory (8 h × 25 × 300% = 600), 6号
        # a moved rest day (8 h × 25 × 200% = 400).
        ("月薪4350，国庆放了7天假，我2号和6号被叫回厂里上班，每天8个钟，没有补休，加班费多少",
         "calc_overtime", 1000.0),
        # 2024: 劳动节 had only 5月1日 (240 × 300% = 720); 2号 and 3号 were rest days
        # (2 × 240 × 200% = 960).
        ("日薪240，2024年劳动节放了5天假，我1号、2号、3号都去加班了，没补休",
         "calc_overtime", 1680.0),
        # Weeks in a row: 3 × 5 weekdays × 1.5 h = 22.5 h × 25 × 150%.
        ("月薪4350，这个月连续3个礼拜，周一到周五每晚都多干1个半小时，周末休息，加班费多少",
         "calc_overtime", 843.75),
        # A week's hours with kind words and 加起来 between: 2 × 8 h × 30 × 150%.
        ("月薪5220，前面两个星期，每个星期平时加班加起来8小时，加班费多少", "calc_overtime", 720.0),
        # Every Saturday for 4 weeks in a row: 4 × 8 h × 25 × 200%.
        ("月薪4350，每周六加班8小时，连续做了4个星期，没补休，加班费多少", "calc_overtime", 1600.0),
        # Cantonese days (做咗20日): 40 h × 25 × 150% = 1500; 返足: 18 h × 25 × 200% = 900.
        ("人工每个月4350，上个月做咗20日，每日加班2个钟，另外两个礼拜日都返足9个钟，冇补休",
         "calc_overtime", 2400.0),
        # 日日 is every day: 21 × 2 h × 30 × 150% = 1890; 2 Sundays × 8 h × 30 × 200% = 960.
        ("人工每个月5220，上个月做咗21日，日日加班2个钟，有两个礼拜日都返咗工，每日8个钟，冇补休",
         "calc_overtime", 2850.0),
        # The break's length said after the days still places them: 1号 2号 statutory, 6号 not.
        ("月薪3480，2024年国庆我1号、2号、6号上了班，国庆放了7天，每天8个钟，没补休",
         "calc_overtime", 1280.0),
        # 这三天 after a break split in two is the same three days: 600 + 2 × 400.
        ("日薪200，端午放了三天假，三天我都上班了，每天8小时，没补休，这三天加班费多少",
         "calc_overtime", 1400.0),
        # 俩月 is two months: N = 6.5 × 5000.
        ("在这个厂干了六年零俩月，公司跟我协商解除，月薪5000，补偿多少",
         "calc_compensation", 32500.0),
        # 八年一个月5000: eight years at 5000 a month; no reason given is 2N.
        ("干了八年一个月5000，被辞退了，老板啥理由都没讲，能赔多少", "calc_compensation", 80000.0),
        # A wage in parts with 一个月 before each amount: (4 × 3600 + 8 × 4500) ÷ 12 = 4200 × 5.
        ("在这个厂干了5年，公司裁员，最后12个月里头4个月一个月3600，后8个月一个月4500",
         "calc_compensation", 21000.0),
        # A working life's 三十多年 beside this employer's 7: 15 days × 200 × 200%.
        ("出来打工三十多年了，在这个厂干了7年，今年年假一天没休，月薪4350",
         "calc_annual_leave", 6000.0),
        # Cantonese: this employer, no other job before, the whole of last year: 5 × 200 × 200%.
        ("我喺呢间公司做咗4年，之前冇做过其他工，去年成年一日年假都冇放过，人工4350",
         "calc_annual_leave", 2000.0),
        ("我累计工作15年，2019年入职这家公司，2026年10月31日离职，月薪7400元，今年已休年假3天",
         "calc_annual_leave", 3402.3),
        # Weeks of a month with a six-day week: 3500 ÷ 174 × (4 × 5 × 3 × 150% + 4 × 11 × 200%).
        ("月薪3500，上个月4个星期，都是周一到周六上班，每天干11个小时，周六没有补休",
         "calc_overtime", 3580.45),
        # 咱 for 我: never signed, 3月1日 to 8月31日 is 6 months × 4000.
        ("咱是2026年2月1号进的厂，干到8月31号就走了，老板一直没跟咱签合同，一个月4000",
         "calc_double_wage", 24000.0),
        # Eighth session (probe 17). The hours named again (这5个钟头) are no more work:
        # 5 h × 25 × 300%.
        ("月薪4350，今年端午节那天加了班但只干了5个钟头，没补休，这5个钟头加班费多少",
         "calc_overtime", 375.0),
        # A child's nursery fee beside the wage is a cost: 2 × 6000 × 2.5.
        ("在这个厂干了两年零三个月，主管没有任何理由把我开了，离职前12个月平均工资6千，"
         "孩子幼儿园一个月1500，赔偿金多少", "calc_compensation", 30000.0),
        # 上个月30号 is 2026-10-30 on 2026-11-22: one year and eight months, N = 2.
        ("去年3月1号进厂，厂里不交社保，我书面提出被迫辞职，上个月30号走的，走之前12个月平均工资"
         "4000，经济补偿多少", "calc_compensation", 8000.0),
        # Signed at last (Cantonese 先同我簽) on 2026-10-01: April to September, 6 × 4000.
        ("我今年3月1號入咗廠，月薪4000，一直拖到上個月1號先同我簽勞動合同，雙倍人工有幾多",
         "calc_double_wage", 24000.0),
        # Here since 2020 (2020年起在): the whole of last year; 14 years of work, 10 days.
        ("我2012年开始上班，2020年起在这家厂做到现在，去年整年的年休假一天都没休，月薪4350",
         "calc_annual_leave", 4000.0),
        # 春节's four statutory days by their dates, two rest days by theirs: 25 × 8 × (12 + 4).
        ("时薪25，今年春节2月16号（除夕）到19号（初三）这4天我全上了，厂里说20号21号是休息日，"
         "这两天我也上了，每天都是8小时，都没补休", "calc_overtime", 3200.0),
        # Six days a week told by their first and last day (probe 16): 3 h × 5 × 4 weekdays at
        # 150% and 11 h × 4 Saturdays at 200%, at 20 an hour.
        ("月薪3480，周一到周六都上班，每天11个小时，干了4个星期，周六没补休，加班费多少",
         "calc_overtime", 3560.0),
        # Days a week beside hours a day (probe 17): the days count the weekdays, 4 × 4 × 3 h.
        ("一个钟25块。上个月平时每天加班3个钟，一周上4天平时班，干了4个星期，加班费多少",
         "calc_overtime", 1800.0),
        # Six days a week beside the Saturdays' own hours (probe 15): the hours are the fact,
        # 4 × 8 h × 25 × 200%.
        ("俺们厂一周干六天，周六从来不给倒休，月工资4350，上个月干了4个周六，一天8个钟头，加班费多少",
         "calc_overtime", 1600.0),
        # Probe 18 (ninth session):
        # a cost paid by the worker (自己出) is not pay: 20 × 150% × 20 hours.
        ("宿舍费自己出一个月300，时薪20，这个月平时晚上加了20个小时班，加班费多少", "calc_overtime",
         600.0),
        # Rest days without leave named again: 200 a day (4350 ÷ 21.75) × 200% × 2 days.
        ("月薪4350，上个月周六加了4天班，每天8小时，其中有2天后来调休了，剩下没调休的2天加班费多少",
         "calc_overtime", 800.0),
        # A 10-hour day and the 2 hours beyond 8 said again: one fact; 25 × 150% × 2 × 20.
        ("日薪200，规定一天8小时，我们每天都做10个钟，这个月上了20天班，每天多出来的2个钟都算加班，"
         "周末不上班，加班费多少", "calc_overtime", 1500.0),
        # 8 whole months up to the last day (31 October): months 2–8 without a contract.
        ("在厂里干满8个月，一直没签合同，10月底辞工走的，月薪5000，双倍工资多少",
         "calc_double_wage", 35000.0),
        # Years of social insurance are the years of work (12 → 10 days); 8 years here is the
        # whole year: 200 × 200% × 10.
        ("在这个电子厂干了8年，社保累计交了12年，月薪4350，今年年假一天都没休，能补多少钱",
         "calc_annual_leave", 4000.0),
        # Probe 19: years of work before joining (入职前) are the working life's, not this
        # employer's: 12 years → 10 days; joined 2026-05-01, 245 days left → 6 days × 200 × 2.
        ("月薪4350，今年5月1号入职现在这个厂，入职前已经累计工作12年，今年年假一天都没休，能补多少",
         "calc_annual_leave", 2400.0),
        # A lawful ground of 第四十条 (提前一个月通知) is economic compensation: 0.5 × 4000.
        ("干了4个月，月薪4000，公司说经营困难提前一个月通知我解除合同，补偿多少",
         "calc_compensation", 2000.0),
        # A past year's whole days stated (应休5天): here all that year; 4 days unused × 200 × 2.
        ("工龄6年，月薪4350，2025年应休5天年假只休了1天，剩下的补多少钱",
         "calc_annual_leave", 1600.0),
        # Probe 20: a whole year's days stated for this year (今年5天年假) means here all year:
        # 4 days unused × 200 × 200%; the same said formally, none taken (一天未休).
        ("出来打工8年了，今年5天年假只休了1天，月薪4350，剩下的补多少",
         "calc_annual_leave", 1600.0),
        ("月工资4350，累计工作年限十二年，本年度应休年休假十天，因单位安排工作一天未休，应补多少",
         "calc_annual_leave", 4000.0),
        # Cantonese 先同我簽 after the day of signing: 2026-04-01 to 2026-05-31, 2 × 4350.
        ("我2026年3月1號返工，老細拖到6月1號先同我簽合同，月薪4350，雙倍人工幾多",
         "calc_double_wage", 8700.0),
        # Probe 22: the works moving away and the contract ended when the worker could not
        # follow (第四十条第三项) is economic compensation: 1年零2个月 → 1.5 × 2900.
        ("厂子要搬到外省去，我没跟过去，厂里就和我解除劳动合同了。干了1年零2个月，平均月工资两千九，补偿多少",
         "calc_compensation", 4350.0),
        # Probe 22: the whole year said by its first and last day: 8 years → 5 days, 4 unused
        # × 200 × 200%.
        ("工龄8年，今年1月1号到12月31号都在这个厂，年假只休了1天，月薪4350，没休的补多少",
         "calc_annual_leave", 1600.0),
        # Probe 27: the year said before a holiday goes with the day after it (2025-10-08),
        # and being called in to sign at last ends the period (2025-11-08 … 2026-04-07: 5).
        ("我去年国庆后10月8号进的厂，一直没签合同，今年4月8号厂里才喊我签，月薪4350，双倍工资多少",
         "calc_double_wage", 21750.0),
        ("前年国庆过后10月8号进厂，一直没签合同，月薪4350，双倍工资多少",
         "calc_double_wage", 47850.0),  # 2024-10-08: the 11 months' cap
        # Probe 27: overtime told by the clock, 6 pm to 9 pm (not from 5:30, the meal between).
        ("月薪4350，平时下午5点半下班，吃完饭6点开始加班，一直加到晚上9点，上个月这样加了20个工作日，周末没加班",
         "calc_overtime", 2250.0),
        ("一个月四千三百五，这个月上了20天班，每天都要多整两个钟头，周末没上，加班费多少",
         "calc_overtime", 1500.0),  # Sichuan 整 for 干
        # The two days named again for their pay, 的 left out: no third fact (600 + 400).
        ("月薪4350，今年端午节那天上了8个小时，那个礼拜六也上了8个小时，都没补休，这两天加班费多少",
         "calc_overtime", 1000.0),
        # Joined this year (跳槽过来): 3 years before, 5 days × 306/365 → 4 × 200 × 200%.
        ("我今年3月1号跳槽过来的，之前在别的厂干了3年，今年年假一天都没给安排，月薪4350，没休的年假给多少",
         "calc_annual_leave", 1600.0),
        # A first job left after 9 months: under a year of work when leaving, no leave due.
        ("我2025年9月1号第一次出来上班，在这个厂干到今年5月31号辞职了，一天年假都没休过，月工资4350，年假补多少",
         "calc_annual_leave", 0.0),
        # Probe 28: Sichuan 没得 denies leave given back (was read as one day given back).
        ("月薪4350，上个月周六周日都上了，一共8天，每天8个钟，一天都没得调休，加班费多少",
         "calc_overtime", 3200.0),
        # Probe 28: overtime run on from the day's range (17:00 → 20:30, the lunch inside the day).
        ("时薪25，正常早上8点到下午5点，中午休息1小时，上个月20个工作日都加到晚上8点半，加班费多少",
         "calc_overtime", 2625.0),
        # Probe 28: a break by its dates, not one day of it off (2026: 2 statutory + 3 rest days).
        ("日薪200，今年五一放假从5月1号到5号，我一天都冇休息，每天8个钟，没补休，加班费多少",
         "calc_overtime", 2400.0),
        # Probe 28: 第四十条 said is N; the notice not given, whatever the verb (3y8m → 4 + 1).
        ("2023年3月1号进厂，做到今年11月1号，厂里按第四十条跟我解除合同，没提前30天跟我说，月平均工资4350，补偿多少",
         "calc_compensation", 21750.0),
        ("我参加工作8年，去年一整年都在这个厂，年假一天都冇休，月工资4350，去年冇休的年假补几多",
         "calc_annual_leave", 2000.0),
        # Probe 28: signed within the first month: nothing owed; Cantonese last day (做埋最后一日).
        ("今年6月1号进厂，6月20号签了书面合同，月工资4350，二倍工资多少", "calc_double_wage", 0.0),
        ("我去年10月8号入职，一直冇签合同，今年4月7号做埋最后一日就走咗，人工4350，双倍人工几多",
         "calc_double_wage", 21750.0),
        # Probe 28: 8 hours as the boundary (以外), and how many of a set of Sundays were worked.
        ("月薪4350，上个月21个工作日每天都在8小时以外多加了2个钟，4个周日里有3个也叫我回去上了全天，每天8小时，没补休，加班费多少",
         "calc_overtime", 2775.0),
        # Holidays named together before their count: each its own statutory day (2 × 8 h ×
        # 300%; the count was split as one break: half of it rest days), 元旦 and 中秋 never
        # one break (it was asked).
        ("月薪4350，今年清明和端午那两天都上班了，每天8小时，没调休，加班费多少",
         "calc_overtime", 1200.0),
        ("月薪4350，今年元旦和中秋那两天都叫我回厂上班，每天8个小时，没调休，加班费多少",
         "calc_overtime", 1200.0),
        # ... but a festival inside the other's break that year is that break (2025: 中秋 on
        # 10月6日, 4 statutory days of 8; review: it was counted twice, 4,200).
        ("月薪4350，2025年中秋和国庆那8天都上班了，每天8小时，没调休，加班费多少",
         "calc_overtime", 4000.0),
        # Fifteenth session (probe 29). An earlier employer's years are not the time here (it
        # was 5 years' pay, not half a year's: 5000 + notice 5000).
        ("2026年2月1号进厂，月薪5000，8月20号公司按第40条第三项解除，没提前30天通知，"
         "我之前在别的厂做了5年，补偿加代通知金多少", "calc_compensation", 10000.0),
        # Holidays' hours told day by day, each with its date: one total (18 h × 300% × 25).
        ("日薪200，每天8小时，今年清明节4月5号当天上了10个小时，端午节6月19号当天上了8个小时，"
         "都没调休，加班费多少", "calc_overtime", 1350.0),
        # ... also when each day's hours are the same (review: kept once as one fact, 600).
        ("日薪200，每天8小时，今年清明节4月5号当天上了8个小时，端午节6月19号当天上了8个小时，"
         "都没调休，加班费多少", "calc_overtime", 1200.0),
        # Never worked before: the years here are all the years of work.
        ("我2023年5月开始在这个厂上班，以前没打过工，2025年全年都在这个厂，年假一天没休，"
         "月薪4350，2025年没休的年假补多少", "calc_annual_leave", 2000.0),
        # Cantonese 转嚟 (came over) joins this employer: 184 of 365 days → 2 of 5 days.
        ("我之前喺第二间厂做咗6年，2025年7月1号先转嚟而家呢间厂，一直做到而家。"
         "2025年一日年假都冇放过。月薪4350，2025年未休年假补几多", "calc_annual_leave", 800.0),
        # Rest days in the break with an aside in brackets (Cantonese 同: and).
        ("月薪4350，国庆10月1号至3号我都返咗工，每日8个钟，跟住10月4号同5号两日（都系放假嘅休息日）"
         "又返咗，每日8个钟，冇补休，加班费几多", "calc_overtime", 2600.0),
        # 初一那天 … 初四: three statutory days and one rest day (24 h × 300% + 8 h × 200%, × 20).
        ("时薪20，今年春节从初一那天一直干到初四，一天8小时，没补休，加班费多少",
         "calc_overtime", 1760.0),
        # A dated Saturday's own hours (it was one day of 8 hours).
        ("月薪4350，中秋节9月25号当天上了10个小时，9月26号星期六又上了10个小时，没补休，加班费多少",
         "calc_overtime", 1250.0),
        # 今年 said between an earlier year's first day and a last day without its year: this
        # year's day (it was asked).
        ("2017年3月1号进的厂，月薪6000，今年厂里说我不能胜任，按第40条第二项解除，9月30号让我走了，"
         "没提前30天通知，补偿加代通知金多少", "calc_compensation", 66000.0),
        # Someone else's pay told further back in the clause is not the worker's.
        ("一天200块，一天8个钟，上个月平时加班20个小时，我老婆在别的厂一个月拿5千，加班费多少",
         "calc_overtime", 750.0),
    ],
)  # fmt: skip
def test_a_message_stating_every_fact_is_worked_out(text: str, intent: str, amount: float) -> None:
    result = calculate(text, intent=intent, today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) == amount


@pytest.mark.parametrize(
    "text",
    [
        "月薪4350，国庆放假，我8号9号上了班，加班费多少",  # after the statutory days, no break
        "月薪4350，元旦放了3天，我2号上了班，加班费多少",  # 元旦's break may start on 12月30日
        "月薪4350，3个星期前开始每天加班2小时，加班费多少",  # when, not how many weeks
        "月薪3480，国庆放假7天，我上了3天班，没补休",  # which 3 of the 7 days is not told
        "月薪4350，国庆放假，我8号到10号上了三天班",  # after the break: maybe no overtime
    ],
)
def test_what_cannot_be_placed_is_asked_not_guessed(text: str) -> None:
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None and result.result is None and result.missing


@pytest.mark.parametrize(
    ("text", "intent", "amount"),
    [
        # A cost said per month or day is no wage: 3 months (2nd to 4th) × 4350.
        ("进厂4个月了一直没签合同，月薪4350，房租一个月600", "calc_double_wage", 13050.0),
        # 16 h × 25 × 200%.
        ("月薪4350，伙食费一天15，上个月周末加班16个小时，没补休", "calc_overtime", 800.0),
        # The cost before the wage: 20 h × 25 × 150%.
        ("宿舍费每月200，底薪4350，上个月平时加了20个小时班", "calc_overtime", 750.0),
        # The local average caps the base at 3 × 9000 = 27000: 8 years × 27000 …
        ("公司裁员，我在这干了8年，离职前平均月工资30000，社平工资9000",
         "calc_compensation", 216000.0),
        # … and the years at 12: 12 × 27000.
        ("公司裁员，我在这干了14年，离职前月工资3万，本市上年度职工月平均工资是9000元",
         "calc_compensation", 324000.0),
        # 国庆加中秋 in 2025 is one break with 中秋 (10月6日) in it: 4 statutory days
        # (4 × 200 × 300%) and 4 moved rest days (4 × 200 × 200%).
        ("2025年国庆加中秋8天我全在厂里，一天没休，日薪200，没补休", "calc_overtime", 4000.0),
        ("日薪200，2025年国庆和中秋10月1号到8号我都在车间上班，没补休", "calc_overtime", 4000.0),
        # 2023: 中秋 on 9月29日, inside the break: also 4 + 4.
        ("2023年中秋国庆8天假期我都在上班，日薪200，没补休", "calc_overtime", 4000.0),
    ],
)  # fmt: skip
def test_amounts_of_other_things_and_festivals_named_together(
    text: str, intent: str, amount: float
) -> None:
    result = calculate(text, intent=intent, today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) == amount


@pytest.mark.parametrize(
    "text",
    [
        # No year: whether 中秋's day fell in 国庆's break is not known.
        "国庆和中秋8天我全在厂里，一天没休，日薪200，没补休",
        # 2026: 中秋 is not in 国庆's break, so "国庆和中秋10月1号到8号" does not place.
        "日薪200，2026年国庆加中秋10月1号到8号都在上班，没补休",
    ],
)
def test_festivals_named_together_outside_the_calendar_are_asked(text: str) -> None:
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None and result.result is None and result.missing


def test_holiday_years_count_from_the_day_given() -> None:
    # 今年 is the year of ``today``: 2025's 国庆 held 中秋 (4 + 4 days at 200 a day), 2026's not.
    text = "今年国庆加中秋8天我都在厂里上班，日薪200，没补休"
    in_2025 = calculate(text, intent="calc_overtime", today=date(2025, 10, 20))
    assert in_2025 is not None and in_2025.result is not None
    assert float(in_2025.result.amount or 0) == 4000.0
    in_2026 = calculate(text, intent="calc_overtime", today=TODAY)
    assert in_2026 is not None and in_2026.result is None


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        # 2024: 除夕 was an ordinary working day; 初一–初三 3 × 200 × 300% and 初四–初五
        # 2 × 200 × 200%.
        ("月薪4350，2024年春节从除夕一直干到初五，每天8小时，没补休", 2600.0),
        # 2023: 除夕 was in the break, a moved rest day: 1800 + 3 × 200 × 200%.
        ("月薪4350，2023年春节从除夕一直干到初五，每天8小时，没补休", 3000.0),
        # 2025 on: 除夕 is statutory: 4 × 600 + 2 × 400.
        ("月薪4350，2025年春节从除夕一直干到初五，每天8小时，没补休", 3200.0),
    ],
)
def test_new_years_eve_by_year(text: str, amount: float) -> None:
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) == amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        # Every Saturday morning of last month (October 2026 from TODAY: 5 Saturdays):
        # 5 × 4 h × 25 × 200%.
        ("月薪4350，上个月每周六上午都加班4小时，没补休，加班费多少", 1000.0),
        # Weeks said: 3 × 4 h × 25 × 200%.
        ("月薪4350，连着干了3个星期，每周六上午加班4小时，没补休", 600.0),
        # March 2024 had 5 Sundays: 5 × 3 h × 30 × 200%.
        ("月薪5220，2024年3月每个星期天下午都来加班3小时，没补休", 900.0),
    ],
)  # fmt: skip
def test_a_weeks_rest_day_hours_are_times_its_weeks(text: str, amount: float) -> None:
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) == amount


def test_a_weeks_rest_day_hours_without_weeks_ask_them() -> None:
    result = calculate("月薪4350，每周六上午加班4小时，没补休", intent="calc_overtime", today=TODAY)
    assert result is not None and result.result is None
    assert "rest_day_weeks" in result.missing


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        # The other day of each of 2 weekends, 8 h: 16 h × 25 × 200%.
        ("月薪4350，上个月两个周末都只休了一天，另一天上班8小时，没补休，加班费多少", 800.0),
        # A whole day of each of 3 weekends: 3 × 200 × 200%.
        ("日薪200，上个月三个周末都只休息一天，另外一天都去加班了，没补休", 1200.0),
    ],
)  # fmt: skip
def test_the_other_day_of_each_weekend_is_rest_day_work(text: str, amount: float) -> None:
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) == amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        # 2024年6月10号 was 端午: one statutory day, 200 × 300%.
        ("月薪4350，2024年6月10号端午我去上班了，加班费多少", 600.0),
        # 2025年10月6日 was 中秋; 中秋节9月17号 in 2024: 2 × 200 × 300% = 1200.
        ("月薪4350，2025年10月6日中秋也上班了，加班费多少", 600.0),
        ("月薪4350，2024年端午节6月10号和中秋节9月17号都在上班，没补休，加班费", 1200.0),
        # 今年 is TODAY's year: 2026年清明 is 4月5日.
        ("月薪4350，今年清明节4月5号去上班了，每天8小时，加班费多少", 600.0),
    ],
)  # fmt: skip
def test_a_festival_on_its_own_date_is_placed(text: str, amount: float) -> None:
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) == amount


def test_a_date_that_is_not_the_festivals_day_is_not_placed() -> None:
    result = calculate("月薪4350，2024年端午节6月11号去上班了", intent="calc_overtime", today=TODAY)
    assert result is None or result.result is None


@pytest.mark.parametrize(
    ("text", "intent", "amount"),
    [
        # Seventh session (probe 13). OT for overtime, with a space before the hours:
        # 4350 ÷ 21.75 ÷ 8 = 25 an hour × 150% × 2 × 20.
        ("月薪4350，上个月平日每晚都OT 2个钟，一共返咗20日工，周末冇OT", "calc_overtime", 1500.0),
        # Both days of each weekend named together: 2 weekends × 2 days × 8 hours × 20 × 200%.
        ("时薪20，上个月两个周末，星期六星期日都开工，每日做8个钟，冇补休", "calc_overtime",
         1280.0),
        # A year in brackets after a relative one: from 2025-03, 11 months at most.
        ("我去年（2025年）3月进的厂，一直没签合同，月薪4000，二倍工资有多少", "calc_double_wage",
         44000.0),
        # Tenth session (probe 20): the bracketed year before a long clause still fills the first
        # date in order (2025-05-01 to 2026-01-01: 7 months doubled).
        ("去年（2025年）5月1号朋友介绍我进了个电子厂，月薪4000，一直没签合同，今年1月1号才签，"
         "二倍工资多少", "calc_double_wage", 28000.0),
        # 前前后后 with no other employer named is this job's length: 8 months, 7 of them double.
        ("老板一直没和我签合同，前前后后做了8个月就辞职了，月薪4000", "calc_double_wage", 28000.0),
        # Renting is a cost; the local average with 是每月 before it caps the wage at 3 × 8000
        # and the years at 12.
        ("租房一个月600，月薪3万，社平工资是每月8000，干了13年被裁员了", "calc_compensation",
         288000.0),
        # Seventh session (probe 15). Leave given back for more than the rest-day work: the
        # moved rest days are covered, the statutory days stay at 300%: 4350 ÷ 21.75 = 200 × 3 × 3.
        ("国庆10月1号到7号都上班，每天8小时，过后补休了7天，月薪4350，加班费多少", "calc_overtime",
         1800.0),
        # A last day without its year after a first day of this year (TODAY 2026-11-22):
        # 2026-03-02 to 2026-10-31 is 7 months, 0.5 + 0.5 → 1 month.
        ("今年3月2号进厂，做到10月31号，公司说协商解除，月薪4000，补偿多少", "calc_compensation",
         4000.0),
        # Cantonese leaving after a day: 2025-04-01 to 2025-10-31 without a contract: 6 months.
        ("我2025年4月1号返工，冇签合同，做到2025年10月31号我辞咗工，月薪4000，双倍工资几多",
         "calc_double_wage", 24000.0),
        # Twelfth session (probe 23). 又 joins years and months as 零 does: 11 years 8 months
        # is 12 months' pay.
        ("公司经济性裁员，我在这家公司工作了11年又8个月，离职前12个月平均工资4000",
         "calc_compensation", 48000.0),
        # One weekend named by when it was, both days worked: 5000 ÷ 21.75 ÷ 8 × 16 × 200%.
        ("一个月5千，上个礼拜六同礼拜日都返咗工，每日8个钟，冇补休，加班费几多",
         "calc_overtime", 919.54),
        # A monthly wage typed by sound (月心): 3800 ÷ 174 × 32 × 200%.
        ("我月心3800，这个月周六加班了4天每天8小时，没有倒休，加班费怎么算", "calc_overtime",
         1397.7),
        # Probe 24: a whole year said at this employer, leave said taken with 已 and the
        # leave's name before the days, none taken said in Sichuanese (没耍).
        ("累计干活22年了，2025年全年都搁这单位上班，一个月8700，去年年假就休了5天，补多少",
         "calc_annual_leave", 8000.0),
        ("我前前后后上班3年了，2025年一整年都在这个厂头，一个月4350，去年年假一天都没耍",
         "calc_annual_leave", 2000.0),
        # Probe 25: Cantonese 上咗 (worked) on a festival's day.
        ("时薪20，国庆10月1号上咗8个钟，加班费几多", "calc_overtime", 480.0),
        # Here all along, then leaving this year: the year's share up to the last day.
        ("工龄12年 一直在这个厂，今年3月31号离职，年假没休，月薪4350，补多少",
         "calc_annual_leave", 800.0),
        # Here since an earlier year (2019年就在这家了), leaving this year.
        ("2019年就在这家了，今年9月30号离职，工龄8年，年假一天没休，月薪6525，补多少",
         "calc_annual_leave", 1800.0),
        # Years before at other works plus the months since joining straight from them.
        ("以前在别的厂干了4年多，今年5月1号直接跳到这个厂，今年年假没休，月薪5220，补多少",
         "calc_annual_leave", 1440.0),
        # Probe 26: a standard said in an earlier sentence leaves the hours a day worked.
        ("底薪4350，合同上写的加班费按底薪算。今年五一5月1号到5号放假，我1号、2号、3号都上班了，"
         "每天10个小时，没给倒休，加班费多少", "calc_overtime", 2000.0),
        # A year in brackets after a relative one (前年（2024年）): that year's one May Day.
        ("前年（2024年）五一我上了两天班，5月1号和5月2号，每天8个钟，月薪4350，没调休，加班费多少",
         "calc_overtime", 1000.0),
        # Cantonese 呢10个钟: the hours named again, not more.
        ("时薪25，上个礼拜六返工做咗8个钟，冇补休，咁呢8个钟加班费几多", "calc_overtime", 400.0),
        # A first day to the day beats a rough length (五年多).
        ("2020年6月1号进的厂，干了五年多，一直干到今年5月31号，公司协商解除，月薪5000，补偿多少",
         "calc_compensation", 30000.0),
        # The joining day and the day worked until, after the closing said first.
        ("厂今年9月底关门了。我是2022年4月1号进去的，做到今年9月30号，月薪6000，经济补偿多少",
         "calc_compensation", 30000.0),
        # Hunan 冒签 (not signed) and the last day worked before the leaving word.
        ("我去年11月1号进的厂，月薪4000，一直冒签合同，今年4月30号做完最后一天就辞工了，双倍工资多少",
         "calc_double_wage", 20000.0),
        # Signed at last (才把合同签了) after being put off.
        ("我今年3月1号进的厂，月薪4000，厂里拖着不签，拖到6月1号才把合同签了，二倍工资多少",
         "calc_double_wage", 8000.0),
        # A whole-year word (厂干了好几年) before leaving this year: the share to the last day.
        ("累计工龄12年，在这个厂干了好几年了，今年3月31号离职，年假没休，月薪4350，补多少",
         "calc_annual_leave", 800.0),
        # Working life since a year said with 出来做事; joined straight from school, the years
        # of work said roughly (四年多) at the only employer.
        ("我2012年就出来做事了，去年一整年都在这个厂，月薪4350，去年只休了3天年假，还要补多少",
         "calc_annual_leave", 2800.0),
        ("我2021年7月毕业就进了这个厂，这是我第一份工作，干了五年多了。去年整年都在厂里，月薪4350，"
         "去年请过1天年假，没休的年假给多少钱", "calc_annual_leave", 1600.0),
        # A first job joined this year: no 12 months of work yet, no leave due.
        ("这是我第一份工作，今年4月入职，年假没休，月薪4000，未休年假工资多少",
         "calc_annual_leave", 0.0),
    ],
)  # fmt: skip
def test_probe_13_and_15_phrasings(text: str, intent: str, amount: float) -> None:
    result = calculate(text, intent=intent, today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) == amount


def test_first_months_without_a_contract_are_not_the_stay() -> None:
    text = "进厂后前6个月都没签合同，第7个月才签的，月薪4000，双倍工资多少"
    result = calculate(text, intent="calc_double_wage", today=TODAY)
    assert result is not None and "start_date" in result.missing


def test_unlawful_dismissal_named_is_compensation_even_read_as_double_wages() -> None:
    # 违法辞退是双倍 is 2N, not double wages for no contract: 2 × 3 × 4000.
    text = "公司违法辞退我，干了3年，月薪4000，听说是双倍，能拿多少"
    result = calculate(text, intent="calc_double_wage", today=TODAY)
    assert result is not None and result.spec.name == "compensation"
    assert result.result is not None and float(result.result.amount or 0) == 24000.0


def test_a_last_day_without_its_year_after_an_earlier_year_is_asked() -> None:
    text = "2021年3月2号进厂，做到10月31号，公司说协商解除，月薪4000，补偿多少"
    result = calculate(text, intent="calc_compensation", today=TODAY)
    assert result is not None and "end_date" in result.missing


@pytest.mark.parametrize(
    "text",
    [
        "老板今天叫我明天别来了，没有理由。我是2021年4月15号入职的，平均工资5500，违法辞退能拿多少",
        # The day in brackets is today's; the other is the first day (probe 20).
        "老板今天（{today}）突然叫我明天别来了，啥理由也没有。我是2021年4月15号入职的，平均工资5500，能拿多少",
    ],
)
def test_a_dismissal_said_as_today_ends_today(text: str) -> None:
    said = text.format(today=f"{TODAY.month}月{TODAY.day}号")
    result = calculate(said, intent="calc_compensation", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    # 2021-04-15 to TODAY (2026-11-22): 5 years 7 months → N = 6, 2N × 5500.
    assert float(result.result.amount or 0) == 66000.0


def test_a_dismissal_with_its_own_day_keeps_that_day() -> None:
    """明天不用来了 said on a day the message names (2024年9月1号) is not today (probe 7)."""
    text = "我2021年3月1号进的厂 2024年9月1号主管说明天不用来了 没说理由 月薪6000 违法解除要赔多少"
    result = calculate(text, intent="calc_compensation", today=TODAY)
    assert result is not None and result.result is not None
    assert float(result.result.amount or 0) == 48000.0


def test_notice_pay_said_owed_is_added_to_n() -> None:
    """第四十条 without 30 days' written notice: one more month's wage beside N."""
    text = "说我不胜任按第40条解除，没提前30天通知，做了3年零3个月，月薪5000，补偿加代通知金多少"
    result = calculate(text, intent="calc_compensation", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) == 22500.0  # 3.5 × 5000 + 5000
    assert any(c.article == 40 for c in result.result.citations)


def test_notice_pay_keeps_the_warning_for_work_before_2008() -> None:
    text = "2006年3月1号进厂，今年6月1号按第40条解除，没提前30天通知，月薪5000，补偿加代通知金多少"
    result = calculate(text, intent="calc_compensation", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert result.result.warnings  # the years before 2008 follow the rules of their time
    cited = (*result.result.citations, *result.result.further_citations)
    assert any(c.article == 97 for c in cited)


@pytest.mark.parametrize(
    "text",
    [
        # Notice given: N alone.
        "公司提前30天通知了我，说按第40条解除，我做了3年零3个月，月薪5000，补偿多少",
        # Unlawful dismissal: 2N, no notice pay beside it.
        "公司违法辞退我，没提前30天通知，我做了3年零3个月，月薪5000，赔偿金多少",
    ],
)
def test_notice_pay_is_not_added_unless_owed_beside_n(text: str) -> None:
    result = calculate(text, intent="calc_compensation", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) in (17500.0, 35000.0)


def test_the_calculator_the_message_names_comes_before_the_topics_own() -> None:
    """Signed only late, asked as "how much more can I get" and read as severance by the
    NLU (fifteenth session, probe 29): the double-wage calculator the words name."""
    text = "我2025年3月1号进的厂，一直到2025年10月1号才给我签合同，月薪5000，我能多要多少钱"
    result = calculate(text, topic="economic_compensation", today=TODAY)
    assert result is not None and result.spec.name == "double_wage"
    assert result.result is not None, result.missing
    assert float(result.result.amount or 0) == 30000.0  # 2025-04-01 … 09-30: 6 × 5000


@pytest.mark.parametrize(
    ("text", "intent", "amount"),
    [
        # 六七年 is six or seven years (5 days either way), not 67; 年价 is 年假 mistyped:
        # 5 × 4350 ÷ 21.75 × 200% = 2000.
        (
            "我参加工作六七年了一直在这个厂，月薪4350，去年一天年价也没休，去年没休的年价补多少",
            "calc_annual_leave",
            2000.0,
        ),
        # Someone else's pay told in a sentence about them: the worker's is 6525 (5 × 300 × 2).
        (
            "我工作8年了，一直在这个厂，月工资6525，去年的年假一天都没休。我老公在快递公司上班，"
            "每个月工资也就七千。去年没休的年假能补多少",
            "calc_annual_leave",
            3000.0,
        ),
        # 第三十八条 named: economic compensation, 1.5 years → 2 months × 3500.
        (
            "厂里两个月没发工资，我按劳动合同法第三十八条通知厂里解除合同了，做了1年7个月，"
            "月工资3500，经济补偿多少",
            "calc_compensation",
            7000.0,
        ),
        # One week just past, Monday to Thursday: 4 × 2 h × 30 × 150%.
        ("月薪5220，这个礼拜周一到周四每天加班2个钟，加班费多少", "calc_overtime", 360.0),
        # Two single festivals, each named as its own day: 16 h × 30 × 300%.
        (
            "时薪30，中秋那天上了8个钟，元旦那天也上了8个钟，都没补休，加班费多少",
            "calc_overtime",
            1440.0,
        ),
        # Overtime pay already received, the remainder asked: 30 h × 25 × 150% − 500.
        ("月薪4350，上个月平时加班30个小时，加班费才发了500，还差多少", "calc_overtime", 625.0),
        # The local average told by its triple (24000 → 8000): capped, 5 × 24000.
        (
            "被裁员了，干了5年，月薪2万5，社平工资的三倍是两万四，补偿多少",
            "calc_compensation",
            120000.0,
        ),
        # Probe 31's families.
        # 公资 is 工资 mistyped; a partner's pay (对象) in its own sentence: 5 × 183.91 × 2 (the
        # daily wage 4000 ÷ 21.75 to the fen).
        (
            "我工作7年了一直在这个厂，公资四千，去年年假一天都没休。我对象在镇上教书，一个月五千。"
            "去年没休的年假能补多少",
            "calc_annual_leave",
            1839.10,
        ),
        # Paid before the pay's name (给了800块加班废), the rest asked: 40 h × 25 × 150% − 800.
        ("月薪4350，上个月平时加了40个钟，老板只给了800块加班废，还差多少", "calc_overtime", 700.0),
        # 一块儿 is "together", and rent shared (合租) no pay: 20 h × 20 × 150%.
        (
            "月薪3480，上个月平时加班20小时，我们两个合租一个月1500，加班费月底一块儿算，加班费多少",
            "calc_overtime",
            600.0,
        ),
        # A brother's day rate (俺兄弟 … 一天三百) is not the worker's: 10 h × 30 × 150%.
        (
            "俺一个月工资5220，上个月平时多干了10个钟头。俺兄弟在工地一天三百。加班费该多少",
            "calc_overtime",
            450.0,
        ),
    ],
)
def test_sixteenth_session_phrasings(text: str, intent: str, amount: float) -> None:
    """Families read from probes 30 and 31, in sentences of our own."""
    result = calculate(text, intent=intent, today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) == pytest.approx(amount, abs=0.01)


def test_overtime_paid_is_not_subtracted_unless_the_remainder_is_asked() -> None:
    text = "月薪4350，上个月平时加班30个小时，加班费才发了500，加班费应该是多少"
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None and result.result is not None
    assert float(result.result.amount or 0) == 1125.0


def test_a_festival_and_its_own_date_said_apart_are_asked_not_summed() -> None:
    """清明 is 4月5号 in 2026: perhaps one day told twice, so the hours are not added up."""
    text = "时薪30，今年4月5号上了8个钟，清明那天也上了8个钟，都没补休，加班费多少"
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None
    assert result.result is None or float(result.result.amount or 0) != 1440.0


def test_new_years_day_and_its_date_said_apart_are_not_summed() -> None:
    text = "时薪30，1月1号上了8个钟，元旦那天也上了8个钟，都没补休，加班费多少"
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None
    assert result.result is None or float(result.result.amount or 0) != 1440.0


def test_last_saturday_is_no_week_for_a_weekday_range() -> None:
    """上周六 names a day, not the week: the month's weekdays are asked, not taken as five."""
    text = "月薪5220，这个月周一到周五每天加班2个钟，上周六也加了8小时，没补休，加班费多少"
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None and "weekday_days" in result.missing


def test_overtime_paid_for_months_is_no_sum_of_money() -> None:
    text = "月薪4350，上个月平时加班30个小时，加班费才发了两个月，还差多少"
    result = calculate(text, intent="calc_overtime", today=TODAY)
    assert result is not None and result.result is not None
    assert float(result.result.amount or 0) == 1125.0
