"""Aggregate safety figures on a labelled set, printing no message text.

    .venv/bin/python bench/safety_fresh.py tests/nlu/cases/safety_set_fresh.yml

Right help: the signal is an emergency and holds every labelled kind. False alarm: a
look-alike gets an emergency (its legal answer would be replaced).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

from nlu import load_backend


def main() -> None:
    data = yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8"))
    backend = load_backend("embedded")
    missed: Counter[str] = Counter()
    for item in data["dangerous"]:
        signal = backend.parse(item["text"]).safety
        ok = signal is not None and signal.emergency and set(item["kinds"]) <= set(signal.kinds)
        if not ok:
            missed[item["category"]] += 1
    alarms: Counter[str] = Counter()
    for item in data["look_alikes"]:
        signal = backend.parse(item["text"]).safety
        if signal is not None and signal.emergency:
            alarms[item["category"]] += 1
    dangerous, look_alikes = len(data["dangerous"]), len(data["look_alikes"])
    right = dangerous - sum(missed.values())
    print(f"right help: {right}/{dangerous} = {right / dangerous:.1%}; misses {dict(missed)}")
    false = sum(alarms.values())
    print(f"false alarms: {false}/{look_alikes} = {false / look_alikes:.1%}; {dict(alarms)}")


if __name__ == "__main__":
    main()
