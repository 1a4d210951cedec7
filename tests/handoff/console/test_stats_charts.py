"""Chart geometry: bars proportional to their values, long labels shortened, month labels
thinned out when they would overlap."""

from __future__ import annotations

from handoff.console.stats_charts import LABEL_CHARS, bar_chart, column_chart


def test_bars_are_proportional_and_labels_short() -> None:
    chart = bar_chart(
        [("东莞宏达电子科技股份有限公司", 40), ("永盛", 10)], others=frozenset({"永盛"})
    )
    first, second = chart.bars
    assert chart.horizontal and first.width == 4 * second.width
    assert len(first.label) == LABEL_CHARS and first.full_label.startswith(first.label[:-1])
    assert (first.other, second.other) == (False, True)
    assert second.y > first.y and chart.height > second.y + second.height


def test_month_columns_in_order_with_labels_that_fit() -> None:
    months = [(f"2025-{m:02d}", m * 5) for m in range(1, 13)] + [("2026-01", 5)]
    chart = column_chart(months)
    assert [b.full_label for b in chart.bars] == [m for m, _n in months]
    assert chart.bars[0].label == "2025-01"
    assert 0 < sum(1 for b in chart.bars if b.label) < len(months)
    tallest = max(chart.bars, key=lambda b: b.value)
    assert tallest.full_label == "2025-12" and tallest.y == min(b.y for b in chart.bars)


def test_an_empty_chart_has_no_bars() -> None:
    assert bar_chart([]).bars == () and column_chart([]).bars == ()
