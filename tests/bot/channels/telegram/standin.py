"""A local Bot API stand-in: an HTTP server on 127.0.0.1 that speaks the Bot API's JSON
protocol for getMe, getUpdates, sendMessage, editMessageText, answerCallbackQuery, setWebhook,
deleteWebhook and setMyCommands, checks what it is sent the way Telegram does (HTML entities,
4,096 characters, 64-byte callback data, known chats), and answers with real-shaped errors on
demand (429 with ``parameters.retry_after``, 403 blocked, 400, a lost answer).

Updates are queued by the test (``message``, ``command``, ``tap``, ``raw``) and handed out by
getUpdates (confirmed by the next offset, as Telegram does) or POSTed to the webhook with the
secret-token header, in order per chat and retried until the webhook answers 2xx. Every update
carries a name, a username, a language code — what the bot must never keep.

Used by the tests (in the test's event loop) and by ``bench/telegram.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

TOKEN = "123456789:AAFakeTokenForTheLocalStandIn_0123456789"
BOT_ID = 123456789
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_JSON_FIELDS = frozenset(
    {"reply_markup", "allowed_updates", "commands", "link_preview_options", "scope"}
)
_INT_FIELDS = frozenset({"chat_id", "offset", "limit", "timeout", "message_id", "max_connections"})
_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"code", "pre", "blockquote", "tg-emoji"}
)
_BARE_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
_BARE_LT = re.compile(r"<(?!/?[a-zA-Z])")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return JSONResponse(body, status_code=self.code)


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def blocked() -> ApiError:
    return ApiError(403, "Forbidden: bot was blocked by the user")


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


@dataclass
class Fault:
    """Answer the next ``times`` calls of ``method`` (for ``chat_id``, if given) with an
    error: ``kind`` is 429, 403, 400, 500 or ``lost`` (done, but the answer never arrives)."""

    method: str
    kind: str
    times: int = 1
    chat_id: int | None = None
    retry_after: int = 1


@dataclass
class SentMessage:
    """A message the bot sent, as the chat shows it now."""

    chat_id: int
    message_id: int
    text: str  # plain text, as a user sees it
    html: str  # what the bot sent
    buttons: list[list[tuple[str, str]]]  # rows of (title, callback data)
    at: float
    edits: int = 0

    def button_data(self) -> list[str]:
        return [data for row in self.buttons for _title, data in row]


class _TelegramHtml(HTMLParser):
    """Parse text as Telegram's HTML parse mode does, keeping the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.plain: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise bad_request(f'can\'t parse entities: Unexpected end tag "{tag}"')
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.plain.append(data)


def plain_text(text: str, parse_mode: str | None) -> str:
    """What the user sees, or the 400 Telegram gives for bad HTML."""
    if (parse_mode or "").upper() != "HTML":
        return text
    if _BARE_AMP.search(text) or _BARE_LT.search(text):
        raise bad_request("can't parse entities: Character '<' or '&' is reserved")
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.open:
        raise bad_request(f"can't parse entities: Can't find end tag \"{parser.open[-1]}\"")
    return "".join(parser.plain)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # the test runner keeps its signals
        yield


