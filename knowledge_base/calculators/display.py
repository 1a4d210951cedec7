"""How the calculators' typed answers read in Chinese (working time, length of service); the
rest of showing an answer is ``CalculatorSpec.display``."""

from __future__ import annotations

from decimal import Decimal

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import ServiceLength, WorkTime

_MONTH_TOLERANCE = Decimal("0.01")


def work_time_text(value: WorkTime) -> str:
    """``16小时``, ``3天``, ``每天3小时``, ``每周上班6天`` (work time rather than overtime),
    ``每月休2天`` (days off)."""
    if value.base == "off" and value.per is not None:
        return texts.text(
            f"common.work_time.days_off.{value.per}", days=texts.plain_number(value.amount)
        )
    amount = texts.text(f"common.work_time.{value.unit}", value=texts.plain_number(value.amount))
    if value.per is not None:
        amount = texts.text(f"common.work_time.per.{value.per}", amount=amount)
    if value.base == "work":
        amount = texts.text("common.work_time.work", amount=amount)
    return amount


def service_length_text(value: ServiceLength) -> str:
    """``2年7个月``, ``快5年``, ``1年多``."""
    years, months = divmod(value.months, 12)
    if years and months:
        length = texts.text(
            "common.length.years_months",
            years=texts.plain_number(years),
            months=texts.plain_number(months),
        )
    elif years:
        length = texts.text("common.length.years", years=texts.plain_number(years))
    else:
        length = texts.text("common.length.months", months=texts.plain_number(months))
    return texts.text(f"common.length.{value.qualifier}", length=length)


def years_text(value: Decimal) -> str:
    """Years of work as a worker says them: ``5年``, ``5年9个月``, ``10个月`` (whole months), or
    ``5.5年`` when the years are no whole number of months."""
    months = value * 12
    whole = int(months.to_integral_value())
    if abs(months - whole) >= _MONTH_TOLERANCE:  # 10 months are 0.8333 years, as stored
        return texts.text("common.units.years", value=texts.plain_number(value))
    years, rest = divmod(whole, 12)
    if years and rest:
        return texts.text("common.length.years_months", years=years, months=rest)
    if years or not rest:
        return texts.text("common.length.years", years=years)
    return texts.text("common.length.months", months=rest)
