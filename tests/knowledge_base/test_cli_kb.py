"""The real command line (bot.cli.app): ask (one question, --json, --batch), law, eval-kb.

These run retrieval only (--no-nlu): the NLU has its own tests, and training its model here
would only slow the suite down.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

BATCH_KEYS = ["id", "topic", "topics", "intent", "confidence", "answer_id", "answer", "citations"]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_ask_json_prints_one_object(runner: CliRunner) -> None:
    result = runner.invoke(app, ["ask", "周末加班工资怎么算", "--json", "--no-nlu"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert list(data) == BATCH_KEYS[1:]
    assert data["topic"] == "overtime"
    assert len(data["topics"]) == 3
    assert data["answer_id"].startswith("overtime.")
    assert isinstance(data["answer"], str)
    assert {"law": "劳动法", "article": 44} in data["citations"]


def test_ask_prints_a_readable_answer(runner: CliRunner) -> None:
    result = runner.invoke(app, ["ask", "产假有几天", "--no-nlu"])
    assert result.exit_code == 0, result.output
    assert "topic: female_protection" in result.stdout
    assert "[female_protection.maternity_leave]" in result.stdout
    assert "《女职工劳动保护特别规定》第七条" in result.stdout


def test_ask_article_request_prints_the_article(runner: CliRunner) -> None:
    result = runner.invoke(app, ["ask", "劳动合同法第47条", "--no-nlu"])
    assert result.exit_code == 0, result.output
    assert "《劳动合同法》第四十七条" in result.stdout
    assert "每满一年支付一个月工资" in result.stdout


def test_ask_batch_writes_one_line_per_question(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        {"id": "a-1", "question": "老板拖欠了我两个月工资"},
        {"id": 2, "question": "試用期最長多久"},
        {"id": "a-3", "question": "今天天气怎么样"},
        {"id": "a-4"},
    ]
    source.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["ask", "--batch", str(source), "--out", str(out), "--no-nlu"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a-1", 2, "a-3", "a-4"]
    for record in records:
        assert list(record)[: len(BATCH_KEYS)] == BATCH_KEYS  # the existing fields, unchanged
        assert set(record) - set(BATCH_KEYS) <= {"calculation"}  # and, optionally, a calculation
        assert len(record["topics"]) == 3
        assert 0.0 <= record["confidence"] <= 1.0
        for citation in record["citations"]:
            assert set(citation) == {"law", "article"}
            assert not citation["law"].startswith("中华人民共和国")
            assert isinstance(citation["article"], int)
    assert records[0]["topic"] == "wages_arrears"
    assert records[1]["topic"] == "probation"
    assert records[2]["answer_id"] is None
    assert records[3]["answer_id"] is None


CALCULATION_KEYS = {
    "calculator",
    "amount",
    "amount_high",
    "amount_unit",
    "missing",
    "facts",
    "assumed",
    "unknown",
    "working",
    "result",
    "citations",
}


def ask_json(runner: CliRunner, question: str) -> dict[str, object]:
    result = runner.invoke(app, ["ask", question, "--json", "--no-nlu"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_ask_runs_the_calculator_when_every_fact_is_stated(runner: CliRunner) -> None:
    data = ask_json(runner, "一天250 国庆三天都上班了")
    assert list(data)[: len(BATCH_KEYS) - 1] == BATCH_KEYS[1:]
    calculation = data["calculation"]
    assert isinstance(calculation, dict)
    assert set(calculation) == CALCULATION_KEYS
    assert calculation["calculator"] == "overtime"
    assert calculation["amount"] == 2250.0  # 250 × 300% × 3 (劳动法第四十四条)
    assert calculation["missing"] == []
    assert calculation["working"]
    assert {"law": "劳动法", "article": 44} in calculation["citations"]
    assert len(calculation["citations"]) <= 4


@pytest.mark.parametrize(
    ("question", "amount"),
    [
        ("日薪200，五一那天上了一天班，老板该给我多少", 600.0),  # 200 × 300% × 1
        # 国庆 is 3 statutory days (全国年节及纪念日放假办法 第二条); the other 4 of the week are
        # moved weekends: 180 × 300% × 3 + 180 × 200% × 4.
        ("日薪一百八，国庆7天都没休息，能拿多少", 3060.0),
    ],
)
def test_ask_counts_holiday_days_as_the_law_does(
    runner: CliRunner, question: str, amount: float
) -> None:
    calculation = ask_json(runner, question)["calculation"]
    assert isinstance(calculation, dict)
    assert calculation["calculator"] == "overtime"
    assert calculation["amount"] == amount


@pytest.mark.parametrize(
    ("question", "calculator", "amount"),
    [
        # 8 years of work → 5 days (职工带薪年休假条例 第三条), none taken, the whole year here:
        # 5000 ÷ 21.75 = 229.89 a day × 200% extra × 5 days (实施办法 第十条、第十一条).
        (
            "我工作了8年了 在这个厂干了3年 今年一天年假都没休 月工资5000 没休的年假能拿多少钱",
            "annual_leave",
            2298.9,
        ),
        # 12 years → 10 days, 2 taken: 6000 ÷ 21.75 = 275.86 × 200% × 8.
        (
            "2019年进的厂 今年休了2天年假 月薪6000 累计工作12年 没休的年假怎么算",
            "annual_leave",
            4413.76,
        ),
        # A year and a half here, still no contract: the first month is the grace month and
        # the anniversary ends it, so 11 months (劳动合同法 第八十二条; 实施条例 第六条、第七条).
        ("在这个厂干了一年半了 一直没签合同 月薪5000 二倍工资能拿多少", "double_wage", 55000.0),
        # A working week told in pieces. 4350 ÷ 21.75 ÷ 8 = 25 an hour (劳动法 第四十四条):
        # weekdays 2 hours over the standard day × 22 days × 150% = 1650; four Saturdays of 8
        # hours said before the count × 200% = 1600; Sundays were days off and name no work.
        (
            "周一到周五每天干10个钟 周六还要干8个钟 周日休息 周六不给补休 上个月周一到周五上了22天 "
            "4个周六都上了 月薪4350 加班费多少",
            "overtime",
            3250.0,
        ),
        # A weekday of 8 hours is no overtime; the three 国庆 days × 8 hours × 300% = 1800.
        (
            "平时周一到周五上班 每天8个钟 月工资4350 国庆三天也叫我回去上班 每天干8个钟 "
            "这三天加班费多少",
            "overtime",
            1800.0,
        ),
        # Dragged on, then signed: the day signed without a year is the first after joining.
        # 2025-05-15 → signed 2025-09-15: grace month to 06-14, months 06-15 … 09-14 = 3 × 4200.
        (
            "25年5月15号进的厂 老板一直拖着不签 9月15号才补签 工资4200 二倍工资差额多少",
            "double_wage",
            12600.0,
        ),
        # 总工龄 among other lengths is the total (14 years → 10 days), the whole year here,
        # one day taken: 4350 ÷ 21.75 = 200 × 200% × 9 = 3600.
        (
            "以前在电子厂干了6年 在这边8年了 总工龄14年 去年一整年都在这个厂 年假只休了1天 "
            "月薪4350 剩下的年假钱怎么算",
            "annual_leave",
            3600.0,
        ),
        # Hours kept on after the shift each day, an hourly wage: 30 × 150% × 2 × 21 = 1890.
        (
            "时薪30 上个月平时每天下了班还要多干2个小时 一共干了21天 周末没加班 加班费多少",
            "overtime",
            1890.0,
        ),
        # 这4个周六 names the Saturdays already told: 4350 ÷ 21.75 ÷ 8 = 25 × 200% × 8 × 3 = 1200.
        (
            "上个月3个礼拜六都叫去上班 每次8小时 没补休 月薪4350 这3个周六的加班费多少",
            "overtime",
            1200.0,
        ),
        # Two of four Saturdays given back as leave: 4350 ÷ 21.75 = 200 × 200% × 2 days = 800
        # (劳动法 第四十四条: rest-day work with leave arranged is not paid extra).
        (
            "月薪4350，上个月4个周六都加班了，两个周六后来给我补休了，加班费多少",
            "overtime",
            800.0,
        ),
        # 元旦 told by its dates, all worked: 1 statutory day × 300% + 2 moved rest days × 200%
        # on 4350 ÷ 21.75 = 200 a day: 600 + 800 (全国年节及纪念日放假办法 第二条).
        ("元旦1号到3号都在上班 没补休 工资四千三百五一个月 加班费多少", "overtime", 1400.0),
        # A week's pattern told with its weeks: 4350 ÷ 21.75 ÷ 8 = 25; weekdays 2 h over × 5 ×
        # 3 weeks × 150% = 1125; the sixth day 10 h × 3 × 200% = 1500 (劳动法 第四十四条).
        ("月薪4350 一周干六天 每天10个钟 这样干了3个星期 加班费多少", "overtime", 2625.0),
        # Cantonese: the whole of last year here, no leave taken, 6 years of work → 5 days;
        # 4350 ÷ 21.75 = 200 × 200% × 5 = 2000 (职工带薪年休假条例 第三条、第五条).
        ("做咗6年工 旧年成年都喺呢间厂 年假一日都冇放过 月薪4350 补几多", "annual_leave", 2000.0),
        # Left on a day said right before 离职 (two-digit years): from the day after the first
        # month (2023-07-15) to leaving (2024-02-14): 7 whole months × 4000 (第八十二条).
        (
            "23年6月15号进厂 一直没签合同 24年2月14号离职 月薪4000 二倍工资多少",
            "double_wage",
            28000.0,
        ),
        # Overtime hours a day, then the days they were worked: 5220 ÷ 21.75 ÷ 8 = 30 an hour;
        # 3 h × 15 days = 45 h × 150% = 2025 (劳动法 第四十四条).
        ("月薪5220 平时每天都加班3小时 总共加了15天 加班费多少", "overtime", 2025.0),
        # 国庆 told by its dates, 没歇: 200 ÷ 8 = 25 an hour; 3 statutory days × 8 h × 300% =
        # 1800, 2 moved rest days × 8 h × 200% = 800.
        ("日薪200 国庆10月1号到5号我都没歇 每天干8个钟 加班费多少", "overtime", 2600.0),
        # Two holidays named as days (当日, 同, 嗰日), 10 h each: 25 × 300% × 20 h = 1500.
        ("月薪4350 元旦当日同清明节嗰日都返咗工 每日做足10个钟 加班费几多", "overtime", 1500.0),
        # Two weekends, both days of each: 4 days × 8 h × 25 × 200% = 1600.
        ("月薪4350 上个月有两个周末 每个周末两天都加班 每天8个小时 加班费多少", "overtime", 1600.0),
        # 年三十 to 大年初五 (上到): 4 statutory days × 8 h × 300% = 2400, 2 moved rest days
        # × 8 h × 200% = 800.
        ("月薪4350 春节从年三十一直上到大年初五 每天8个钟 没补休 加班费多少", "overtime", 3200.0),
        # 12 years at an earlier employer + 9 here = 21 → 15 days × 200 × 200% = 6000
        # (职工带薪年休假条例 第三条: the years at every employer count).
        (
            "以前在老厂做了12年 进这个厂也有9年了 今年整年都在这 年假没休 月薪4350 补多少",
            "annual_leave",
            6000.0,
        ),
        # The last 12 months' wage in parts: (4 × 3600 + 8 × 4500) ÷ 12 = 4200 × N 5 = 21000.
        (
            "在这个厂干了5年 被裁员了 最后12个月里前4个月每月3600 后8个月每月4500 补偿多少",
            "compensation",
            21000.0,
        ),
        # Left after 6 months, no dates: months 2 to 6, 5 × 4000 (劳动合同法 第八十二条).
        ("在厂里做了6个月就辞工了 一直没签合同 月薪4000 双倍工资多少", "double_wage", 20000.0),
        # Leave given back in hours, the wage right before the count: 25 × 200% × (32 − 8) = 1200.
        ("月薪4350，4个周六加班 补休了8个小时 加班费多少", "overtime", 1200.0),
        # Dismissed with no reason given: no lawful ground, so 2N (劳动合同法 第八十七条); 8
        # months is N = 1 (第四十七条).
        (
            "我在这家厂干了整8个月，工资每月5000，公司没有理由把我开了，已经离职了，能赔多少",
            "compensation",
            10000.0,
        ),
    ],
)
def test_ask_reads_facts_told_in_pieces_from_the_message(
    runner: CliRunner, question: str, calculator: str, amount: float
) -> None:
    calculation = ask_json(runner, question)["calculation"]
    assert isinstance(calculation, dict)
    assert calculation["calculator"] == calculator
    assert calculation["missing"] == []
    assert calculation["amount"] == amount


def test_a_day_signed_without_a_day_joined_is_asked_not_a_crash(runner: CliRunner) -> None:
    # The signing day is read before the start is known: the start is asked (it crashed).
    calculation = ask_json(runner, "老板一直拖着不签合同 到7月1号才签 月薪4000 二倍工资多少")[
        "calculation"
    ]
    assert isinstance(calculation, dict)
    assert calculation["calculator"] == "double_wage"
    assert calculation["amount"] is None
    assert "start_date" in calculation["missing"]


def test_ask_says_which_facts_are_missing(runner: CliRunner) -> None:
    calculation = ask_json(runner, "月薪4500 加班费能拿多少")["calculation"]
    assert isinstance(calculation, dict)
    assert calculation["amount"] is None
    assert calculation["missing"] == ["weekday_hours", "rest_day_hours", "holiday_hours"]
    assert calculation["facts"] == {"wage": "按月工资4500元计算"}


def test_a_question_without_facts_has_no_calculation(runner: CliRunner) -> None:
    assert "calculation" not in ask_json(runner, "周末加班工资怎么算")


def test_ask_prints_a_calculation(runner: CliRunner) -> None:
    result = runner.invoke(app, ["ask", "一个钟22块 周末加了16个小时", "--no-nlu"])
    assert result.exit_code == 0, result.output
    assert "calculation (overtime): 704.0" in result.stdout


def test_ask_batch_needs_out(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "question": "加班费"}\n', encoding="utf-8")
    result = runner.invoke(app, ["ask", "--batch", str(source), "--no-nlu"])
    assert result.exit_code == 2


def test_ask_batch_reports_a_bad_line(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "question": "加班费"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(
        app, ["ask", "--batch", str(source), "--out", str(tmp_path / "o.jsonl"), "--no-nlu"]
    )
    assert result.exit_code == 2
    assert f"{source}:2: not valid JSON" in result.stderr


@pytest.mark.parametrize(
    ("law", "article", "label", "text"),
    [
        ("劳动合同法", "47", "《劳动合同法》第四十七条", "每满一年支付一个月工资"),
        ("劳动法", "第四十四条", "《劳动法》第四十四条", "百分之一百五十"),
        ("工伤条例", "十四", "《工伤保险条例》第十四条", "应当认定为工伤"),
        ("民法典", "1010", "《民法典》第一千零一十条", "性骚扰"),
    ],
)
def test_law_prints_the_article(
    runner: CliRunner, law: str, article: str, label: str, text: str
) -> None:
    result = runner.invoke(app, ["law", law, article])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == label
    assert text in result.stdout


def test_law_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["law", "社保法", "58", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["law"] == "社会保险法"
    assert data["article"] == 58
    assert data["label"] == "《社会保险法》第五十八条"
    assert data["paragraphs"][0].startswith("用人单位应当自用工之日起三十日内")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["law", "刑法", "20"], 1),
        (["law", "劳动合同法", "99"], 1),
        (["law", "劳动合同法", "abc"], 2),
    ],
)
def test_law_errors(runner: CliRunner, args: list[str], code: int) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == code


def test_eval_kb_reports_metrics(runner: CliRunner, tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    rows = [
        {
            "id": "T1",
            "question": "周末加班工资怎么算",
            "topic": "overtime",
            "cited_articles": ["劳动法第四十四条"],
        },
        {
            "id": "T2",
            "question": "产假有几天",
            "topic": "female_protection",
            "cited_articles": ["女职工劳动保护特别规定第七条"],
        },
        {
            "id": "T3",
            "question": "包工头跑路了工钱找谁要",
            "topic": "wages_arrears",
            "cited_articles": ["公司法第二十条"],
        },
        {"id": "T4", "question": "试用期最长多久", "topic": "probation", "cited_articles": []},
    ]
    labelled.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["eval-kb", str(labelled), "--json", "--no-nlu"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["questions"] == 4
    assert metrics["topic_top1"] == 1.0
    assert metrics["topic_top2"] == 1.0
    assert metrics["questions_with_references"] == 3
    # 公司法 is not in our library: that reference can only miss.
    assert metrics["citation_hit_rate"] == round(2 / 3, 4)
    assert metrics["per_topic"]["overtime"] == {
        "n": 1,
        "top1": 1,
        "top2": 1,
        "with_references": 1,
        "cited": 1,
    }


def test_eval_kb_table(runner: CliRunner, tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        json.dumps(
            {
                "id": "T1",
                "question": "产假有几天",
                "topic": "female_protection",
                "cited_articles": [],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["eval-kb", str(labelled), "--no-nlu"])
    assert result.exit_code == 0, result.output
    assert "top-1 100.0%" in result.stdout


@pytest.mark.slow
def test_knowledge_base_answers_500_questions_quickly() -> None:
    from knowledge_base.service import KnowledgeBase

    kb = KnowledgeBase.load()
    stems = ["老板拖欠工资", "周末加班没有加班费", "试用期被辞退", "工伤了怎么办", "年假几天"]
    questions = [f"{stems[i % len(stems)]}，我干了{i % 9 + 1}年了怎么办" for i in range(500)]
    started = time.perf_counter()
    for question in questions:
        kb.answer(question)
    assert time.perf_counter() - started < 10.0
