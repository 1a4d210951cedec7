"""Statute parsing: every file, every article, the names people use for each law."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge_base.numerals import chinese_to_int, int_to_chinese
from knowledge_base.statutes import DEFAULT_LAWS_DIR, StatuteLibrary, split_header

SHARED_LAWS = Path(__file__).resolve().parents[3] / "shared" / "laws"
NOTICE = "关于职工全年月平均工作时间和工资折算问题的通知"
JIESHI_1 = "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）"
JIESHI_2 = "最高人民法院关于审理劳动争议案件适用法律问题的解释（二）"


def test_every_statute_file_is_loaded(library: StatuteLibrary) -> None:
    files = {p.name for p in DEFAULT_LAWS_DIR.glob("*.md") if p.name != "README.md"}
    assert {law.file for law in library.laws.values()} == files


def test_article_numbers_run_without_gaps(library: StatuteLibrary) -> None:
    for law in library.laws.values():
        numbers = sorted(law.articles)
        if law.name == "民法典":
            assert numbers == [1010, 1191, 1192, 1193]
        elif law.name == NOTICE:
            assert numbers == []
        else:
            assert numbers == list(range(1, len(numbers) + 1)), law.name
            assert len(numbers) == law.header["article_count"], law.name


@pytest.mark.parametrize(
    ("law", "count"),
    [
        ("劳动法", 107),
        ("劳动合同法", 98),
        ("劳动合同法实施条例", 38),
        ("社会保险法", 98),
        ("劳动争议调解仲裁法", 54),
        ("工伤保险条例", 67),
        (JIESHI_1, 54),
        (JIESHI_2, 21),
        ("安全生产法", 119),
        ("住房公积金管理条例", 50),
        ("劳务派遣暂行规定", 29),
        ("工伤认定办法", 27),
        ("失业保险条例", 33),
    ],
)
def test_article_counts(library: StatuteLibrary, law: str, count: int) -> None:
    assert len(library.laws[law].articles) == count


def test_headers_are_kept_in_the_copies() -> None:
    for path in DEFAULT_LAWS_DIR.glob("*.md"):
        if path.name == "README.md":
            continue
        header, body = split_header(path.read_text(encoding="utf-8"), str(path))
        assert {"title", "source_repository", "source_path", "article_count"} <= header.keys()
        assert body.strip()


@pytest.mark.skipif(not SHARED_LAWS.is_dir(), reason="shared/laws is not beside the checkout")
def test_copies_equal_the_shared_texts() -> None:
    for source in SHARED_LAWS.glob("*.md"):
        copy = DEFAULT_LAWS_DIR / source.name
        assert copy.read_bytes() == source.read_bytes(), source.name


def test_article_47_text_and_paragraphs(library: StatuteLibrary) -> None:
    article = library.article("劳动合同法", 47)
    assert article is not None
    assert article.law == "劳动合同法"
    assert article.title == "中华人民共和国劳动合同法"
    assert article.heading == "第四十七条"
    assert article.label == "《劳动合同法》第四十七条"
    assert len(article.paragraphs) == 3
    assert article.paragraphs[0].startswith(
        "经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资"
    )
    assert (
        article.paragraphs[2]
        == "本条所称月工资是指劳动者在劳动合同解除或者终止前十二个月的平均工资。"
    )
    assert article.version.startswith("2012-12-28")
    assert article.file == "laodong_hetong_fa.md"
    assert article.chapter == "第四章 劳动合同的解除和终止"


def test_last_and_high_article_numbers(library: StatuteLibrary) -> None:
    last = library.article("劳动法", 107)
    assert last is not None
    assert last.text == "本法自1995年1月1日起施行。"
    civil = library.article("民法典", 1010)
    assert civil is not None
    assert civil.heading == "第一千零一十条"
    assert "性骚扰" in civil.text


def test_stray_line_breaks_are_joined(library: StatuteLibrary) -> None:
    piecework = library.article("劳动法", 37)
    assert piecework is not None
    assert piecework.paragraphs == (
        "对实行计件工作的劳动者，用人单位应当根据本法第三十六条规定的工时制度合理确定其劳动"
        "定额和计件报酬标准。",
    )
    overtime = library.article("工资支付暂行规定", 13)
    assert overtime is not None
    assert len(overtime.paragraphs) == 7
    assert overtime.paragraphs[1] == (
        "（一）用人单位依法安排劳动者在日法定标准工作时间以外延长工作时间的，按照不低于劳动合同"
        "规定的劳动者本人小时工资标准的１５０％支付劳动者工资；"
    )


def test_dispatch_rules_keep_their_items_and_half_width_punctuation(
    library: StatuteLibrary,
) -> None:
    cap = library.article("劳务派遣暂行规定", 4)
    assert cap is not None
    assert cap.paragraphs[0] == (
        "用工单位应当严格控制劳务派遣用工数量,使用的被派遣劳动者数量不得超过其用工总量的10%。"
    )
    assert cap.chapter == "第二章 用工范围和用工比例"
    agreement = library.article("劳务派遣暂行规定", 7)
    assert agreement is not None
    assert len(agreement.paragraphs) == 14  # the heading sentence and items (一)–(十三)
    assert agreement.paragraphs[4] == "(四)按照同工同酬原则确定的劳动报酬数额和支付方式;"


def test_injury_recognition_rules_by_article(library: StatuteLibrary) -> None:
    employer = library.article("工伤认定办法", 4)
    worker = library.article("工伤认定办法", 5)
    decision = library.article("工伤认定办法", 18)
    assert employer is not None and worker is not None and decision is not None
    assert "30日内" in employer.paragraphs[0]
    assert "1年内" in worker.text
    assert "60日内" in decision.text
    # The decree's preamble (第　8　号, its date) is not an article.
    assert library.laws["工伤认定办法"].articles[1].text.startswith("为规范工伤认定程序")


def test_unemployment_insurance_conditions_and_duration(library: StatuteLibrary) -> None:
    conditions = library.article("失业保险条例", 14)
    duration = library.article("失业保险条例", 17)
    assert conditions is not None and duration is not None
    assert len(conditions.paragraphs) == 5
    assert conditions.paragraphs[2] == "(二)非因本人意愿中断就业的；"
    assert "最长为12个月" in duration.text and "最长为24个月" in duration.text
    assert conditions.chapter == "第三章 失业保险待遇"


def test_annex_is_not_part_of_the_last_article(library: StatuteLibrary) -> None:
    last = library.article("女职工劳动保护特别规定", 16)
    assert last is not None
    assert "禁忌" not in last.text
    assert "女职工禁忌从事的劳动范围" in library.laws["女职工劳动保护特别规定"].appendix
    assert "测算方法" not in (library.article("最低工资规定", 15) or last).text


def test_unnumbered_notice_is_one_text(library: StatuteLibrary) -> None:
    notice = library.article(NOTICE, None)
    assert notice is not None
    assert notice.number is None
    assert "月计薪天数＝（365天-104天）÷12月＝21.75天" in notice.text
    assert library.article("劳动合同法", None) is None


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("劳动合同法", "劳动合同法"),
        ("中华人民共和国劳动合同法", "劳动合同法"),
        ("《中华人民共和国劳动合同法》", "劳动合同法"),
        ("勞動合同法", "劳动合同法"),
        ("劳动法", "劳动法"),
        ("实施条例", "劳动合同法实施条例"),
        ("劳动合同法实施条例", "劳动合同法实施条例"),
        ("社保法", "社会保险法"),
        ("社会保险法", "社会保险法"),
        ("仲裁法", "劳动争议调解仲裁法"),
        ("调解仲裁法", "劳动争议调解仲裁法"),
        ("《劳动争议调解仲裁法》", "劳动争议调解仲裁法"),
        ("工伤条例", "工伤保险条例"),
        ("工伤保险条例", "工伤保险条例"),
        ("年休假条例", "职工带薪年休假条例"),
        ("年休假实施办法", "企业职工带薪年休假实施办法"),
        ("女职工特别规定", "女职工劳动保护特别规定"),
        ("农民工工资条例", "保障农民工工资支付条例"),
        ("保障农民工工资支付条例", "保障农民工工资支付条例"),
        ("司法解释一", JIESHI_1),
        ("解释（一）", JIESHI_1),
        ("解释(一)", JIESHI_1),
        ("解释一", JIESHI_1),
        (JIESHI_1, JIESHI_1),
        ("解释二", JIESHI_2),
        ("工作时间规定", "国务院关于职工工作时间的规定"),
        ("放假办法", "全国年节及纪念日放假办法"),
        ("工资支付暂行规定", "工资支付暂行规定"),
        ("最低工资规定", "最低工资规定"),
        ("童工规定", "禁止使用童工规定"),
        ("职业病防治法", "职业病防治法"),
        ("中华人民共和国安全生产法", "安全生产法"),
        ("妇女法", "妇女权益保障法"),
        ("妇女权益保障法", "妇女权益保障法"),
        ("就业促进法", "就业促进法"),
        ("工会法", "工会法"),
        ("民法典", "民法典"),
        ("监察条例", "劳动保障监察条例"),
        ("劳动保障监察条例", "劳动保障监察条例"),
        ("公积金条例", "住房公积金管理条例"),
        ("住房公积金管理条例", "住房公积金管理条例"),
        ("劳务派遣暂行规定", "劳务派遣暂行规定"),
        ("《劳务派遣暂行规定》", "劳务派遣暂行规定"),
        ("派遣暂行规定", "劳务派遣暂行规定"),
        ("工伤认定办法", "工伤认定办法"),
        ("失业保险条例", "失业保险条例"),
        ("失業保險條例", "失业保险条例"),
    ],
)
def test_resolve_law(library: StatuteLibrary, name: str, canonical: str) -> None:
    assert library.resolve_law(name) == canonical


@pytest.mark.parametrize("name", ["刑法", "公司法", "合同", "", "劳动"])
def test_unknown_laws_do_not_resolve(library: StatuteLibrary, name: str) -> None:
    assert library.resolve_law(name) is None


def test_superseded_housing_fund_text_only_by_its_own_name(library: StatuteLibrary) -> None:
    current = library.law("公积金条例")
    old = library.law("住房公积金管理条例（2019）")
    assert current is not None
    assert old is not None
    assert current.file == "zhufang_gongjijin_guanli_tiaoli.md"
    assert old.file == "zhufang_gongjijin_guanli_tiaoli_2019.md"
    assert old.superseded
    assert len(old.articles) == 47
    assert old not in library.current_laws()
    assert all(a.law != old.name for a in library.all_articles())


def test_missing_articles_are_none(library: StatuteLibrary) -> None:
    assert library.article("劳动合同法", 99) is None
    assert library.article("劳动合同法", 0) is None
    assert library.article("刑法", 1) is None


def test_load_is_cached() -> None:
    assert StatuteLibrary.load() is StatuteLibrary.load()


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十五", 15),
        ("四十七", 47),
        ("九十八", 98),
        ("一百", 100),
        ("一百零七", 107),
        ("一百一十九", 119),
        ("一千零一十", 1010),
        ("一千一百九十三", 1193),
        ("47", 47),
        ("４７", 47),
        ("两", 2),
    ],
)
def test_chinese_numerals(text: str, number: int) -> None:
    assert chinese_to_int(text) == number


def test_not_a_numeral() -> None:
    assert chinese_to_int("四十七条") is None
    assert chinese_to_int("") is None


@given(st.integers(min_value=1, max_value=9999))
def test_numeral_round_trip(number: int) -> None:
    assert chinese_to_int(int_to_chinese(number)) == number
