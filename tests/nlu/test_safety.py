"""The safety layer: the right kind of help for a danger now, and no false alarm that eats a
legal answer.

Measured on two sets written by someone else (nlu/safety_sets/safety_set_tune.yml, which the
rules were tuned on, and safety_set_heldout.yml, read since round 12: only its aggregate numbers
are printed; both also train the semantic second opinion since round 18) and on our own
tables. Print the numbers with
``uv run --frozen python -m pytest tests/nlu/test_safety.py -s -k measured -rxX``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu import load_backend
from nlu.embedded import EmbeddedBackend, semantic
from nlu.embedded.safety import Opinion, SafetyLayer
from nlu.embedded.semantic import SAFETY_SETS_DIR, SemanticReading
from nlu.rasa_backend import result_from_rasa
from nlu.settings import PROJECT_ROOT
from nlu.training_data import load_training_data
from nlu.types import DANGER_KINDS, IntentScore, NluBackend, ParseResult, SafetySignal
from tests.nlu.conftest import FIXTURES_DIR, load_cases

SAFETY_INTENTS = ("crisis_self_harm", "urgent_danger")
MIN_RECALL = 0.98  # dangerous messages that get every kind of help they need, as an emergency
MAX_FALSE_ALARMS = 0.03  # look-alikes whose legal answer is replaced by the help
# What the held-out set measured last: 100% / 0.0% with the semantic opinion (round 13,
# 2026-12-03; 99.1% / 2.7% at round 12, 92.7% / 2.7% at round 10, 84.5% / 3.6% before). Round 12
# was written from this set's misses among others, so it no longer measures generalisation (the
# blind sets do); it guards against regressions. A change may only improve on it (one message
# of slack each side).
HELDOUT_RECALL_FLOOR = 0.99
HELDOUT_FALSE_ALARM_CEILING = 0.01
TUNE_SET = SAFETY_SETS_DIR / "safety_set_tune.yml"
HELDOUT_SET = SAFETY_SETS_DIR / "safety_set_heldout.yml"

OWN = load_cases("safety_cases.yml")
EXTRA = yaml.safe_load((FIXTURES_DIR / "safety_extra.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def backend() -> NluBackend:
    """The real embedded backend, as the bot loads it (model cached by data hash)."""
    return load_backend("embedded")


def gets_the_right_help(result: ParseResult, kinds: Iterable[str]) -> bool:
    """An emergency whose kinds include every kind the message needs help for."""
    signal = result.safety
    return (
        signal is not None
        and signal.emergency
        and set(kinds) <= set(signal.kinds)
        and result.intent.name in SAFETY_INTENTS
    )


def replaces_the_answer(result: ParseResult) -> bool:
    """The help would replace the answer (an emergency, or a safety intent on top)."""
    emergency = result.safety is not None and result.safety.emergency
    return emergency or result.intent.name in SAFETY_INTENTS


@dataclass(frozen=True, slots=True)
class Score:
    """Aggregate numbers of one safety set (no texts, so a held-out set stays unread)."""

    dangerous: int
    helped: int
    look_alikes: int
    false_alarms: int
    missed_by_category: Mapping[str, int]
    alarms_by_category: Mapping[str, int]

    @property
    def recall(self) -> float:
        return self.helped / self.dangerous

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.look_alikes

    def line(self, name: str) -> str:
        return (
            f"{name}: right help {self.recall:.1%} ({self.helped}/{self.dangerous}); "
            f"false alarms {self.false_alarm_rate:.1%} ({self.false_alarms}/{self.look_alikes}); "
            f"missed by category {dict(self.missed_by_category)}; "
            f"alarms by category {dict(self.alarms_by_category)}"
        )


def score(backend: NluBackend, cases: Mapping[str, Any]) -> Score:
    """Recall of the right help and rate of false alarms over a set's two lists."""
    missed: Counter[str] = Counter()
    alarms: Counter[str] = Counter()
    dangerous, look_alikes = cases["dangerous"], cases["look_alikes"]
    for item in dangerous:
        if not gets_the_right_help(backend.parse(item["text"]), item["kinds"]):
            missed[str(item.get("category", ""))] += 1
    for item in look_alikes:
        if replaces_the_answer(backend.parse(item["text"])):
            alarms[str(item.get("category", ""))] += 1
    return Score(
        dangerous=len(dangerous),
        helped=len(dangerous) - sum(missed.values()),
        look_alikes=len(look_alikes),
        false_alarms=sum(alarms.values()),
        missed_by_category=missed,
        alarms_by_category=alarms,
    )


