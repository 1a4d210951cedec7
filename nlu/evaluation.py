"""Side-by-side evaluation of the NLU backends (``gongyou nlu-eval``).

Both backends get the same stratified k-fold split of ``nlu/data`` (fixed seed) and are scored
on the held-out folds: accuracy, macro-F1, per-intent precision/recall/F1 and the most confused
pairs. Models trained on all of the data are then timed on the same texts (embedded in-process,
Rasa over HTTP ``/model/parse`` as the bot uses it), their resident memory is measured, and,
given a dev file, their topic accuracy on real questions is counted.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Final, Protocol

import numpy as np
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from nlu import rasa_runtime
from nlu.embedded.safety import SafetyLayer
from nlu.rasa_backend import RASA_FALLBACK_INTENT, RasaBackend, result_from_rasa
from nlu.settings import PROJECT_ROOT, NluSettings
from nlu.tokenizer import normalize
from nlu.training_data import TrainingData, content_hash, load_training_data
from nlu.types import IntentScore, ParseResult, TrainingExample

DEFAULT_FOLDS: Final = 5
DEFAULT_SEED: Final = 42
BACKENDS: Final = ("embedded", "rasa")
TRAIN_ONLY: Final = -1  # fold number of examples whose intent is too rare to hold out
TOP_CONFUSED: Final = 10
_WARM_UP_PARSES: Final = 5
_MB: Final = 1024 * 1024
_MISSING_PSUTIL: Final = (
    "gongyou nlu-eval measures memory with psutil, a development dependency that `make run` "
    "does not install. Install the development tools with `make install-dev` "
    "(or `uv sync --frozen`), then run it again."
)


class MissingToolError(RuntimeError):
    """A development-only dependency the evaluation needs is not installed."""


def require_measurement_tools() -> None:
    """Raise MissingToolError, saying how to install it, when psutil is absent."""
    _psutil()


def _psutil() -> ModuleType:
    # psutil is a development dependency: the service never needs it, so import it here only.
    try:
        import psutil
    except ModuleNotFoundError as exc:
        raise MissingToolError(_MISSING_PSUTIL) from exc
    return psutil


RESULTS_BEGIN: Final = "<!-- nlu-eval:begin -->"
RESULTS_END: Final = "<!-- nlu-eval:end -->"

Progress = Callable[[str], None]


class Parser(Protocol):
    """Anything that parses a text into a ParseResult (a trained model or a backend)."""

    def parse(self, text: str) -> ParseResult:
        """Understand one message."""
        ...


# ---- metrics -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IntentRow:
    """Precision, recall and F1 of one intent over the held-out predictions."""

    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Scores:
    """How well predicted intents match the gold ones."""

    accuracy: float
    macro_f1: float
    per_intent: tuple[IntentRow, ...]
    confused: tuple[tuple[str, str, int], ...]  # (gold, predicted, count), most frequent first


def score(gold: Sequence[str], predicted: Sequence[str], *, top: int = TOP_CONFUSED) -> Scores:
    """Accuracy, macro-F1 over the gold intents, per-intent table and the top confused pairs."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    if not gold:
        raise ValueError("nothing to score")
    labels = sorted(set(gold))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    rows = tuple(
        IntentRow(label, float(p), float(r), float(f), int(s))
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    )
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    confused = tuple(
        (g, p, n) for (g, p), n in sorted(confusions.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    )
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    return Scores(accuracy, float(np.mean(f1)), rows, confused)


def fold_assignments(labels: Sequence[str], n_folds: int, seed: int = DEFAULT_SEED) -> list[int]:
    """The held-out fold (0..n_folds-1) of each example, stratified by label with a fixed seed.

    Examples of labels with fewer than ``n_folds`` examples cannot be spread over the folds;
    they get ``TRAIN_ONLY`` and are in the training part of every fold.
    """
    if n_folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    counts = Counter(labels)
    eligible = [i for i, label in enumerate(labels) if counts[label] >= n_folds]
    if len({labels[i] for i in eligible}) < 2:
        raise ValueError(f"fewer than 2 intents have {n_folds} or more examples")
    assignment = [TRAIN_ONLY] * len(labels)
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    eligible_labels = [labels[i] for i in eligible]
    for fold, (_, test) in enumerate(splitter.split(np.zeros(len(eligible)), eligible_labels)):
        for position in test:
            assignment[eligible[position]] = fold
    return assignment


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    """The ``q``-th percentile of durations given in seconds, in milliseconds."""
    if not seconds:
        raise ValueError("no durations")
    return float(np.percentile(np.asarray(seconds) * 1000.0, q))


def top_intent(result: ParseResult) -> str:
    """The predicted intent name."""
    return result.intent.name


# ---- dev questions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DevQuestion:
    """A real question with its labelled topic (read by path, never copied anywhere)."""

    text: str
    topic: str


@dataclass(frozen=True, slots=True)
class DevScores:
    """Topic accuracy on the dev questions: the winner, and within the three best intents."""

    questions: int
    top1: float
    top3: float


def load_dev_questions(path: Path) -> list[DevQuestion]:
    """Read ``question``/``topic`` pairs from a JSON-lines file."""
    questions: list[DevQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row.get("question"), str) or not isinstance(row.get("topic"), str):
            raise ValueError(f"{path}:{number}: needs string fields 'question' and 'topic'")
        questions.append(DevQuestion(row["question"], row["topic"]))
    return questions


def dev_topic_scores(parser: Parser, questions: Sequence[DevQuestion]) -> DevScores:
    """Share of questions whose ``ask_<topic>`` intent wins, and is among the top three."""
    top1 = top3 = 0
    for question in questions:
        expected = f"ask_{question.topic}"
        names = [s.name for s in parser.parse(question.text).top_intents(3)]
        top1 += bool(names) and names[0] == expected
        top3 += expected in names
    count = len(questions)
    return DevScores(count, top1 / count if count else 0.0, top3 / count if count else 0.0)


# ---- the report ----------------------------------------------------------------------------


@dataclass(slots=True)
class BackendReport:
    """Everything measured for one backend."""

    backend: str
    scores: Scores | None = None
    evaluated: int = 0
    fold_train_seconds: list[float] = field(default_factory=list)
    full_train_seconds: float | None = None
    latency_p50_ms: float | None = None
    latency_p99_ms: float | None = None
    latency_texts: int = 0
    latency_how: str = ""
    load_while_timing: float | None = None  # 1-minute load average: other work skews timings
    rss_mb: float | None = None
    rss_how: str = ""
    dev: DevScores | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class EvaluationReport:
    """The side-by-side comparison, as written to docs/nlu.md or JSON."""

    command: str
    generated: str
    machine: str
    folds: int
    seed: int
    examples: int
    held_out: int
    intents: int
    data_hash: str
    rasa_diet_epochs: int | None
    backends: list[BackendReport] = field(default_factory=list)

    def backend(self, name: str) -> BackendReport | None:
        """The report of one backend, if it was evaluated."""
        return next((b for b in self.backends if b.backend == name), None)

    def to_json(self) -> str:
        """The report as indented JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


# ---- contenders ----------------------------------------------------------------------------


def _subset(data: TrainingData, examples: list[TrainingExample]) -> TrainingData:
    return TrainingData(examples, dict(data.synonyms), dict(data.lookups), dict(data.regexes))


@dataclass(slots=True)
class _Fold:
    number: int
    train: list[TrainingExample]
    test: list[TrainingExample]


def _folds(data: TrainingData, n_folds: int, seed: int, only: int | None) -> Iterator[_Fold]:
    assignment = fold_assignments([e.intent for e in data.examples], n_folds, seed)
    for fold in range(n_folds if only is None else min(only, n_folds)):
        train = [e for e, f in zip(data.examples, assignment, strict=True) if f != fold]
        test = [e for e, f in zip(data.examples, assignment, strict=True) if f == fold]
        yield _Fold(fold, train, test)


class _EmbeddedContender:
    """The embedded backend, trained in-process."""

    name = "embedded"

    def __init__(self, settings: NluSettings) -> None:
        self._settings = settings

    def train(self, data: TrainingData, _workdir: Path, _tag: str) -> tuple[Parser, float]:
        from nlu.embedded import train_embedded  # the embedded package is optional here

        started = time.perf_counter()
        model = train_embedded(data, self._settings)
        return model, time.perf_counter() - started

    def predict(self, model: Parser, texts: Sequence[str]) -> list[ParseResult]:
        return [model.parse(text) for text in texts]


class _RasaContender:
    """Rasa, trained with ``rasa train nlu`` and parsed in a Rasa subprocess."""

    name = "rasa"

    def __init__(self, config_path: Path, diet_epochs: int | None) -> None:
        self._config = rasa_runtime.rasa_pipeline_config(config_path, diet_epochs=diet_epochs)
        self._safety = SafetyLayer.load()

    def train(self, data: TrainingData, workdir: Path, tag: str) -> tuple[Path, float]:
        config = rasa_runtime.write_rasa_config(workdir / f"{tag}-config.yml", self._config)
        nlu_file = rasa_runtime.write_rasa_training_data(
            workdir / f"{tag}-nlu.yml", data, data.examples
        )
        started = time.perf_counter()
        model = rasa_runtime.train_rasa_model(
            config, nlu_file, workdir / "models", tag, use_cache=False
        )
        return model, time.perf_counter() - started

    def train_files(self, data_dir: Path, workdir: Path, tag: str) -> tuple[Path, float]:
        config = rasa_runtime.write_rasa_config(workdir / f"{tag}-config.yml", self._config)
        started = time.perf_counter()
        model = rasa_runtime.train_rasa_model(
            config, data_dir, workdir / "models", tag, use_cache=False
        )
        return model, time.perf_counter() - started

    def predict(self, model: Path, texts: Sequence[str]) -> list[ParseResult]:
        # The same normalisation RasaBackend applies before it sends a text.
        answers = rasa_runtime.parse_with_model(model, [normalize(t) for t in texts])
        return [
            result_from_rasa(text, answer, safety=self._safety)
            or ParseResult(text, IntentScore(RASA_FALLBACK_INTENT, 0.0), backend="rasa")
            for text, answer in zip(texts, answers, strict=True)
        ]


class _CountingFallback:
    """Stands in for the embedded fallback during Rasa timing, to notice if Rasa did not answer."""

    name = "none"

    def __init__(self) -> None:
        self.calls = 0

    def parse(self, text: str) -> ParseResult:
        self.calls += 1
        return ParseResult(text, IntentScore("nlu_fallback", 0.0), backend=self.name)


# ---- running it ----------------------------------------------------------------------------


@dataclass(slots=True)
class EvaluationOptions:
    """What to evaluate and how."""

    backends: tuple[str, ...] = BACKENDS
    folds: int = DEFAULT_FOLDS
    only_folds: int | None = None  # run just the first N folds (quick looks)
    seed: int = DEFAULT_SEED
    dev_path: Path | None = None
    rasa_diet_epochs: int | None = None  # None: as in config.yml
    config_path: Path = PROJECT_ROOT / "config.yml"
    data_dir: Path | None = None
    command: str = "gongyou nlu-eval"


def evaluate(options: EvaluationOptions, progress: Progress = lambda _: None) -> EvaluationReport:
    """Run the side-by-side evaluation and return its report."""
    for name in options.backends:
        if name not in BACKENDS:
            raise ValueError(f"unknown backend {name!r}; choose from {', '.join(BACKENDS)}")
    base = NluSettings.from_config_file(options.config_path)
    data_dir = options.data_dir or base.data_dir
    data = load_training_data(data_dir)
    assignment = fold_assignments([e.intent for e in data.examples], options.folds, options.seed)
    folds_run = options.folds if options.only_folds is None else options.only_folds
    psutil = _psutil()
    report = EvaluationReport(
        command=options.command,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=f"{psutil.cpu_count()} CPU cores, {psutil.virtual_memory().total / 2**30:.0f} GiB"
        f" RAM, {platform.system()} {platform.machine()}, Python {platform.python_version()}",
        folds=options.folds,
        seed=options.seed,
        examples=len(data.examples),
        held_out=sum(0 <= f < folds_run for f in assignment),
        intents=len(data.intents),
        data_hash=content_hash([data_dir, base.dictionary_dir])[:12],
        rasa_diet_epochs=options.rasa_diet_epochs,
    )
    dev = load_dev_questions(options.dev_path) if options.dev_path else None
    with tempfile.TemporaryDirectory(prefix="gongyou-nlu-eval-") as tmp:
        workdir = Path(tmp)
        settings = base.model_copy(update={"model_dir": workdir / "embedded-models"})
        for name in options.backends:
            progress(f"{name}: cross-validation")
            if name == "embedded":
                item = _evaluate_embedded(data, options, settings, dev, workdir, progress)
            else:
                item = _evaluate_rasa(data, data_dir, options, settings, dev, workdir, progress)
            report.backends.append(item)
    return report


def _cross_validate(
    contender: _EmbeddedContender | _RasaContender,
    data: TrainingData,
    options: EvaluationOptions,
    workdir: Path,
    progress: Progress,
) -> tuple[Scores, int, list[float]]:
    gold: list[str] = []
    predicted: list[str] = []
    seconds: list[float] = []
    for fold in _folds(data, options.folds, options.seed, options.only_folds):
        model, took = contender.train(_subset(data, fold.train), workdir, f"fold{fold.number}")
        seconds.append(took)
        results = contender.predict(model, [e.text for e in fold.test])  # type: ignore[arg-type]
        fold_gold = [e.intent for e in fold.test]
        fold_predicted = [top_intent(r) for r in results]
        gold += fold_gold
        predicted += fold_predicted
        accuracy = score(fold_gold, fold_predicted).accuracy
        progress(
            f"{contender.name}: fold {fold.number + 1}: trained in {took:.1f} s, "
            f"accuracy {accuracy:.3f} on {len(fold_gold)}"
        )
    return score(gold, predicted), len(gold), seconds


def _evaluate_embedded(
    data: TrainingData,
    options: EvaluationOptions,
    settings: NluSettings,
    dev: list[DevQuestion] | None,
    workdir: Path,
    progress: Progress,
) -> BackendReport:
    contender = _EmbeddedContender(settings)
    item = BackendReport("embedded")
    item.scores, item.evaluated, item.fold_train_seconds = _cross_validate(
        contender, data, options, workdir, progress
    )
    progress("embedded: full model, latency, memory")
    model, item.full_train_seconds = contender.train(data, workdir, "full")
    texts = [e.text for e in data.examples]
    for text in texts[:_WARM_UP_PARSES]:
        model.parse(text)
    timings = _timed_parses(model, texts)
    _set_latency(item, timings)
    item.latency_how = "in-process parse() of every training text with the full model"
    item.rss_mb = _embedded_rss_mb(options)
    item.rss_how = "RSS of a fresh Python process after training the full model and parsing"
    if dev:
        item.dev = dev_topic_scores(model, dev)
    return item


def _evaluate_rasa(
    data: TrainingData,
    data_dir: Path,
    options: EvaluationOptions,
    settings: NluSettings,
    dev: list[DevQuestion] | None,
    workdir: Path,
    progress: Progress,
) -> BackendReport:
    item = BackendReport("rasa")
    if not rasa_runtime.rasa_installed():
        item.error = (
            f"no Rasa virtualenv at {rasa_runtime.rasa_venv()}: run 'bash scripts/rasa.sh setup'"
        )
        progress(f"rasa: skipped ({item.error})")
        return item
    contender = _RasaContender(options.config_path, options.rasa_diet_epochs)
    item.scores, item.evaluated, item.fold_train_seconds = _cross_validate(
        contender, data, options, workdir, progress
    )
    item.notes.append(
        "training time is the wall time of `rasa train nlu` (its training cache off), "
        "including its start-up"
    )
    progress("rasa: full model, HTTP latency, memory")
    # The full model learns from the nlu/data files themselves, as `make rasa` does.
    model, item.full_train_seconds = contender.train_files(data_dir, workdir, "full")
    texts = [e.text for e in data.examples]
    server = rasa_runtime.RasaServer(model, log_path=workdir / "rasa-run.log")
    with server:
        fallback = _CountingFallback()
        backend = RasaBackend(
            settings.model_copy(update={"rasa_url": server.url, "rasa_timeout_seconds": 30.0}),
            fallback,
        )
        try:
            for text in texts[:_WARM_UP_PARSES]:
                backend.parse(text)
            timings = _timed_parses(backend, texts)
            item.rss_mb = _tree_rss_mb(server.pid)
            if dev:
                item.dev = dev_topic_scores(backend, dev)
        finally:
            backend.close()
        if fallback.calls:
            item.notes.append(f"Rasa did not answer {fallback.calls} requests during timing")
    _set_latency(item, timings)
    item.latency_how = (
        "RasaBackend.parse() over HTTP /model/parse against `rasa run`, every training text"
    )
    item.rss_how = "RSS of the `rasa run --enable-api` process with the full model loaded"
    return item


def _set_latency(item: BackendReport, timings: Sequence[float]) -> None:
    item.latency_p50_ms = percentile_ms(timings, 50)
    item.latency_p99_ms = percentile_ms(timings, 99)
    item.latency_texts = len(timings)
    item.load_while_timing = round(os.getloadavg()[0], 2)


def _timed_parses(parser: Parser, texts: Sequence[str]) -> list[float]:
    timings: list[float] = []
    for text in texts:
        started = time.perf_counter()
        parser.parse(text)
        timings.append(time.perf_counter() - started)
    return timings


def _tree_rss_mb(pid: int) -> float:
    psutil = _psutil()
    process = psutil.Process(pid)
    total: int = process.memory_info().rss
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total / _MB


def _embedded_rss_mb(options: EvaluationOptions) -> float:
    command = [sys.executable, "-m", "nlu.evaluation", "--rss-probe", str(options.config_path)]
    if options.data_dir is not None:
        command.append(str(options.data_dir))
    completed = subprocess.run(  # noqa: S603 - this very module, with our own interpreter
        command, capture_output=True, text=True, cwd=PROJECT_ROOT, check=True, timeout=600
    )
    rss: float = json.loads(completed.stdout.strip().splitlines()[-1])["rss_mb"]
    return rss


def _rss_probe(config_path: Path, data_dir: Path | None) -> None:
    """Train the embedded model on all data in this process, parse, and print the RSS."""
    from nlu.embedded import train_embedded

    settings = NluSettings.from_config_file(config_path)
    with tempfile.TemporaryDirectory(prefix="gongyou-rss-") as tmp:
        settings = settings.model_copy(update={"model_dir": Path(tmp)})
        data = load_training_data(data_dir or settings.data_dir)
        model = train_embedded(data, settings)
        for example in data.examples:
            model.parse(example.text)
        gc.collect()
        rss = _psutil().Process().memory_info().rss / _MB
    print(json.dumps({"rss_mb": rss}))


# ---- writing it down -----------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def render_markdown(report: EvaluationReport) -> str:
    """The report as a Markdown section for docs/nlu.md."""
    done = [b for b in report.backends if b.scores is not None]
    lines = [
        f"Command: `{report.command}`  ",
        f"Run: {report.generated} on {report.machine}.  ",
        f"Data: {report.examples} examples, {report.intents} intents (nlu/data + nlu/dictionary "
        f"hash `{report.data_hash}`); stratified {report.folds}-fold cross-validation, seed "
        f"{report.seed}, {report.held_out} held-out predictions per backend."
        + (
            f" Rasa's DIET trained with {report.rasa_diet_epochs} epochs (config.yml overridden)."
            if report.rasa_diet_epochs
            else ""
        ),
        "",
        "| | " + " | ".join(b.backend for b in report.backends) + " |",
        "|---|" + "---|" * len(report.backends),
    ]

    def row(label: str, cell: Callable[[BackendReport], str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(b) for b in report.backends) + " |")

    row("accuracy", lambda b: _pct(b.scores.accuracy) if b.scores else "–")
    row("macro-F1", lambda b: _pct(b.scores.macro_f1) if b.scores else "–")
    row(
        "training time per fold (s)",
        lambda b: ", ".join(f"{s:.1f}" for s in b.fold_train_seconds) or "–",
    )
    row("training time, all data (s)", lambda b: _num(b.full_train_seconds))
    row("parse latency p50 (ms)", lambda b: _num(b.latency_p50_ms, 2))
    row("parse latency p99 (ms)", lambda b: _num(b.latency_p99_ms, 2))
    row("resident memory (MB)", lambda b: _num(b.rss_mb, 0))
    if any(b.dev for b in report.backends):
        row(
            "dev questions: topic top-1",
            lambda b: f"{_pct(b.dev.top1)} of {b.dev.questions}" if b.dev else "–",
        )
        row("dev questions: topic in top-3", lambda b: _pct(b.dev.top3) if b.dev else "–")
    lines.append("")
    for b in report.backends:
        if b.error:
            lines.append(f"- {b.backend}: not evaluated: {b.error}")
        if b.latency_how:
            load = (
                f" (1-minute load average {b.load_while_timing:.1f} right after)"
                if b.load_while_timing is not None
                else ""
            )
            lines.append(f"- {b.backend} latency: {b.latency_how}{load}.")
        if b.rss_how:
            lines.append(f"- {b.backend} memory: {b.rss_how}.")
        lines += [f"- {b.backend}: {note}." for note in b.notes]
    lines += ["", *_verdict(report), ""]
    if done:
        lines += _per_intent_table(done)
        for b in done:
            assert b.scores is not None  # noqa: S101 - filtered above
            lines += ["", f"Most confused pairs, {b.backend} (gold → predicted, count):", ""]
            lines += [f"- {g} → {p}: {n}" for g, p, n in b.scores.confused] or ["- none"]
    return "\n".join(lines) + "\n"


def _verdict(report: EvaluationReport) -> list[str]:
    embedded, rasa = report.backend("embedded"), report.backend("rasa")
    if not (embedded and rasa and embedded.scores and rasa.scores):
        return []
    delta = (embedded.scores.accuracy - rasa.scores.accuracy) * 100
    if delta >= 0:
        words = f"The embedded backend is {delta:.1f} points more accurate than Rasa's DIET"
    else:
        words = f"**Rasa's DIET is more accurate, by {-delta:.1f} points**"
    f1_delta = (embedded.scores.macro_f1 - rasa.scores.macro_f1) * 100
    words += f" on the same folds (macro-F1 {f1_delta:+.1f} points for embedded)"
    if embedded.latency_p50_ms and rasa.latency_p50_ms:
        ratio = rasa.latency_p50_ms / embedded.latency_p50_ms
        goal = "meets" if ratio >= 10 else "misses"
        words += f"; at p50 it answers {ratio:.1f}× faster ({goal} the 10× goal)"
    return [words + "."]


def _per_intent_table(done: list[BackendReport]) -> list[str]:
    header = "| intent | n | " + " | ".join(f"{b.backend} P / R / F1" for b in done) + " |"
    lines = ["Per intent (held-out folds):", "", header, "|---|---|" + "---|" * len(done)]
    tables = [{r.intent: r for r in b.scores.per_intent} for b in done if b.scores]
    for intent in sorted(tables[0]):
        cells = []
        for table in tables:
            r = table.get(intent)
            cells.append("–" if r is None else f"{r.precision:.2f} / {r.recall:.2f} / {r.f1:.2f}")
        lines.append(f"| {intent} | {tables[0][intent].support} | " + " | ".join(cells) + " |")
    return lines


def write_markdown_results(path: Path, report: EvaluationReport) -> None:
    """Put the results between the nlu-eval markers of ``path`` (appended if there are none)."""
    section = f"{RESULTS_BEGIN}\n{render_markdown(report)}{RESULTS_END}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if RESULTS_BEGIN in text and RESULTS_END in text:
        before, rest = text.split(RESULTS_BEGIN, 1)
        after = rest.split(RESULTS_END, 1)[1].lstrip("\n")
        text = before + section + after
    else:
        text = (text.rstrip("\n") + "\n\n" if text else "") + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__" and sys.argv[1:2] == ["--rss-probe"]:
    _rss_probe(Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
