"""Related cases: spellings of one employer meet after normalisation; only keyed digests are
stored; digests are per organisation; indexing happens once, on first listing or opening."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handoff.console.related import (
    BRAND,
    EMPLOYER,
    INDEXED_MARKER,
    brand_names,
    digest_case_counts,
    ensure_indexed,
    name_digest,
    normalise_name,
    related_cases,
    related_counts,
)
from handoff.console_models import CaseIndex
from tests.handoff.console.conftest import Desk

SAME_EMPLOYER = [
    "深圳市宏达电子有限公司",
    "深圳市宏达电子公司",
    "深圳市宏达电子厂",
    "深圳市 宏达 电子厂",
    "深圳市宏達電子有限公司",  # Traditional
    "深圳市宏达电子（厂）",
    "深圳市宏达电子厂有限公司",
    "ＳＨＥＮＺＨＥＮ市宏达电子厂".replace("ＳＨＥＮＺＨＥＮ", "深圳"),
]


@pytest.mark.parametrize("spelling", SAME_EMPLOYER)
def test_spellings_of_one_employer_normalise_alike(spelling: str) -> None:
    assert normalise_name(spelling) == "深圳市宏达电子"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Foxconn Co., Ltd.", "foxconn"),
        ("FOXCONN", "foxconn"),
        ("ＦＯＸＣＯＮＮ", "foxconn"),
        ("富士康", "富士康"),
        ("厂", "厂"),  # a suffix alone is kept: stripping it would leave nothing
        ("   ", ""),
    ],
)
def test_normalise_case_width_and_suffixes(text: str, expected: str) -> None:
    assert normalise_name(text) == expected


def test_brands_are_split_and_normalised() -> None:
    assert brand_names("耐克、Adidas，耐克 / 優衣庫") == ["耐克", "adidas", "优衣库"]
    assert brand_names("New Balance") == ["newbalance"]


def test_other_employers_stay_apart() -> None:
    assert normalise_name("宏达电子厂") != normalise_name("宏远电子厂")


def test_cases_naming_one_employer_are_linked_across_spellings(desk: Desk) -> None:
    ids = [desk.file(employer=spelling) for spelling in SAME_EMPLOYER[:4]]
    other = desk.file(employer="别的工厂有限公司")
    nameless = desk.file(employer=None)
    with desk.session() as session:
        indexed = ensure_indexed(session, desk.mei)
        assert indexed == 6
        linked = related_cases(session, desk.mei.org_id, ids[0])
        employers = digest_case_counts(session, desk.mei.org_id, EMPLOYER)
        statuses = dict.fromkeys([*ids, other, nameless], "new")
        counts = related_counts(session, desk.mei.org_id, statuses, employers)
    assert {r.case_id for r in linked} == set(ids[1:])
    assert counts == {case_id: 3 for case_id in ids}


def test_brands_link_cases_too(desk: Desk) -> None:
    first = desk.file(employer="甲厂", brands="耐克、阿迪达斯")
    second = desk.file(employer="乙厂", brands="NIKE、耐克")
    with desk.session() as session:
        ensure_indexed(session, desk.mei)
        linked = related_cases(session, desk.mei.org_id, first)
    assert [(r.case_id, r.kinds) for r in linked] == [(second, (BRAND,))]


def test_only_keyed_digests_are_stored_and_they_differ_per_organisation(desk: Desk) -> None:
    mine = desk.file(employer="宏达电子厂")
    theirs = desk.file(desk.wu, employer="宏达电子厂")
    with desk.session() as session:
        ensure_indexed(session, desk.mei)
        ensure_indexed(session, desk.wu)
        rows = {r.case_id: r for r in session.scalars(select(CaseIndex))}
        assert related_cases(session, desk.mei.org_id, mine) == []
    assert rows[mine].digest != rows[theirs].digest
    assert "宏达" not in rows[mine].digest
    assert rows[mine].digest == name_digest(desk.mei.index_key or b"", EMPLOYER, "宏达电子")


def test_indexing_happens_once_and_marks_cases_naming_nothing(desk: Desk) -> None:
    desk.file(employer=None, brands=None)
    with desk.session() as session:
        assert ensure_indexed(session, desk.mei) == 1
        assert ensure_indexed(session, desk.mei) == 0
        kinds = list(session.scalars(select(CaseIndex.kind)))
    assert kinds == [INDEXED_MARKER]


def test_a_case_sharing_employer_and_brand_is_listed_once(desk: Desk) -> None:
    first = desk.file(employer="宏达电子厂", brands="耐克")
    second = desk.file(employer="宏达电子公司", brands="耐克")
    with desk.session() as session:
        ensure_indexed(session, desk.mei)
        linked = related_cases(session, desk.mei.org_id, first)
    assert [(r.case_id, r.kinds) for r in linked] == [(second, (EMPLOYER, BRAND))]


def test_another_organisation_cannot_index_or_see_links(desk: Desk) -> None:
    desk.file(employer="宏达电子厂")
    with desk.session() as session:
        assert ensure_indexed(session, desk.wu) == 0
        assert list(session.scalars(select(CaseIndex))) == []


def test_index_key_is_opened_from_the_organisation_when_the_login_has_none(desk: Desk) -> None:
    from dataclasses import replace

    first = desk.file(employer="宏达电子厂")
    second = desk.file(employer="宏达电子有限公司")
    with desk.session() as session:
        ensure_indexed(session, replace(desk.mei, index_key=None))
        assert [r.case_id for r in related_cases(session, desk.mei.org_id, first)] == [second]


def test_digest_counts_are_kept_until_the_organisation_changes(desk: Desk) -> None:
    from handoff.cases.models import Case
    from handoff.console.related import DigestCounts, org_shape

    first = desk.file(employer="宏达电子厂")
    desk.file(employer="宏达电子公司")
    moment = [0.0]
    cache = DigestCounts(ttl_seconds=60, clock=lambda: moment[0])
    with desk.session() as session:
        ensure_indexed(session, desk.mei)
        shape = org_shape(session, desk.mei.org_id)
        assert sorted(cache.get(session, desk.mei.org_id, EMPLOYER, shape).values()) == [2]
        case = session.get(Case, first)
        assert case is not None
        case.status = "spam"
        session.commit()
        marked = org_shape(session, desk.mei.org_id)
        assert marked != shape  # marking spam changes the shape, so the counts are made again
        assert sorted(cache.get(session, desk.mei.org_id, EMPLOYER, marked).values()) == [1]
