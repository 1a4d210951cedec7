"""Pay in the unit a calculator needs, with the conversion written out.

Monthly, daily and hourly pay convert with the statutory 21.75 pay days a month and 8 hours a
day (关于职工全年月平均工作时间和工资折算问题的通知, 劳社部发[2008]3号: 日工资 = 月工资 ÷ 21.75,
小时工资 = 月工资 ÷ (21.75 × 8)). Piece rates never convert: overtime is paid on the piece
price (工资支付暂行规定 第十三条), which the overtime calculator says instead.

A converted hourly wage keeps four decimals: overtime multiplies it by many hours, and
rounding it to cents first would move the amount by up to half a fen an hour (20.1149 is not
20.11: 32 hours at 200 % differ by 0.16 yuan). A daily wage is rounded to cents, as on a slip.

Plausible pay, per unit (outside it the bot asks the worker to confirm rather than compute):
a month 500–100 000 yuan (below any full-time wage, above almost any factory wage), a day
20–5 000, an hour 3–1 000, a piece 0.01–1 000. Hard limits (0 and over a million) are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import Wage, WageUnit, get_wage, round_money
from knowledge_base.calculators.texts import plain_number

PAY_DAYS_PER_MONTH: Final = Decimal("21.75")
HOURS_PER_DAY: Final = Decimal(8)
MAX_AMOUNT: Final = Decimal(1_000_000)
#: The places a converted hourly wage keeps (see the module docstring).
HOURLY_PLACES: Final = Decimal("0.0001")

#: Inclusive plausible range per unit (see the module docstring).
PLAUSIBLE: Final[dict[WageUnit, tuple[Decimal, Decimal]]] = {
    "month": (Decimal(500), Decimal(100_000)),
    "day": (Decimal(20), Decimal(5_000)),
    "hour": (Decimal(3), Decimal(1_000)),
    "piece": (Decimal("0.01"), Decimal(1_000)),
}


@dataclass(frozen=True)
class Converted:
    """An amount in the unit asked for, the working lines that got there, and whether the
    statutory conversion was used (so the result cites it)."""

    amount: Decimal
    steps: tuple[str, ...]
    converted: bool


def plausible(wage: Wage) -> bool:
    """True when the amount is an ordinary one for its unit (a piece rate without price is)."""
    if wage.amount is None:
        return True
    low, high = PLAUSIBLE[wage.unit]
    return low <= wage.amount <= high


def said(wage: Wage) -> str:
    """How the pay is echoed back: ``按日工资250元计算`` (unit and amount as understood)."""
    if wage.amount is None:
        return texts.text("wages.said_piece_no_price")
    if wage.parts:
        return texts.text("wages.said_average", amount=plain_number(wage.amount))
    return texts.text(f"wages.said.{wage.unit}", amount=plain_number(wage.amount))


def _average_steps(wage: Wage) -> tuple[str, ...]:
    """(6 × 4000 + 6 × 5000) ÷ 12 = 4500.00: a wage told in parts, averaged over the months."""
    if not wage.parts or wage.amount is None:
        return ()
    terms = " + ".join(f"{plain_number(p.months)} × {plain_number(p.amount)}" for p in wage.parts)
    months = sum((p.months for p in wage.parts), Decimal(0))
    step = _step("average", terms=terms, months=plain_number(months), wage=f"{wage.amount:.2f}")
    return (step,)


def _step(key: str, **values: object) -> str:
    return texts.text(f"wages.steps.{key}", **values)


def _numbers() -> dict[str, str]:
    return {"pay_days": plain_number(PAY_DAYS_PER_MONTH), "day_hours": plain_number(HOURS_PER_DAY)}


def _require_amount(wage: Wage) -> Decimal:
    if wage.amount is None or wage.unit == "piece":
        raise ValueError("a piece rate has no time-based equivalent")
    return wage.amount


def rate_text(value: Decimal) -> str:
    """A wage rate as the working shows it: cents (25.00), or the four places an hourly wage
    keeps when cents do not hold it (20.1149)."""
    return f"{value:.2f}" if value == round_money(value) else f"{value:.4f}"


def _hourly(wage: Wage) -> Converted:
    """Hourly pay, rounded half up to four places: month ÷ 21.75 ÷ 8, day ÷ 8, or as said."""
    amount = _require_amount(wage)
    if wage.unit == "hour":
        return Converted(amount, (), converted=False)
    if wage.unit == "day":
        value = (amount / HOURS_PER_DAY).quantize(HOURLY_PLACES, rounding=ROUND_HALF_UP)
        step = _step(
            "day_to_hour", daily=plain_number(amount), hourly=rate_text(value), **_numbers()
        )
        return Converted(value, (step,), converted=True)
    value = (amount / PAY_DAYS_PER_MONTH / HOURS_PER_DAY).quantize(
        HOURLY_PLACES, rounding=ROUND_HALF_UP
    )
    step = _step("month_to_hour", wage=plain_number(amount), hourly=rate_text(value), **_numbers())
    return Converted(value, (step,), converted=True)


def _daily(wage: Wage) -> Converted:
    """Daily pay, rounded half up to cents: month ÷ 21.75, hour × 8, or as said."""
    amount = _require_amount(wage)
    if wage.unit == "day":
        return Converted(amount, (), converted=False)
    if wage.unit == "hour":
        value = round_money(amount * HOURS_PER_DAY)
        step = _step("hour_to_day", hourly=plain_number(amount), daily=f"{value:.2f}", **_numbers())
        return Converted(value, (step,), converted=True)
    value = round_money(amount / PAY_DAYS_PER_MONTH)
    step = _step("month_to_day", wage=plain_number(amount), daily=f"{value:.2f}", **_numbers())
    return Converted(value, (step,), converted=True)


def _monthly(wage: Wage) -> Converted:
    """Monthly pay, rounded half up to cents: day × 21.75, hour × 8 × 21.75, or as said."""
    amount = _require_amount(wage)
    if wage.unit == "month":
        return Converted(amount, (), converted=False)
    if wage.unit == "day":
        value = round_money(amount * PAY_DAYS_PER_MONTH)
        step = _step("day_to_month", daily=plain_number(amount), wage=f"{value:.2f}", **_numbers())
        return Converted(value, (step,), converted=True)
    value = round_money(amount * HOURS_PER_DAY * PAY_DAYS_PER_MONTH)
    step = _step("hour_to_month", hourly=plain_number(amount), wage=f"{value:.2f}", **_numbers())
    return Converted(value, (step,), converted=True)


def _with_average(wage: Wage, converted: Converted) -> Converted:
    """The average of a wage told in parts written out before any conversion."""
    steps = _average_steps(wage)
    if not steps:
        return converted
    return Converted(converted.amount, steps + converted.steps, converted.converted)


def hourly(wage: Wage) -> Converted:
    """Hourly pay, rounded half up to four places: month ÷ 21.75 ÷ 8, day ÷ 8, or as said."""
    return _with_average(wage, _hourly(wage))


def daily(wage: Wage) -> Converted:
    """Daily pay, rounded half up to cents: month ÷ 21.75, hour × 8, or as said."""
    return _with_average(wage, _daily(wage))


def monthly(wage: Wage) -> Converted:
    """Monthly pay, rounded half up to cents: day × 21.75, hour × 8 × 21.75, or as said."""
    return _with_average(wage, _monthly(wage))


def monthly_input(inputs: Mapping[str, object], name: str, steps: list[str]) -> Converted:
    """The monthly pay a calculator needs from a pay answer, its conversion added to ``steps``."""
    converted = monthly(get_wage(inputs, name))
    steps.extend(converted.steps)
    return converted


def daily_input(inputs: Mapping[str, object], name: str, steps: list[str]) -> Converted:
    """The daily pay a calculator needs from a pay answer, its conversion added to ``steps``."""
    converted = daily(get_wage(inputs, name))
    steps.extend(converted.steps)
    return converted
