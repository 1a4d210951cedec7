"""How long someone has worked somewhere, read the way workers say it: 干了两年零七个月, 干了
快五年, 一年多, 半年, 三年半, 这个厂4年了.

The same reader serves a whole message (``nlu.entities``) and an answer typed at a
calculator's question (:func:`read_service_length`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from nlu.numbers import CN_DIGITS, Quantity, find_quantities
from nlu.phrase_facts import Found, Qualifier, ServiceLengthFact, only_one
from nlu.phrase_rules import PhraseRules, load_phrase_rules
from nlu.phrase_text import BREAK, clause_start, strip_tail
from nlu.tokenizer import normalize

_SPAN_UNITS: Final = frozenset({"年", "月"})


def find_service_lengths(
    norm: str, quantities: Sequence[Quantity], rules: PhraseRules, *, need_verb: bool = True
) -> list[Found]:
    """Lengths of service in years/months with how exactly they were said."""
    found: list[Found] = []
    for q in quantities:
        if q.kind != "duration" or q.unit not in _SPAN_UNITS:
            continue
        before = norm[clause_start(norm, q.start) : q.start]
        first = before.rstrip()
        if first.endswith(rules.service_first_part) and not first.endswith(
            rules.service_first_part_not
        ):
            continue  # 进厂后前10个月都没签: the first months of the stay, not its length
        close = strip_tail(before, rules.almost, limit=1)
        almost = close != before
        # The verb must be near, with no other number between (干12个小时 一个月 is not service;
        # 工作一共11年 is).
        looked = close
        for word in rules.service_gap_words:
            looked = looked.replace(word, "")
        for word in rules.service_not_numbers:
            looked = looked.replace(word, "_" * len(word))
        near = re.split(r"[\d" + "".join(CN_DIGITS) + "]", looked)[-1][-rules.service_max_gap - 2 :]
        end = q.end
        more_word = next((w for w in rules.more if norm.startswith(w, q.end)), None)
        more = q.approximate or more_word is not None
        if more_word is not None:
            end += len(more_word)
        said = any(verb in near for verb in rules.service_verbs)
        if need_verb and not said and not _bare_length(norm, close, end, rules):
            continue
        qualifier: Qualifier = "almost" if almost else "more" if more else "exact"
        start = q.start - (len(before) - len(close))
        found.append(Found(ServiceLengthFact(q.value, qualifier), start, end))
    return found


def _bare_length(norm: str, before: str, end: int, rules: PhraseRules) -> bool:
    """这个厂6年，前面一个厂6年): a length with no verb, right after a workplace, that ends
    its clause."""
    workplace = strip_tail(before, rules.service_bare_fillers, limit=2)
    if not workplace.endswith(rules.service_bare_after):
        return False
    after = norm[end:]
    return not after or bool(BREAK.match(after)) or after.startswith(rules.service_bare_end)


def read_service_length(text: str) -> ServiceLengthFact | None:
    """A length of service an answer states (两年零七个月, 快五年, 一年多), or None."""
    norm = normalize(text.strip())
    rules = load_phrase_rules()
    hit = only_one(find_service_lengths(norm, find_quantities(norm), rules, need_verb=False))
    return hit.fact if hit is not None and isinstance(hit.fact, ServiceLengthFact) else None
