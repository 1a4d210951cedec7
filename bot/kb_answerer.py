"""Present knowledge-base answers in chat: short answer with its legal basis first, details,
next steps and the statute text on request, and an honest "no good answer" with a human."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Button, Reply
from bot.prompts import load_prompts
from bot.session import ConversationState
from knowledge_base.answers import AnswerEntry
from knowledge_base.calculators.base import MAX_SHORT_CITATIONS
from knowledge_base.deadlines import answer_deadline_notes
from knowledge_base.service import AnswerResult, CitationRef, KnowledgeBase
from knowledge_base.statutes import Article
from knowledge_base.topics import intent_for_topic, topic_for_intent
from nlu.types import ParseResult

_MAX_ARTICLE_CHARS = 1200
_MAX_ARTICLES_SHOWN = 3


class KnowledgeBaseAnswerer:
    """The chat face of ``knowledge_base.KnowledgeBase``."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._prompts = load_prompts("answers")
        self._labels = load_prompts("core").mapping("topic_labels")

    def warm_up(self) -> None:
        """Load the retrieval tokenizer now rather than on the first question."""
        self._kb.warm_up()

    # ---- the QuestionAnswerer port --------------------------------------------------

    def handles_directly(self, text: str, state: ConversationState) -> str | None:
        """``"article"``, ``"details"`` or ``"law"`` when the text is one of those requests
        (whatever the NLU thinks of it), else None."""
        stripped = text.strip().rstrip("。.!！?？")
        if stripped in self._prompts.words("details_words"):
            return "details"
        if stripped in self._prompts.words("law_words"):
            return "law"
        if self._kb.article_request(text, state.context.get("last_law")) is not None:
            return "article"
        return None

    def answer(self, text: str, parse: ParseResult, state: ConversationState) -> list[Reply]:
        """Answer one question (or show an article the worker named, or one side of a
        two-sided answer the worker tapped)."""
        tapped = self._tapped_side(text, parse)
        if tapped is not None:
            return self._side_replies(tapped, state)
        result = self._kb.answer(text, parse, context_law=state.context.get("last_law"))
        if result.article_request is not None:
            return self._article_request_replies(result, state)
        state.context["last_citations"] = [list(c) for c in result.citations]
        if result.entry is None:
            state.context.pop("last_answer_id", None)
            return self._no_answer(result, parse)
        return self._answer_replies(text, result, state)

    def answer_if_sure(
        self, text: str, parse: ParseResult, state: ConversationState
    ) -> list[Reply]:
        """The curated answer when the knowledge base is sure of it, else nothing."""
        result = self._kb.answer(text, parse, context_law=state.context.get("last_law"))
        if result.entry is None or result.low_confidence or result.article_request is not None:
            return []
        state.context["last_citations"] = [list(c) for c in result.citations]
        return self._answer_replies(text, result, state)

    def _answer_replies(
        self, text: str, result: AnswerResult, state: ConversationState
    ) -> list[Reply]:
        assert result.entry is not None  # noqa: S101 - callers checked
        state.context["last_answer_id"] = result.entry.id
        if result.citations:
            state.context["last_law"] = result.citations[0].law
        if result.also is not None:
            return self._two_sided_replies(text, result, state)
        return [
            self._entry_reply(text, result.entry, result.citations, unsure=result.low_confidence)
        ]

    def _entry_reply(
        self, text: str, entry: AnswerEntry, citations: tuple[CitationRef, ...], *, unsure: bool
    ) -> Reply:
        """One curated answer: short text, local and deadline notes, its legal basis."""
        parts = [entry.short]
        if entry.local_rules:
            parts.append(self._prompts.text("local_rules_note"))
        # The limitation period a claim runs into, or a warning when a stated date passed it.
        parts.extend(answer_deadline_notes(text, entry))
        parts.append(self._basis(citations))
        if unsure:
            parts.append(self._prompts.text("unsure_note"))
        return Reply("\n\n".join(parts), self._prompts.buttons("answer_buttons"))

    def details(self, state: ConversationState) -> list[Reply]:
        """The longer explanation and next steps of the last answer."""
        entry_id = state.context.get("last_answer_id")
        entry = self._kb.book.by_id.get(entry_id) if isinstance(entry_id, str) else None
        if entry is None:
            return [Reply(self._prompts.text("nothing_to_detail"))]
        lines = []
        if entry.details:
            lines += [self._prompts.text("details_header"), entry.details.strip(), ""]
        lines.append(self._prompts.text("next_steps_header"))
        lines += [self._prompts.text("bullet", text=step) for step in entry.next_steps]
        cited = [CitationRef(str(law), n) for law, n in state.context.get("last_citations", [])]
        more = self._article_labels(cited[MAX_SHORT_CITATIONS:])
        if more:
            lines += ["", self._prompts.text("more_basis", labels=more)]
        return [Reply("\n".join(lines), self._prompts.buttons("details_buttons"))]

    def show_articles(self, state: ConversationState) -> list[Reply]:
        """Statute text of the last answer's citations."""
        refs = [CitationRef(str(law), n) for law, n in state.context.get("last_citations", [])]
        articles = [
            a for r in refs[:_MAX_ARTICLES_SHOWN] if (a := self._kb.article_text(r.law, r.article))
        ]
        if not articles:
            return [Reply(self._prompts.text("nothing_to_detail"))]
        replies = [Reply(self._article_text(a)) for a in articles]
        return [*replies[:-1], Reply(replies[-1].text, self._prompts.buttons("article_buttons"))]

    # ---- two-sided questions ----------------------------------------------------------

    def _two_sided_replies(
        self, text: str, result: AnswerResult, state: ConversationState
    ) -> list[Reply]:
        """Both things the question asks, briefly, each with a button to its full answer."""
        first, also = result.entry, result.also
        assert first is not None and also is not None  # noqa: S101 - checked by the caller
        sides = ((result.topic, first), (also.topic, also.entry))
        marks = self._prompts.words("side_marks")
        parts = [self._prompts.text("two_sided_intro")]
        parts += [
            self._prompts.text("side", mark=mark, title=entry.title, short=entry.short)
            for mark, (_topic, entry) in zip(marks, sides, strict=False)
        ]
        if first.local_rules or also.entry.local_rules:
            parts.append(self._prompts.text("local_rules_note"))
        notes = [*answer_deadline_notes(text, first), *answer_deadline_notes(text, also.entry)]
        parts.extend(dict.fromkeys(notes))
        citations = tuple(dict.fromkeys((*result.citations, *also.citations)))
        state.context["last_citations"] = [list(c) for c in citations]
        parts.append(self._basis(citations))
        buttons = [
            Button(
                self._prompts.text("side_button", mark=mark, label=self._labels.get(topic, topic)),
                f"/{intent_for_topic(topic)}{{{entry.id}}}",
            )
            for mark, (topic, entry) in zip(marks, sides, strict=False)
        ]
        return [Reply("\n\n".join(parts), (*buttons, *self._prompts.buttons("two_sided_buttons")))]

    def _tapped_side(self, text: str, parse: ParseResult) -> AnswerEntry | None:
        """The entry a side button of a two-sided answer names (``/ask_<topic>{entry id}``)."""
        if text.strip() or parse.backend != "payload":
            return None
        _intent, _brace, rest = parse.text.partition("{")
        return self._kb.book.by_id.get(rest.removesuffix("}"))

    def _side_replies(self, entry: AnswerEntry, state: ConversationState) -> list[Reply]:
        """One side of a two-sided answer in full, as if it had been asked alone."""
        citations = tuple(CitationRef(c.law, c.article) for c in entry.citations)
        state.context["last_answer_id"] = entry.id
        state.context["last_citations"] = [list(c) for c in citations]
        if citations:
            state.context["last_law"] = citations[0].law
        return [self._entry_reply("", entry, citations, unsure=False)]

    # ---- helpers --------------------------------------------------------------------

    def _article_request_replies(
        self, result: AnswerResult, state: ConversationState
    ) -> list[Reply]:
        request = result.article_request
        assert request is not None  # noqa: S101 - checked by the caller
        if not result.articles:
            return [
                Reply(
                    self._prompts.text("article_not_found", law=request.law, number=request.number)
                )
            ]
        article = result.articles[0]
        state.context["last_law"] = article.law
        state.context["last_citations"] = [[article.law, article.number]]
        return [Reply(self._article_text(article), self._prompts.buttons("article_buttons"))]

    def _article_text(self, article: Article) -> str:
        body = article.text.strip()
        if len(body) > _MAX_ARTICLE_CHARS:
            body = body[:_MAX_ARTICLE_CHARS] + self._prompts.text("article_truncated")
        source = self._prompts.text("article_source", title=article.title, version=article.version)
        return self._prompts.text("article_text", label=article.label, text=body) + "\n" + source

    def _basis(self, citations: tuple[CitationRef, ...]) -> str:
        """The few articles that carry the answer (the rest are listed with the details)."""
        return self._prompts.text(
            "basis", labels=self._article_labels(citations[:MAX_SHORT_CITATIONS])
        )

    def _article_labels(self, citations: Sequence[CitationRef]) -> str:
        return "、".join(
            a.label for c in citations if (a := self._kb.article_text(c.law, c.article))
        )

    def _no_answer(self, result: AnswerResult, parse: ParseResult) -> list[Reply]:
        topic = topic_for_intent(parse.intent.name) or result.topic
        text = self._prompts.text("no_answer", topic_label=self._labels.get(topic, topic))
        if result.articles:
            labels = "、".join(a.label for a in result.articles[:_MAX_ARTICLES_SHOWN])
            text += "\n" + self._prompts.text("related_articles", labels=labels)
            return [Reply(text, self._prompts.buttons("no_answer_buttons"))]
        return [Reply(text, self._prompts.buttons("no_answer_plain_buttons"))]
