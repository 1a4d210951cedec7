"""The k rule of the statistics, including attacks by subtraction: totals minus shown cells,
filtered views that differ by one case, and one table's total against another's."""

from __future__ import annotations

import itertools
import random

import pytest

from handoff.console.stats_tables import (
    MIN_COUNT,
    OTHER,
    Cell,
    StatsFilter,
    publish,
    total,
    totals_by,
    view,
)

K = MIN_COUNT


def shown_numbers(cells: list[Cell], wanted: StatsFilter) -> dict[str, int]:
    """Every number a page shows for one filter: the total and each row of each table."""
    selected = view(publish(cells), wanted)
    numbers = {"total": total(selected)}
    for dimension in ("category", "province", "month"):
        for key, count in totals_by(selected, dimension):
            numbers[f"{dimension}:{key}"] = count
    return numbers


def all_filters(cells: list[Cell]) -> list[StatsFilter]:
    categories = [None, *sorted({c.category for c in cells})]
    provinces = [None, *sorted({c.province for c in cells})]
    months = sorted({c.month for c in cells})
    ranges = [(None, None), *((a, b) for a, b in itertools.product(months, months) if a <= b)]
    return [
        StatsFilter(category, province, start, end)
        for category, province, (start, end) in itertools.product(categories, provinces, ranges)
    ]


def test_cells_of_k_are_published_small_ones_merged_or_dropped() -> None:
    cells = [
        Cell("2026-01", "wages", "广东省", 9),
        Cell("2026-01", "wages", "湖北省", 3),
        Cell("2026-01", "wages", "湖南省", 2),  # with 湖北: 5, published as other provinces
        Cell("2026-01", "injury", "广东省", 2),
        Cell("2026-01", "overtime", "广东省", 2),  # with injury: 4, dropped
        Cell("2026-02", "injury", "广东省", 3),
        Cell("2026-02", "overtime", "四川省", 2),  # 5 in February: other categories
    ]
    assert publish(cells) == [
        Cell("2026-01", "wages", OTHER, 5),
        Cell("2026-01", "wages", "广东省", 9),
        Cell("2026-02", OTHER, OTHER, 5),
    ]


def test_a_total_is_the_sum_of_its_shown_rows_so_subtraction_finds_nothing() -> None:
    cells = [
        Cell("2026-01", "wages", "广东省", 20),
        Cell("2026-01", "overtime", "广东省", 10),
        Cell("2026-01", "injury", "广东省", 3),  # the cell an attacker wants
    ]
    numbers = shown_numbers(cells, StatsFilter())
    assert numbers["total"] == 30
    assert numbers["total"] - numbers["category:wages"] - numbers["category:overtime"] == 0
    assert "category:injury" not in numbers
    # The province table cannot give the real 33 either: it sums the same published cells.
    assert numbers["province:广东省"] == 30


def test_views_that_differ_by_one_small_group_show_the_same_numbers() -> None:
    base = [
        Cell("2026-01", "wages", "广东省", 12),
        Cell("2026-02", "wages", "广东省", 7),
        Cell("2026-03", "wages", "广东省", 6),
        Cell("2026-04", "wages", "广东省", 1),  # one case in April
        Cell("2026-03", "wages", "湖北省", 1),  # one case in 湖北
    ]
    assert shown_numbers(base, StatsFilter(month_to="2026-03")) == shown_numbers(
        base, StatsFilter(month_to="2026-04")
    )
    everywhere = shown_numbers(base, StatsFilter())
    guangdong = shown_numbers(base, StatsFilter(province="广东省"))
    assert everywhere["total"] == guangdong["total"]


def test_one_more_case_in_a_small_cell_changes_nothing_anywhere() -> None:
    before = [
        Cell("2026-01", "wages", "广东省", 12),
        Cell("2026-01", "overtime", "湖南省", 1),
        Cell("2026-02", "injury", "广东省", 6),
    ]
    after = [*before[:1], Cell("2026-01", "overtime", "湖南省", 2), *before[2:]]
    for wanted in all_filters(after):
        assert shown_numbers(before, wanted) == shown_numbers(after, wanted)


def random_cells(seed: int) -> list[Cell]:
    rng = random.Random(seed)
    cells = []
    for month, category, province in itertools.product(
        ("2026-01", "2026-02", "2026-03"),
        ("wages", "overtime", "injury", "contract"),
        ("广东省", "湖北省", "四川省"),
    ):
        count = rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 6, 9, 14])
        if count:
            cells.append(Cell(month, category, province, count))
    return cells


@pytest.mark.parametrize("seed", range(8))
def test_no_number_and_no_difference_of_nested_views_is_a_small_group(seed: int) -> None:
    """Every shown number is 0 or at least k, and so is the difference between the same
    number in two views where one view's cases are a subset of the other's."""
    cells = random_cells(seed)
    filters = all_filters(cells)
    shown = {wanted: shown_numbers(cells, wanted) for wanted in filters}
    for numbers in shown.values():
        assert all(n == 0 or n >= K for n in numbers.values()), numbers
    for wide, narrow in itertools.permutations(filters, 2):
        if not _nested(narrow, wide):
            continue
        for key, count in shown[narrow].items():
            difference = shown[wide].get(key, 0) - count
            assert difference == 0 or difference >= K, (wide, narrow, key)


def _nested(narrow: StatsFilter, wide: StatsFilter) -> bool:
    """True when every cell ``narrow`` admits, ``wide`` admits too."""
    if wide.category and wide.category != narrow.category:
        return False
    if wide.province and wide.province != narrow.province:
        return False
    if wide.month_from and (not narrow.month_from or narrow.month_from < wide.month_from):
        return False
    return not (wide.month_to and (not narrow.month_to or narrow.month_to > wide.month_to))


@pytest.mark.parametrize("seed", range(8))
def test_every_shown_number_is_a_sum_of_published_cells_of_k(seed: int) -> None:
    cells = random_cells(seed)
    published = publish(cells)
    assert all(cell.count >= K for cell in published)
    for wanted in all_filters(cells)[:50]:
        selected = view(published, wanted)
        for dimension in ("category", "province", "month"):
            assert sum(n for _k, n in totals_by(selected, dimension)) == total(selected)


def test_months_in_order_others_largest_first_with_merged_last() -> None:
    cells = [
        Cell("2026-02", "wages", "广东省", 5),
        Cell("2026-01", "injury", "广东省", 9),
        Cell("2026-01", "wages", OTHER, 6),
    ]
    assert totals_by(cells, "month") == [("2026-01", 15), ("2026-02", 5)]
    assert totals_by(cells, "province") == [("广东省", 14), (OTHER, 6)]
    with pytest.raises(ValueError, match="employer"):
        totals_by(cells, "employer")
