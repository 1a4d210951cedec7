"""The intake's questions as form fields, and how a worker's answer to each is read.

Answers are plain JSON values, so they are stored as they are:
- a choice: its key (``"few"``);
- several choices: ``{"keys": [...], "text": "what they typed"}``;
- a place: ``{"code", "province", "city", "district"}``;
- a time: ``{"text": "去年三月", "month": "2025-03" or None}``;
- a number of workers: ``{"key": "many", "number": 30 or None}``;
- free text: the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.prompts import load_prompts
from handoff.cases.categories import categories, categories_in
from handoff.places import find_places, normalize_place_text
from knowledge_base.forms.fields import Choice, Derived, InputField, When
from knowledge_base.forms.spec import Doubt, Parsed, ParseOutcome, Unparsed
from nlu.numbers import parse_number
from nlu.tokenizer import normalize

_MAX_SHORT_TEXT = 200


def _place_without_district(answers: Mapping[str, object]) -> bool:
    place = answers.get("place")
    return isinstance(place, dict) and bool(place.get("city")) and not place.get("district")


FIELDS: tuple[InputField, ...] = (
    InputField("categories", "multi", "categories", required=False, multiple=True, free_text=True),
    InputField("employer", "text", "employer", required=False, free_text=True),
    InputField("brands", "text", "brands", required=False, free_text=True),
    InputField("place", "place", "place", required=False),
    InputField(
        "district",
        "text",
        "district",
        required=False,
        free_text=True,
        ask_when=(Derived("place_without_district", ("place",), _place_without_district),),
    ),
    InputField("started", "when", "started", required=False),
    InputField(
        "ongoing", "choice", "ongoing", required=False, choices=("still", "stopped", "unknown")
    ),
    InputField("affected", "count", "affected", required=False, choices=("me", "few", "many")),
    InputField("description", "text", "description", required=False, free_text=True),
    InputField("evidence", "multi", "evidence", required=False, multiple=True),
    InputField("wants", "multi", "wants", required=False, multiple=True, free_text=True),
    InputField("contact", "choice", "contact", required=False, choices=("chat", "detail")),
    InputField(
        "contact_detail",
        "text",
        "contact_detail",
        required=False,
        free_text=True,
        ask_when=(When("contact", "eq", "detail"),),
    ),
)

_SKIP_WORDS = ("不知道", "不清楚", "跳过", "不记得", "忘了", "没有", "不想说", "不想填", "不写")
_MONTH = re.compile(r"(\d{4}|\d{2})\s*[年./-]\s*(\d{1,2})\s*月?")
_YEAR = re.compile(r"(\d{4})\s*年")
_MONTH_OF_YEAR = re.compile(r"([0-9一二三四五六七八九十]{1,3})月")
_AGO = re.compile(
    r"([0-9一二两三四五六七八九十半几]+)\s*个?\s*(年|月|周|星期|礼拜|天)\s*(前|以前|之前|了)"
)
_TIME_WORDS = (
    "去年",
    "今年",
    "前年",
    "上个月",
    "这个月",
    "本月",
    "上周",
    "这周",
    "最近",
    "刚刚",
    "刚才",
    "昨天",
    "前天",
    "今天",
    "过年",
    "春节",
    "年前",
    "年后",
    "一直",
    "进厂",
    "入职",
    "开始",
)
_RELATIVE_YEARS = {"今年": 0, "去年": 1, "前年": 2}
_COUNT_WORDS = {
    "me": ("只有我", "就我", "我自己", "我一个", "就我一个"),
    "few": ("几个", "好几个", "三五个", "两三个", "少数"),
    "many": ("很多", "好多", "全部", "所有人", "整个", "全厂", "几十", "上百", "大家", "一群"),
}
_CHOICE_WORDS = {
    "still": ("还在", "现在还", "一直", "继续", "没停", "仍然", "是的", "是"),
    "stopped": ("停了", "已经停", "结束", "没有了", "不再", "过去了"),
    "unknown": ("不知道", "不清楚", "说不好"),
    "chat": ("聊天", "这里", "不留", "不用"),
    "detail": ("留", "电话", "微信", "联系方式", "邮箱"),
}


def _months_ago(today: date, months: int) -> str:
    index = today.year * 12 + (today.month - 1) - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def read_when(text: str, today: date) -> Parsed | Unparsed:
    """A time as workers say it; keeps their words, and the month when it can be told."""
    folded = normalize(text).replace(" ", "")
    month: str | None = None
    relative = next((years for word, years in _RELATIVE_YEARS.items() if word in folded), None)
    if match := _MONTH.search(folded):
        year = int(match.group(1))
        year = year + 2000 if year < 100 else year
        month = _month_if_past(year, int(match.group(2)), today)
    elif (match := _MONTH_OF_YEAR.search(folded)) and relative is not None:
        number = parse_number(match.group(1))
        if number is not None:
            month = _month_if_past(today.year - relative, int(number), today)
    elif match := _AGO.search(folded):
        amount = parse_number(match.group(1).replace("几", "3"))
        unit = match.group(2)
        if amount is not None:
            months = int(amount * 12) if unit == "年" else int(amount) if unit == "月" else 0
            month = _months_ago(today, months)
    elif not (_YEAR.search(folded) or any(word in folded for word in _TIME_WORDS)):
        return Unparsed("not_understood")
    return Parsed({"text": text.strip()[:_MAX_SHORT_TEXT], "month": month})


def _month_if_past(year: int, number: int, today: date) -> str | None:
    if not 1 <= number <= 12 or not 1990 <= year <= today.year:
        return None
    if (year, number) > (today.year, today.month):
        return None
    return f"{year:04d}-{number:02d}"


class IntakeForm:
    """The intake's :class:`knowledge_base.forms.spec.FormSpec`: fields, texts and readers."""

    def __init__(self) -> None:
        self._prompts = load_prompts("intake")

    @property
    def fields(self) -> tuple[InputField, ...]:
        """The fields, in asking order."""
        return FIELDS

    # ---- texts ----------------------------------------------------------------------

    def _field_text(self, field: InputField, part: str, **values: object) -> str:
        entry = self._prompts.section("fields")[field.prompt_key]
        template = str(entry[part])
        return template.format(**values) if values else template

    def question_text(self, field: InputField, answers: Mapping[str, object], today: date) -> str:
        """The question for ``field``."""
        return self._field_text(field, "question")

    def label(self, field: InputField) -> str:
        """The short label of ``field`` (summary, edit buttons)."""
        return self._field_text(field, "label")

    def reject_message(self, field: InputField, error: str, values: Mapping[str, str]) -> str:
        """What to type instead."""
        return self._field_text(field, "hint")

    def chosen_text(self, field: InputField, keys: list[str]) -> str:
        """ "已选：…" for a multiple-choice field."""
        items = "、".join(self.choice_label(field, k) for k in keys)
        return self._field_text(field, "chosen", items=items)

    # ---- choices --------------------------------------------------------------------

    def choice_label(self, field: InputField, key: str) -> str:
        """The label of one option."""
        if field.name == "categories":
            known = categories()
            return known[key].label if key in known else key
        return str(self._prompts.section("choices")[field.name].get(key, key))

    def choices(self, field: InputField, answers: Mapping[str, object]) -> tuple[Choice, ...]:
        """Options of a choice or multiple-choice field (evidence depends on the categories)."""
        if field.name == "categories":
            return tuple(Choice(c.key, c.label, c.match) for c in categories().values())
        if field.name == "evidence":
            return tuple(Choice(k, self.choice_label(field, k)) for k in self._evidence(answers))
        if field.kind in ("choice", "count", "multi"):
            labels = self._prompts.section("choices")[field.name]
            return tuple(Choice(str(k), str(v)) for k, v in labels.items())
        return ()

    def _evidence(self, answers: Mapping[str, object]) -> list[str]:
        chosen = answers.get("categories")
        keys = chosen.get("keys", []) if isinstance(chosen, dict) else []
        by_category = self._prompts.section("evidence_by_category")
        offered: list[str] = []
        for key in keys:
            offered += [k for k in by_category.get(key, []) if k not in offered]
        return offered + [k for k in self._prompts.words("evidence_always") if k not in offered]

    # ---- reading answers ------------------------------------------------------------

    def is_skip(self, text: str) -> bool:
        """True for "不知道", "跳过" … said on their own."""
        folded = normalize(text).strip(" 。.!！?？~")
        return folded in _SKIP_WORDS

    def parse(
        self, field: InputField, text: str, answers: Mapping[str, object], today: date
    ) -> ParseOutcome:
        """Read one typed answer for ``field``."""
        stripped = text.strip()
        if not stripped:
            return Unparsed("empty")
        if field.kind == "text":
            limit = None if field.name == "description" else _MAX_SHORT_TEXT
            return Parsed(stripped if limit is None else stripped[:limit])
        if field.kind == "multi":
            return self._read_multi(field, stripped, answers)
        if field.kind == "place":
            return _read_place(stripped)
        if field.kind == "when":
            return read_when(stripped, today)
        if field.kind == "count":
            return _read_count(stripped)
        return self._read_choice(field, stripped, answers)

    def _read_multi(
        self, field: InputField, text: str, answers: Mapping[str, object]
    ) -> ParseOutcome:
        folded = normalize(text)
        if field.name == "categories":
            keys = categories_in(folded)
        else:
            keys = [
                c.key for c in self.choices(field, answers) if c.label in folded or c.key == folded
            ]
        if not keys and not field.free_text:
            return Unparsed("not_understood")
        return Parsed({"keys": keys, "text": text if field.free_text else ""})

    def _read_choice(
        self, field: InputField, text: str, answers: Mapping[str, object]
    ) -> ParseOutcome:
        folded = normalize(text).strip(" 。.!！?？~")
        options = self.choices(field, answers)
        for index, choice in enumerate(options, start=1):
            if folded in (choice.key, choice.label, str(index)):
                return Parsed(choice.key)
        for choice in options:
            if any(word in folded for word in _CHOICE_WORDS.get(choice.key, ())):
                return Parsed(choice.key)
        return Unparsed("not_understood")

    def check(
        self, field: InputField, value: object, answers: Mapping[str, object], today: date
    ) -> tuple[str, Mapping[str, str]] | None:
        """No cross-checks between intake answers."""
        return None

    def doubt(
        self, field: InputField, value: object, answers: Mapping[str, object]
    ) -> Doubt | None:
        """The intake keeps what the worker said as they said it: nothing to confirm."""
        return None

    # ---- showing answers ------------------------------------------------------------

    def display(self, field: InputField, value: object, answers: Mapping[str, object]) -> str:
        """How an answer is shown in the summary."""
        if value is None:
            return self._prompts.text("summary_empty")
        if field.kind == "multi" and isinstance(value, dict):
            labels = [self.choice_label(field, k) for k in value.get("keys", [])]
            typed = str(value.get("text") or "")
            return "；".join(
                [*(["、".join(labels)] if labels else []), *([typed] if typed else [])]
            )
        if field.kind == "place" and isinstance(value, dict):
            parts = [value.get("province"), value.get("city"), value.get("district")]
            return " ".join(dict.fromkeys(str(p) for p in parts if p))
        if field.kind == "when" and isinstance(value, dict):
            return str(value.get("text", ""))
        if field.kind == "count" and isinstance(value, dict):
            number = value.get("number")
            label = self.choice_label(field, str(value.get("key")))
            return f"{number}人" if number else label
        if field.kind == "choice":
            return self.choice_label(field, str(value))
        return str(value)

    def dump(self, field: InputField, value: object) -> Any:
        """Answers are JSON already."""
        return value

    def load(self, field: InputField, raw: Any) -> object:
        """Answers are JSON already."""
        return raw


def _read_place(text: str) -> ParseOutcome:
    places = find_places(text)
    if len(places) == 1:
        return Parsed(place_value(places[0].code))
    if places:
        return Unparsed("ambiguous", {"codes": ",".join(p.code for p in places)})
    if normalize_place_text(text) and len(text) <= 20:
        return Unparsed("not_found")
    return Unparsed("not_understood")


def place_value(code: str) -> dict[str, str | None]:
    """The stored answer for a division code."""
    from handoff.places import place_for

    place = place_for(code)
    return {
        "code": place.code,
        "province": place.province,
        "city": place.city,
        "district": place.district,
    }


def _read_count(text: str) -> ParseOutcome:
    folded = normalize(text)
    number = (
        parse_number(re.sub(r"[人个名位]", "", folded))
        if re.search(r"\d|[一二两三四五六七八九十百千]", folded)
        else None
    )
    if number is not None and 0 < number < 1_000_000 and number == int(number):
        count = int(number)
        key = "me" if count == 1 else "few" if count < 10 else "many"
        return Parsed({"key": key, "number": count})
    for key, words in _COUNT_WORDS.items():
        if any(word in folded for word in words):
            return Parsed({"key": key, "number": None})
    return Unparsed("not_understood")
