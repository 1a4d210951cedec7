"""Knowledge-base retrieval latency over real-style questions, in-process.

Times, per question: the tokenizer (normalise, jieba, bigrams, synonyms); the ranking alone
(``Retriever.rank``: the three BM25 indexes and coverage, over tokens already cut);
``Retriever.search`` (both); and the whole ``KnowledgeBase.answer`` without the NLU
(retrieval, topic mix, entry choice, grounding). Over at least 500 distinct questions: our
own labelled questions, the tune split, the dev questions when their file is beside the
checkout (read by path, never copied), and generated variants of each (Traditional script, a
chat-style opener, no punctuation). Nothing is cached on the question text, so repeated
passes cost what the first one does. p99 is sensitive to other work on the machine: run it
when the machine is quiet.

    uv run --frozen python bench/kb_retrieval.py
    uv run --frozen python bench/kb_retrieval.py --passes 5 --extra ../shared/dev_questions.jsonl
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUESTION_FILES = (
    ROOT / "knowledge_base/data/own_questions.jsonl",
    ROOT / "knowledge_base/data/situation_questions_tune.jsonl",
)
DEV_QUESTIONS = ROOT.parent / "shared/dev_questions.jsonl"
_PUNCTUATION = re.compile(r"[，。！？、；：,.!?;:\s]+")


def read_texts(paths: Iterable[Path]) -> list[str]:
    """Question texts of JSONL files that exist (others are skipped, and said so)."""
    texts: list[str] = []
    for path in paths:
        if not path.is_file():
            print(f"(missing, skipped: {path})", file=sys.stderr)
            continue
        with path.open(encoding="utf-8") as handle:
            texts += [json.loads(line)["question"] for line in handle if line.strip()]
    return texts


def with_variants(texts: list[str]) -> list[str]:
    """The texts plus generated variants, distinct, in a fixed order."""
    s2t = opencc.OpenCC("s2t")
    out: dict[str, None] = {}
    for text in texts:
        out[text] = None
    for text in texts:
        out[str(s2t.convert(text))] = None
        out["请问一下 " + _PUNCTUATION.sub(" ", text).strip()] = None
    return list(out)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def time_calls(
    label: str,
    call: Callable[[str], object],
    texts: list[str],
    passes: int,
    clock: Callable[[], int],
) -> None:
    """Print p50/p90/p99/max of ``call`` per text over ``passes`` passes (ms)."""
    timings: list[float] = []
    for _ in range(passes):
        for text in texts:
            began = clock()
            call(text)
            timings.append((clock() - began) / 1e6)
    timings.sort()
    print(
        f"{label:<34} n={len(timings):5d}  mean {statistics.fmean(timings):.3f}  "
        f"p50 {percentile(timings, 50):.3f}  p90 {percentile(timings, 90):.3f}  "
        f"p99 {percentile(timings, 99):.3f}  max {timings[-1]:.3f} ms",
        flush=True,
    )


def main() -> None:
    """Load the knowledge base, warm it, time retrieval over the question set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=3, help="passes over all questions")
    parser.add_argument(
        "--extra", type=Path, action="append", default=[], help="more JSONL question files"
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time with this thread's CPU clock: what a call costs, without the time the "
        "machine spent elsewhere (other processes) while it ran",
    )
    args = parser.parse_args()
    clock = time.thread_time_ns if args.cpu else time.perf_counter_ns
    from knowledge_base.service import KnowledgeBase

    extra = [*args.extra] or ([DEV_QUESTIONS] if DEV_QUESTIONS.is_file() else [])
    texts = with_variants(read_texts([*QUESTION_FILES, *extra]))
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {len(texts)} distinct questions, "
        f"{args.passes} passes; {'thread CPU time' if args.cpu else 'wall time'}"
    )
    kb = KnowledgeBase.load()
    kb.warm_up()
    for text in texts[:50]:
        kb.answer(text)
    gc.collect()
    time_calls(
        "tokenize (normalise + jieba)",
        kb.retriever.tokenizer.tokens,
        texts,
        args.passes,
        clock,
    )
    tokenized = {text: kb.retriever.tokenizer.tokens(text) for text in texts}
    time_calls(
        "ranking only (Retriever.rank)",
        lambda text: kb.retriever.rank(text, tokenized[text], k_entries=40, k_articles=10),
        texts,
        args.passes,
        clock,
    )
    time_calls(
        "Retriever.search (tokenize + rank)",
        lambda text: kb.retriever.search(text, k_entries=40, k_articles=10),
        texts,
        args.passes,
        clock,
    )
    time_calls("KnowledgeBase.answer (no NLU)", kb.answer, texts, args.passes, clock)


if __name__ == "__main__":
    main()
