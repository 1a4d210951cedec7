"""Rule and lookup entity extraction with normalised values.

money (yuan), duration (months), hours, date (ISO text), worker_count come from rules over
``nlu.numbers``; wage ("250/day"), work_time ("rest_day:16h") and service_length ("31m") are
the phrases the calculators read, from ``nlu.pay_phrases``, ``nlu.working_time`` and
``nlu.service_length``; province, city and any other
entity with a lookup table, synonyms, regexes or annotated examples in the training data come
from those; employer from both (known names and
"<name><trade><厂/公司>" patterns). The word lists of the rules live in ``nlu/entity_rules.yml``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Final

import yaml

from nlu.numbers import NUMERAL, Quantity, find_quantities, parse_number
from nlu.pay_phrases import find_wages
from nlu.phrase_rules import load_phrase_rules
from nlu.phrase_text import alternation
from nlu.service_length import find_service_lengths
from nlu.tokenizer import get_cutter, normalize
from nlu.training_data import TrainingData
from nlu.types import Entity
from nlu.typos import fix_typos
from nlu.working_time import find_work_times

DEFAULT_RULES_PATH: Final = Path(__file__).with_name("entity_rules.yml")
RULE_EXTRACTOR: Final = "rules"
LOOKUP_EXTRACTOR: Final = "lookup"
# Entities whose value the rules compute; lookup tables or regexes with these names are ignored.
NUMERIC_ENTITIES: Final = frozenset({"money", "duration", "hours", "date", "worker_count"})
#: Phrases the calculators read; their values are short codes (250/day, rest_day:16h, 31m).
PHRASE_ENTITIES: Final = frozenset({"wage", "work_time", "service_length"})
_RULE_ENTITIES: Final = NUMERIC_ENTITIES | PHRASE_ENTITIES

_NUMERAL_RE: Final = re.compile(NUMERAL)
_CLAUSE_BREAK: Final = re.compile(r"[，。,.!?！？；;：:\n、]")
_CN_SMALL: Final = "〇零一二三四五六七八九十两"
_MONTH: Final = rf"(?P<m>\d{{1,2}}|[{_CN_SMALL}]{{1,3}})"
_DAY: Final = rf"(?P<d>\d{{1,2}}|[{_CN_SMALL}]{{1,4}})"
_YEAR4: Final = r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})"
_YEAR2: Final = r"(?P<y>\d{2}|[〇零一二三四五六七八九]{2})"
_NOT_AFTER_NUMERAL: Final = rf"(?<![\d{_CN_SMALL}个第])"
_DATE_PATTERNS: Final = (
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    # 去年（2025年）5月: the year said in brackets after a relative one.
    re.compile(rf"{_NOT_AFTER_NUMERAL}{_YEAR4}年[)）]?{_MONTH}月(?:份)?(?:{_DAY}[日号])?"),
    re.compile(rf"{_NOT_AFTER_NUMERAL}{_YEAR2}年{_MONTH}月(?:份)?(?:{_DAY}[日号])?"),
    re.compile(rf"{_NOT_AFTER_NUMERAL}{_YEAR4}年(?!级|龄|纪|薪|底|初|中|终|假)"),
    re.compile(rf"{_NOT_AFTER_NUMERAL}{_MONTH}月(?:份)?(?:{_DAY}[日号])?"),
    # 去年12月: the value is the month (the year depends on the day it is read); the text
    # keeps the relative year, so a calculator reads it against today.
    re.compile(rf"(?:大前年|前年|去年|今年){_MONTH}月(?:份)?(?:{_DAY}[日号])?"),
)
#: Per date pattern, the characters it cannot match without: one of each string.
_DATE_NEEDS: Final = (("-/.",), ("年", "月"), ("年", "月"), ("年",), ("月",), ("年", "月"))


@dataclass(frozen=True, slots=True)
class EntityRules:
    """The word lists of ``entity_rules.yml``, normalised."""

    money_cues_before: tuple[str, ...]
    money_cues_after: tuple[str, ...]
    min_bare_money: int
    money_adjacent_cues: tuple[str, ...]
    min_adjacent_money: int
    rate_before: tuple[str, ...]
    length_before: tuple[str, ...]
    rate_after: tuple[str, ...]
    employer_suffixes: tuple[str, ...]
    employer_trades: tuple[str, ...]
    employer_stop_words: frozenset[str]
    employer_generic_names: frozenset[str]
    employer_max_name_chars: int
    two_digit_century: int
    min_year: int
    max_year: int
    relative_months: dict[str, int]
    #: ``date.holiday_anchor``: relative years, holiday names, the words between.
    anchor_years: dict[str, int]
    anchor_holidays: tuple[str, ...]
    anchor_between: tuple[str, ...]
    lookup_suffixes: dict[str, tuple[str, ...]]
    bare_blocked_after: tuple[str, ...]
    bare_max_value: int

    @classmethod
    def load(cls, path: Path = DEFAULT_RULES_PATH) -> EntityRules:
        """Read and normalise the rule word lists."""
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

        def words(section: str, key: str) -> tuple[str, ...]:
            return tuple(normalize(str(w)) for w in raw[section][key])

        return cls(
            money_cues_before=words("money", "cues_before"),
            money_cues_after=words("money", "cues_after"),
            min_bare_money=int(raw["money"]["min_bare_value"]),
            money_adjacent_cues=words("money", "adjacent_cues"),
            min_adjacent_money=int(raw["money"]["min_adjacent_value"]),
            rate_before=words("duration", "rate_before"),
            length_before=words("duration", "length_before"),
            rate_after=words("duration", "rate_after"),
            employer_suffixes=_longest_words_first(words("employer", "suffixes")),
            employer_trades=_longest_words_first(words("employer", "trades")),
            employer_stop_words=frozenset(words("employer", "stop_words")),
            employer_generic_names=frozenset(words("employer", "generic_names")),
            employer_max_name_chars=int(raw["employer"]["max_name_chars"]),
            two_digit_century=int(raw["date"]["two_digit_century"]),
            min_year=int(raw["date"]["min_year"]),
            max_year=int(raw["date"]["max_year"]),
            relative_months={
                normalize(str(k)): int(v) for k, v in raw["date"]["relative_months"].items()
            },
            anchor_years={
                normalize(str(k)): int(v) for k, v in raw["date"]["holiday_anchor"]["years"].items()
            },
            anchor_holidays=tuple(
                normalize(str(w)) for w in raw["date"]["holiday_anchor"]["holidays"]
            ),
            anchor_between=tuple(
                normalize(str(w)) for w in raw["date"]["holiday_anchor"]["between"]
            ),
            lookup_suffixes={
                str(k): tuple(normalize(str(s)) for s in v)
                for k, v in (raw["lookup"]["suffixes"] or {}).items()
            },
            bare_blocked_after=words("bare_number", "blocked_after"),
            bare_max_value=int(raw["bare_number"]["max_value"]),
        )


def _longest_words_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=4)
def load_rules(path: Path = DEFAULT_RULES_PATH) -> EntityRules:
    """The rules from ``path``, read once."""
    return EntityRules.load(path)


class EntityExtractor:
    """Finds entities in a message; built once from the training data, then read-only."""

    def __init__(
        self,
        *,
        lookups: dict[str, list[str]] | None = None,
        synonyms: dict[str, str] | None = None,
        regexes: dict[str, list[str]] | None = None,
        known_surfaces: Sequence[tuple[str, str, str]] = (),
        rules: EntityRules | None = None,
        dictionary_dir: Path | None = None,
    ) -> None:
        """``known_surfaces`` are (entity, surface text, value) triples, e.g. from annotations."""
        self.rules = rules or load_rules()
        self.dictionary_dir = dictionary_dir
        self.synonyms = {normalize(k): v for k, v in (synonyms or {}).items()}
        self._surface_values = self._build_surfaces(lookups or {}, known_surfaces)
        pattern = alternation(self._surface_values)
        self._surface_re = re.compile(pattern) if pattern else None
        self._regexes = [
            (name, re.compile(p))
            for name, patterns in (regexes or {}).items()
            if name not in _RULE_ENTITIES
            for p in patterns
        ]
        trades = alternation(self.rules.employer_trades)
        suffixes = alternation(self.rules.employer_suffixes)
        # 厂长/厂房/厂区/厂家 are words of their own, not the end of a factory's name.
        self._employer_re = re.compile(rf"(?:{trades})*(?:{suffixes})(?![长房区家商])")
        self._trade_re = re.compile(rf"(?:{trades})+")

    @classmethod
    def from_training_data(
        cls,
        data: TrainingData,
        *,
        rules: EntityRules | None = None,
        dictionary_dir: Path | None = None,
    ) -> EntityExtractor:
        """An extractor that knows the data's lookup tables, synonyms, regexes and annotations."""
        surfaces = [
            (ent.entity, ent.text, str(ent.value))
            for example in data.examples
            for ent in example.entities
            if ent.entity not in _RULE_ENTITIES
        ]
        return cls(
            lookups=data.lookups,
            synonyms=data.synonyms,
            regexes=data.regexes,
            known_surfaces=surfaces,
            rules=rules,
            dictionary_dir=dictionary_dir,
        )

    def _build_surfaces(
        self, lookups: dict[str, list[str]], known: Sequence[tuple[str, str, str]]
    ) -> dict[str, list[tuple[str, str]]]:
        surfaces: dict[str, list[tuple[str, str]]] = {}

        def add(surface: str, entity: str, value: str) -> None:
            key = normalize(surface.strip())
            if len(key) < 2 and not key.isascii():
                return  # one Chinese character is too ambiguous to look up
            targets = surfaces.setdefault(key, [])
            if not any(t[0] == entity for t in targets):
                targets.append((entity, value))

        for table, entries in lookups.items():
            if table in _RULE_ENTITIES:
                continue
            canonicals = {self.synonyms.get(normalize(e), e) for e in entries}
            for entry in entries:
                value = self.synonyms.get(normalize(entry), entry)
                add(entry, table, value)
                for suffix in self.rules.lookup_suffixes.get(table, ()):
                    if not entry.endswith(suffix):
                        add(entry + suffix, table, value)
            for variant, canonical in self.synonyms.items():
                if canonical in canonicals:
                    add(variant, table, canonical)
        for entity, surface, value in known:
            if surface.strip():
                add(surface, entity, self.synonyms.get(normalize(surface), value))
        return surfaces

    def extract(
        self, text: str, *, cut: list[str] | None = None, today: dt.date | None = None
    ) -> list[Entity]:
        """All entities in ``text``, in text order; offsets index the original ``text``.

        ``cut`` is jieba's cut of the normalised ``text`` with this extractor's dictionary
        (whitespace pieces included), when the caller has made it already; ``today`` is the
        day years said relative to it (今年国庆) are counted from (default: the clock's).
        """
        norm = fix_typos(normalize(text))
        found: list[Entity] = []
        dates = _longest_first(
            [
                *self._dates(text, norm),
                *self._relative_days(text, norm, today),
                *self._holiday_anchored_days(text, norm, today),
            ]
        )
        found.extend(dates)
        quantities = find_quantities(norm)
        found.extend(self._quantities(text, norm, quantities, [(e.start, e.end) for e in dates]))
        found.extend(self._phrases(text, norm, quantities, dates, today))
        found.extend(self._lookups(text, norm))
        found.extend(self._regex_matches(text, norm))
        found.extend(self._employers(text, norm, cut))
        return _dedupe(found)

    # --- numbers ---------------------------------------------------------------------------

    def _quantities(
        self, text: str, norm: str, quantities: list[Quantity], taken: list[tuple[int, int]]
    ) -> list[Entity]:
        entities = []
        for q in quantities:
            if any(q.start < end and start < q.end for start, end in taken):
                continue
            name, value = self._classify(q, norm)
            if name is not None and value is not None:
                entities.append(Entity(name, value, q.start, q.end, text[q.start : q.end]))
        return entities

    def _phrases(
        self,
        text: str,
        norm: str,
        quantities: list[Quantity],
        dates: list[Entity],
        today: dt.date | None = None,
    ) -> list[Entity]:
        """Pay with its unit, working time with its kind, length of service (calculators)."""
        rules = load_phrase_rules()
        numbers = [q for q in quantities if not any(d.start <= q.start < d.end for d in dates)]
        wages = find_wages(norm, numbers, rules)
        taken = [(f.start, f.end) for f in wages]
        times = find_work_times(norm, numbers, rules, taken=taken, today=today)
        spans = find_service_lengths(norm, numbers, rules)
        named = [("wage", wages), ("work_time", times), ("service_length", spans)]
        return [
            Entity(name, f.fact.value(), f.start, f.end, text[f.start : f.end])
            for name, found in named
            for f in found
        ]

    def _classify(self, q: Quantity, norm: str) -> tuple[str | None, int | float | None]:
        if q.kind == "money":
            return "money", q.value
        if q.kind == "hours":
            return "hours", float(q.value)
        if q.kind == "count":
            return "worker_count", int(q.value)
        if q.kind == "duration":
            return ("duration", float(q.value)) if not self._is_rate(q, norm) else (None, None)
        if q.kind == "number" and self._is_bare_money(q, norm):
            return "money", q.value
        return None, None

    def _is_rate(self, q: Quantity, norm: str) -> bool:
        before = norm[: q.start]
        if before.endswith(self.rules.rate_before):
            return True
        if before.endswith(self.rules.length_before):
            return False
        numeral = _NUMERAL_RE.match(norm, q.start)
        if numeral is None or parse_number(numeral.group()) != 1 or "半" in norm[q.start : q.end]:
            return False
        after = norm[q.end :].lstrip()
        followed_by_number = bool(after) and (after[0].isdigit() or after[0] in _CN_SMALL)
        return followed_by_number or after.startswith(self.rules.rate_after)

    def _is_bare_money(self, q: Quantity, norm: str) -> bool:
        rules = self.rules
        after = norm[q.end :]
        if q.value > rules.bare_max_value or after.startswith(rules.bare_blocked_after):
            return False
        if norm[: q.start].endswith(rules.money_adjacent_cues):
            return q.value >= rules.min_adjacent_money
        if q.value < rules.min_bare_money:
            return False
        surface = norm[q.start : q.end]
        if re.search(r"[kw万千]", surface):
            return True
        clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(norm, 0, q.start)), default=0)
        window = norm[max(clause_start, q.start - 10) : q.start]
        return any(
            cue in window for cue in self.rules.money_cues_before
        ) or after.lstrip().startswith(self.rules.money_cues_after)

    # --- dates -----------------------------------------------------------------------------

    def _dates(self, text: str, norm: str) -> list[Entity]:
        candidates = []
        for pattern, needs in zip(_DATE_PATTERNS, _DATE_NEEDS, strict=True):
            if not all(any(char in norm for char in chars) for chars in needs):
                continue  # most messages name no date: six searches in vain
            for match in pattern.finditer(norm):
                value = self._date_value(match)
                if value is not None:
                    candidates.append(
                        Entity(
                            "date",
                            value,
                            match.start(),
                            match.end(),
                            text[match.start() : match.end()],
                        )
                    )
        return _longest_first(candidates)

    def _relative_days(self, text: str, norm: str, today: dt.date | None) -> list[Entity]:
        """上个月30号: the full date, counted back from ``today``'s month (default: the
        clock's)."""
        if "月" not in norm:
            return []
        months = self.rules.relative_months
        pattern = _relative_day_pattern(tuple(sorted(months, key=len, reverse=True)))
        reading = today or dt.date.today()
        found = []
        for match in pattern.finditer(norm):
            day = parse_number(match.group("d"))
            index = reading.year * 12 + reading.month - 1 - months[match.group("rel")]
            if not isinstance(day, int):
                continue
            try:
                value = dt.date(index // 12, index % 12 + 1, day).isoformat()
            except ValueError:
                continue
            said = text[match.start() : match.end()]
            found.append(Entity("date", value, match.start(), match.end(), said))
        return found

    def _holiday_anchored_days(self, text: str, norm: str, today: dt.date | None) -> list[Entity]:
        """前年国庆过后10月8号: the full date, its year the one said before the holiday
        (counted back from ``today``'s year; default: the clock's)."""
        rules = self.rules
        if "月" not in norm or not any(word in norm for word in rules.anchor_years):
            return []
        pattern = _holiday_anchor_pattern(
            tuple(rules.anchor_years), rules.anchor_holidays, rules.anchor_between
        )
        reading = today or dt.date.today()
        found = []
        for match in pattern.finditer(norm):
            month, day = parse_number(match.group("m")), parse_number(match.group("d"))
            if not isinstance(month, int) or not isinstance(day, int):
                continue
            try:
                value = dt.date(reading.year - rules.anchor_years[match.group("rel")], month, day)
            except ValueError:
                continue
            said = text[match.start() : match.end()]
            found.append(Entity("date", value.isoformat(), match.start(), match.end(), said))
        return found

    def _date_value(self, match: re.Match[str]) -> str | None:
        parts = match.groupdict()
        year = month = day = None
        if parts.get("y"):
            raw_year = parts["y"]
            year = (
                int(raw_year)
                if raw_year.isdigit()
                else int("".join(str(parse_number(c)) for c in raw_year))
            )
            if len(raw_year) == 2:
                year += self.rules.two_digit_century
            if not self.rules.min_year <= year <= self.rules.max_year:
                return None
        if parts.get("m"):
            month_value = parse_number(parts["m"])
            if not isinstance(month_value, int) or not 1 <= month_value <= 12:
                return None
            month = month_value
        if parts.get("d"):
            day_value = parse_number(parts["d"])
            if not isinstance(day_value, int) or not 1 <= day_value <= 31:
                return None
            day = day_value
        if year and month and day:
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                return None
        if year and month:
            return f"{year:04d}-{month:02d}"
        if month and day:
            return f"--{month:02d}-{day:02d}"
        if year:
            return f"{year:04d}"
        if month:
            return f"--{month:02d}"
        return None

    # --- lookups, regexes, employers -------------------------------------------------------

    def _lookups(self, text: str, norm: str) -> list[Entity]:
        if self._surface_re is None:
            return []
        entities = []
        for match in self._surface_re.finditer(norm):
            for entity, value in self._surface_values[match.group()]:
                entities.append(
                    Entity(
                        entity,
                        value,
                        match.start(),
                        match.end(),
                        text[match.start() : match.end()],
                        LOOKUP_EXTRACTOR,
                    )
                )
        return entities

    def _regex_matches(self, text: str, norm: str) -> list[Entity]:
        entities = []
        for name, pattern in self._regexes:
            for match in pattern.finditer(norm):
                if match.end() > match.start():
                    surface = text[match.start() : match.end()]
                    value = self.synonyms.get(match.group(), surface)
                    entities.append(Entity(name, value, match.start(), match.end(), surface))
        return entities

    def _employers(self, text: str, norm: str, cut: list[str] | None = None) -> list[Entity]:
        matches = list(self._employer_re.finditer(norm))
        if not matches:
            return []
        if cut is None:
            spans = [(s, e) for _w, s, e in get_cutter(self.dictionary_dir).spans(norm)]
        else:
            # jieba's tokenize gives each piece of its cut with offsets: the running lengths.
            ends = list(accumulate(map(len, cut)))
            spans = list(zip([0, *ends[:-1]], ends, strict=True))
        entities = []
        for match in matches:
            start = self._name_start(norm, spans, match.start())
            if start is None:
                continue
            surface = text[start : match.end()]
            value = self.synonyms.get(norm[start : match.end()], surface)
            entities.append(Entity("employer", value, start, match.end(), surface))
        return entities

    def _name_start(self, norm: str, spans: list[tuple[int, int]], limit: int) -> int | None:
        rules = self.rules
        start = limit
        for token_start, token_end in reversed(spans):
            if token_start >= limit:
                continue
            piece = norm[token_start : min(token_end, limit)]
            if (
                piece in rules.employer_stop_words
                or not all(c.isalnum() for c in piece)
                or limit - token_start > rules.employer_max_name_chars
            ):
                break
            start = token_start
        name = norm[start:limit]
        while name and name[0] in rules.employer_stop_words:
            start, name = start + 1, name[1:]
        if (
            len(name) < 2
            or name in rules.employer_generic_names
            or self._trade_re.fullmatch(name)
            or name.isdigit()
        ):
            return None
        return start


def _longest_first(entities: list[Entity]) -> list[Entity]:
    # One phrase may state two facts on the very same span (国庆7天: three holiday days and
    # four rest days); those are kept together.
    kept: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (-(e.end - e.start), e.start)):
        if all(
            entity.end <= k.start
            or entity.start >= k.end
            or ((entity.start, entity.end) == (k.start, k.end) and entity.value != k.value)
            for k in kept
        ):
            kept.append(entity)
    return kept


