"""Calculators from one message, measured on a probe of questions with amounts computed by hand.

Each line of a probe is ``{id, question, calculator, expected_amount, working}``. Every
question goes through ``gongyou ask --batch`` as a worker's first message, and its
``calculation`` is counted as: *right* (the expected calculator and amount, within one fen per
hundred yuan for rounding order), *wrong* (an amount that is not the expected one, or another
calculator's amount), *asked* (the calculator asks for a fact instead) or *none* (no
calculation at all).

    uv run --frozen python bench/calc_probe.py bench/data/calc_probe6.jsonl
    uv run --frozen python bench/calc_probe.py bench/data/calc_probe6.jsonl --show  # read ones

``--show`` prints each question that is not right: only for a probe that may be read while
tuning (say so in the commit once it has been).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _verdict(expected: dict[str, object], calculation: dict[str, object] | None) -> str:
    if not calculation:
        return "none"
    amount = calculation.get("amount")
    if amount is None:
        return "asked"
    target = float(str(expected["expected_amount"]))
    right_calculator = calculation.get("calculator") == expected["calculator"]
    close = abs(float(str(amount)) - target) <= max(0.011, target / 10_000)
    return "right" if right_calculator and close else "wrong"


def main() -> None:
    """Print the counts (and, with ``--show``, the questions that are not right)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("probe", type=Path)
    parser.add_argument("--show", action="store_true", help="print what is not right")
    args = parser.parse_args()
    probe = [json.loads(line) for line in args.probe.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "out.jsonl"
        subprocess.run(  # noqa: S603 - our own CLI, with a path the user gave
            [sys.executable, "-m", "bot.cli", "ask", "--batch", str(args.probe), "--out", str(out)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        answers = {
            record["id"]: record
            for record in map(json.loads, out.read_text(encoding="utf-8").splitlines())
        }
    counts: Counter[str] = Counter()
    for item in probe:
        calculation = answers.get(item["id"], {}).get("calculation")
        verdict = _verdict(item, calculation)
        counts[verdict] += 1
        if args.show and verdict != "right":
            got = calculation or {}
            print(
                f"{item['id']} {verdict}: expected {item['calculator']} {item['expected_amount']},"
                f" got {got.get('calculator')} {got.get('amount')} missing={got.get('missing')}"
                f"\n    {item['question']}"
            )
    total = len(probe)
    print(
        f"{args.probe.name}: {total} questions — right {counts['right']}, wrong {counts['wrong']},"
        f" asked {counts['asked']}, none {counts['none']}"
    )


if __name__ == "__main__":
    main()
