"""The knowledge base as one object: question (+ NLU parse) → answer entry, topic, citations.

Three signals decide the topic: the NLU ranking over ``ask_<topic>`` intents, the best answer
entry per topic (BM25 over curated phrasings) and the statute articles the question matches
(mapped to topics through the articles the curated answers cite); an age under 16 stated next
to work adds child labour, and a prior from the answer book's shape (topics workers ask about
most have the most answers) tips close calls. The entry is the best one
of the winning topic, reranked by how well the articles it cites match the question. When
nothing fits well the result carries no entry and a low confidence, so the bot offers a
human instead of guessing.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from knowledge_base.answers import DEFAULT_ANSWERS_DIR, AnswerBook, AnswerEntry, load_answer_book
from knowledge_base.article_request import ArticleRef, detect_article_request, find_article_refs
from knowledge_base.minor_age import ages_under_16_at_work
from knowledge_base.retrieval import (
    DEFAULT_CACHE_DIR,
    DEFAULT_USER_DICT,
    Retrieval,
    Retriever,
)
from knowledge_base.statutes import DEFAULT_LAWS_DIR, Article, StatuteLibrary
from knowledge_base.synonyms import normalize
from knowledge_base.topic_cues import topic_cues
from knowledge_base.topics import TOPICS, intent_for_topic, topic_for_intent

if TYPE_CHECKING:
    from nlu.types import ParseResult

_NO_TOPIC = "__no_topic__"
CHILD_LABOUR_TOPIC = "child_or_forced_labor"
#: Each topic's place in TOPICS (the tie-break of equal scores).
_TOPIC_ORDER: dict[str, int] = {topic: index for index, topic in enumerate(TOPICS)}
#: Topics reported when the evidence names fewer than three: the fallback topic first.
_FALLBACK_TOPICS: tuple[str, ...] = tuple(dict.fromkeys(("other", *TOPICS)))

#: Intent reported when a message asks for an article's wording.
ARTICLE_TEXT_INTENT = "show_article"


class CitationRef(NamedTuple):
    """(law, article) as reported to callers; ``law`` is the canonical short name."""

    law: str
    article: int | None

    def to_json(self) -> dict[str, Any]:
        """``{"law": "劳动合同法", "article": 47}``."""
        return {"law": self.law, "article": self.article}


@dataclass(frozen=True, slots=True)
class RankingWeights:
    """How the signals are combined (tuned on the dev set; see docs/knowledge_base.md)."""

    nlu: float = 0.45
    entries: float = 0.45
    articles: float = 0.1
    # An age under 16 stated next to work is child labour in law (see minor_age.py).
    minor_age: float = 0.6
    #: A topic with cue words (topic_cues.yml) none of which the question names keeps this
    #: share of its combined score.
    uncued_share: float = 0.25
    # Prior belief per topic: (entries of the topic / mean entries per topic) ** this. The
    # answer book is written weighted toward what workers ask most, so its shape is the prior
    # that class-balanced training takes away (0 = off).
    topic_prior_power: float = 0.25
    # Softmax temperature over per-topic entry scores (BM25 units); a topic's score mixes its
    # best and second-best entry (a topic with two good answers is likelier than one lucky hit).
    entry_temperature: float = 2.0
    second_entry_weight: float = 0.4
    # Score of the pseudo-topic "nothing fits" in that softmax (BM25 units).
    entry_baseline: float = 10.0
    article_temperature: float = 4.0
    # Rerank a topic's entries by how well the articles they cite match (0 = off).
    article_support: float = 0.3
    # An entry is offered only when it covers this share of the question's informative words
    # (IDF-weighted) and reaches this BM25 score; below, the bot says it has no fitting answer.
    min_coverage: float = 0.12
    min_entry_score: float = 5.0
    # Score and coverage at which a match counts as complete (confidence arithmetic).
    full_match_score: float = 20.0
    full_match_coverage: float = 0.4
    # Statute articles added beside the curated citations (grounding): how many, and how
    # well they must match (within the topic's cited articles, or anywhere).
    grounding_with_entry: int = 2
    grounding_without_entry: int = 3
    min_article_coverage: float = 0.3
    strong_article_coverage: float = 0.6
    # Below low_confidence the caller should offer a human beside the answer; below
    # min_confidence no entry is given at all (a guess would mislead more than help).
    low_confidence: float = 0.35
    min_confidence: float = 0.3
    # A question that tells its situation and asks what to do (怎么办, 还来得及吗 … after at
    # least this many characters of context; cues in synonyms.yml) prefers an entry of kind
    # "situation" (what to do now, in order) of the chosen topic by this factor.
    situation_min_context: int = 8
    situation_preference: float = 0.25
    # Two-sided: when the second topic's probability is at least this share of the first's
    # and it has a fitting entry of its own, both sides are answered briefly.
    two_sided_ratio: float = 0.5


@dataclass(frozen=True, slots=True)
class SideAnswer:
    """The other thing a two-sided question asks (unpaid wages *and* may I quit at once)."""

    topic: str
    entry: AnswerEntry
    citations: tuple[CitationRef, ...]
    confidence: float


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """What the knowledge base says about one question."""

    topic: str
    topics: tuple[str, ...]
    intent: str
    confidence: float
    entry: AnswerEntry | None
    citations: tuple[CitationRef, ...]
    articles: tuple[Article, ...]
    topic_scores: dict[str, float] = field(default_factory=dict)
    article_request: ArticleRef | None = None
    low_confidence: bool = False
    #: Citations found through the statute index rather than the curated entry.
    grounded: tuple[CitationRef, ...] = ()
    #: The second side of a two-sided question, answered beside ``entry`` (shown second).
    also: SideAnswer | None = None
    #: The question tells a situation and asks what to do (situation entries preferred).
    situation: bool = False

    @property
    def answer_id(self) -> str | None:
        """The chosen entry's id, or None."""
        return self.entry.id if self.entry else None

    def to_json(self) -> dict[str, Any]:
        """The shape ``gongyou ask --json`` prints (the batch adds ``id``)."""
        return {
            "topic": self.topic,
            "topics": list(self.topics),
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "answer_id": self.answer_id,
            "answer": self.entry.short if self.entry else None,
            "citations": [c.to_json() for c in self.citations],
        }


