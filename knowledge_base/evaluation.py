"""``gongyou eval-kb``: topic accuracy and citation hit rate on labelled questions.

Input: JSON lines with ``question``, ``topic``, optionally ``also_topics`` (other topics the
question really asks about) and ``cited_articles`` (e.g. "劳动合同法第四十七条",
"最高人民法院关于审理劳动争议案件适用法律问题的解释（一）第四十一条"). A reference article counts
as hit when it is among the answer's citations; references to laws we do not hold (公司法 …)
stay in the denominator and count as misses. Top-1 is reported twice: *strict* (the first topic
shown is ``topic``) and *lenient* (it is ``topic`` or one of ``also_topics``); a two-sided
answer (two topics answered briefly, the first first) counts by its first topic, and
``topic_either_side`` says how often either side shown is right. Only numbers are reported,
never question text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge_base.numerals import NUMERAL_CHARS, chinese_to_int
from knowledge_base.service import AnswerResult, CitationRef, KnowledgeBase
from knowledge_base.topics import TOPICS

if TYPE_CHECKING:
    from nlu.types import ParseResult

_REFERENCE = re.compile(rf"^(?P<law>.+?)第(?P<number>[{NUMERAL_CHARS}\d]+)条")

Parser = Callable[[str], "ParseResult | None"]


@dataclass(frozen=True, slots=True)
class LabelledQuestion:
    """One evaluation item (the text stays in memory only)."""

    id: str
    question: str
    topic: str
    references: tuple[CitationRef, ...]
    unresolved_references: int
    also_topics: tuple[str, ...] = ()

    @property
    def accepted_topics(self) -> tuple[str, ...]:
        """Every topic the question really asks about (``topic`` first)."""
        return (self.topic, *self.also_topics)


def parse_reference(text: str, kb: KnowledgeBase) -> CitationRef | None:
    """ "劳动合同法第四十七条" → CitationRef("劳动合同法", 47); None for laws we do not hold."""
    match = _REFERENCE.match(text.strip())
    if not match:
        return None
    number = chinese_to_int(match.group("number"))
    law = kb.library.resolve_law(match.group("law"))
    if law is None or number is None:
        return None
    return CitationRef(law, number)


def read_questions(path: Path, kb: KnowledgeBase) -> list[LabelledQuestion]:
    """Read a JSONL evaluation file."""
    items: list[LabelledQuestion] = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            data = json.loads(line)
            refs: list[CitationRef] = []
            unresolved = 0
            for raw in data.get("cited_articles") or []:
                ref = parse_reference(str(raw), kb)
                if ref is None:
                    unresolved += 1
                elif ref not in refs:
                    refs.append(ref)
            topic = str(data["topic"])
            also = [str(t) for t in data.get("also_topics") or [] if str(t) != topic]
            items.append(
                LabelledQuestion(
                    id=str(data.get("id", f"line-{line_no}")),
                    question=str(data["question"]),
                    topic=topic,
                    references=tuple(refs),
                    unresolved_references=unresolved,
                    also_topics=tuple(dict.fromkeys(also)),
                )
            )
    return items


@dataclass(slots=True)
class TopicRow:
    """Counts for one gold topic."""

    n: int = 0
    top1: int = 0
    top2: int = 0
    with_refs: int = 0
    cited: int = 0


@dataclass(slots=True)
class EvalReport:
    """Aggregated metrics."""

    n: int = 0
    top1: int = 0
    top1_lenient: int = 0
    top2: int = 0
    with_also_topics: int = 0
    two_sided: int = 0
    either_side: int = 0
    with_refs: int = 0
    cited: int = 0
    answered: int = 0
    rows: dict[str, TopicRow] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    @staticmethod
    def _rate(hits: int, total: int) -> float:
        return hits / total if total else 0.0

    @property
    def top1_accuracy(self) -> float:
        """Share of questions whose first topic is the gold topic."""
        return self._rate(self.top1, self.n)

    @property
    def top1_lenient_accuracy(self) -> float:
        """Share of questions whose first topic is one the question really asks about."""
        return self._rate(self.top1_lenient, self.n)

    @property
    def either_side_accuracy(self) -> float:
        """Share of questions where either side shown (one, or two when two-sided) is right."""
        return self._rate(self.either_side, self.n)

    @property
    def top2_accuracy(self) -> float:
        """Share of questions with the gold topic among the first two."""
        return self._rate(self.top2, self.n)

    @property
    def citation_hit_rate(self) -> float:
        """Share of questions with references where a reference is among our citations."""
        return self._rate(self.cited, self.with_refs)

    def add(self, item: LabelledQuestion, result: AnswerResult) -> None:
        """Count one answered question."""
        row = self.rows.setdefault(item.topic, TopicRow())
        self.n += 1
        row.n += 1
        if result.entry is not None:
            self.answered += 1
        if result.topic == item.topic:
            self.top1 += 1
            row.top1 += 1
        if item.also_topics:
            self.with_also_topics += 1
        if result.topic in item.accepted_topics:
            self.top1_lenient += 1
        else:
            self.misses.append(item.id)
        # A two-sided answer shows a second topic after the first; top-1 still counts only
        # the first, this counts a question right when either side shown is one it asks.
        sides = (result.topic, result.also.topic) if result.also else (result.topic,)
        self.two_sided += result.also is not None
        self.either_side += any(side in item.accepted_topics for side in sides)
        if item.topic in result.topics[:2]:
            self.top2 += 1
            row.top2 += 1
        if item.references or item.unresolved_references:
            self.with_refs += 1
            row.with_refs += 1
            if any(ref in result.citations for ref in item.references):
                self.cited += 1
                row.cited += 1

    def to_json(self) -> dict[str, Any]:
        """Metrics as a JSON-friendly dict."""
        return {
            "questions": self.n,
            "topic_top1": round(self.top1_accuracy, 4),
            "topic_top1_lenient": round(self.top1_lenient_accuracy, 4),
            "questions_with_also_topics": self.with_also_topics,
            "two_sided_answers": self.two_sided,
            "topic_either_side": round(self.either_side_accuracy, 4),
            "topic_top2": round(self.top2_accuracy, 4),
            "questions_with_references": self.with_refs,
            "citation_hit_rate": round(self.citation_hit_rate, 4),
            "answered": self.answered,
            "per_topic": {
                topic: {
                    "n": row.n,
                    "top1": row.top1,
                    "top2": row.top2,
                    "with_references": row.with_refs,
                    "cited": row.cited,
                }
                for topic, row in sorted(self.rows.items(), key=lambda kv: TOPICS.index(kv[0]))
            },
        }


def iter_results(
    kb: KnowledgeBase, items: Iterable[LabelledQuestion], parser: Parser | None
) -> Iterator[tuple[LabelledQuestion, AnswerResult]]:
    """Answer each question (with the NLU parse when a parser is given)."""
    for item in items:
        parse = parser(item.question) if parser is not None else None
        yield item, kb.answer(item.question, parse)


def evaluate(
    kb: KnowledgeBase,
    items: list[LabelledQuestion],
    parser: Parser | None = None,
    on_progress: Callable[[], None] | None = None,
) -> EvalReport:
    """Run every question through the knowledge base and count."""
    report = EvalReport()
    for item, result in iter_results(kb, items, parser):
        report.add(item, result)
        if on_progress is not None:
            on_progress()
    return report
