"""``gongyou nlu-eval``: the embedded and Rasa NLU backends side by side on the same folds."""

from __future__ import annotations

import shlex
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.log import configure_logging


class BackendChoice(StrEnum):
    """Which backends to evaluate."""

    both = "both"
    embedded = "embedded"
    rasa = "rasa"


def register(app: typer.Typer) -> None:
    """Add the ``nlu-eval`` command to the CLI."""
    app.command("nlu-eval")(nlu_eval)


def nlu_eval(
    backend: Annotated[
        BackendChoice, typer.Option(help="Backends to evaluate")
    ] = BackendChoice.both,
    folds: Annotated[int, typer.Option(min=2, help="Folds of the stratified cross-validation")] = 5,
    only_folds: Annotated[
        int | None, typer.Option(min=1, help="Run only the first N folds (a quicker, rougher look)")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the fold split")] = 42,
    dev: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="JSON-lines dev questions (question, topic) for topic accuracy, e.g. "
            "../shared/dev_questions.jsonl",
        ),
    ] = None,
    rasa_epochs: Annotated[
        int | None,
        typer.Option(min=1, help="Train Rasa's DIET with this many epochs instead of config.yml's"),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write the results: *.md between the nlu-eval markers (docs/nlu.md), "
            "*.json as JSON; default: Markdown on stdout",
        ),
    ] = None,
) -> None:
    """Cross-validate both NLU backends on nlu/data and time them (Rasa needs make rasa's venv)."""
    from nlu.evaluation import (
        EvaluationOptions,
        MissingToolError,
        evaluate,
        render_markdown,
        require_measurement_tools,
        write_markdown_results,
    )

    try:
        require_measurement_tools()
    except MissingToolError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=2) from exc
    configure_logging("WARNING")
    chosen = ("embedded", "rasa") if backend is BackendChoice.both else (backend.value,)
    options = EvaluationOptions(
        backends=chosen,
        folds=folds,
        only_folds=only_folds,
        seed=seed,
        dev_path=dev,
        rasa_diet_epochs=rasa_epochs,
        command=_command_line(),
    )
    report = evaluate(options, progress=lambda message: typer.echo(message, err=True))
    if out is None:
        typer.echo(render_markdown(report))
    elif out.suffix == ".json":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report.to_json() + "\n", encoding="utf-8")
        typer.echo(f"results written to {out}", err=True)
    else:
        write_markdown_results(out, report)
        typer.echo(f"results written to {out}", err=True)
    failed = [b for b in report.backends if b.error]
    if failed:
        for item in failed:
            typer.echo(f"{item.backend}: not evaluated: {item.error}", err=True)
        raise typer.Exit(code=1)


def _command_line() -> str:
    return shlex.join(["gongyou", *sys.argv[1:]])
