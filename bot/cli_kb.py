"""Knowledge-base commands: ``gongyou ask``, ``gongyou law``, ``gongyou eval-kb``."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from knowledge_base.service import AnswerResult, KnowledgeBase
    from nlu.types import ParseResult

Parser = Callable[[str], "ParseResult | None"]

NluOption = Annotated[
    str | None, typer.Option("--nlu", help="NLU backend name (default: the one in config.yml)")
]
NoNluOption = Annotated[
    bool, typer.Option("--no-nlu", help="Retrieval only, without the NLU topic")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=code)


def _load_kb() -> KnowledgeBase:
    from knowledge_base.answers import AnswerBookError
    from knowledge_base.service import KnowledgeBase
    from knowledge_base.statutes import StatuteError

    try:
        return KnowledgeBase.load()
    except (AnswerBookError, StatuteError) as exc:
        raise _fail(str(exc)) from exc


def _load_parser(name: str | None, disabled: bool) -> Parser | None:
    """The NLU's parse function, or None (retrieval only) when disabled or unavailable."""
    if disabled:
        return None
    try:
        from nlu import load_backend
    except ImportError:
        typer.echo("NLU not available: answering with retrieval only.", err=True)
        return None
    try:
        backend = load_backend(name)
    except Exception as exc:  # noqa: BLE001 - a broken NLU must not stop the KB answering
        typer.echo(f"NLU backend failed to load ({type(exc).__name__}): retrieval only.", err=True)
        return None
    parse: Parser = backend.parse
    return parse


def _answer_and_parse(
    kb: KnowledgeBase, parser: Parser | None, question: str
) -> tuple[AnswerResult, ParseResult | None]:
    parse = parser(question) if parser is not None and question.strip() else None
    return kb.answer(question, parse), parse


def _record(kb: KnowledgeBase, parser: Parser | None, question: str) -> dict[str, Any]:
    """The JSON of one answer, with a ``calculation`` when a calculator can use the question."""
    result, parse = _answer_and_parse(kb, parser, question)
    record = result.to_json()
    calculation = _calculation(question, result, parse)
    if calculation is not None:
        record["calculation"] = calculation
    return record


