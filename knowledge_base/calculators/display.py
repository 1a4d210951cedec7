"""How the calculators' typed answers read in Chinese (working time, length of service); the
rest of showing an answer is ``CalculatorSpec.display``."""

from __future__ import annotations

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import ServiceLength, WorkTime


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
