"""The safety layer: which kinds of danger a message carries, and whether they are happening now.

Every backend's ranking goes through :meth:`SafetyLayer.judge`, which returns the
:class:`~nlu.types.SafetySignal` and a ranking consistent with it: a safety intent is on top
exactly when the signal is an emergency. Regular expressions from ``safety.yml`` do the work,
because the messages that must never be missed are also the ones with too few examples for a
classifier; where the rules find nothing, the classifier's safety guess and a second opinion
from sentence meaning (``semantic.py``, when its encoder is installed) may still raise one,
unless the message asks a legal question or holds a look-alike phrase.

Each kind is judged on its own (``safety.yml`` says the same beside the patterns):

- a look-alike phrase (累死了, 跳槽, 锁在门外) is removed before any pattern is tried;
- a self-harm plan with the means at hand is an emergency whatever else the message says
  (only someone else's, asked about, is doubt);
- a self-harm method or goodbye is an emergency even beside a legal question; other
  self-harm words are doubt beside a legal question or a self-harm that is over (吃过药 被救
  回来了; a past dismissal is only the cause), and a figure of speech (累得想死) is doubt;
- a fire, injury or violence is an emergency unless the message tells of a past event (asked
  about: no signal; told: doubt), of a standing condition, or asks about the event's legal
  consequence (算工伤吗) with nothing saying it is going on now; a phrase that may or may not be
  a danger (不让走: not let out, or not let quit?) is doubt alone, an emergency with another or
  when it is now;
- words that say help is needed now (救命, 还在流血) make any danger an emergency;
- signs of a goodbye that say little alone (东西分给室友, 手机月底停) add up: two different
  ones are a self-harm emergency, like a goodbye in words;
- a physical danger asked about in general or out of curiosity (法律上…, 就是好奇问问) is read
  like a past one (round 32);
- a danger retold from the news, a film or a video (新闻里说, 刷到个视频) is doubt unless urgent,
  and a clause that only supposes a physical danger (如果车间着火) is not read beside a legal
  question;
- a phrase that may be a physical danger (不让我们走), said with no labour-law topic at all, is
  an emergency when the models read even a little danger: help first, as nothing else is asked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, Final, Protocol

import yaml

from nlu.embedded.alternation import alternation
from nlu.embedded.pinyin import PinyinReader
from nlu.tokenizer import normalize
from nlu.types import DANGER_KINDS, IntentScore, SafetySignal

DEFAULT_SAFETY_PATH: Final = Path(__file__).with_name("safety.yml")
# Confidence given to a safety intent the rules found, unless the classifier was surer.
RULE_CONFIDENCE: Final = 0.9
# A safety intent demoted below the answer keeps this share of its confidence.
DEMOTED_SHARE: Final = 0.1
# The models (the classifier and the semantic second opinion, averaged) make an emergency where
# the rules find nothing when their probability of any danger is at least this: less when the
# message says it is happening now, more when it names a labour-law topic. Averaging two models
# that read differently (word n-grams, sentence meaning) keeps a short everyday sentence (想家了)
# that one of them over-reads from raising an alarm; cross-validated on nlu/data.
MODEL_EMERGENCY: Final = 0.45
MODEL_EMERGENCY_NOW: Final = 0.4
MODEL_EMERGENCY_LEGAL_WORDS: Final = 0.65
# Beside a legal question the models raise an emergency (or confirm a doubtful phrase) only when
# this sure. Before round 28 a legal question silenced them. Left one read set out
# (bench/safety_question_gate_cv.py), 0.08% of 2,470 look-alikes raise an emergency at 0.7
# against 0.04% silenced (0.6: 0.12%, 0.8: 0.04%). A supposed danger still silences them.
MODEL_EMERGENCY_BESIDE_A_QUESTION: Final = 0.7
# A kind either model gives at least this probability is plausible: its help is given too.
PLAUSIBLE: Final = 0.25
# A physical danger the rules only doubt (不让走) becomes an emergency when the models agree.
CONFIRM: Final = 0.45
# ... and with much less when the message names no labour-law topic at all and is not told as
# a standing condition: it reads like danger and asks nothing else, so help first (round 16).
CONFIRM_NOTHING_ELSE: Final = 0.1
# In an emergency without self-harm, its help is added when the models read this much of it.
SELF_HARM_ALSO: Final = 0.3
# ... and each physical kind of help its kinds part reads at least this likely (leave-one-set-out
# over the read sets, bench/safety_kinds_cv.py: 89% of the kinds needed, and a kind not labelled
# to about one dangerous message in seven).
KIND_ALSO: Final = 0.4
# In a self-harm emergency the kinds part may add this kind alone (leave-one-set-out over the
# read sets' self-harm messages at KIND_ALSO: 62% of the 119s they need, and a 119 not labelled
# on 2.9% of them; the injury and police help it would add were wrong far more often).
SELF_HARM_ALSO_KIND: Final = "fire_chemical"
SELF_HARM: Final = "self_harm"
VIOLENCE: Final = "violence_confinement"
FIRE: Final = "fire_chemical"
# The classifier's best non-safety intent names the legal topic when at least this sure.
LEGAL_INTENT_CONFIDENCE: Final = 0.1
# Traditional 著 is simplified 着 (拿著刀, 鎖著門), but the conversion keeps it, as simplified 著
# is also 显著, 著名: outside those words it is read as 着, so the patterns need only one form.
_ZHE: Final = re.compile(r"(?<![显卓昭名土])著(?![名作称书述])")
# Northern 俺 (I, we: 俺们) is read as 我 and Cantonese 嚟 (come) as 来, so the patterns name the
# speaker and the coming one way (把俺锁车里了, 又嚟拍门).
_DIALECT: Final = str.maketrans({"俺": "我", "嚟": "来"})
# Where one sentence ends and the next begins (after normalising: full stops, question and
# exclamation marks, semicolons, line breaks). Commas and spaces do not split: tried in round
# 29, a past injury's clause and "现在还疼得站不起来" then read as two (eleven alarms on read sets).
_SENTENCE_END: Final = re.compile(r"[。!?;\n]+")
# ... and where a message typed without sentence ends turns to something else (哦还有, 对了,
# 另外): what follows is told apart (上个月有人手指断了 … 哦还有 我刚刚右手被烫了). Round 53.
_TOLD_APART: Final = re.compile(
    _SENTENCE_END.pattern
    + r"|(?:哦|噢|喔|啊)还有(?:就是)?|还有就是|对了|另外|顺便(?:说一下|问一下|提一下)"
)
# Where a clause ends inside a sentence (commas and spaces): self-harm (round 35) and a fire or
# a blast (round 40) told now are read clause by clause, two clauses at a time.
_CLAUSE_END: Final = re.compile(r"[,，\s]+")
_CJK: Final = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD: Final = re.compile(r"[a-z]+")
#: Pinyin run together counts from this many letters (a lone "e" or "a" is any language's).
_MIN_PINYIN_LETTERS: Final = 2
#: A time word that says a clause is happening as it is typed (not 刚才: that may be over).
_EXPLICIT_NOW: Final = re.compile(r"现在|正在|此刻|这会儿|目前|而家|依家")
# Signs of a goodbye that each say little alone (things given away, money owed let go, a phone
# to be stopped, "you need not answer"): this many different ones in one message are a goodbye.
FAREWELL_SIGNS: Final = 2


class DangerModel(Protocol):
    """A second opinion from sentence meaning (``nlu.embedded.semantic.SemanticSafety``)."""

    def danger(self, text: str) -> tuple[float, float] | None:
        """Probabilities of self-harm and of physical danger (None: cannot tell here)."""
        ...


class Level(IntEnum):
    """How strongly one kind of danger is present in a message."""

    NONE = 0
    DOUBT = 1
    EMERGENCY = 2


@dataclass(frozen=True, slots=True)
class Context:
    """What the whole message says about time and purpose, shared by every kind."""

    urgent: bool  # happening now and help is needed (救命, 还在流血): beats everything
    now: bool  # going on or just happened (现在, 刚才)
    past: bool  # a past event (去年, 住过院)
    self_harm_over: bool  # a past self-harm or its thoughts, now over (吃过药 被救回来了)
    habitual: bool  # a standing condition (天天, 长期)
    legal_words: bool  # words of a labour-law topic, asked or not
    other_topic: bool  # ... or the classifier's best intent is a labour-law one that is not
    # the danger itself (forced labour is what being held is about)
    legal_question: bool  # a question on a labour-law topic
    consequence_question: bool  # ... on the legal consequence of an event (算工伤吗, 能赔吗)
    others: bool  # someone else's suicide
    media: bool = False  # told from the news, a film, a video someone saw (新闻里, 刷到个视频)
    # asked in general or out of curiosity, nothing of the kind going on (法律上…, 就是好奇问问)
    general: bool = False

    @property
    def calm_as_past(self) -> bool:
        """Over, or asked about in general: fire, injury and violence read as a past event."""
        return self.past or self.general

    def over(self, kind: str) -> bool:
        """The message tells of a past event (or, for a physical danger, a standing one)."""
        return self.past or (self.habitual and kind != SELF_HARM)

    @property
    def asks_about_someone_else(self) -> bool:
        """A past event or someone else's, asked as a legal question (工友跳楼了 厂里赔吗) or
        retold from the news (看新闻说有人烧炭); or a retelling itself asked about as a legal
        question (抖音上说跳楼讨薪才拿得到钱 真的吗, round 17)."""
        asked = self.legal_question or self.media
        retold_and_asked = self.media and self.legal_question
        return (self.past or self.others or retold_and_asked) and asked and not self.urgent


@dataclass(frozen=True, slots=True)
class KindRule:
    """Patterns of one kind of danger and the safety intent that stands for it."""

    kind: str
    intent: str
    danger: re.Pattern[str]
    plan: re.Pattern[str] | None = None
    firm: re.Pattern[str] | None = None
    doubtful: re.Pattern[str] | None = None
    exceptions: re.Pattern[str] | None = None
    look_alikes: re.Pattern[str] | None = None
    related: re.Pattern[str] | None = None
    farewell: tuple[re.Pattern[str], ...] = ()

    def farewell_signs(self, text: str) -> int:
        """How many different signs of a goodbye ``text`` holds (存款转给我妈了, 手机月底停)."""
        return sum(_search(pattern, text) for pattern in self.farewell)

    def without_look_alikes(self, text: str) -> str:
        """``text`` with other senses of the words and look-alike phrases blanked (same length)."""
        for pattern in (self.look_alikes, self.exceptions):
            if pattern is not None:
                text = alternation(pattern).blank(text)
        return text

    def look_alike_in(self, text: str) -> bool:
        """True when ``text`` holds a look-alike phrase of this kind (累死了, 锁在门外)."""
        return _search(self.look_alikes, text)

    def related_in(self, text: str) -> bool:
        """True when ``text`` names something of this kind (fire: 烟, 汽油; injury: 血, 晕)."""
        return _search(self.related, self.without_look_alikes(text))

    def level(self, text: str, context: Context) -> Level:
        """How strongly this kind is present in the normalised ``text``."""
        plain = self.without_look_alikes(text)
        doubtful, literal = 0, plain
        if self.doubtful is not None:
            doubtful = alternation(self.doubtful).count(plain)
            literal = alternation(self.doubtful).replace(plain, " ") if doubtful else plain
        if self.kind == SELF_HARM:
            # 累得想死 holds 想死: the figure of speech is taken out before the danger is sought.
            if _search(self.plan, literal):
                asked = context.legal_question or context.media
                return Level.DOUBT if context.others and asked else Level.EMERGENCY
            danger = _search(self.danger, literal)
            firm = _search(self.firm, literal) or self.farewell_signs(literal) >= FAREWELL_SIGNS
            return _self_harm_level(firm, danger, doubtful, context)
        return _physical_level(
            _search(self.danger, plain),
            doubtful,
            context,
            held_or_hit=self.kind == VIOLENCE,
        )


def _self_harm_level(firm: bool, danger: bool, doubtful: int, context: Context) -> Level:
    # A plan, a method or a goodbye is an emergency whatever else the message asks.
    if firm:
        return Level.DOUBT if context.asks_about_someone_else else Level.EMERGENCY
    if danger:
        if context.urgent:
            return Level.EMERGENCY
        # A past event calms the words only when it is the self-harm that is over (吃过药 被救
        # 回来了); 上个月被开除了 现在活不下去了 tells what led to a danger now.
        over = context.past and context.self_harm_over
        return Level.DOUBT if context.legal_question or over else Level.EMERGENCY
    return Level.DOUBT if doubtful else Level.NONE


def _physical_level(danger: bool, doubtful: int, context: Context, *, held_or_hit: bool) -> Level:
    # A standing condition (天天闻这个味) calms a fire or an injury, but being held or beaten
    # every day (每天挨打) is a danger now.
    if not danger and not doubtful:
        return Level.NONE
    if context.urgent:
        return Level.EMERGENCY
    if context.media:  # someone else's, seen in the news or a film: the question is the point
        return Level.DOUBT
    if context.calm_as_past:  # over, or asked in general: a legal question
        return Level.NONE if context.legal_question else Level.DOUBT
    if context.habitual and not context.now and not held_or_hit:
        return Level.DOUBT
    if danger:
        # 工友被压伤了 算工伤吗: told calmly, a question about the consequence. Said to be going
        # on now, it is an emergency: the help goes first and the question is still answered.
        calm = context.consequence_question and not context.urgent and not context.now
        return Level.DOUBT if calm else Level.EMERGENCY
    # Only phrases that may or may not be a danger (不让走): one alone, told calmly, is doubt.
    return Level.EMERGENCY if doubtful >= 2 or context.now else Level.DOUBT


@dataclass(frozen=True, slots=True)
class Judgement:
    """The ranking after the safety layer, and its signal (None: no danger at all)."""

    ranking: list[IntentScore]
    signal: SafetySignal | None


def _normalize(text: str) -> str:
    """``normalize`` (same length), with traditional 著 read as 着, northern 俺 as 我 and
    Cantonese 嚟 as 来."""
    return _ZHE.sub("着", normalize(text)).translate(_DIALECT)


def _search(pattern: re.Pattern[str] | None, text: str) -> bool:
    """True when ``pattern`` (absent: never) matches in ``text``: the same answer as ``re``,
    found alternative by alternative from each start character (``alternation.py``)."""
    return pattern is not None and alternation(pattern).search(text)


def _compile(patterns: Sequence[Any], where: str) -> re.Pattern[str]:
    if not patterns:
        raise ValueError(f"{where}: no patterns")
    try:
        compiled = re.compile("|".join(f"(?:{normalize(str(p))})" for p in patterns))
    except re.error as exc:
        raise ValueError(f"{where}: bad regular expression: {exc}") from exc
    if compiled.search("") is not None:
        # An empty alternative (a stray trailing "|") would match every message.
        raise ValueError(f"{where}: a pattern matches the empty text")
    return compiled


def _optional(patterns: Sequence[Any] | None, where: str) -> re.Pattern[str] | None:
    return _compile(patterns, where) if patterns else None


class SafetyLayer:
    """The kinds of danger in priority order, each with its rule, and the shared context."""

    def __init__(
        self,
        rules: Sequence[KindRule],
        context: Mapping[str, re.Pattern[str] | None],
        legal_intents: re.Pattern[str] | None = None,
        unspecified: re.Pattern[str] | None = None,
        unspecified_kinds: tuple[str, ...] = (),
        danger_intents: re.Pattern[str] | None = None,
        pinyin: PinyinReader | None = None,
        latin_words: frozenset[str] = frozenset(),
    ) -> None:
        order = {kind: i for i, kind in enumerate(DANGER_KINDS)}
        self.rules = tuple(sorted(rules, key=lambda r: order.get(r.kind, len(order))))
        self._context = dict(context)
        self._legal_intents = legal_intents
        self._unspecified = unspecified
        self._unspecified_kinds = unspecified_kinds
        self._danger_intents = danger_intents
        self._pinyin = pinyin
        self._latin_words = latin_words

    @classmethod
    def load(cls, path: Path = DEFAULT_SAFETY_PATH) -> SafetyLayer:
        """Read the rules from ``safety.yml``."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rules = []
        for kind, spec in (raw.get("kinds") or {}).items():
            if kind not in DANGER_KINDS:
                raise ValueError(f"{path.name}: unknown kind of danger {kind!r}")
            where = f"{path.name}:{kind}"
            rules.append(
                KindRule(
                    kind=kind,
                    intent=str(spec["intent"]),
                    danger=_compile(spec.get("patterns") or [], where),
                    plan=_optional(spec.get("plan"), where + ":plan"),
                    firm=_optional(spec.get("firm"), where + ":firm"),
                    doubtful=_optional(spec.get("doubtful"), where + ":doubtful"),
                    exceptions=_optional(spec.get("except"), where + ":except"),
                    look_alikes=_optional(spec.get("look_alikes"), where + ":look_alikes"),
                    related=_optional(spec.get("related"), where + ":related"),
                    farewell=tuple(
                        _compile([p], f"{where}:farewell") for p in spec.get("farewell") or ()
                    ),
                )
            )
        context = {
            name: _optional(raw.get(name), f"{path.name}:{name}")
            for name in (
                "urgent",
                "now",
                "past",
                "self_harm_over",
                "habitual",
                "legal_topic",
                "consequence",
                "question",
                "others",
                "media",
                "general",
                "supposed",
            )
        }
        unspecified = raw.get("unspecified") or {}
        kinds = tuple(str(k) for k in unspecified.get("kinds") or ())
        if set(kinds) - set(DANGER_KINDS):
            raise ValueError(f"{path.name}:unspecified: unknown kinds {kinds}")
        legal_intents = raw.get("legal_intents")
        danger_intents = raw.get("danger_intents")
        return cls(
            rules,
            context,
            re.compile(str(legal_intents)) if legal_intents else None,
            _optional(unspecified.get("patterns"), f"{path.name}:unspecified"),
            kinds,
            re.compile(str(danger_intents)) if danger_intents else None,
            PinyinReader.build(str(w) for w in raw.get("pinyin_words") or ()),
            frozenset(str(w).lower() for w in raw.get("latin_words") or ()),
        )

    def _read(self, text: str) -> str:
        """``text`` normalised, with danger words typed in pinyin read as characters."""
        normalized = _normalize(text)
        return normalized if self._pinyin is None else self._pinyin.read(normalized)

    @property
    def intents(self) -> tuple[str, ...]:
        """The safety intent names, highest priority first."""
        return tuple(dict.fromkeys(rule.intent for rule in self.rules))

    @property
    def physical_kinds(self) -> list[str]:
        """Every kind but self-harm (fire, injury, violence), in priority order."""
        return [rule.kind for rule in self.rules if rule.kind != SELF_HARM]

    def intent_of(self, kind: str) -> str:
        """The safety intent that stands for ``kind``."""
        return next(rule.intent for rule in self.rules if rule.kind == kind)

    def context(self, normalized_text: str, ranking: Sequence[IntentScore] = ()) -> Context:
        """Time and purpose of the whole (normalised) message; ``ranking`` is the classifier's."""

        def found(name: str) -> bool:
            return _search(self._context.get(name), normalized_text)

        legal_words = found("legal_topic")
        legal_topic = legal_words or self._classifier_sees_a_legal_topic(ranking)
        question = found("question")
        return Context(
            urgent=found("urgent"),
            now=found("now"),
            past=found("past"),
            self_harm_over=found("self_harm_over"),
            habitual=found("habitual"),
            legal_words=legal_words,
            other_topic=legal_words or self._classifier_sees_a_legal_topic(ranking, other=True),
            legal_question=legal_topic and question,
            consequence_question=found("consequence") and question,
            others=found("others"),
            media=found("media"),
            general=found("general"),
        )

    def _classifier_sees_a_legal_topic(
        self, ranking: Sequence[IntentScore], *, other: bool = False
    ) -> bool:
        # The best intent that is not a safety one: 累得想死 puts crisis_self_harm on top, but
        # the question that follows is still an overtime question. ``other``: a topic other
        # than the danger itself (``danger_intents``: forced labour).
        best = next((s for s in ranking if s.name not in self.intents), None)
        return (
            best is not None
            and best.confidence >= LEGAL_INTENT_CONFIDENCE
            and _search(self._legal_intents, best.name)
            and not (other and _search(self._danger_intents, best.name))
        )

    def levels(self, text: str, ranking: Sequence[IntentScore] = ()) -> dict[str, Level]:
        """Each kind's level in ``text`` by the rules (kinds with no danger left out).

        ``ranking`` is the classifier's; its best intent may tell that a question is a legal one.
        """
        normalized = self._read(text)
        return self._rule_levels(normalized, self.context(normalized, ranking), ranking)

    def signal(self, text: str) -> SafetySignal | None:
        """The rules' signal for ``text`` (None: no danger found)."""
        return _signal(self.levels(text))

    def judge(
        self,
        text: str,
        ranking: Sequence[IntentScore],
        semantic: DangerModel | None = None,
    ) -> Judgement:
        """The signal for ``text`` and the classifier's ranking made consistent with it.

        Where the rules find nothing, the classifier's safety guess and then ``semantic`` (a
        second opinion from sentence meaning) may still raise one. Emergency: the safety intents
        of its kinds go on top. Doubt or no danger: every safety intent goes below the best
        other intent, so the answer is the one to a legal question.
        """
        normalized = self._read(text)
        context = self.context(normalized, ranking)
        levels = self._rule_levels(normalized, context, ranking)
        opinion = Opinion(text, ranking, semantic, self.intent_of(SELF_HARM), self._physical_intent)
        if not levels and not self._speaks_against_a_guess(normalized, context, opinion):
            if self._models_can_read(normalized):
                levels = self._model_levels(context, ranking, opinion)
        elif Level.EMERGENCY not in levels.values():
            levels |= self._confirmed_by_the_models(levels, context, opinion)
        if Level.EMERGENCY in levels.values():
            levels |= self._related_kinds(normalized, levels, opinion)
        signal = _signal(levels)
        safety_intents = set(self.intents)
        if signal is not None and signal.emergency:
            hits = [r.intent for r in self.rules if levels.get(r.kind) == Level.EMERGENCY]
            return Judgement(_promote(list(dict.fromkeys(hits)), ranking), signal)
        if ranking and any(s.name in safety_intents for s in ranking):
            return Judgement(_demote(safety_intents, ranking), signal)
        return Judgement(list(ranking), signal)

    def _rule_levels(
        self, normalized: str, context: Context, ranking: Sequence[IntentScore] = ()
    ) -> dict[str, Level]:
        told, told_context = self._told(normalized, context, ranking)
        levels = {
            rule.kind: rule.level(normalized, context)
            if rule.kind == SELF_HARM
            else rule.level(told, told_context)
            for rule in self.rules
        }
        if told_context.past and told_context.now and not told_context.general:
            levels |= self._told_now_in_a_sentence(told, ranking, levels)
            if not told_context.media and levels.get(VIOLENCE) != Level.EMERGENCY:
                levels |= self._held_now_in_a_clause(told, ranking)
        if levels.get(SELF_HARM) == Level.DOUBT and context.past and context.now:
            levels |= self._own_self_harm_now(normalized, context, ranking)
        found = {kind: level for kind, level in levels.items() if level > Level.NONE}
        calm = context.legal_question or context.past
        if not found and not calm and _search(self._unspecified, normalized):
            found = dict.fromkeys(self._unspecified_kinds, Level.EMERGENCY)
        return found

    def _told_now_in_a_sentence(
        self, told: str, ranking: Sequence[IntentScore], levels: Mapping[str, Level]
    ) -> dict[str, Level]:
        """Physical kinds that one sentence tells as happening now, with no past of its own: a
        past event in another sentence (上个月还扣了我五百) does not calm a danger told now (刚刚被
        模具夹住了头, 现在趴在机器上没动). Round 28."""
        raised: dict[str, Level] = {}
        fire = next(r for r in self.rules if r.kind == FIRE)
        for sentence in _TOLD_APART.split(told):
            # Clause pairs only where a fire or a blast is named at all (most long messages
            # name none: reading their pairs' time and purpose would cost for nothing).
            named = _search(fire.danger, fire.without_look_alikes(sentence))
            parts = _sentence_and_clause_pairs(sentence) if named else [sentence]
            for part in parts:
                own = self.context(part, ranking)
                if not (own.now or own.urgent) or own.past or own.media:
                    continue
                # Round 40: a fire or a blast told now in two clauses of a long message typed
                # with commas only (…能不能告他们,对了现在抛光车间那边好像铝粉炸了); an injury
                # is not read this way (round 29: 去年压伤了手,现在还疼 is a past injury).
                kinds = [r for r in self.rules if r.kind != SELF_HARM]
                if part != sentence:  # 那时天天闻刺鼻的味 现在查出…: a standing smell, not one now
                    calm = own.legal_question or own.habitual
                    kinds = [r for r in kinds if r.kind == FIRE and not calm]
                for rule in kinds:
                    if levels.get(rule.kind) == Level.EMERGENCY or rule.kind in raised:
                        continue
                    if rule.level(part, own) == Level.EMERGENCY:
                        raised[rule.kind] = Level.EMERGENCY
        return raised

    def _held_now_in_a_clause(self, told: str, ranking: Sequence[IntentScore]) -> dict[str, Level]:
        """Held or beaten now, told in one clause with an explicit now (现在他们把我们关在小房间
        里已经一天了), after a past told in the same long comma-typed sentence (我是去年十月进的
        厂 … 后来一直扣钱 …): the past is what led to it. A clause that asks is not a telling.
        Round 41."""
        rule = next(r for r in self.rules if r.kind == VIOLENCE)
        asks = self._context.get("question")
        for clause in _CLAUSE_END.split(told):
            if not _EXPLICIT_NOW.search(clause) or _search(asks, clause):
                continue
            own = self.context(clause, ranking)
            if own.past or own.habitual or own.media:
                continue
            if rule.level(clause, own) == Level.EMERGENCY:
                return {VIOLENCE: Level.EMERGENCY}
        return {}

    def _own_self_harm_now(
        self, normalized: str, context: Context, ranking: Sequence[IntentScore]
    ) -> dict[str, Level]:
        """Self-harm done now, told in a sentence of its own with no past (刚刚我把药全部吞下去了),
        is not calmed by a past event in another sentence (上周被开除了): the dismissal is the
        cause, not a self-harm that is over. Someone else's, or one that is over, stays doubt.
        Round 30."""
        if context.others or context.self_harm_over or context.media:
            return {}
        rule = next(r for r in self.rules if r.kind == SELF_HARM)
        for sentence in _SENTENCE_END.split(normalized):
            # Round 35: a sentence typed with commas only is read two clauses at a time, the now
            # word in one and the act in the next (现在人在鱼塘边上,准备下去了).
            for part in _sentence_and_clause_pairs(sentence):
                own = self.context(part, ranking)
                # Two clauses that ask a legal question themselves are not a telling.
                asked = part != sentence and own.legal_question
                told_now = own.now and not own.past and not asked
                if told_now and rule.level(part, own) == Level.EMERGENCY:
                    return {SELF_HARM: Level.EMERGENCY}
        return {}

    def _told(
        self, normalized: str, context: Context, ranking: Sequence[IntentScore]
    ) -> tuple[str, Context]:
        """The text without the clauses that only suppose a physical danger (如果车间着火, 万一被
        锁) when the message asks a legal question, and its context: a fire or a lock supposed
        in a question about the law is not one happening now. Self-harm is never read this way
        (如果我死了 is a goodbye)."""
        supposed = self._context.get("supposed")
        if supposed is None or not context.legal_question or not _search(supposed, normalized):
            return normalized, context
        told = alternation(supposed).blank(normalized)
        return told, self.context(told, ranking)

    def _models_can_read(self, normalized: str) -> bool:
        """Whether the models' guess means anything: the message holds Chinese (typed or read
        from pinyin), pinyin run together (wodeshoubeyale), or a common English word. A keyboard
        mash (qwpoeiruty zmxncb) reads to the sentence encoder like danger. Round 41."""
        if _CJK.search(normalized):
            return True
        words = _LATIN_WORD.findall(normalized.lower())
        pinyin = self._pinyin
        return any(w in self._latin_words for w in words) or any(
            pinyin is not None and len(w) >= _MIN_PINYIN_LETTERS and pinyin.is_pinyin(w)
            for w in words
        )

    def _speaks_against_a_guess(self, normalized: str, context: Context, opinion: Opinion) -> bool:
        # A legal question outweighs a model's guess unless the models are very sure (round 28);
        # a look-alike phrase (累死了, 锁在门外) does too, unless the message cries for help now
        # (躲在厕所里, 救命): round 20.
        if context.legal_question:
            # A supposed danger (如果车间着火) reads as one to the models: only the rules judge it.
            supposed = _search(self._context.get("supposed"), normalized)
            if supposed or not opinion.reaches(MODEL_EMERGENCY_BESIDE_A_QUESTION):
                return True
        return not context.urgent and any(r.look_alike_in(normalized) for r in self.rules)

    def _kinds_of(self, intent: str) -> list[str]:
        return [r.kind for r in self.rules if r.intent == intent]

    @property
    def _physical_intent(self) -> str:
        return self.intent_of(self.physical_kinds[0])

    def _model_levels(
        self, context: Context, ranking: Sequence[IntentScore], opinion: Opinion
    ) -> dict[str, Level]:
        # The rules found nothing and nothing speaks against a guess: the models may know a
        # phrasing the rules miss. Together sure enough: an emergency with every plausible kind.
        # Less sure, but the classifier's best intent is a safety one: doubt (a gentle line).
        calm = (context.calm_as_past or context.media) and not context.urgent
        bar = _bar(context)
        if context.legal_question:  # only a very sure reading (round 28)
            bar = max(bar, MODEL_EMERGENCY_BESIDE_A_QUESTION)
        if not calm and opinion.reaches(bar):
            return dict.fromkeys(self._plausible_kinds(opinion), Level.EMERGENCY)
        if not ranking or ranking[0].name not in self.intents:
            return {}
        return dict.fromkeys(self._kinds_of(ranking[0].name), Level.DOUBT)

    def _plausible_kinds(self, opinion: Opinion) -> list[str]:
        # Either model finding a kind plausible is enough: in an emergency the models are unsure
        # which help is needed, and a help line too many costs little.
        self_harm, physical = opinion.highest
        kinds = []
        if self_harm >= PLAUSIBLE or opinion.self_harm >= opinion.physical:
            kinds.append(SELF_HARM)
        if physical >= PLAUSIBLE or opinion.physical > opinion.self_harm:
            kinds += self.physical_kinds
        return kinds

    def _confirmed_by_the_models(
        self, levels: Mapping[str, Level], context: Context, opinion: Opinion
    ) -> dict[str, Level]:
        # A phrase that may or may not be a physical danger (不让走, 手机被收了), told with no past
        # event, is an emergency when the models read danger in the whole message: beside a
        # legal question only when they are very sure (round 28). Self-harm doubt (累得想死
        # beside a question) is never raised this way.
        doubtful = [k for k, level in levels.items() if k != SELF_HARM and level == Level.DOUBT]
        if not doubtful or context.calm_as_past or context.media:
            return {}
        nothing_else = not context.other_topic and not context.habitual
        bar = CONFIRM_NOTHING_ELSE if nothing_else else CONFIRM
        if context.legal_question:
            bar = MODEL_EMERGENCY_BESIDE_A_QUESTION
        return dict.fromkeys(doubtful, Level.EMERGENCY) if opinion.physical >= bar else {}

    def _related_kinds(
        self, normalized: str, levels: Mapping[str, Level], opinion: Opinion
    ) -> dict[str, Level]:
        # In an emergency, over-giving a help line costs little and missing one costs much: a
        # kind the message names (火, 血, 锁) joins the signal even when its rule stays silent,
        # and self-harm joins when the message reads more like self-harm than anything else.
        related = {
            rule.kind: Level.DOUBT
            for rule in self.rules
            if rule.kind not in levels and rule.related_in(normalized)
        }
        if SELF_HARM not in levels and opinion.self_harm >= SELF_HARM_ALSO:
            related[SELF_HARM] = Level.DOUBT
        # A physical emergency: the kinds the semantic model reads in the whole message join
        # (someone hurt in a fight the rules only saw as violence): round 19. Self-harm alone
        # keeps its own help (its 120 included) and takes from the kinds part only the fire and
        # chemical help (charcoal or gas in a sealed room endangers others too: round 27).
        physical = any(kind != SELF_HARM for kind in levels)
        for kind, probability in opinion.kinds.items():
            wanted = physical or kind == SELF_HARM_ALSO_KIND
            if wanted and kind not in levels and kind not in related and probability >= KIND_ALSO:
                related[kind] = Level.DOUBT
        return related