def _calculation(
    question: str, result: AnswerResult, parse: ParseResult | None
) -> dict[str, Any] | None:
    """The amount with working and citations when the question states every fact a calculator
    needs; otherwise which facts are missing; None when no calculator fits the question."""
    from knowledge_base.calculators.oneshot import calculate

    if not question.strip():
        return None
    done = calculate(
        question,
        intent=result.intent or None,
        topic=result.topic,
        entities=parse.entities if parse is not None else None,
    )
    return done.to_json() if done is not None else None


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """A rich progress bar on stderr when it is a terminal; a no-op otherwise."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)


def _print_human(kb: KnowledgeBase, result: AnswerResult) -> None:
    typer.echo(f"topic: {result.topic}  (top-3: {', '.join(result.topics)})")
    typer.echo(f"intent: {result.intent}  confidence: {result.confidence:.2f}")
    if result.article_request is not None:
        for article in result.articles:
            typer.echo("")
            typer.echo(format_article(article))
        if not result.articles:
            typer.echo("(no such article)")
        return
    if result.entry is None:
        typer.echo("no curated answer fits well: a caseworker should look at this question.")
    else:
        typer.echo("")
        typer.echo(f"[{result.entry.id}] {result.entry.title}")
        typer.echo(result.entry.short)
        typer.echo("")
        for step in result.entry.next_steps:
            typer.echo(f"- {step}")
    if result.citations:
        typer.echo("")
        typer.echo("citations: " + "; ".join(article.label for article in result.articles))


def _print_calculation(calculation: dict[str, Any] | None) -> None:
    if calculation is None:
        return
    typer.echo("")
    if calculation["missing"]:
        missing = ", ".join(calculation["missing"])
        typer.echo(f"calculation ({calculation['calculator']}): missing {missing}")
        return
    typer.echo(f"calculation ({calculation['calculator']}): {calculation['amount']}")
    for line in calculation["working"] + calculation["result"]:
        typer.echo(f"  {line}")


def format_article(article: Any) -> str:
    """An article as plain text: its label, version, then one paragraph per line."""
    lines = [article.label, f"({article.title}, {article.version})", *article.paragraphs]
    return "\n".join(lines)


def _read_batch(path: Path) -> list[tuple[Any, str]]:
    items: list[tuple[Any, str]] = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise _fail(f"{path}:{line_no}: not valid JSON ({exc.msg})") from exc
            if not isinstance(data, dict):
                raise _fail(f"{path}:{line_no}: expected an object with id and question")
            question = data.get("question")
            items.append((data.get("id", line_no), question if isinstance(question, str) else ""))
    return items


def ask(
    question: Annotated[str | None, typer.Argument(help="The question, in Chinese")] = None,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch", exists=True, dir_okay=False, help="JSONL input: one {id, question} a line"
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", dir_okay=False, help="JSONL output (with --batch)")
    ] = None,
    json_output: JsonOption = False,
    nlu: NluOption = None,
    no_nlu: NoNluOption = False,
) -> None:
    """Answer a question from the knowledge base (or a whole JSONL file with --batch)."""
    if (question is None) == (batch is None):
        raise _fail("give a question, or --batch IN.jsonl --out OUT.jsonl")
    if batch is not None and out is None:
        raise _fail("--batch needs --out OUT.jsonl")
    kb = _load_kb()
    parser = _load_parser(nlu, no_nlu)
    if question is not None:
        if json_output:
            typer.echo(json.dumps(_record(kb, parser, question), ensure_ascii=False))
        else:
            result, parse = _answer_and_parse(kb, parser, question)
            _print_human(kb, result)
            _print_calculation(_calculation(question, result, parse))
        return
    if batch is None or out is None:  # pragma: no cover - checked above; narrows the types
        return
    items = _read_batch(batch)
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as sink, _progress(len(items), "ask") as advance:
        for item_id, text in items:
            record = {"id": item_id, **_record(kb, parser, text)}
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            advance()
    elapsed = time.perf_counter() - started
    typer.echo(f"answered {len(items)} questions in {elapsed:.1f} s → {out}", err=True)


def law(
    law_name: Annotated[
        str, typer.Argument(metavar="LAW", help="Law name, e.g. 劳动合同法 or 社保法")
    ],
    article: Annotated[
        str, typer.Argument(metavar="ARTICLE", help="Article: 47, 四十七 or 第四十七条")
    ],
    json_output: JsonOption = False,
) -> None:
    """Print the text of one statute article."""
    from knowledge_base.numerals import chinese_to_int
    from knowledge_base.statutes import StatuteLibrary

    library = StatuteLibrary.load()
    canonical = library.resolve_law(law_name)
    if canonical is None:
        known = ", ".join(law.name for law in library.current_laws())
        raise _fail(f"unknown law {law_name!r}. Known: {known}", code=1)
    raw = article.strip().removeprefix("第").removesuffix("条")
    number = chinese_to_int(raw)
    if number is None:
        raise _fail(f"not an article number: {article!r}")
    found = library.article(canonical, number)
    if found is None:
        count = len(library.laws[canonical].articles)
        raise _fail(f"{canonical} has no article {number} (it has {count})", code=1)
    if json_output:
        payload = {
            "law": found.law,
            "article": found.number,
            "title": found.title,
            "version": found.version,
            "label": found.label,
            "paragraphs": list(found.paragraphs),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
    else:
        typer.echo(format_article(found))


def eval_kb(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="JSONL with question/topic (also_topics, cited_articles optional)",
        ),
    ],
    json_output: JsonOption = False,
    nlu: NluOption = None,
    no_nlu: NoNluOption = False,
    aggregate_only: Annotated[
        bool,
        typer.Option(
            "--aggregate-only",
            help="Totals only, no per-topic rows (for a held-out split nobody may tune on)",
        ),
    ] = False,
) -> None:
    """Topic accuracy (top-1 strict and lenient, top-2) and citation hit rate."""
    from knowledge_base.evaluation import evaluate, read_questions

    kb = _load_kb()
    parser = _load_parser(nlu, no_nlu)
    items = read_questions(path, kb)
    with _progress(len(items), "eval-kb") as advance:
        report = evaluate(kb, items, parser, on_progress=advance)
    metrics = report.to_json()
    metrics["nlu"] = "off" if parser is None else (nlu or "default")
    if aggregate_only:
        metrics.pop("per_topic")
    if json_output:
        typer.echo(json.dumps(metrics, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not aggregate_only:
        table = Table(title=f"eval-kb: {path.name} (NLU {metrics['nlu']})")
        for column in ("topic", "n", "top-1", "top-2", "with refs", "cited"):
            table.add_column(column, justify="left" if column == "topic" else "right")
        for topic, row in metrics["per_topic"].items():
            table.add_row(
                topic,
                str(row["n"]),
                str(row["top1"]),
                str(row["top2"]),
                str(row["with_references"]),
                str(row["cited"]),
            )
        console.print(table)
    console.print(
        f"questions {report.n}: topic top-1 {report.top1_accuracy:.1%} strict, "
        f"{report.top1_lenient_accuracy:.1%} lenient ({report.with_also_topics} with also_topics); "
        f"two-sided answers {report.two_sided}, "
        f"either side right {report.either_side_accuracy:.1%}; "
        f"top-2 {report.top2_accuracy:.1%}; citation hit rate {report.citation_hit_rate:.1%} "
        f"({report.cited}/{report.with_refs} questions with references); "
        f"answered with a curated entry {report.answered}/{report.n}",
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Add ``ask``, ``law`` and ``eval-kb`` to the main CLI."""
    app.command("ask")(ask)
    app.command("law")(law)
    app.command("eval-kb")(eval_kb)
