"""Minimum-wage check: the figure in force in a city on a date, with its date, source and doubts.

Every figure shown carries its effective date (or says it is unknown), the document it comes
from and our confidence; the worker is told when it may be outdated. A city or area we have not
verified gets no figure, only where to ask (12333, 当地人社局).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import (
    CalculationResult,
    Citation,
    get_optional_date,
    get_optional_monthly,
    get_str,
    split_citations,
)
from knowledge_base.calculators.dates import add_months
from knowledge_base.calculators.min_wage_table import (
    Area,
    City,
    MinWageData,
    PlaceMatch,
    RowRef,
    later_rows,
    load_data,
    match_area,
    resolve_place,
    row_in_force,
)
from knowledge_base.calculators.spec import CalculatorSpec
from knowledge_base.calculators.texts import plain_number, yuan
from knowledge_base.forms.engine import shown_answers
from knowledge_base.forms.fields import TODAY, Choice, Derived, InputField

NAME: Final = "min_wage"
UNSURE: Final = "unsure"
#: Warn that our data itself may be behind when it is older than this on the date asked about.
DATA_AGE_WARNING_MONTHS: Final = 6


def _t(key: str, /, **values: object) -> str:
    return texts.text(f"{NAME}.{key}", **values)


def _place(inputs: Mapping[str, object]) -> tuple[PlaceMatch, Area | None, bool]:
    """(match, chosen area, unsure) from the city answer plus the area answer if any."""
    match = resolve_place(get_str(inputs, "city"))
    if match.city is None or match.area is not None:
        return match, match.area, False
    area_key = inputs.get("area")
    if area_key == UNSURE:
        return match, None, True
    area = match.city.area(area_key) if isinstance(area_key, str) else None
    return match, area, False


def _needs_area(inputs: Mapping[str, object]) -> bool:
    match = resolve_place(get_str(inputs, "city"))
    return match.city is not None and match.area is None


def _as_of(inputs: Mapping[str, object]) -> dt.date:
    on = get_optional_date(inputs, "on_date")
    return on if on is not None else _today(inputs)


def _today(inputs: Mapping[str, object]) -> dt.date:
    today = inputs.get(TODAY)
    if not isinstance(today, dt.date):
        raise ValueError("min_wage needs inputs['today'] (a date)")
    return today


def _has_figure(inputs: Mapping[str, object]) -> bool:
    """Ask for the wage only when there is one confirmed figure to compare it with."""
    match, area, unsure = _place(inputs)
    if match.city is None or area is None or unsure or not area.confirmed:
        return False
    return row_in_force(area, _as_of(inputs), load_data().table_as_of) is not None


def _area_choices(field: str, inputs: Mapping[str, object]) -> tuple[Choice, ...]:
    if field != "area" or not isinstance(inputs.get("city"), str):
        return ()
    city = resolve_place(str(inputs["city"])).city
    if city is None:
        return ()
    choices = [Choice(area.key, area.label, (*area.aliases, *area.match)) for area in city.areas]
    return (
        *choices,
        Choice(UNSURE, _t("unsure_choice"), tuple(texts.words("parsing.unsure_words"))),
    )


def _prompt_vars(inputs: Mapping[str, object]) -> Mapping[str, str]:
    city = resolve_place(str(inputs["city"])).city if isinstance(inputs.get("city"), str) else None
    return {"city": city.name if city else ""}


# --------------------------------------------------------------------------- figure lines


def _date_text(ref: RowRef, data: MinWageData) -> str:
    row = ref.row
    if row.effective is None:
        return _t("date_unknown", as_of=data.table_as_of.isoformat())
    if row.month_only:
        return _t("date_month_only", month=row.effective_text)
    return row.effective.isoformat()


def _figure_lines(city: City, area: Area, ref: RowRef, data: MinWageData) -> list[str]:
    place = city.name if len(city.areas) == 1 else f"{city.name}（{area.label}）"
    row = ref.row
    lines = [_t("results.monthly", place=place, monthly=yuan(row.monthly))]
    if row.hourly is not None:
        lines.append(_t("results.hourly", hourly=plain_number(row.hourly)))
    else:
        lines.append(_t("results.no_hourly"))
    lines.append(_t("results.effective", date=_date_text(ref, data)))
    lines.append(_t("results.source", source=ref.document.shown))
    lines.append(_t("results.confidence", level=_t(f"confidence.{row.confidence}")))
    return lines


def _doubts(ref: RowRef, area: Area, as_of: dt.date, data: MinWageData) -> tuple[list[str], bool]:
    """Warnings about one figure, and whether the staleness rule (第十条) was used."""
    row = ref.row
    warnings: list[str] = []
    stale_rule = False
    if row.confidence != "high":
        warnings.append(_t(f"warnings.confidence_{row.confidence}"))
    if row.effective is None:
        warnings.append(_t("warnings.date_unknown", as_of=data.table_as_of.isoformat()))
    elif row.month_only:
        warnings.append(_t("warnings.month_only", month=row.effective_text))
    if (
        row.effective is not None
        and add_months(row.effective, 12 * data.stale_after_years) <= as_of
    ):
        warnings.append(
            _t("warnings.old", date=row.effective.isoformat(), years=data.stale_after_years)
        )
        stale_rule = True
    if add_months(data.data_compiled, DATA_AGE_WARNING_MONTHS) <= as_of:
        warnings.append(_t("warnings.data_old", compiled=data.data_compiled.isoformat()))
    for later in later_rows(area, as_of):
        effective = later.row.effective.isoformat() if later.row.effective else ""
        warnings.append(
            _t("warnings.changed_later", date=effective, monthly=yuan(later.row.monthly))
        )
    return warnings, stale_rule


# --------------------------------------------------------------------------- compute


def compute(inputs: Mapping[str, object]) -> CalculationResult:
    """The minimum wage in force for the place and date, compared with the wage if given."""
    data = load_data()
    as_of = _as_of(inputs)
    wage = get_optional_monthly(inputs, "monthly_wage")
    match, area, unsure = _place(inputs)
    steps: list[str] = []
    lines: list[str] = []
    warnings: list[str] = []
    notes = [_t("notes.compiled", compiled=data.data_compiled.isoformat())]
    citations: list[Citation] = [
        texts.citation("min_wage_rules_5"),
        texts.citation("min_wage_rules_12"),
    ]
    amount: Decimal | None = None
    place_text = get_str(inputs, "city")

    if match.city is None:
        lines += [_t("results.not_covered", place=place_text), _t("results.ask_12333")]
        notes.append(_t("notes.covered_cities", cities=_covered_names(data)))
    elif unsure or area is None:
        lines.append(_t("results.area_unsure", city=match.city.name))
        for candidate in match.city.areas:
            lines += _area_summary(match.city, candidate, as_of, data)
        lines.append(_t("results.ask_12333"))
    elif not area.confirmed:
        lines += [
            _t("results.area_unconfirmed", city=match.city.name, area=area.label),
            _t("results.ask_12333"),
        ]
    else:
        ref = row_in_force(area, as_of, data.table_as_of)
        if ref is None:
            lines += [_t("results.no_row_for_date", place=area.label, date=as_of.isoformat())]
            lines += _area_summary(match.city, area, as_of, data, show_future=True)
            lines.append(_t("results.ask_12333"))
        else:
            amount = ref.row.monthly
            steps.append(_t("steps.row", city=match.city.name, tier=ref.row.city_or_tier))
            if ref.row.effective is None:
                steps.append(_t("steps.date_unknown", as_of=as_of.isoformat()))
            else:
                steps.append(_t("steps.date", as_of=as_of.isoformat(), date=_date_text(ref, data)))
            lines += _figure_lines(match.city, area, ref, data)
            doubts, stale_rule = _doubts(ref, area, as_of, data)
            warnings += doubts
            if stale_rule:
                citations.append(texts.citation("min_wage_rules_10"))
            if wage is not None:
                lines += _compare(wage, ref.row.monthly, citations)
            if match.city.exclusions_note:
                notes.append(_t(f"notes.exclusions_{match.city.exclusions_note}"))
    notes += [_t("notes.exclusions"), _t("notes.hourly_part_time")]
    short, further = split_citations(citations)
    return CalculationResult(
        calculator=NAME,
        title=texts.text(SPEC.title_key),
        formula=_t("formula"),
        inputs=shown_answers(SPEC, inputs),
        steps=tuple(steps),
        result_lines=tuple(lines),
        amount=amount,
        citations=short,
        further_citations=further,
        warnings=tuple(warnings),
        notes=tuple(notes),
        related=("calc_overtime",),
        provenance=_provenance(area),
    )


def _compare(wage: Decimal, minimum: Decimal, citations: list[Citation]) -> list[str]:
    if wage < minimum:
        citations += [texts.citation("contract_law_85"), texts.citation("min_wage_rules_13")]
        return [
            _t("results.below", wage=yuan(wage), minimum=yuan(minimum), gap=yuan(minimum - wage)),
            _t("results.below_next"),
        ]
    return [_t("results.not_below", wage=yuan(wage), minimum=yuan(minimum))]


def _area_summary(
    city: City, area: Area, as_of: dt.date, data: MinWageData, *, show_future: bool = False
) -> list[str]:
    """One line per area when the worker is not sure which part of the city applies."""
    if not area.confirmed:
        return [_t("results.summary_unconfirmed", area=area.label)]
    ref = row_in_force(area, as_of, data.table_as_of)
    if ref is None:
        if show_future:
            return [
                _t(
                    "results.summary_from",
                    area=area.label,
                    monthly=yuan(r.row.monthly),
                    date=_date_text(r, data),
                )
                for r in later_rows(area, as_of)
            ]
        return [_t("results.summary_none", area=area.label)]
    return [
        _t(
            "results.summary",
            area=area.label,
            monthly=yuan(ref.row.monthly),
            date=_date_text(ref, data),
            confidence=_t(f"confidence.{ref.row.confidence}"),
        )
    ]


def _provenance(area: Area | None) -> tuple[str, ...]:
    if area is None:
        return ()
    return tuple(
        f"{row.province} {row.city_or_tier} {row.effective_text or '—'}: {row.source}"
        for row in (ref.row for ref in area.rows)
    )


def _covered_names(data: MinWageData) -> str:
    return "、".join(city.name.removesuffix("市") for city in data.cities)


SPEC: Final = CalculatorSpec(
    name=NAME,
    intent="calc_min_wage",
    title_key=f"{NAME}.title",
    fields=(
        InputField(name="city", kind="city", prompt_key=f"{NAME}.city"),
        InputField(
            name="area",
            kind="choice",
            prompt_key=f"{NAME}.area",
            ask_when=(Derived("min_wage.city_needs_area", ("city",), _needs_area),),
        ),
        InputField(
            name="monthly_wage",
            kind="wage",
            prompt_key=f"{NAME}.monthly_wage",
            required=False,
            units=("month",),
            ask_when=(Derived("min_wage.has_confirmed_figure", ("city",), _has_figure),),
        ),
        InputField(
            name="on_date",
            kind="date",
            prompt_key=f"{NAME}.on_date",
            required=False,
            prefill_only=True,
        ),
    ),
    compute=compute,
    dynamic_choices=_area_choices,
    prompt_vars=_prompt_vars,
    topic="minimum_wage",
)


__all__ = ["NAME", "SPEC", "UNSURE", "compute", "match_area"]
