"""Requests for an article's wording in chat messages."""

from __future__ import annotations

import pytest

from knowledge_base.article_request import ArticleRef, detect_article_request, find_article_refs

JIESHI_1 = "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）"


@pytest.mark.parametrize(
    ("message", "context_law", "expected"),
    [
        ("劳动合同法第47条", None, ("劳动合同法", 47)),
        ("劳动合同法第四十七条", None, ("劳动合同法", 47)),
        ("劳动法第四十四条", None, ("劳动法", 44)),
        ("《工伤保险条例》第14条是什么", None, ("工伤保险条例", 14)),
        ("《中华人民共和国劳动合同法》第八十二条", None, ("劳动合同法", 82)),
        ("中华人民共和国劳动合同法 第 82 条", None, ("劳动合同法", 82)),
        ("勞動合同法第四十七條", None, ("劳动合同法", 47)),
        ("劳动合同法47条", None, ("劳动合同法", 47)),
        ("劳动合同法 47", None, ("劳动合同法", 47)),
        ("劳动合同法实施条例第十条", None, ("劳动合同法实施条例", 10)),
        ("社保法第58条说的什么", None, ("社会保险法", 58)),
        ("请给我看一下社保法第58条，谢谢", None, ("社会保险法", 58)),
        ("民法典第一千零一十条原文", None, ("民法典", 1010)),
        ("解释（一）第三十二条", None, (JIESHI_1, 32)),
        ("第四十七条原文", "劳动合同法", ("劳动合同法", 47)),
        ("第14条是什么", "工伤条例", ("工伤保险条例", 14)),
        ("那第三十九条呢", "劳动合同法", ("劳动合同法", 39)),
        ("劳动合同法第120条", None, ("劳动合同法", 120)),
    ],
)
def test_requests(message: str, context_law: str | None, expected: tuple[str, int]) -> None:
    assert detect_article_request(message, context_law) == ArticleRef(*expected)


@pytest.mark.parametrize(
    ("message", "context_law"),
    [
        ("第四十七条原文", None),
        ("按劳动合同法第47条我工作三年能拿多少补偿", None),
        ("公司说根据劳动法第四十四条只给我150%的加班费，可是我是周末加班的，对吗", None),
        ("我干了第3年了", "劳动合同法"),
        ("劳动合同法有多少条", None),
        ("劳动法2018年改过吗", None),
        ("老板不给加班费怎么办", "劳动法"),
        ("刑法第二十条", None),
    ],
)
def test_not_requests(message: str, context_law: str | None) -> None:
    assert detect_article_request(message, context_law) is None


def test_find_article_refs_lists_every_named_article_once() -> None:
    text = "劳动合同法第47条和第四十八条，还有劳动合同法第四十七条，另外工伤条例第十四条"
    assert find_article_refs(text) == [
        ArticleRef("劳动合同法", 47),
        ArticleRef("工伤保险条例", 14),
    ]


def test_longest_law_name_wins() -> None:
    assert detect_article_request("劳动合同法实施条例第二十五条") == ArticleRef(
        "劳动合同法实施条例", 25
    )