def _softmax(scores: dict[str, float], temperature: float) -> dict[str, float]:
    if not scores:
        return {}
    top = max(scores.values())
    exps = {k: math.exp((v - top) / temperature) for k, v in scores.items()}
    total = sum(exps.values())
    return {k: v / total for k, v in exps.items()}


def _keeping_total(scores: dict[str, float], weighted: dict[str, float]) -> dict[str, float]:
    """``weighted`` scaled back to the total of ``scores`` (a weak belief stays weak)."""
    total, new_total = sum(scores.values()), sum(weighted.values())
    scale = total / new_total if new_total > 0 else 0.0
    return {topic: score * scale for topic, score in weighted.items()}


def _normalise(scores: dict[str, float]) -> dict[str, float]:
    total = sum(scores.values())
    return {k: v / total for k, v in scores.items()} if total > 0 else {}


class KnowledgeBase:
    """Statutes, curated answers and the retrieval indexes, loaded once and shared."""

    def __init__(
        self,
        library: StatuteLibrary,
        book: AnswerBook,
        retriever: Retriever,
        weights: RankingWeights | None = None,
    ) -> None:
        self.library = library
        self.book = book
        self.retriever = retriever
        self.weights = weights or RankingWeights()
        self._article_topics = self._topics_by_article(book)
        self._prior = self._topic_prior(book, self.weights.topic_prior_power)
        # Fixed per answer book, so computed once rather than per question.
        self._book_topics = sorted(book.topics(), key=TOPICS.index)
        self._cited_keys = {
            entry.id: tuple(citation.key for citation in entry.citations) for entry in book.entries
        }
        self._topic_cues = topic_cues()
        self._situation_entries = frozenset(
            entry.id for entry in book.entries if entry.kind == "situation"
        )

    @classmethod
    def load(
        cls,
        answers_dir: Path = DEFAULT_ANSWERS_DIR,
        laws_dir: Path = DEFAULT_LAWS_DIR,
        user_dict: Path | None = DEFAULT_USER_DICT,
        cache_dir: Path | None = DEFAULT_CACHE_DIR,
        weights: RankingWeights | None = None,
        *,
        skip_invalid: bool = False,
    ) -> KnowledgeBase:
        """Parse statutes, validate answers (AnswerBookError on any problem), build indexes.

        ``skip_invalid`` leaves invalid answer files out instead of failing (authoring only).
        """
        library = StatuteLibrary.load(laws_dir)
        book = load_answer_book(answers_dir, library, skip_invalid=skip_invalid)
        retriever = Retriever.build(book, library, user_dict=user_dict, cache_dir=cache_dir)
        return cls(library, book, retriever, weights)

    @staticmethod
    def _topics_by_article(book: AnswerBook) -> dict[tuple[str, int | None], dict[str, float]]:
        """For each cited article, the share of citing entries per topic."""
        counts: dict[tuple[str, int | None], dict[str, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        for entry in book.entries:
            for citation in entry.citations:
                counts[citation.key][entry.topic] += 1.0
        return {key: _normalise(dict(value)) for key, value in counts.items()}

    @staticmethod
    def _topic_prior(book: AnswerBook, power: float) -> dict[str, float]:
        """Per-topic prior weight from how many answers each topic has (mean topic = 1)."""
        counts = Counter(entry.topic for entry in book.entries)
        if not counts or power == 0:
            return {}
        mean = sum(counts.values()) / len(counts)
        return {topic: (count / mean) ** power for topic, count in counts.items()}

    def warm_up(self) -> None:
        """Load the tokenizer's dictionary now (~0.5 s) instead of on the first question."""
        self.retriever.tokenizer.warm_up()

    def reads_as_situation(self, question: str) -> bool:
        """True when the question tells its situation and then asks what to do about it."""
        return self._reads_as_situation(normalize(question, self.retriever.tokenizer.lexicon))

    def _reads_as_situation(self, normalized: str) -> bool:
        position = self.retriever.tokenizer.lexicon.situation_cue_position(normalized)
        return position is not None and position >= self.weights.situation_min_context

    # --- articles -------------------------------------------------------------------------

    def article_text(self, law: str, number: int | None) -> Article | None:
        """The article (any alias of the law), or None when it does not exist."""
        return self.library.article(law, number)

    def article_request(self, text: str, context_law: str | None = None) -> ArticleRef | None:
        """(law, number) when the message asks for an article's wording, else None."""
        return detect_article_request(text, context_law, self.library)

    # --- answering ------------------------------------------------------------------------

    def _nlu_topics(self, parse: ParseResult | None) -> dict[str, float]:
        if parse is None:
            return {}
        scores: dict[str, float] = {}
        for intent in parse.top_intents(len(parse.ranking) or 1):
            topic = topic_for_intent(intent.name)
            if topic is not None:
                scores[topic] = max(scores.get(topic, 0.0), intent.confidence)
        return _normalise(scores)

    def _entry_topics(self, found: Retrieval) -> dict[str, float]:
        """Topic distribution from retrieval: softmax over each topic's best entries' scores."""
        # Each topic's first and second hit (hits come best first).
        best: dict[str, float] = {}
        runner_up: dict[str, float] = {}
        for hit in found.entries:
            if hit.topic not in best:
                best[hit.topic] = hit.score
            elif hit.topic not in runner_up:
                runner_up[hit.topic] = hit.score
        if not best:
            return {}
        second = self.weights.second_entry_weight
        first = 1.0 - second
        # Topics without any hit still compete, at score 0.
        scores = {
            topic: first * best.get(topic, 0.0) + second * runner_up.get(topic, 0.0)
            for topic in self._book_topics
        }
        # "No topic fits" competes too, at a baseline score: weak matches then give a weak
        # topic belief instead of a confident one. Its share is dropped, not redistributed.
        scores[_NO_TOPIC] = self.weights.entry_baseline
        probabilities = _softmax(scores, self.weights.entry_temperature)
        probabilities.pop(_NO_TOPIC)
        return probabilities

    def _article_topic_scores(self, found: Retrieval) -> dict[str, float]:
        votes: dict[str, float] = defaultdict(float)
        top = found.articles[0].score if found.articles else 0.0
        for hit in found.articles[:5]:
            shares = self._article_topics.get((hit.law, hit.number))
            if not shares or top <= 0:
                continue
            weight = math.exp((hit.score - top) / self.weights.article_temperature)
            for topic, share in shares.items():
                votes[topic] += weight * share
        return _normalise(dict(votes))

    def topic_scores(
        self, found: Retrieval, parse: ParseResult | None, question: str = ""
    ) -> dict[str, float]:
        """Combined probability per topic (sums to 1 when any signal is present)."""
        w = self.weights
        signals = [
            (w.nlu, self._nlu_topics(parse)),
            (w.entries, self._entry_topics(found)),
            (w.articles, self._article_topic_scores(found)),
        ]
        if question and ages_under_16_at_work(question):
            signals.append((w.minor_age, {CHILD_LABOUR_TOPIC: 1.0}))
        combined: dict[str, float] = defaultdict(float)
        weight_sum = 0.0
        for weight, scores in signals:
            if scores and weight > 0:
                weight_sum += weight
                for topic, score in scores.items():
                    combined[topic] += weight * score
        if weight_sum == 0:
            return {}
        scores = {topic: score / weight_sum for topic, score in combined.items()}
        return self._apply_prior(self._discount_uncued(scores, found.text))

    def _discount_uncued(self, scores: dict[str, float], question: str) -> dict[str, float]:
        """Scores with topics whose cue words the question never names (topic_cues.yml:
        上夜班没有夜班补贴 names no woman, pregnancy or birth) discounted, keeping the total."""
        share = self.weights.uncued_share
        uncued = [
            topic
            for topic, cues in self._topic_cues.items()
            if scores.get(topic) and not any(cue in question for cue in cues)
        ]
        if not uncued or share >= 1.0:
            return scores
        return _keeping_total(
            scores, {t: v * share if t in uncued else v for t, v in scores.items()}
        )

    def _apply_prior(self, scores: dict[str, float]) -> dict[str, float]:
        """Scores reweighted by the topic prior, keeping their total (a weak belief stays weak)."""
        if not self._prior:
            return scores
        weighted = {topic: score * self._prior.get(topic, 1.0) for topic, score in scores.items()}
        return _keeping_total(scores, weighted)

    def answer(
        self,
        question: str,
        parse: ParseResult | None = None,
        *,
        context_law: str | None = None,
    ) -> AnswerResult:
        """Best curated answer, topic ranking and citations for one question.

        ``parse`` is the NLU's reading of the same text (None: retrieval only).
        ``context_law`` lets "第四十七条原文" refer to the law discussed before.
        """
        request = self.article_request(question, context_law)
        found = self.retriever.search(question, k_entries=40, k_articles=10)
        scores = self.topic_scores(found, parse, question)
        ranked = sorted(scores, key=lambda t: (-scores[t], _TOPIC_ORDER[t]))
        # Always report three topics; without evidence the fallback topic leads.
        if len(ranked) < 3:
            ranked += [t for t in _FALLBACK_TOPICS if t not in ranked][: 3 - len(ranked)]
        if request is not None:
            return self._article_result(request, ranked, scores)
        return self._entry_result(question, found, ranked, scores, parse)

    def _intent(self, topic: str, parse: ParseResult | None) -> str:
        if parse is not None and topic_for_intent(parse.intent.name) is None:
            # Not a question intent (greeting, complaint …): report what the NLU saw.
            return parse.intent.name
        return intent_for_topic(topic)

    def _article_result(
        self,
        request: ArticleRef,
        ranked: list[str],
        scores: dict[str, float],
    ) -> AnswerResult:
        article = self.library.article(request.law, request.number)
        shares = self._article_topics.get((request.law, request.number), {})
        if shares:
            best = max(shares, key=lambda t: shares[t])
            ranked = [best, *[t for t in ranked if t != best]]
        topic = ranked[0] if ranked else "other"
        return AnswerResult(
            topic=topic,
            topics=tuple(ranked[:3]) or (topic,),
            intent=ARTICLE_TEXT_INTENT,
            confidence=1.0 if article else 0.0,
            entry=None,
            citations=(CitationRef(request.law, request.number),) if article else (),
            articles=(article,) if article else (),
            topic_scores=scores,
            article_request=request,
            low_confidence=article is None,
        )

    def _entry_result(
        self,
        question: str,
        found: Retrieval,
        ranked: list[str],
        scores: dict[str, float],
        parse: ParseResult | None,
    ) -> AnswerResult:
        w = self.weights
        topic = ranked[0]
        situation = self._reads_as_situation(found.text)
        share = self._question_share(parse)
        entry, confidence = self._entry_for(found, topic, scores, share, situation=situation)
        citations = [CitationRef(c.law, c.article) for c in entry.citations] if entry else []
        grounded = self._grounding(question, found, topic, citations)
        articles = tuple(
            a
            for c in (*citations, *grounded)
            if (a := self.library.article(c.law, c.article)) is not None
        )
        low_confidence = entry is None or confidence < w.low_confidence
        also = None
        if entry is not None and not low_confidence and len(ranked) > 1:
            also = self._second_side(found, ranked, scores, share, situation=situation)
        return AnswerResult(
            topic=topic,
            topics=tuple(ranked[:3]),
            intent=self._intent(topic, parse),
            confidence=confidence,
            entry=entry,
            citations=(*citations, *grounded),
            articles=articles,
            topic_scores=scores,
            grounded=tuple(grounded),
            low_confidence=low_confidence,
            also=also,
            situation=situation,
        )

    def _entry_for(
        self,
        found: Retrieval,
        topic: str,
        scores: dict[str, float],
        share: float,
        *,
        situation: bool,
    ) -> tuple[AnswerEntry | None, float]:
        """The topic's entry and the confidence in it; no entry below ``min_confidence``."""
        entry, match = self._choose_entry(found, topic, situation=situation)
        topic_p = scores.get(topic, 0.0) * share
        confidence = math.sqrt(topic_p * match) if entry else 0.25 * topic_p
        if entry is not None and confidence < self.weights.min_confidence:
            return None, 0.25 * topic_p
        return entry, confidence

    def _second_side(
        self,
        found: Retrieval,
        ranked: list[str],
        scores: dict[str, float],
        share: float,
        *,
        situation: bool,
    ) -> SideAnswer | None:
        """The runner-up topic's answer when it is nearly as likely and has its own entry.

        Many questions really ask two things (unpaid wages and may I quit at once; dismissal
        and how much compensation): answering both briefly beats betting on one.
        """
        first, second = ranked[0], ranked[1]
        if scores.get(second, 0.0) < self.weights.two_sided_ratio * scores.get(first, 0.0):
            return None
        entry, confidence = self._entry_for(found, second, scores, share, situation=situation)
        if entry is None:
            return None
        citations = tuple(CitationRef(c.law, c.article) for c in entry.citations)
        return SideAnswer(second, entry, citations, confidence)

    @staticmethod
    def _question_share(parse: ParseResult | None) -> float:
        """How much of the NLU's belief is on some labour-law question (1.0 without NLU)."""
        if parse is None:
            return 1.0
        intents = parse.top_intents(len(parse.ranking) or 1)
        mass = sum(i.confidence for i in intents if topic_for_intent(i.name) is not None)
        total = sum(i.confidence for i in intents)
        # Softened: the NLU is often unsure on long real questions that are still in scope.
        return 0.5 + 0.5 * (mass / total) if total > 0 else 0.5

    def _choose_entry(
        self, found: Retrieval, topic: str, *, situation: bool = False
    ) -> tuple[AnswerEntry | None, float]:
        """The best entry of the chosen topic if it matches well enough, and how well (0–1).

        Entries are reranked by how well the statute index matches the articles they cite,
        so of two similar phrasings the one grounded in the matching law wins; a question
        that reads as a situation prefers the topic's situation entries.
        """
        preferred = self._situation_entries if situation else frozenset()
        w = self.weights
        top_article = found.articles[0].score if found.articles else 0.0
        article_match = {
            (a.law, a.number): a.score / top_article for a in found.articles if top_article > 0
        }
        best: tuple[float, str, float] | None = None
        for hit in found.entries:
            if hit.topic != topic:
                continue
            if hit.coverage < w.min_coverage or hit.score < w.min_entry_score:
                continue
            cited = self._cited_keys[hit.entry_id]
            support = max(map(article_match.get, cited, repeat(0.0)), default=0.0)
            value = hit.score * (1.0 + w.article_support * support)
            if hit.entry_id in preferred:
                value *= 1.0 + w.situation_preference
            if best is None or value > best[0]:
                match = min(1.0, hit.score / w.full_match_score) * min(
                    1.0, hit.coverage / w.full_match_coverage
                )
                best = (value, hit.entry_id, match)
        return (self.book.by_id[best[1]], best[2]) if best else (None, 0.0)

    def _grounding(
        self, question: str, found: Retrieval, topic: str, exclude: list[CitationRef]
    ) -> list[CitationRef]:
        """Statute articles to show beside (or instead of) a curated answer.

        Articles the question names come first; then articles the statute index matches
        well that answers of this topic rely on, or that match the question very closely.
        """
        w = self.weights
        limit = w.grounding_with_entry if exclude else w.grounding_without_entry
        refs: list[CitationRef] = []
        for named in find_article_refs(question, self.library):
            cited = CitationRef(named.law, named.number)
            if cited not in exclude and self.library.article(named.law, named.number) is not None:
                refs.append(cited)
        for hit in found.articles:
            if len(refs) >= limit:
                break
            ref = CitationRef(hit.law, hit.number)
            if ref in exclude or ref in refs:
                continue
            in_topic = topic in self._article_topics.get((hit.law, hit.number), {})
            if (in_topic and hit.coverage >= w.min_article_coverage) or (
                hit.coverage >= w.strong_article_coverage
            ):
                refs.append(ref)
        return refs


_default_lock = threading.Lock()
_default: KnowledgeBase | None = None


def default_knowledge_base() -> KnowledgeBase:
    """The knowledge base from the shipped files, loaded once per process."""
    global _default
    with _default_lock:
        if _default is None:
            _default = KnowledgeBase.load()
        return _default
