"""Which kinds of help a dangerous message needs, from sentence meaning: leave one set out.

The semantic model's kinds part (``nlu/embedded/semantic.py``) learns, from the dangerous
messages of the read safety sets (``nlu/safety_sets``), which physical help each needs (fire
and chemicals 119, injury 120, violence and confinement 110). Here each read set in turn is
left out, the part is fitted on the others, and its readings of the left-out set are compared
with the set's labels: how many of the kinds needed it reads (recall), and how many messages it
would give a help line that was not labelled (more help). Prints no message text.

    uv run --frozen python bench/safety_kinds_cv.py
    uv run --frozen python bench/safety_kinds_cv.py --c 1 4 16 --bars 0.3 0.4 0.5
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

from nlu.embedded import semantic  # noqa: E402

IntMatrix = npt.NDArray[np.int64]
FloatMatrix = npt.NDArray[np.float64]


def read_sets(directory: Path) -> dict[str, list[tuple[str, set[str]]]]:
    """Each read set's dangerous messages with their kinds."""
    sets: dict[str, list[tuple[str, set[str]]]] = {}
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        sets[path.name] = [(str(i["text"]), set(i["kinds"])) for i in data.get("dangerous") or ()]
    return sets


def left_out_readings(
    embedded: FloatMatrix, labels: IntMatrix, groups: list[list[int]], c: float
) -> FloatMatrix:
    """Each message's probabilities per kind from a part fitted without its own set."""
    readings = np.zeros(labels.shape, dtype=np.float64)
    for held_out in groups:
        train = np.setdiff1d(np.arange(len(labels)), held_out)
        for column in range(labels.shape[1]):
            model = LogisticRegression(C=c, max_iter=3000)
            with threadpool_limits(limits=1):
                model.fit(embedded[train], labels[train, column])
            readings[held_out, column] = model.predict_proba(embedded[held_out])[:, 1]
    return readings


def main() -> None:
    """Print kind recall and more help per regularisation and bar."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, nargs="+", default=[1.0, 4.0, 16.0])
    parser.add_argument("--bars", type=float, nargs="+", default=[0.3, 0.4, 0.5])
    args = parser.parse_args()
    sets = read_sets(semantic.SAFETY_SETS_DIR)
    kinds = semantic.PHYSICAL_KINDS
    texts = [text for messages in sets.values() for text, _ in messages]
    labels = np.array(
        [[k in needed for k in kinds] for m in sets.values() for _, needed in m], dtype=np.int64
    )
    embedded = semantic._embed(texts)
    if embedded is None:
        raise SystemExit("the sentence encoder is not installed")
    groups, start = [], 0
    for messages in sets.values():
        groups.append(list(range(start, start + len(messages))))
        start += len(messages)
    print(f"{len(texts)} dangerous messages in {len(sets)} read sets; kinds {', '.join(kinds)}")
    for c in args.c:
        readings = left_out_readings(embedded, labels, groups, c)
        for bar in args.bars:
            read = readings >= bar
            recall = (read & (labels == 1)).sum() / labels.sum()
            more = (read & (labels == 0)).any(axis=1).mean()
            per_kind = (read & (labels == 1)).sum(axis=0) / np.maximum(labels.sum(axis=0), 1)
            detail = " ".join(f"{k} {r:.1%}" for k, r in zip(kinds, per_kind, strict=True))
            print(f"C={c:g} bar={bar:g}: kind recall {recall:.1%} ({detail}); more help {more:.1%}")


if __name__ == "__main__":
    main()
