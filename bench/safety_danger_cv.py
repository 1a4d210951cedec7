"""How well sentence meaning alone tells danger from look-alikes: leave one read set out.

The semantic model (``nlu/embedded/semantic.py``) is fitted on ``nlu/data`` and every read
safety set but one (``nlu/safety_sets``), and reads the left-out set: how many of its dangerous
messages reach each bar (recall) and how many look-alikes do (alarms). ``sem`` is the semantic
model alone; ``avg`` is its average with the classifier, as the safety layer uses it. Sets
given on the command line (untouched ones) are read by a model fitted on all read sets. Prints
no message text.

    uv run --frozen python bench/safety_danger_cv.py
    uv run --frozen python bench/safety_danger_cv.py tests/nlu/cases/safety_set_blind.yml
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.dialect import with_wage_words  # noqa: E402
from nlu.embedded import semantic  # noqa: E402
from nlu.embedded.backend import EmbeddedBackend  # noqa: E402
from nlu.embedded.safety import SafetyLayer  # noqa: E402
from nlu.openers import without_opener  # noqa: E402
from nlu.training_data import load_training_data  # noqa: E402

BARS = (0.2, 0.3, 0.4, 0.45, 0.5, 0.6)
Labelled = list[tuple[str, int, bool]]  # text, label, dangerous


def read_set(path: Path) -> Labelled:
    """A safety set's messages: self-harm or physical danger, or a look-alike."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows: Labelled = [
        (
            str(i["text"]),
            semantic.SELF_HARM if i.get("category") == "self_harm" else semantic.PHYSICAL,
            True,
        )
        for i in data.get("dangerous") or ()
    ]
    return rows + [(str(i["text"]), semantic.NONE, False) for i in data.get("look_alikes") or ()]


def main() -> None:
    """Print recall and alarms per bar, left-out read sets pooled, then each given set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="untouched sets to read as well")
    parser.add_argument("--c", type=float, default=4.0)
    args = parser.parse_args()
    layer = SafetyLayer.load()
    self_harm, physical = layer.intent_of("self_harm"), layer.intent_of(layer.physical_kinds[0])
    data = load_training_data(ROOT / "nlu" / "data")
    base_texts = [e.text for e in data.examples]
    base_labels = [
        semantic.SELF_HARM
        if e.intent == self_harm
        else semantic.PHYSICAL
        if e.intent == physical
        else 0
        for e in data.examples
    ]
    read = {p.name: read_set(p) for p in sorted(semantic.SAFETY_SETS_DIR.glob("*.yml"))}
    given = {p.name: read_set(p) for p in args.sets}
    if semantic.encoder() is None:
        raise SystemExit("the sentence encoder is not installed")
    base = semantic._embed_training(base_texts)
    model = EmbeddedBackend().model
    columns = [model.classes.index(self_harm), model.classes.index(physical)]

    def vectors(rows: Labelled) -> npt.NDArray[np.float64]:
        embedded = semantic._embed_training([text for text, _, _ in rows])
        if embedded is None:
            raise SystemExit("the sentence encoder is not installed")
        return embedded

    def classifier(rows: Labelled) -> npt.NDArray[np.float64]:
        return np.array(
            [
                model.scorer.predict_proba(with_wage_words(without_opener(text)), None)[
                    columns
                ].sum()
                if model.scorer is not None
                else 0.0
                for text, _, _ in rows
            ]
        )

    def fit(left_out: str | None) -> LogisticRegression:
        rows = [r for name, part in read.items() if name != left_out for r in part]
        x = np.vstack([base, vectors(rows)])
        y = np.concatenate([base_labels, [label for _, label, _ in rows]])
        with threadpool_limits(limits=1):
            return LogisticRegression(C=args.c, max_iter=3000).fit(x, y)

    readings: dict[str, tuple[Labelled, npt.NDArray[np.float64], npt.NDArray[np.float64]]] = {}
    for name, rows in read.items():
        probabilities = fit(name).predict_proba(vectors(rows))
        readings[name] = (rows, probabilities[:, 1:].sum(axis=1), classifier(rows))
    if given:
        everything = fit(None)
        for name, rows in given.items():
            probabilities = everything.predict_proba(vectors(rows))
            readings[name] = (rows, probabilities[:, 1:].sum(axis=1), classifier(rows))

    def report(names: list[str], label: str) -> None:
        for which in ("sem", "avg"):
            cells = []
            for bar in BARS:
                hits = {True: 0, False: 0}
                counts = {True: 0, False: 0}
                for name in names:
                    rows, meaning, words = readings[name]
                    score = meaning if which == "sem" else (meaning + words) / 2
                    for (_, _, dangerous), value in zip(rows, score, strict=True):
                        counts[dangerous] += 1
                        hits[dangerous] += bool(value >= bar)
                recall = 100 * hits[True] / max(counts[True], 1)
                alarms = 100 * hits[False] / max(counts[False], 1)
                cells.append(f"{bar}: {recall:5.1f}% / {alarms:4.1f}%")
            print(f"{label:28s} {which}  " + " | ".join(cells))

    print(f"bars: recall of dangerous / alarms on look-alikes; C={args.c}")
    report(list(read), f"{len(read)} read sets, left out")
    for name in given:
        report([name], name)


if __name__ == "__main__":
    main()
