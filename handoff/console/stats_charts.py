"""Bar charts as geometry for a server-rendered SVG (no chart library, nothing downloaded).

The template draws the rectangles and texts; Jinja's autoescape covers every label, and only
presentation attributes are used, so the console's CSP (no inline styles) holds.
"""

from __future__ import annotations

from dataclasses import dataclass

LABEL_CHARS = 9


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar with where its label and value go."""

    label: str
    full_label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    other: bool = False


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart's size and bars; ``horizontal`` charts put labels on the left."""

    width: int
    height: int
    horizontal: bool
    bars: tuple[Bar, ...]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(
    rows: list[tuple[str, int]],
    *,
    others: frozenset[str] = frozenset(),
    width: int = 420,
    bar_height: int = 22,
    gap: int = 8,
    label_width: int = 130,
    value_width: int = 48,
) -> Chart:
    """Horizontal bars, one per row, longest for the largest value; labels in ``others`` are
    merged groups (drawn lighter)."""
    largest = max((value for _label, value in rows), default=0) or 1
    room = width - label_width - value_width
    bars = []
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = room * value / largest
        bars.append(
            Bar(
                label=_short(label),
                full_label=label,
                value=value,
                x=label_width,
                y=y,
                width=round(length, 1),
                height=bar_height,
                label_x=label_width - 8,
                label_y=y + bar_height * 0.7,
                value_x=round(label_width + length + 6, 1),
                value_y=y + bar_height * 0.7,
                other=label in others,
            )
        )
    height = gap + len(rows) * (bar_height + gap)
    return Chart(width=width, height=max(height, 2 * gap), horizontal=True, bars=tuple(bars))


def column_chart(
    rows: list[tuple[str, int]],
    *,
    width: int = 420,
    plot_height: int = 160,
    label_height: int = 44,
    value_height: int = 18,
    label_room: int = 56,
) -> Chart:
    """Vertical columns in the given order (months), labels below (every few columns when
    they would overlap; each column keeps its full label as a tooltip), values above."""
    largest = max((value for _label, value in rows), default=0) or 1
    slot = width / max(len(rows), 1)
    every = max(1, -(-label_room // int(max(slot, 1))))
    column = max(min(slot * 0.7, 48.0), 2.0)
    bars = []
    for index, (label, value) in enumerate(rows):
        length = plot_height * value / largest
        x = index * slot + (slot - column) / 2
        y = value_height + plot_height - length
        bars.append(
            Bar(
                label=label if index % every == 0 else "",
                full_label=label,
                value=value,
                x=round(x, 1),
                y=round(y, 1),
                width=round(column, 1),
                height=round(length, 1),
                label_x=round(x + column / 2, 1),
                label_y=value_height + plot_height + 16,
                value_x=round(x + column / 2, 1),
                value_y=round(y - 4, 1),
            )
        )
    return Chart(
        width=width,
        height=value_height + plot_height + label_height,
        horizontal=False,
        bars=tuple(bars),
    )