def _measured_set(path: Path) -> Mapping[str, Any]:
    if not path.exists():
        pytest.skip(f"{path.name} is not written yet")
    cases: Mapping[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return cases


# ---- the measured sets ------------------------------------------------------------------


def test_measured_on_the_tune_set(backend: NluBackend) -> None:
    cases = _measured_set(TUNE_SET)
    result = score(backend, cases)
    print(result.line("tune"))
    missed = [
        (item["text"], item["kinds"])
        for item in cases["dangerous"]
        if not gets_the_right_help(backend.parse(item["text"]), item["kinds"])
    ]
    alarms = [
        item["text"]
        for item in cases["look_alikes"]
        if replaces_the_answer(backend.parse(item["text"]))
    ]
    print(f"tune misses: {missed}\ntune false alarms: {alarms}")
    assert result.recall >= MIN_RECALL
    assert result.false_alarm_rate <= MAX_FALSE_ALARMS


def _heldout_score(backend: NluBackend) -> tuple[float, float]:
    # Only aggregate numbers leave this function: the held-out texts are never printed.
    result = score(backend, _measured_set(HELDOUT_SET))
    print(result.line("held-out"))
    return result.recall, result.false_alarm_rate


def test_measured_on_the_heldout_set_does_not_regress(backend: NluBackend) -> None:
    """The floor measured when the rules were last changed (see the report in the commit)."""
    recall, false_alarm_rate = _heldout_score(backend)
    assert recall >= HELDOUT_RECALL_FLOOR
    assert false_alarm_rate <= HELDOUT_FALSE_ALARM_CEILING


# ---- our own tables ---------------------------------------------------------------------


def test_own_lists_are_long_and_varied() -> None:
    kinds = Counter(k for item in OWN["dangerous"] for k in item["kinds"])
    assert set(kinds) == set(DANGER_KINDS)
    assert min(kinds.values()) >= 15
    assert len(OWN["look_alikes"]) >= 80
    texts = [i["text"] for i in OWN["dangerous"] + OWN["look_alikes"] + EXTRA["dangerous"]]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("cases", [OWN, EXTRA], ids=["own", "extra"])
def test_own_cases(backend: NluBackend, cases: Mapping[str, Any]) -> None:
    result = score(backend, cases)
    print(result.line("own"))
    assert result.recall >= MIN_RECALL
    assert result.false_alarm_rate <= MAX_FALSE_ALARMS


@pytest.mark.parametrize("item", OWN["doubt"], ids=lambda item: item["text"])
def test_doubt_adds_a_line_and_keeps_the_answer(backend: NluBackend, item: Any) -> None:
    result = backend.parse(item["text"])
    assert result.safety is not None
    assert (result.safety.emergency, set(item["kinds"]) <= set(result.safety.kinds)) == (
        False,
        True,
    )
    assert result.intent.name not in SAFETY_INTENTS


def test_a_safety_intent_is_on_top_exactly_in_an_emergency(backend: NluBackend) -> None:
    texts = [i["text"] for i in OWN["dangerous"] + OWN["doubt"] + OWN["look_alikes"]]
    for text in texts:
        result = backend.parse(text)
        emergency = result.safety is not None and result.safety.emergency
        assert (text, result.intent.name in SAFETY_INTENTS) == (text, emergency)


# ---- one rule at a time -----------------------------------------------------------------

SELF, FIRE, HURT, HELD = DANGER_KINDS

RULES = [
    # each kind gets its own help
    ("我想从宿舍楼上跳下去", (SELF,), True),
    ("仓库着火了 烟好大", (FIRE,), True),
    ("工友从架子上摔下来 不动了", (HURT,), True),
    ("我们被锁在宿舍里出不去", (HELD,), True),
    # several at once: all of them, self-harm first
    ("车间着火了 有人被压在下面", (FIRE, HURT), True),
    ("他们把门锁了 外面着火了", (FIRE, HELD), True),
    ("被打得头破了 一直流血", (HURT, HELD), True),
    # a self-harm method that looks like another danger is self-harm; gas also endangers others
    ("我准备在房间里烧炭", (SELF, FIRE), True),
    ("想喝农药死了算了", (SELF,), True),
    ("我把宿舍的煤气打开了 不想活了", (SELF, FIRE), True),
    # a goodbye that carries a plan is never a goodbye
    ("这是最后一次找你了 药我都攒够了", (SELF,), True),
    ("谢谢你 以后不会再来了 绳子准备好了", (SELF,), True),
    # a plan stays an emergency beside a legal question
    ("我死了厂里能赔多少给我爸妈", (SELF,), True),
    # words that say it is happening now beat a question
    ("工友手被卷进机器了 快叫救护车 算工伤吗", (HURT,), True),
    ("去年被他们打过 现在他们又在宿舍楼下堵我 还在砸门", (HURT, HELD), True),
    # hyperbole, doubt beside a question: the answer plus a gentle line
    ("累得想死 这周加班费咋算", (SELF,), False),
    ("真是不想活了 工伤认定到底要多久", (SELF,), False),
    ("手被机器压伤了 算工伤吗", (HURT,), False),
    ("同事在宿舍跳楼了 厂里要赔吗", (SELF,), False),
    # past events asked about, fighting words, idioms, being locked out: no signal
    ("前年手被压伤评了十级 还能赔多少", None, None),
    ("去年车间着过火 现在厂里不给赔", None, None),
    ("跟厂里拼到底 要去仲裁", None, None),
    ("老板不给钱 大不了鱼死网破", None, None),
    ("被锁在厂门外面", None, None),
    ("迟到了被关在门外 算旷工吗", None, None),
    ("累死了 今天又加班", None, None),
    ("我想跳槽去别的厂", None, None),
    ("工资被压了两个月", None, None),
]


@pytest.mark.parametrize(("text", "kinds", "emergency"), RULES, ids=[r[0] for r in RULES])
def test_rule(
    backend: NluBackend, text: str, kinds: tuple[str, ...] | None, emergency: bool | None
) -> None:
    expected = None if kinds is None else SafetySignal(kinds, bool(emergency))
    result = backend.parse(text)
    assert result.safety == expected
    assert (result.intent.name in SAFETY_INTENTS) == bool(emergency)


def test_kinds_come_in_priority_order() -> None:
    signal = SafetyLayer.load().signal("车间着火了 我被关在里面 我不想活了 有人晕倒了")
    assert signal == SafetySignal(DANGER_KINDS, emergency=True)


def test_the_rules_alone_find_most_dangers() -> None:
    """The regular expressions by themselves, so recall does not hang on the classifier."""
    layer = SafetyLayer.load()
    dangerous = OWN["dangerous"]
    found = [
        item
        for item in dangerous
        if (signal := layer.signal(item["text"])) is not None
        and signal.emergency
        and set(item["kinds"]) <= set(signal.kinds)
    ]
    print(f"rules alone: {len(found)}/{len(dangerous)}")
    # Rounds 8-9 added veiled messages (a plan without a keyword) that only the two models
    # together catch: the rules alone find 410 of 514 (80%).
    assert len(found) >= 0.78 * len(dangerous)


def test_rules_rarely_raise_an_alarm_on_ordinary_questions() -> None:
    """Emergencies among the 2,000-odd non-safety training sentences (questions, chat)."""
    layer = SafetyLayer.load()
    ordinary = [
        e.text
        for e in load_training_data(PROJECT_ROOT / "nlu" / "data").examples
        if e.intent not in SAFETY_INTENTS
    ]
    alarms = [t for t in ordinary if (s := layer.signal(t)) is not None and s.emergency]
    print(f"rules raise an alarm on {len(alarms)} of {len(ordinary)} ordinary sentences: {alarms}")
    assert len(alarms) <= 0.005 * len(ordinary)


# ---- the ranking follows the signal -----------------------------------------------------


def _ranking(**scores: float) -> list[IntentScore]:
    return [IntentScore(name, c) for name, c in scores.items()]


def test_an_emergency_puts_its_safety_intents_on_top() -> None:
    judgement = SafetyLayer.load().judge(
        "我不想活了 车间着火了",
        _ranking(ask_wages_arrears=0.6, urgent_danger=0.2, crisis_self_harm=0.1, greet=0.1),
    )
    names = [s.name for s in judgement.ranking]
    assert names[:2] == ["crisis_self_harm", "urgent_danger"]
    assert judgement.ranking[0].confidence == pytest.approx(0.9)
    assert sum(s.confidence for s in judgement.ranking) == pytest.approx(1.0)


def test_doubt_keeps_the_legal_intent_on_top() -> None:
    judgement = SafetyLayer.load().judge(
        "累得想死 这周加班费咋算", _ranking(crisis_self_harm=0.9, ask_overtime=0.1)
    )
    assert [s.name for s in judgement.ranking] == ["ask_overtime", "crisis_self_harm"]
    assert judgement.signal == SafetySignal((SELF,), emergency=False)
    assert sum(s.confidence for s in judgement.ranking) == pytest.approx(1.0)


def test_a_look_alike_demotes_the_classifiers_safety_guess() -> None:
    judgement = SafetyLayer.load().judge("累死了", _ranking(crisis_self_harm=0.6, ask_overtime=0.4))
    assert [s.name for s in judgement.ranking] == ["ask_overtime", "crisis_self_harm"]
    assert judgement.signal is None


def test_the_classifier_alone_is_an_emergency_only_when_sure() -> None:
    layer = SafetyLayer.load()
    sure = layer.judge("嗯嗯嗯", _ranking(crisis_self_harm=0.8, greet=0.2))
    unsure = layer.judge("嗯嗯嗯", _ranking(crisis_self_harm=0.35, greet=0.4, thanks=0.25))
    assert (sure.signal, sure.ranking[0].name) == (SafetySignal((SELF,), True), "crisis_self_harm")
    assert (unsure.signal, unsure.ranking[0].name) == (SafetySignal((SELF,), False), "greet")


class FixedOpinion:
    """A stand-in for the semantic model: the same probabilities for every text."""

    def __init__(self, self_harm: float, physical: float) -> None:
        self.calls = 0
        self.probabilities = (self_harm, physical)

    def danger(self, text: str) -> tuple[float, float]:
        self.calls += 1
        return self.probabilities


@pytest.mark.parametrize(
    ("ranking", "opinion", "expected"),
    [
        # the two models agree: an emergency of the kind they read
        (_ranking(crisis_self_harm=0.6, greet=0.4), FixedOpinion(0.8, 0.05), (SELF,)),
        (_ranking(urgent_danger=0.6, greet=0.4), FixedOpinion(0.05, 0.8), (FIRE, HURT, HELD)),
        # they disagree on the kind: both kinds' help
        (_ranking(crisis_self_harm=0.5, greet=0.5), FixedOpinion(0.1, 0.7), DANGER_KINDS),
        # one model alone, however sure, is not enough: a short everyday sentence (想家了) can
        # look like a crisis to one of them
        (_ranking(greet=0.6, thanks=0.4), FixedOpinion(0.8, 0.05), None),
        (_ranking(greet=0.6, thanks=0.4), FixedOpinion(0.2, 0.2), None),
    ],
)
def test_the_models_raise_an_emergency_together_where_the_rules_find_nothing(
    ranking: list[IntentScore], opinion: FixedOpinion, expected: tuple[str, ...] | None
) -> None:
    judgement = SafetyLayer.load().judge("嗯嗯嗯", ranking, opinion)
    assert judgement.signal == (None if expected is None else SafetySignal(expected, True))
    assert (judgement.ranking[0].name in SAFETY_INTENTS) == (expected is not None)


@pytest.mark.parametrize(
    ("text", "semantic_self_harm"),
    [
        ("加班费怎么算", 0.3),  # a legal question, the models together not very sure
        ("累死了", 0.9),  # a look-alike phrase
        ("去年的事了", 0.9),  # a past event
    ],
)
def test_a_legal_question_a_look_alike_or_a_past_event_outweighs_the_models(
    text: str, semantic_self_harm: float
) -> None:
    judgement = SafetyLayer.load().judge(
        text, _ranking(crisis_self_harm=0.9, greet=0.1), FixedOpinion(semantic_self_harm, 0.05)
    )
    assert judgement.signal is None or not judgement.signal.emergency
    assert judgement.ranking[0].name not in SAFETY_INTENTS


def test_very_sure_models_raise_an_emergency_beside_a_legal_question() -> None:
    # Round 28: a danger the rules miss, told with a question (工资还能领吗 … 今晚就办).
    judgement = SafetyLayer.load().judge(
        "加班费怎么算", _ranking(crisis_self_harm=0.9, greet=0.1), FixedOpinion(0.9, 0.05)
    )
    assert judgement.signal == SafetySignal((SELF,), True)


def test_a_cry_for_help_now_lifts_a_look_alike() -> None:
    # 把门锁了 can be a place locked up; hiding from someone now, it is not (round 20).
    judged = SafetyLayer.load().judge(
        "他把门锁了 我现在躲在厕所里",
        _ranking(urgent_danger=0.6, greet=0.4),
        FixedOpinion(0.05, 0.9),
    )
    assert judged.signal is not None and judged.signal.emergency
    assert HELD in judged.signal.kinds


def test_another_sense_of_a_word_does_not_silence_the_models() -> None:
    # 打工 (to work) is not 打 (to hit): it keeps the violence rule quiet, not the models.
    judgement = SafetyLayer.load().judge(
        "我是被骗来打工的 门口有狗", _ranking(urgent_danger=0.6, greet=0.4), FixedOpinion(0.05, 0.8)
    )
    assert judgement.signal == SafetySignal((FIRE, HURT, HELD), True)


def test_the_models_confirm_a_physical_danger_the_rules_only_doubt() -> None:
    layer = SafetyLayer.load()
    text = "说是培训 不让我们走"
    assert layer.judge(text, _ranking(greet=1.0)).signal == SafetySignal((HELD,), False)
    judged = layer.judge(text, _ranking(urgent_danger=0.5, greet=0.5), FixedOpinion(0.05, 0.8))
    assert judged.signal == SafetySignal((HELD,), True)


def test_signs_of_a_goodbye_add_up() -> None:
    # Round 16: each sign alone says little (谢谢 再见 closes many chats); two different ones
    # are a goodbye, an emergency even beside a legal question.
    layer = SafetyLayer.load()
    assert layer.signal("谢谢你们一直陪我聊 再见") is None
    two = layer.signal("工资也不要了 手机号月底就停 加班费怎么算")
    assert two == SafetySignal((SELF,), True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # retold from the news or a film: a gentle line, never an alarm
        ("新闻里说有人被关在厂里 扣押工人犯法吗", SafetySignal((HELD,), False)),
        ("看新闻说有人在宿舍烧炭 我们宿舍能装电暖器吗", SafetySignal((SELF,), False)),
        # supposed beside a legal question: the supposed clause is not read as told
        ("如果车间着火老板锁门不让走 法律怎么规定的", None),
        # ... but a danger told beside the supposition still is one
        ("他们把我关在宿舍 如果我报警 工资还能要回来吗", SafetySignal((HELD,), True)),
        # ... and a self-harm goodbye is never a supposition
        ("如果我死了 工资能不能给我妈", SafetySignal((SELF,), True)),
    ],
)
def test_news_and_suppositions_are_not_told_dangers(
    text: str, expected: SafetySignal | None
) -> None:
    assert SafetyLayer.load().judge(text, _ranking(greet=1.0)).signal == expected