class Opinion:
    """What the models read in one message: the classifier's ranking and the semantic model's
    probabilities, averaged (the semantic model is asked at most once, and only when needed)."""

    def __init__(
        self,
        text: str,
        ranking: Sequence[IntentScore],
        semantic: DangerModel | None,
        self_harm_intent: str,
        physical_intent: str,
    ) -> None:
        self._text = text
        self._semantic = semantic
        scores = {s.name: s.confidence for s in ranking}
        self._classifier = (scores.get(self_harm_intent, 0.0), scores.get(physical_intent, 0.0))
        # Computed on first use. Not functools.cached_property: on Python 3.11 it holds one
        # lock for every instance, so parses in other threads queued behind each embedding.
        self._read: tuple[float, float] | None = None
        self._kinds: dict[str, float] = {}
        self._asked = False

    def _ask(self) -> None:
        if self._asked:
            return
        self._asked = True
        if self._semantic is None:
            return
        read = getattr(self._semantic, "read", None)
        if read is None:  # a model without a kinds part
            self._read = self._semantic.danger(self._text)
            return
        reading = read(self._text)
        if reading is not None:
            self._read, self._kinds = reading.danger, reading.kinds

    @property
    def _reading(self) -> tuple[float, float] | None:
        self._ask()
        return self._read

    @property
    def kinds(self) -> dict[str, float]:
        """In an emergency, how likely each physical kind of help is needed (empty: no model
        with a kinds part)."""
        self._ask()
        return self._kinds

    @property
    def _both(self) -> tuple[float, float]:
        reading, classifier = self._reading, self._classifier
        if reading is None:
            return classifier
        return ((classifier[0] + reading[0]) / 2, (classifier[1] + reading[1]) / 2)

    @property
    def self_harm(self) -> float:
        """Probability of self-harm."""
        return self._both[0]

    @property
    def physical(self) -> float:
        """Probability of a physical danger (fire, injury, violence)."""
        return self._both[1]

    @property
    def danger(self) -> float:
        """Probability of any danger."""
        return sum(self._both)

    def reaches(self, bar: float) -> bool:
        """True when ``danger`` is at least ``bar``. The semantic model is not asked when the
        classifier alone rules it out: its two probabilities sum to at most 1."""
        unasked = not self._asked and self._semantic is not None
        if unasked and (sum(self._classifier) + 1.0) / 2 < bar:
            return False
        return self.danger >= bar

    @property
    def highest(self) -> tuple[float, float]:
        """The higher of the two models' probabilities of self-harm and of physical danger."""
        reading, classifier = self._reading, self._classifier
        if reading is None:
            return classifier
        return (max(classifier[0], reading[0]), max(classifier[1], reading[1]))


