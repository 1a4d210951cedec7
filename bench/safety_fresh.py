"""Aggregate safety figures on a labelled set, printing no message text unless asked.

    .venv/bin/python bench/safety_fresh.py tests/nlu/cases/safety_set_fresh.yml
    .venv/bin/python bench/safety_fresh.py --show-misses nlu/safety_sets/safety_set_blind5.yml

Right help: the signal is an emergency and holds every labelled kind. False alarm: a
look-alike gets an emergency (its legal answer would be replaced). ``--show-misses`` prints
each miss and false alarm with its text and signal: for sets that may be read only.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import yaml

from nlu import load_backend


def main() -> None:
    """Print the figures (and, asked, the misses) for one labelled set."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("set", type=Path)
    parser.add_argument("--show-misses", action="store_true", help="print missed texts")
    args = parser.parse_args()
    data = yaml.safe_load(args.set.read_text(encoding="utf-8"))
    backend = load_backend("embedded")
    missed: Counter[str] = Counter()
    for item in data["dangerous"]:
        signal = backend.parse(item["text"]).safety
        ok = signal is not None and signal.emergency and set(item["kinds"]) <= set(signal.kinds)
        if not ok:
            missed[item["category"]] += 1
            if args.show_misses:
                print(f"  MISS {item['kinds']} {signal}: {item['text']}")
    alarms: Counter[str] = Counter()
    for item in data["look_alikes"]:
        signal = backend.parse(item["text"]).safety
        if signal is not None and signal.emergency:
            alarms[item["category"]] += 1
            if args.show_misses:
                print(f"  ALARM {signal}: {item['text']}")
    dangerous, look_alikes = len(data["dangerous"]), len(data["look_alikes"])
    right = dangerous - sum(missed.values())
    print(f"right help: {right}/{dangerous} = {right / dangerous:.1%}; misses {dict(missed)}")
    false = sum(alarms.values())
    print(f"false alarms: {false}/{look_alikes} = {false / look_alikes:.1%}; {dict(alarms)}")


if __name__ == "__main__":
    main()