def _dedupe(entities: list[Entity]) -> list[Entity]:
    # Within one entity type the longest span wins (深圳市 over 深圳); types may overlap
    # (a city inside an employer's name).
    result: list[Entity] = []
    for name in sorted({e.entity for e in entities}):
        result.extend(_longest_first([e for e in entities if e.entity == name]))
    return sorted(result, key=lambda e: (e.start, e.entity))


@lru_cache(maxsize=1)
def _default_extractor() -> EntityExtractor:
    return EntityExtractor()


def extract_entities(
    text: str, extractor: EntityExtractor | None = None, *, today: dt.date | None = None
) -> list[Entity]:
    """Entities in ``text`` using ``extractor`` (default: rules only, no lookup tables);
    years said relative to ``today`` (今年国庆) are counted from it (default: the clock's)."""
    return (extractor or _default_extractor()).extract(text, today=today)


@lru_cache(maxsize=4)
def _holiday_anchor_pattern(
    years: tuple[str, ...], holidays: tuple[str, ...], between: tuple[str, ...]
) -> re.Pattern[str]:
    return re.compile(
        rf"(?P<rel>{alternation(years)})的?(?:{alternation(holidays)})(?:假期|长假|放假)?"
        rf"(?:{alternation(between)})的?{_MONTH}月{_DAY}[日号]"
    )


@lru_cache(maxsize=4)
def _relative_day_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?P<rel>{'|'.join(map(re.escape, words))}){_DAY}[日号]")