def test_dialect_forms_are_read_as_their_common_form() -> None:
    # Cantonese 嚟 is 来 (又嚟拍门: they are back at the door), Northern 俺 is 我.
    signal = SafetyLayer.load().signal("佢又嚟拍门 话唔开就撬门入嚟")
    assert signal == SafetySignal((HELD,), True)


def test_a_doubt_with_nothing_else_said_needs_little_from_the_models() -> None:
    # Round 16: a phrase that may be holding (不让我们走), with no labour-law topic and no
    # question, is help first when the models read even a little danger; beside wage words
    # they must read as much as before.
    layer = SafetyLayer.load()
    ranking = _ranking(urgent_danger=0.3, greet=0.7)
    alone = layer.judge("说是培训 不让我们走", ranking, FixedOpinion(0.0, 0.1)).signal
    wages = layer.judge("说是培训 不让我们走 工资也没发", ranking, FixedOpinion(0.0, 0.1)).signal
    assert (alone, wages) == (SafetySignal((HELD,), True), SafetySignal((HELD,), False))


def test_forced_labour_as_the_topic_is_not_something_else() -> None:
    # The classifier reading "forced labour" does not make 不让我们走 a labour question.
    layer = SafetyLayer.load()
    ranking = _ranking(ask_child_or_forced_labor=0.5, urgent_danger=0.3, greet=0.2)
    judged = layer.judge("说是培训 不让我们走", ranking, FixedOpinion(0.0, 0.1))
    assert judged.signal == SafetySignal((HELD,), True)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # the rule finds violence; 砸 also names an injury, so 120 is given too
        ("去年被他们打过 现在他们又在宿舍楼下堵我 还在砸门", (HURT, HELD)),
        ("仓库着火了 我的手也烧到了", (FIRE, HURT)),
        ("刚才吃了一大把药 现在头好晕", (SELF, HURT)),
    ],
)
def test_an_emergency_gets_the_help_of_every_kind_it_names(
    text: str, kinds: tuple[str, ...]
) -> None:
    assert SafetyLayer.load().judge(text, _ranking(greet=1.0)).signal == SafetySignal(kinds, True)