async def serve(app: Any, port: int = 0) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    """Serve an ASGI app on 127.0.0.1 in the running loop; returns (server, task, base URL)."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=2,
    )
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 30
    while not server.started:
        if task.done():
            task.result()
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        await asyncio.sleep(0.01)
    sockets = [s for srv in server.servers for s in srv.sockets]
    bound = sockets[0].getsockname()[1]
    return server, task, f"http://127.0.0.1:{bound}"


async def stop_server(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=15)


@dataclass
class _Webhook:
    url: str
    secret: str | None
    max_connections: int


@dataclass
class StandIn:
    """The Bot API of one bot; start it with ``await standin.start()``."""

    token: str = TOKEN
    webhook_retry_seconds: float = 0.2
    first_update_id: int = 1000
    base_url: str = ""
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    by_chat: dict[int, list[SentMessage]] = field(default_factory=lambda: defaultdict(list))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    faults: list[Fault] = field(default_factory=list)
    commands: list[dict[str, str]] = field(default_factory=list)
    answered_callbacks: list[str] = field(default_factory=list)
    blocked_chats: set[int] = field(default_factory=set)
    pushed_at: dict[int, float] = field(default_factory=dict)
    webhook: _Webhook | None = None
    webhook_deliveries: int = 0

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(self.first_update_id)
        self._message_ids: dict[int, Iterator[int]] = defaultdict(lambda: itertools.count(1))
        self._callback_ids = itertools.count(1)
        self._open_callbacks: set[str] = set()
        self._known_chats: set[int] = set()
        self._new_update = asyncio.Event()
        self._new_message: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self._poll_generation = 0
        self._closing = False
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_in_flight: set[int] = set()
        self._webhook_chats_busy: set[Any] = set()
        self._posts: set[asyncio.Task[None]] = set()
        self._server: uvicorn.Server | None = None
        self._server_task: asyncio.Task[None] | None = None
        self._http: httpx.AsyncClient | None = None
        self._handlers = {
            name.removeprefix("_api_").replace("_", ""): getattr(self, name)
            for name in dir(self)
            if name.startswith("_api_")
        }

    # ---- running ----------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        app = Starlette(
            routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])]
        )
        self._server, self._server_task, self.base_url = await serve(app, port)
        self._http = httpx.AsyncClient(timeout=30.0, limits=httpx.Limits(max_connections=100))
        return self.base_url

    async def stop(self) -> None:
        self._closing = True
        self._new_update.set()  # long polls return now
        if self._webhook_task is not None:
            self._webhook_task.cancel()
        if self._server is not None and self._server_task is not None:
            await stop_server(self._server, self._server_task)
        if self._http is not None:
            await self._http.aclose()

    # ---- what users do ----------------------------------------------------------------

    def _user(self, chat_id: int) -> dict[str, Any]:
        return {
            "id": chat_id,
            "is_bot": False,
            "first_name": "阿芳",
            "last_name": "陈",
            "username": f"afang_{chat_id}",
            "language_code": "zh-hans",
            "is_premium": True,
        }

    def _chat(self, chat_id: int, chat_type: str) -> dict[str, Any]:
        if chat_type == "private":
            return {
                "id": chat_id,
                "type": "private",
                "first_name": "阿芳",
                "last_name": "陈",
                "username": f"afang_{chat_id}",
            }
        return {"id": chat_id, "type": chat_type, "title": "东莞工友群"}

    def raw(self, update: dict[str, Any]) -> int:
        """Queue any update; an ``update_id`` is added unless given."""
        update.setdefault("update_id", next(self._update_ids))
        chat = _chat_id_of(update)
        if chat is not None:
            self._known_chats.add(chat)
        self.updates.append(update)
        self.pushed_at[update["update_id"]] = time.monotonic()
        self._new_update.set()
        return int(update["update_id"])

    def message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        chat_type: str = "private",
        edited: bool = False,
        **content: Any,
    ) -> int:
        """A user's message (text, or other content such as ``photo=[…]``)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids[chat_id]),
            "from": self._user(chat_id if chat_type == "private" else 555000111),
            "chat": self._chat(chat_id, chat_type),
            "date": int(time.time()),
            **content,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if edited:
            message["edit_date"] = int(time.time())
        return self.raw({"edited_message" if edited else "message": message})

    def command(self, chat_id: int, command: str) -> int:
        return self.message(chat_id, command)

    def tap(self, chat_id: int, sent: SentMessage, data: str) -> int:
        """The user taps the button with callback ``data`` under ``sent``."""
        query_id = str(next(self._callback_ids))
        self._open_callbacks.add(query_id)
        markup = {
            "inline_keyboard": [
                [{"text": title, "callback_data": d} for title, d in row] for row in sent.buttons
            ]
        }
        message = {
            "message_id": sent.message_id,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "工友", "username": "gongyou_bot"},
            "chat": self._chat(chat_id, "private"),
            "date": int(time.time()),
            "text": sent.text,
            "reply_markup": markup,
        }
        return self.raw(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(chat_id),
                    "message": message,
                    "chat_instance": "-4242",
                    "data": data,
                }
            }
        )

    def meet(self, chat_id: int) -> None:
        """A chat the bot may write to (one that wrote to the bot, as far as Telegram knows)."""
        self._known_chats.add(chat_id)

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: sends to them get 403 from now on."""
        self.blocked_chats.add(chat_id)

    # ---- what the test reads ----------------------------------------------------------

    def messages(self, chat_id: int) -> list[SentMessage]:
        return list(self.by_chat.get(chat_id, []))

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 20.0
    ) -> list[SentMessage]:
        """The chat's messages once there are at least ``count`` of them."""
        deadline = time.monotonic() + timeout
        while len(self.by_chat.get(chat_id, [])) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                got = len(self.by_chat.get(chat_id, []))
                raise TimeoutError(f"chat {chat_id}: {got} messages, expected {count}")
            event = self._new_message[chat_id]
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=min(remaining, 0.5))
        return self.messages(chat_id)

    async def wait_until_delivered(self, timeout: float = 20.0) -> None:
        """Until every queued update was fetched and confirmed, or accepted by the webhook."""
        deadline = time.monotonic() + timeout
        while self.updates:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.updates)} updates never confirmed")
            await asyncio.sleep(0.02)

    async def settle(self, quiet_seconds: float = 0.5, timeout: float = 30.0) -> None:
        """Until no message was sent for ``quiet_seconds``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            count = len(self.sent)
            await asyncio.sleep(quiet_seconds)
            if len(self.sent) == count:
                return
        raise TimeoutError("the bot kept sending")

    def fail(
        self,
        method: str,
        kind: str,
        *,
        times: int = 1,
        chat_id: int | None = None,
        retry_after: int = 1,
    ) -> None:
        self.faults.append(Fault(method, kind, times, chat_id, retry_after))

    # ---- the API ----------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return ApiError(401, "Unauthorized").response()
        method = request.path_params["method"]
        self.calls[method] += 1
        try:
            params = await _params(request)
            fault = self._fault_for(method, params)
            if fault is not None and fault.kind != "lost":
                raise _fault_error(fault)
            handler = self._handlers.get(method.lower())  # method names are case-insensitive
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(params)
        except ApiError as exc:
            return exc.response()
        if fault is not None:  # done, but the answer is lost on its way back
            return PlainTextResponse("<html>502 Bad Gateway</html>", status_code=502)
        return JSONResponse({"ok": True, "result": result})

    def _fault_for(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self.faults:
            if fault.method != method or fault.times <= 0:
                continue
            if fault.chat_id is not None and params.get("chat_id") != fault.chat_id:
                continue
            fault.times -= 1
            return fault
        return None

    async def _api_get_me(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "工友",
            "username": "gongyou_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        offset = params.get("offset")
        if offset is not None:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self.updates or time.monotonic() >= deadline or self._closing:
                return self.updates[:limit]
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout=deadline - time.monotonic())

    def _check_chat(self, params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self._known_chats:
            raise bad_request("chat not found")
        if chat_id in self.blocked_chats:
            raise blocked()
        return chat_id

    def _check_text(self, params: dict[str, Any]) -> str:
        text = str(params.get("text") or "")
        if not text.strip():
            raise bad_request("message text is empty")
        plain = plain_text(text, params.get("parse_mode"))
        if not plain.strip():
            raise bad_request("message text is empty")
        if utf16_len(plain) > 4096:
            raise bad_request("message is too long")
        return plain

    def _check_markup(self, params: dict[str, Any]) -> list[list[tuple[str, str]]]:
        markup = params.get("reply_markup")
        if not markup:
            return []
        rows = []
        for row in markup.get("inline_keyboard", []):
            buttons = []
            for button in row:
                data = str(button.get("callback_data", ""))
                if not data or len(data.encode("utf-8")) > 64:
                    raise bad_request("BUTTON_DATA_INVALID")
                if not str(button.get("text", "")).strip():
                    raise bad_request("text buttons are unallowed in the inline keyboard")
                buttons.append((str(button["text"]), data))
            rows.append(buttons)
        return rows

    async def _api_send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._check_chat(params)
        plain = self._check_text(params)
        buttons = self._check_markup(params)
        message = SentMessage(
            chat_id=chat_id,
            message_id=next(self._message_ids[chat_id]),
            text=plain,
            html=str(params["text"]),
            buttons=buttons,
            at=time.monotonic(),
        )
        self.sent.append(message)
        self.by_chat[chat_id].append(message)
        self._new_message[chat_id].set()
        return {
            "message_id": message.message_id,
            "from": {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "工友",
                "username": "gongyou_test_bot",
            },
            "chat": self._chat(chat_id, "private"),
            "date": int(time.time()),
            "text": plain,
        }

    async def _api_edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._check_chat(params)
        plain = self._check_text(params)
        buttons = self._check_markup(params)
        found = next(
            (m for m in self.by_chat.get(chat_id, []) if m.message_id == params.get("message_id")),
            None,
        )
        if found is None:
            raise bad_request("message to edit not found")
        if found.text == plain and found.buttons == buttons:
            raise bad_request("message is not modified")
        found.text, found.html, found.buttons = plain, str(params["text"]), buttons
        found.edits += 1
        return {
            "message_id": found.message_id,
            "chat": self._chat(chat_id, "private"),
            "date": int(time.time()),
            "text": plain,
        }

    async def _api_answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._open_callbacks.discard(query_id)
        self.answered_callbacks.append(query_id)
        return True

    async def _api_set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description must be 1-256 characters")
        self.commands = [dict(c) for c in commands]
        return True

    async def _api_set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url.startswith(("http://127.0.0.1", "https://")):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        secret = params.get("secret_token")
        self.webhook = _Webhook(
            url, str(secret) if secret else None, int(params.get("max_connections") or 40)
        )
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self.updates.clear()
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_to_webhook())
        return True

    async def _api_delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self.updates.clear()
        return True

    # ---- webhook delivery -------------------------------------------------------------

    async def _deliver_to_webhook(self) -> None:
        """POST updates in order per chat, up to ``max_connections`` at once, each retried
        until the webhook answers 2xx."""
        while self.webhook is not None:
            webhook = self.webhook
            for update in list(self.updates):
                uid = update["update_id"]
                chat = _chat_id_of(update)
                if uid in self._webhook_in_flight or chat in self._webhook_chats_busy:
                    continue
                if len(self._webhook_in_flight) >= webhook.max_connections:
                    break
                self._webhook_in_flight.add(uid)
                self._webhook_chats_busy.add(chat)
                task = asyncio.create_task(self._post_update(webhook, update, chat))
                self._posts.add(task)
                task.add_done_callback(self._posts.discard)
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout=0.05)

    async def _post_update(self, webhook: _Webhook, update: dict[str, Any], chat: Any) -> None:
        assert self._http is not None
        headers = {SECRET_HEADER: webhook.secret} if webhook.secret else {}
        try:
            while self.webhook is webhook:
                self.webhook_deliveries += 1
                try:
                    response = await self._http.post(webhook.url, json=update, headers=headers)
                    if 200 <= response.status_code < 300:
                        self.updates = [u for u in self.updates if u is not update]
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(self.webhook_retry_seconds)
        finally:
            self._webhook_in_flight.discard(update["update_id"])
            self._webhook_chats_busy.discard(chat)
            self._new_update.set()


def _chat_id_of(update: dict[str, Any]) -> int | None:
    for key in (
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "my_chat_member",
    ):
        if key in update:
            return int(update[key]["chat"]["id"])
    query = update.get("callback_query")
    if query and "message" in query:
        return int(query["message"]["chat"]["id"])
    return None


def _fault_error(fault: Fault) -> ApiError:
    if fault.kind == "429":
        return too_many_requests(fault.retry_after)
    if fault.kind == "403":
        return blocked()
    if fault.kind == "400":
        return bad_request("wrong parameter")
    return ApiError(500, "Internal Server Error")


async def _params(request: Request) -> dict[str, Any]:
    """Query string, form or JSON body, with values as the Bot API reads them."""
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if "application/json" in content_type:
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif "form" in content_type:
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key in _JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except ValueError as exc:
                raise bad_request(f"can't parse {key} JSON object") from exc
    for key in _INT_FIELDS & params.keys():
        try:
            params[key] = int(params[key])
        except (TypeError, ValueError) as exc:
            raise bad_request(f"invalid {key}") from exc
    return params