def _sentence_and_clause_pairs(sentence: str) -> list[str]:
    """``sentence`` itself, then each two neighbouring clauses of it (split at commas)."""
    clauses = _CLAUSE_END.split(sentence)
    pairs = [" ".join(clauses[i : i + 2]) for i in range(max(len(clauses) - 1, 1))]
    return list(dict.fromkeys([sentence, *pairs]))


def _bar(context: Context) -> float:
    """How sure the models must be to raise an emergency where the rules find nothing."""
    if context.legal_words:
        return MODEL_EMERGENCY_LEGAL_WORDS
    if context.now or context.urgent:
        return MODEL_EMERGENCY_NOW
    return MODEL_EMERGENCY


def _signal(levels: Mapping[str, Level]) -> SafetySignal | None:
    if not levels:
        return None
    kinds = tuple(kind for kind in DANGER_KINDS if kind in levels)
    return SafetySignal(kinds=kinds, emergency=Level.EMERGENCY in levels.values())


def _promote(hits: list[str], ranking: Sequence[IntentScore]) -> list[IntentScore]:
    scores = {s.name: s.confidence for s in ranking}
    top = [IntentScore(hits[0], max(scores.get(hits[0], 0.0), RULE_CONFIDENCE))]
    left = 1.0 - top[0].confidence
    for name in hits[1:]:
        confidence = min(scores.get(name, 0.0), left)
        top.append(IntentScore(name, confidence))
        left -= confidence
    rest = [s for s in ranking if s.name not in hits]
    rest_total = sum(s.confidence for s in rest)
    scale = left / rest_total if rest_total > 0 else 0.0
    return top + [IntentScore(s.name, s.confidence * scale) for s in rest]


def _demote(demoted: set[str], ranking: Sequence[IntentScore]) -> list[IntentScore]:
    # Each demoted intent ends below the best other intent, whatever the classifier thought.
    best_other = max((s.confidence for s in ranking if s.name not in demoted), default=0.0)
    if best_other <= 0:
        return list(ranking)
    weights = [
        min(s.confidence * DEMOTED_SHARE, best_other / 2) if s.name in demoted else s.confidence
        for s in ranking
    ]
    total = sum(weights)
    scored = [IntentScore(s.name, w / total) for s, w in zip(ranking, weights, strict=True)]
    return sorted(scored, key=lambda s: s.confidence, reverse=True)
