"""The evaluation's metric code on tiny data, and one small embedded-only run end to end."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from nlu.evaluation import (
    RESULTS_BEGIN,
    RESULTS_END,
    TRAIN_ONLY,
    EvaluationOptions,
    IntentRow,
    evaluate,
    fold_assignments,
    percentile_ms,
    render_markdown,
    score,
    write_markdown_results,
)
from nlu.rasa_runtime import write_rasa_training_data
from nlu.training_data import TrainingData, load_training_data


def test_score_matches_hand_computed_metrics() -> None:
    gold = ["a", "a", "b", "b"]
    predicted = ["a", "b", "b", "b"]

    scores = score(gold, predicted)

    assert scores.accuracy == 0.75
    assert scores.per_intent == (
        IntentRow("a", precision=1.0, recall=0.5, f1=pytest.approx(2 / 3), support=2),
        IntentRow("b", precision=pytest.approx(2 / 3), recall=1.0, f1=0.8, support=2),
    )
    assert scores.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    assert scores.confused == (("a", "b", 1),)


def test_score_counts_a_prediction_outside_the_gold_intents_as_wrong() -> None:
    scores = score(["a", "b"], ["a", "nlu_fallback"])

    assert scores.accuracy == 0.5
    assert [row.intent for row in scores.per_intent] == ["a", "b"]
    assert scores.per_intent[1].recall == 0.0
    assert scores.confused == (("b", "nlu_fallback", 1),)


def test_confused_pairs_are_most_frequent_first_and_cut_to_top() -> None:
    gold = ["a", "a", "a", "b", "c"]
    predicted = ["b", "b", "c", "a", "a"]

    scores = score(gold, predicted, top=2)

    assert scores.confused == (("a", "b", 2), ("a", "c", 1))


def test_score_refuses_mismatched_or_empty_input() -> None:
    with pytest.raises(ValueError, match="length"):
        score(["a"], [])
    with pytest.raises(ValueError, match="nothing"):
        score([], [])


def test_folds_are_stratified_cover_every_example_once_and_are_repeatable() -> None:
    labels = ["a"] * 10 + ["b"] * 5 + ["c"] * 2

    first = fold_assignments(labels, 5, seed=7)
    second = fold_assignments(labels, 5, seed=7)

    assert first == second
    per_fold_a = Counter(f for f, label in zip(first, labels, strict=True) if label == "a")
    per_fold_b = Counter(f for f, label in zip(first, labels, strict=True) if label == "b")
    assert per_fold_a == {0: 2, 1: 2, 2: 2, 3: 2, 4: 2}
    assert per_fold_b == {0: 1, 1: 1, 2: 1, 3: 1, 4: 1}
    # An intent with fewer examples than folds is never held out.
    assert [f for f, label in zip(first, labels, strict=True) if label == "c"] == [
        TRAIN_ONLY,
        TRAIN_ONLY,
    ]


def test_folds_differ_with_the_seed() -> None:
    labels = ["a"] * 10 + ["b"] * 10

    assert fold_assignments(labels, 5, seed=1) != fold_assignments(labels, 5, seed=2)


def test_folds_need_two_intents_that_can_be_held_out() -> None:
    with pytest.raises(ValueError, match="fewer than 2 intents"):
        fold_assignments(["a"] * 5 + ["b"], 5)
    with pytest.raises(ValueError, match="at least 2 folds"):
        fold_assignments(["a", "b"], 1)


def test_percentile_is_in_milliseconds() -> None:
    seconds = [0.001 * n for n in range(1, 101)]

    assert percentile_ms(seconds, 50) == pytest.approx(50.5)
    assert percentile_ms(seconds, 99) == pytest.approx(99.01)


TINY_DATA = """\
version: "3.1"
nlu:
- intent: ask_overtime
  examples: |
    - 加班费怎么算
    - 周末加班给多少加班费
    - 晚上加班有没有加班费
    - 加班费按几倍算
    - 节假日加班费是多少
    - 每天加班没有加班费
