"""Places as workers type them, from China's division codes."""

from __future__ import annotations

import pytest

from handoff.places import find_places


@pytest.mark.parametrize(
    ("text", "province", "city"),
    [
        ("广东东莞", "广东省", "东莞市"),
        ("东莞长安", "广东省", "东莞市"),
        ("廣州", "广东省", "广州市"),
        ("江苏苏州昆山", "江苏省", "苏州市"),
        ("我在深圳宝安区", "广东省", "深圳市"),
        ("北京朝阳", "北京市", "北京市"),
        ("内蒙古包头", "内蒙古自治区", "包头市"),
        ("長沙", "湖南省", "长沙市"),
        ("浙江", "浙江省", None),
    ],
)
def test_one_place_found(text: str, province: str, city: str | None) -> None:
    places = find_places(text)
    assert len(places) == 1
    assert (places[0].province, places[0].city) == (province, city)


def test_an_ambiguous_name_gives_the_candidates() -> None:
    provinces = {p.province for p in find_places("朝阳")}
    assert {"北京市", "辽宁省"} <= provinces


@pytest.mark.parametrize("text", ["不知道", "asdf", "", "😭"])
def test_nothing_found(text: str) -> None:
    assert find_places(text) == []
