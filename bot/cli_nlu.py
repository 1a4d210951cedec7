"""NLU commands: ``gongyou train`` (refresh the embedded model cache) and ``gongyou parse TEXT``."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer

from bot.log import configure_logging


def register(app: typer.Typer) -> None:
    """Add ``train`` and ``parse`` to the CLI."""
    app.command("train")(train)
    app.command("parse")(parse)


_CONFIG_HELP = "The configuration file (its gongyou.nlu section)"


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code=2)


def train(
    if_needed: Annotated[
        bool,
        typer.Option(
            "--if-needed", help="Keep the cached model when data, config and code are unchanged"
        ),
    ] = False,
    config: Annotated[Path, typer.Option(help=_CONFIG_HELP)] = Path("config.yml"),
) -> None:
    """Train the embedded NLU model on nlu/data and store it in the model cache."""
    from nlu.embedded import load_or_train
    from nlu.settings import NluSettings, NluSettingsError
    from nlu.training_data import TrainingDataError

    configure_logging("WARNING")
    try:
        settings = NluSettings.from_config_file(config)
        outcome = load_or_train(settings, force=not if_needed)
    except (NluSettingsError, TrainingDataError, ValueError) as exc:
        raise _fail(f"cannot train the embedded NLU model: {exc}") from exc
    info = outcome.model.info
    how = "cache is up to date" if outcome.cache_hit else f"trained in {info.train_seconds:.2f} s"
    typer.echo(
        f"embedded NLU model: {len(info.intents)} intents, {info.examples} examples, {how}"
        f" → {outcome.path}"
    )


def parse(
    text: Annotated[str, typer.Argument(help="The message to understand")],
    backend: Annotated[
        str | None,
        typer.Option(help="Backend name (default: GONGYOU_NLU_BACKEND, else config.yml)"),
    ] = None,
    config: Annotated[Path, typer.Option(help=_CONFIG_HELP)] = Path("config.yml"),
) -> None:
    """Print what the NLU understood of TEXT as JSON (intent, ranking, entities)."""
    from nlu import load_backend
    from nlu.backend import BackendUnavailableError, UnknownBackendError
    from nlu.settings import NluSettings, NluSettingsError

    configure_logging("WARNING")
    try:
        nlu = load_backend(backend, NluSettings.from_config_file(config))
    except (NluSettingsError, UnknownBackendError, BackendUnavailableError) as exc:
        raise _fail(str(exc)) from exc
    result = nlu.parse(text)
    typer.echo(json.dumps(dataclasses.asdict(result), ensure_ascii=False, indent=2))
