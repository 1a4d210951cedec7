"""What letting very sure models speak beside a legal question costs: leave one read set out.

Before round 28 a legal question silenced the models' guess of danger (only the rules could
raise an emergency beside one); now they may when their averaged probability reaches
``MODEL_EMERGENCY_BESIDE_A_QUESTION``. Here each read safety set (``nlu/safety_sets``) in turn
is left out of the semantic model's training, and its look-alikes are judged by the whole
safety layer with the bar at each value tried (1.01: silenced, as before): how many raise an
emergency. The rules were tuned on these sets, so their own alarms are near zero and what is
counted is the models' share. Prints no message text.

    uv run --frozen python bench/safety_question_gate_cv.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.dialect import with_wage_words  # noqa: E402
from nlu.embedded import safety, semantic  # noqa: E402
from nlu.embedded.backend import EmbeddedBackend  # noqa: E402
from nlu.embedded.model import EmbeddedModel  # noqa: E402
from nlu.openers import without_opener  # noqa: E402
from nlu.training_data import load_training_data  # noqa: E402
from nlu.types import IntentScore  # noqa: E402


def main() -> None:
    """Print look-alike alarms, left-out sets pooled, per bar."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=float, nargs="+", default=[1.01, 0.6, 0.7, 0.8])
    args = parser.parse_args()
    if semantic.encoder() is None:
        raise SystemExit("the sentence encoder is not installed")
    model = EmbeddedBackend().model
    layer = model.safety
    data = load_training_data(ROOT / "nlu" / "data")
    texts = [e.text for e in data.examples]
    intents = [e.intent for e in data.examples]
    sets = {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for path in sorted(semantic.SAFETY_SETS_DIR.glob("*.yml"))
    }
    alarms = dict.fromkeys(args.bars, 0)
    looked = 0
    for left_out in sets:
        examples = [
            example
            for name, part in sets.items()
            if name != left_out
            for example in _labelled(part)
        ]
        kinds = [
            (str(i["text"]), frozenset(i["kinds"]))
            for name, part in sets.items()
            if name != left_out
            for i in part.get("dangerous") or ()
        ]
        fitted = semantic.train_semantic_safety(
            texts,
            intents,
            self_harm=layer.intent_of("self_harm"),
            physical=layer.intent_of(layer.physical_kinds[0]),
            extra=examples,
            kinds=kinds,
        )
        for item in sets[left_out].get("look_alikes") or ():
            looked += 1
            text = str(item["text"])
            ranking = _ranking(model, text)
            for bar in args.bars:
                safety.MODEL_EMERGENCY_BESIDE_A_QUESTION = bar  # type: ignore[misc]
                signal = layer.judge(text, ranking, fitted).signal
                alarms[bar] += bool(signal is not None and signal.emergency)
    print(f"{looked} look-alikes of {len(sets)} read sets, each judged without its own set")
    for bar, count in alarms.items():
        label = "silenced (before round 28)" if bar > 1 else f"bar {bar}"
        print(f"  {label:28s} alarms {count} ({100 * count / looked:.2f}%)")


def _labelled(part: dict[str, list[dict[str, object]]]) -> list[tuple[str, int]]:
    dangerous = [
        (
            str(i["text"]),
            semantic.SELF_HARM if i.get("category") == "self_harm" else semantic.PHYSICAL,
        )
        for i in part.get("dangerous") or ()
    ]
    return dangerous + [(str(i["text"]), semantic.NONE) for i in part.get("look_alikes") or ()]


def _ranking(model: EmbeddedModel, text: str) -> list[IntentScore]:
    if model.scorer is None:
        raise SystemExit("the compiled scorer is not available")
    probabilities = model.scorer.predict_proba(with_wage_words(without_opener(text)), None)
    order = np.argsort(-probabilities, kind="stable")
    return [IntentScore(model.classes[i], float(probabilities[i])) for i in order]


if __name__ == "__main__":
    main()