def test_the_models_add_self_harm_to_a_physical_emergency() -> None:
    layer = SafetyLayer.load()
    text = "我在出租屋把门反锁了"
    plain = layer.judge(text, _ranking(greet=1.0), FixedOpinion(0.05, 0.3)).signal
    judged = layer.judge(text, _ranking(greet=1.0), FixedOpinion(0.7, 0.1)).signal
    assert (plain, judged) == (SafetySignal((HELD,), True), SafetySignal((SELF, HELD), True))


class KindsOpinion(FixedOpinion):
    """A stand-in semantic model with a kinds part: the same reading for every text."""

    def __init__(self, kinds: dict[str, float]) -> None:
        super().__init__(0.0, 0.9)
        self.kinds = kinds

    def read(self, text: str) -> SemanticReading:
        self.calls += 1
        return SemanticReading(self.probabilities, self.kinds)


def test_a_physical_emergency_gets_the_help_the_kinds_part_reads() -> None:
    # The rules see a beating now; the model reads someone hurt as well (round 19).
    opinion = KindsOpinion({"fire_chemical": 0.1, "injury": 0.7, "violence_confinement": 0.9})
    judgement = SafetyLayer.load().judge("保安正在打人", _ranking(greet=1.0), opinion)
    assert judgement.signal == SafetySignal((HURT, HELD), True)