- intent: ask_housing_fund
  examples: |
    - 公积金怎么交
    - 厂里不交公积金
    - 住房公积金能取出来吗
    - 公积金比例是多少
    - 离职了公积金怎么办
    - 公积金没交可以投诉吗
- intent: greet
  examples: |
    - 你好
    - 您好啊
    - 你好你好
    - 哈喽你好
    - 您好在吗
    - 你好呀
"""


@pytest.mark.slow
def test_embedded_only_run_end_to_end_on_tiny_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "nlu.yml").write_text(TINY_DATA, encoding="utf-8")
    dev = tmp_path / "dev.jsonl"
    rows = [{"question": "加班费到底怎么算", "topic": "overtime"},
            {"question": "公积金可以不交吗", "topic": "housing_fund"}]  # fmt: skip
    dev.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")

    report = evaluate(
        EvaluationOptions(backends=("embedded",), folds=2, data_dir=data_dir, dev_path=dev)
    )

    (embedded,) = report.backends
    assert (report.examples, report.intents, report.held_out) == (18, 3, 18)
    assert embedded.evaluated == 18
    assert embedded.scores is not None
    assert [row.support for row in embedded.scores.per_intent] == [6, 6, 6]
    assert embedded.scores.accuracy >= 0.8  # three clearly different intents
    assert len(embedded.fold_train_seconds) == 2
    assert embedded.latency_texts == 18
    assert embedded.latency_p50_ms is not None
    assert embedded.latency_p99_ms is not None
    assert 0 < embedded.latency_p50_ms <= embedded.latency_p99_ms
    assert embedded.rss_mb is not None
    assert embedded.rss_mb > 20
    assert embedded.dev is not None
    assert embedded.dev.questions == 2
    assert embedded.dev.top1 == 1.0
    markdown = render_markdown(report)
    assert "| accuracy |" in markdown
    assert "| ask_overtime | 6 |" in markdown


def test_results_replace_only_the_marked_section(tmp_path: Path) -> None:
    from nlu.evaluation import EvaluationReport

    report = EvaluationReport(
        command="gongyou nlu-eval", generated="now", machine="m", folds=5, seed=42,
        examples=0, held_out=0, intents=0, data_hash="h", rasa_diet_epochs=None,
    )  # fmt: skip
    doc = tmp_path / "nlu.md"
    doc.write_text(
        f"# Design\n\n{RESULTS_BEGIN}\nold numbers\n{RESULTS_END}\n\n## After\n", "utf-8"
    )

    write_markdown_results(doc, report)

    text = doc.read_text("utf-8")
    assert text.startswith("# Design\n\n" + RESULTS_BEGIN)
    assert "old numbers" not in text
    assert "Command: `gongyou nlu-eval`" in text
    assert text.endswith(RESULTS_END + "\n## After\n")


def test_fold_training_data_round_trips_through_rasa_yaml(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "nlu.yml").write_text(
        TINY_DATA
        + """\
- intent: calc_overtime
  examples: |
    - 月薪[4500](money) 加了[三个半小时]{"entity": "hours", "value": "3.5"}
    - 在[東莞](city:东莞)加班[20小时]{"entity": "hours", "value": "20"}怎么算
- synonym: 社会保险
  examples: |
    - 社保
- lookup: city
  examples: |
    - 东莞
- regex: phone
  examples: |
    - 1[3-9]\\d{9}
""",
        encoding="utf-8",
    )
    data = load_training_data(source)
    written = tmp_path / "written"
    written.mkdir()

    write_rasa_training_data(written / "nlu.yml", data, data.examples)
    again = load_training_data(written)

    def shape(d: TrainingData) -> list[tuple[str, str, list[tuple[str, str, int, int]]]]:
        return [
            (e.text, e.intent, [(x.entity, str(x.value), x.start, x.end) for x in e.entities])
            for e in d.examples
        ]

    assert shape(again) == shape(data)
    assert again.synonyms == data.synonyms
    assert (again.lookups, again.regexes) == (data.lookups, data.regexes)
