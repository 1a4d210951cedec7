"""Pay with the period it is paid for, read the way workers say it: 月薪4500, 一天250, 250一天,
一个钟22块, 时薪22, 计件, 一件5毛; and the local average wage a message states.

The same reader serves a whole message (``nlu.entities``) and an answer typed at a
calculator's question (:func:`read_wage`), so "一天250" means the same in both. Amounts said
of a cost or of the local average (``nlu.not_pay``) are not pay.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, cast

from nlu.not_pay import LOCAL_AVERAGE, find_local_average, said_of, someone_elses
from nlu.numbers import NUMERAL_CHARS, Number, Quantity, find_quantities
from nlu.phrase_facts import Found, WageFact, WageUnit, only_one
from nlu.phrase_rules import PhraseRules, load_phrase_rules
from nlu.phrase_text import ending, is_word_part, overlaps, starting, strip_tail
from nlu.tokenizer import normalize
from nlu.typos import fix_typos

#: The hours of a day said between the period and its pay (一天8小时180块, 一天10个钟200).
_DAY_HOURS: Final = re.compile(rf"(?:\d+|[{NUMERAL_CHARS}]{{1,3}})个?(?:小时|钟头|钟)$")


def find_wages(
    norm: str, quantities: Sequence[Quantity], rules: PhraseRules, *, answer: bool = False
) -> list[Found]:
    """Pay amounts with their unit in normalised text. In a whole message a bare number after
    a period word (一天30) must be large enough to be pay; after a pay word (日薪, 时薪) or in
    an answer to the pay question it need not."""
    found: list[Found] = []
    for q in quantities:
        if q.kind not in ("money", "number") or is_word_part(norm, q):
            continue
        hit = _wage_unit(norm, q, rules)
        if hit is None:
            continue
        unit, start, end = hit
        if _not_pay(norm[:start], rules):
            continue  # 宿舍费每月150, 社平工资11000: not the worker's pay
        strong = answer or norm[start:end].startswith(rules.pay_words)
        # A pay word right after the amount (4000月薪) is its unit, not a word that blocks it.
        unit_after = end > q.end
        if q.kind == "number" and (
            (q.value < rules.min_bare[unit] and not strong)
            or (norm[q.end :].startswith(rules.bare_blocked_after) and not unit_after)
        ):
            continue
        found.append(Found(WageFact(q.value, cast(WageUnit, unit)), start, end))
    priced = [f.fact for f in found if isinstance(f.fact, WageFact) and f.fact.unit == "piece"]
    if not priced:
        for word in rules.piece_words:
            index = norm.find(word)
            if index >= 0 and not overlaps(
                index, index + len(word), [(f.start, f.end) for f in found]
            ):
                found.append(Found(WageFact(None, "piece"), index, index + len(word)))
                break
    return sorted(found, key=lambda f: f.start)


def _not_pay(before: str, rules: PhraseRules) -> bool:
    """True when a pay phrase right after ``before`` is a cost or the local average wage; a pay
    word may sit between the local average's words and it (社平工资是每月9000), not a cost's
    (扣完社保工资3800 is the worker's pay). Someone else's pay may be told further back in the
    clause (我婆娘在隔壁厂一个月拿4千8)."""
    if said_of(before, rules.not_pay, rules.wage_fillers) is not None:
        return True
    if someone_elses(before, rules.not_pay, rules.first_person):
        return True
    return said_of(before, rules.not_pay, rules.local_average_between) == LOCAL_AVERAGE


def _wage_unit(norm: str, q: Quantity, rules: PhraseRules) -> tuple[str, int, int] | None:
    # The unit after the amount is the more specific one (工资250一天 is pay per day).
    after = norm[q.end :]
    cue = starting(after, rules.wage_after)
    if cue is not None:
        return cue[1], q.start, q.end + len(cue[0])
    before = norm[: q.start]
    stripped = strip_tail(before, rules.wage_fillers, limit=2)
    cue = ending(stripped, rules.wage_before)
    if cue is None:
        # 一天8小时180块: the day's hours between the period and its pay.
        hours = _DAY_HOURS.search(stripped)
        if hours is not None:
            stripped = strip_tail(stripped[: hours.start()], rules.wage_fillers, limit=2)
            cue = ending(stripped, rules.wage_before)
            cue = cue if cue is not None and cue[1] == "day" else None
    if cue is None:
        return None
    return cue[1], len(stripped) - len(cue[0]), q.end


def read_wage(text: str) -> WageFact | None:
    """The pay an answer states with its unit (一天250 → 250/day), or None when it states
    no unit or several amounts."""
    norm = fix_typos(normalize(text.strip()))
    hit = only_one(find_wages(norm, find_quantities(norm), load_phrase_rules(), answer=True))
    return hit.fact if hit is not None and isinstance(hit.fact, WageFact) else None


def someone_elses_pay(norm: str, start: int) -> bool:
    """Whether pay said at ``start`` of normalised text is told in a sentence about someone
    else, the worker not named after them (我爱人在医院工作，每月工资也就五千来块)."""
    rules = load_phrase_rules()
    return someone_elses(norm[:start], rules.not_pay, rules.first_person, sentence=True)


def read_local_average(text: str) -> Number | None:
    """The local average wage a message states (当地社平工资是11000), or None."""
    norm = normalize(text.strip())
    rules = load_phrase_rules()
    return find_local_average(
        norm, find_quantities(norm), rules.not_pay, rules.local_average_between
    )