@pytest.mark.parametrize(
    ("fire", "expected"),
    [(0.9, SafetySignal((SELF, FIRE), True)), (0.1, SafetySignal((SELF,), True))],
)
def test_self_harm_alone_takes_only_the_fire_help_from_the_kinds_part(
    fire: float, expected: SafetySignal
) -> None:
    # Charcoal or gas in a sealed room endangers others too (round 27); the self-harm help
    # already carries 120, and the police help the kinds part reads is not added.
    opinion = KindsOpinion({"fire_chemical": fire, "injury": 0.9, "violence_confinement": 0.9})
    judgement = SafetyLayer.load().judge("我不想活了", _ranking(greet=1.0), opinion)
    assert (judgement.signal, opinion.calls) == (expected, 1)


def test_the_semantic_danger_reading_does_not_overrule_the_rules() -> None:
    # The rules decided self-harm; the model is asked once (for the kinds) and its reading of
    # physical danger adds nothing.
    opinion = FixedOpinion(0.05, 0.9)
    judgement = SafetyLayer.load().judge("我不想活了", _ranking(greet=1.0), opinion)
    assert (judgement.signal, opinion.calls) == (SafetySignal((SELF,), True), 1)


def test_without_the_encoder_there_is_no_semantic_model() -> None:
    if semantic.encoder() is not None:
        pytest.skip("the sentence encoder is installed here")
    model = semantic.train_semantic_safety(
        ["我想死", "着火了", "加班费"],
        ["crisis_self_harm", "urgent_danger", "ask_overtime"],
        self_harm="crisis_self_harm",
        physical="urgent_danger",
    )
    assert model is None


