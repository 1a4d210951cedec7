"""The Rasa NLU backend: asks a running ``rasa run --enable-api`` server over HTTP.

When Rasa cannot answer (down, slow, 5xx, nonsense) the message goes to the fallback backend
(the embedded one), a warning is logged once per outage, and Rasa is tried again after a
back-off, so a worker always gets an answer and the log is not flooded.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import httpx
import structlog

from nlu import numbers
from nlu.dialect import with_wage_words
from nlu.embedded.backend import EmbeddedBackend
from nlu.embedded.safety import DangerModel, SafetyLayer
from nlu.settings import NluSettings
from nlu.tokenizer import normalize
from nlu.types import Entity, IntentScore, NluBackend, ParseResult, readable

log = structlog.get_logger(__name__)

RASA_FALLBACK_INTENT: Final = "nlu_fallback"  # what Rasa's FallbackClassifier puts on top
DEFAULT_RETRY_AFTER_SECONDS: Final = 30.0

# Entities whose values are quantities get the same numeric values as the embedded backend's.
_VALUE_PARSERS: Final[Mapping[str, Callable[[str], numbers.Number | None]]] = {
    "money": numbers.parse_money,
    "duration": numbers.parse_duration_months,
    "hours": numbers.parse_hours,
    "percent": numbers.parse_percent,
    "count": numbers.parse_count,
}
_NUMERIC: Final = re.compile(r"\d+(?:\.\d+)?")
# Where two extractors found the same span, the exact one (regex / lookup) is kept.
_EXTRACTOR_PREFERENCE: Final = ("RegexEntityExtractor", "DIETClassifier")


class RasaUnavailableError(RuntimeError):
    """Rasa did not give a usable answer; the message says why without any user text."""


class RasaBackend:
    """NLU from a Rasa server's ``/model/parse``, with another backend for when it is down."""

    name = "rasa"

    def __init__(
        self,
        settings: NluSettings,
        fallback: NluBackend,
        *,
        retry_after_seconds: float = DEFAULT_RETRY_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        safety: SafetyLayer | None = None,
        opinion: DangerModel | None = None,
    ) -> None:
        self._safety = safety or SafetyLayer.load()
        # The same second opinion from sentence meaning as the embedded backend's, so both
        # backends raise the same alarms: by default the fallback model's own.
        self._opinion = opinion if opinion is not None else _semantic_opinion_of(fallback)
        self._url = f"{settings.rasa_url.rstrip('/')}/model/parse"
        self._fallback = fallback
        self._retry_after = retry_after_seconds
        self._clock = clock
        self._client = httpx.Client(timeout=settings.rasa_timeout_seconds, trust_env=False)
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0

    @property
    def available(self) -> bool:
        """False while Rasa is considered down (inside the back-off after a failure)."""
        with self._lock:
            return self._down_since is None

    def parse(self, text: str) -> ParseResult:
        """Rasa's reading of ``text`` (its readable beginning), or the fallback backend's when
        Rasa cannot answer."""
        text = readable(text)
        if not self._should_try_rasa() or not _sendable(text):
            return self._fallback.parse(text)
        try:
            payload = self._post(text)
        except RasaUnavailableError as exc:
            self._mark_down(str(exc))
            return self._fallback.parse(text)
        self._mark_up()
        result = result_from_rasa(
            text, payload, backend=self.name, safety=self._safety, opinion=self._opinion
        )
        # An empty reading (e.g. blank text) is not an outage: the fallback decides.
        return self._fallback.parse(text) if result is None else result

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _post(self, text: str) -> Mapping[str, Any]:
        try:
            # Rasa sees the normalised text (simplified, half-width): same length, same offsets.
            # Cantonese 人工 meaning wages is sent as 工资 (also same length).
            sent = with_wage_words(normalize(text))
            response = self._client.post(self._url, json={"text": sent})
        except httpx.TimeoutException as exc:
            raise RasaUnavailableError(f"timeout ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise RasaUnavailableError(f"connection failed ({type(exc).__name__})") from exc
        if response.status_code != httpx.codes.OK:
            raise RasaUnavailableError(f"HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError as exc:
            raise RasaUnavailableError("response is not JSON") from exc
        if not isinstance(payload, dict):
            raise RasaUnavailableError("response is not a JSON object")
        return payload

    def _should_try_rasa(self) -> bool:
        with self._lock:
            return self._down_since is None or self._clock() >= self._retry_at

    def _mark_down(self, reason: str) -> None:
        with self._lock:
            first = self._down_since is None
            now = self._clock()
            if first:
                self._down_since = now
            self._retry_at = now + self._retry_after
        if first:
            log.warning(
                "rasa_unavailable_using_fallback",
                reason=reason,
                url=self._url,
                fallback=self._fallback.name,
                retry_after_seconds=self._retry_after,
            )

    def _mark_up(self) -> None:
        with self._lock:
            down_since, self._down_since = self._down_since, None
        if down_since is not None:
            log.info("rasa_available_again", down_seconds=round(self._clock() - down_since, 1))


def _sendable(text: str) -> bool:
    # A lone surrogate cannot travel as UTF-8 JSON; that is the text's fault, not an outage.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def result_from_rasa(
    text: str,
    payload: Mapping[str, Any],
    *,
    backend: str = "rasa",
    safety: SafetyLayer | None = None,
    opinion: DangerModel | None = None,
) -> ParseResult | None:
    """Map a ``/model/parse`` answer for ``text`` onto a ParseResult (None if it has no intent).

    Rasa's ``nlu_fallback`` is dropped from the ranking: the bot applies its own confidence
    threshold to the best real intent, the same way for every backend. The same safety layer as
    the embedded backend's judges the message (kinds of danger, emergency or doubt), with
    ``opinion`` (the embedded model's semantic second opinion) where the rules find nothing, and
    orders the ranking to match, so no backend can miss those messages.
    """
    ranking = _ranking(payload)
    if not ranking:
        return None
    signal = None
    if safety is not None:
        judgement = safety.judge(text, ranking, opinion)
        ranking, signal = judgement.ranking, judgement.signal
    return ParseResult(
        text=text,
        intent=ranking[0],
        ranking=tuple(ranking),
        entities=tuple(_entities(text, payload.get("entities") or ())),
        backend=backend,
        safety=signal,
    )


def _semantic_opinion_of(backend: NluBackend) -> DangerModel | None:
    """The semantic safety model of an embedded backend (None for any other backend)."""
    return backend.model.semantic if isinstance(backend, EmbeddedBackend) else None


def _ranking(payload: Mapping[str, Any]) -> list[IntentScore]:
    raw = payload.get("intent_ranking") or [payload.get("intent") or {}]
    scores: list[IntentScore] = []
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name or name == RASA_FALLBACK_INTENT:
            continue
        try:
            confidence = float(item.get("confidence") or 0.0)
        except (TypeError, ValueError):
            continue
        scores.append(IntentScore(name, min(max(confidence, 0.0), 1.0)))
    scores.sort(key=lambda s: s.confidence, reverse=True)
    return scores


def _entities(text: str, raw: Sequence[Any]) -> list[Entity]:
    best: dict[tuple[str, int, int], Entity] = {}
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        name, start, end = item.get("entity"), item.get("start"), item.get("end")
        if not isinstance(name, str) or not isinstance(start, int) or not isinstance(end, int):
            continue
        if not 0 <= start < end <= len(text):
            continue
        surface = text[start:end]
        value = _normalise_value(name, item.get("value", surface), surface)
        if name in _VALUE_PARSERS and not isinstance(value, int | float):
            # DIET may tag words that hold no amount (上个月 as hours): an amount entity
            # without a number is no fact for a calculator, and the rule extractors' stand.
            continue
        entity = Entity(
            entity=name,
            value=value,
            start=start,
            end=end,
            text=surface,
            extractor=str(item.get("extractor") or "rasa"),
        )
        key = (name, start, end)
        if key not in best or _rank(entity.extractor) < _rank(best[key].extractor):
            best[key] = entity
    return sorted(best.values(), key=lambda e: (e.start, e.end, e.entity))


def _rank(extractor: str) -> int:
    try:
        return _EXTRACTOR_PREFERENCE.index(extractor)
    except ValueError:
        return len(_EXTRACTOR_PREFERENCE)


def _normalise_value(name: str, value: Any, surface: str) -> str | int | float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return surface
    if not isinstance(value, str):
        return value
    parser = _VALUE_PARSERS.get(name)
    if parser is not None:
        parsed = parser(value)
        if parsed is not None:
            return parsed
    number = numbers.parse_number(value) if _NUMERIC.fullmatch(value.strip()) else None
    return value if number is None else number