def test_no_danger_no_change() -> None:
    ranking = _ranking(ask_overtime=0.8, greet=0.2)
    judgement = SafetyLayer.load().judge("加班费怎么算", ranking)
    assert (judgement.ranking, judgement.signal) == (ranking, None)


# ---- the Rasa backend gets the same signal ----------------------------------------------


@pytest.mark.parametrize(("text", "kinds", "emergency"), RULES, ids=[r[0] for r in RULES])
def test_rasa_results_carry_the_same_signal(
    backend: NluBackend, text: str, kinds: tuple[str, ...] | None, emergency: bool | None
) -> None:
    embedded = backend.parse(text)
    payload = {
        "intent_ranking": [{"name": s.name, "confidence": s.confidence} for s in embedded.ranking]
    }
    opinion = backend.model.semantic if isinstance(backend, EmbeddedBackend) else None
    rasa = result_from_rasa(text, payload, safety=SafetyLayer.load(), opinion=opinion)
    assert rasa is not None
    assert (rasa.safety, rasa.intent.name) == (embedded.safety, embedded.intent.name)


# ---- loading --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("kinds:\n  self_harm:\n    intent: x\n    patterns:\n      - 不想活|\n", "empty text"),
        ("kinds:\n  flood:\n    intent: x\n    patterns:\n      - 淹\n", "unknown kind"),
        ("kinds:\n  injury:\n    intent: x\n    patterns:\n      - (流血\n", "bad regular"),
    ],
)
def test_a_broken_rule_file_is_refused(tmp_path: Path, content: str, error: str) -> None:
    path = tmp_path / "safety.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        SafetyLayer.load(path)


def test_safety_intents_exist_in_the_model(backend: NluBackend) -> None:
    assert set(SafetyLayer.load().intents) == set(SAFETY_INTENTS)
    ranking = backend.parse("加班费怎么算").ranking
    assert set(SAFETY_INTENTS) <= {s.name for s in ranking}


class _FixedReading:
    """A semantic model that reads the same probabilities in every message, and counts."""

    def __init__(self, self_harm: float, physical: float) -> None:
        self.reading = (self_harm, physical)
        self.asked = 0

    def danger(self, text: str) -> tuple[float, float]:
        self.asked += 1
        return self.reading


@settings(max_examples=300, deadline=None)
@given(
    classifier=st.tuples(st.floats(0, 0.5), st.floats(0, 0.5)),
    reading=st.tuples(st.floats(0, 1), st.floats(0, 1)).filter(lambda r: sum(r) <= 1),
    bar=st.sampled_from([0.4, 0.45, 0.65]),
)
def test_the_semantic_model_is_skipped_only_when_it_could_not_raise_the_alarm(
    classifier: tuple[float, float], reading: tuple[float, float], bar: float
) -> None:
    model = _FixedReading(*reading)
    ranking = [IntentScore("crisis_self_harm", classifier[0]), IntentScore("x", classifier[1])]
    opinion = Opinion("文字", ranking, model, "crisis_self_harm", "x")

    reached = opinion.reaches(bar)
    if model.asked == 0:  # skipped: only when it could not have reached the bar
        assert not reached
        assert opinion.danger < bar
    else:
        assert reached == (opinion.danger >= bar)
