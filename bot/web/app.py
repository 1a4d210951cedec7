"""FastAPI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.channels.telegram.webhook import build_router as build_telegram_router
from bot.channels.web import ChatParts, WebChannel, build_router
from bot.channels.web_limits import ConversationStarts
from bot.config import Settings
from bot.log import get_logger
from bot.prompts import load_prompts
from bot.runtime import Runtime, build_console_services, build_runtime
from bot.stores.base import StoreUnavailableError
from handoff.cases.retention import Retention
from handoff.console.deps import error_page as console_error_page
from handoff.console.deps import is_console_page
from handoff.console.router import build_console_router
from handoff.console.templating import STATIC_DIR as CONSOLE_STATIC_DIR
from handoff.console.templating import STATIC_PREFIX as CONSOLE_STATIC_PREFIX
from handoff.console.throttle import close_limiters
from handoff.db import make_engine, session_factory
from handoff.errors import DatabaseUnavailableError

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 1_000_000
_SECURITY_HEADERS = {
    # Pages load nothing from third parties: everything comes from this origin.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

_HEADER_PAIRS = tuple((k.lower().encode(), v.encode()) for k, v in _SECURITY_HEADERS.items())
_NO_STORE = (b"cache-control", b"no-store")

log = get_logger(__name__)


class Guard:
    """Refuse oversized bodies (413) and put the security headers on every response.

    Plain ASGI rather than ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware runs
    each request through an extra task and memory streams, which cost about a fifth of the
    chat's server CPU per message (bench/chat_side_by_side.py).
    """

    def __init__(self, app: ASGIApp, too_large_detail: str) -> None:
        self.app = app
        self.too_large_detail = too_large_detail

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared body size, then pass the request on with headers added."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope["path"]).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _secured(message.get("headers", []), api=api)}
            await send(message)

        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            too_large = JSONResponse(status_code=413, content={"detail": self.too_large_detail})
            await too_large(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _secured(headers: Iterable[tuple[bytes, bytes]], *, api: bool) -> list[tuple[bytes, bytes]]:
    """The response headers with ours set (replacing the route's), no-store on the API."""
    ours = {name for name, _ in _HEADER_PAIRS}
    kept = [(name, value) for name, value in headers if name.lower() not in ours]
    if api and not any(name.lower() == b"cache-control" for name, _ in kept):
        kept.append(_NO_STORE)
    return [*kept, *_HEADER_PAIRS]


async def purge_periodically(settings: Settings, runtime: Runtime) -> None:
    """Run retention every configured interval; with several processes, one at a time."""
    interval = settings.config.handoff.retention.purge_interval_minutes * 60
    retention = Retention(session_factory(runtime.engine))
    while True:
        try:
            async with runtime.kv.lock("purge", timeout_seconds=5):
                report = await asyncio.to_thread(
                    retention.purge,
                    closed_case_days=settings.config.handoff.retention.closed_case_days,
                    conversation_days=max(1, settings.config.storage.session_ttl_seconds // 86400),
                )
            log.info(
                "purged",
                cases=report.cases_deleted,
                drafts=report.snapshots_deleted,
                conversations=report.conversations_deleted,
                stale_open_cases=len(report.stale_open_cases),
            )
        except (TimeoutError, StoreUnavailableError, DatabaseUnavailableError):
            log.warning("purge_skipped")
        await asyncio.sleep(interval)


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    """The web app; builds its runtime at startup unless one is given (tests pass their own)."""
    holder: dict[str, Runtime] = {}
    engine = None
    if runtime is not None:
        holder["runtime"] = runtime
        console = runtime.console
    else:
        # The console's routes are built now; its services get their ports at start-up.
        engine = make_engine(settings.database_url)
        console = build_console_services(settings, engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        own = "runtime" not in holder
        if own:
            holder["runtime"] = build_runtime(settings, engine=engine, console=console)
        rt = holder["runtime"]
        if own:
            await asyncio.to_thread(rt.warm_up)
        _app.state.runtime = rt
        _app.state.web_channel = WebChannel(
            rt.core, rt.mailbox, settings.config.storage.session_ttl_seconds
        )
        purging = asyncio.create_task(purge_periodically(settings, rt)) if own else None
        rt.start_background()
        yield
        if purging is not None:
            purging.cancel()
        await rt.stop_background()
        await close_limiters()
        if own:
            await rt.close()

    app = FastAPI(title="Gongyou 工友", lifespan=lifespan, docs_url=None, redoc_url=None)
    prompts = load_prompts("web")

    web = settings.config.web
    starts = ConversationStarts(
        console.limits_storage,
        console.vault,
        per_ip_per_hour=web.new_conversations_per_ip_per_hour,
        per_minute=web.new_conversations_per_minute,
    )

    def chat_parts() -> ChatParts:
        rt = holder["runtime"]
        return ChatParts(rt.core, rt.mailbox, starts)

    app.include_router(build_router(chat_parts))
    app.include_router(build_telegram_router(settings, lambda: holder["runtime"]))
    app.state.console_services = console
    app.include_router(build_console_router(console))

    # The guard answers a declared oversized body at once; a body without Content-Length
    # (chunked) is counted as it arrives by Starlette's limit inside it, whose 413 comes back
    # through the handlers below. (Added first = inner.)
    app.add_middleware(RequestBodyLimitMiddleware, max_body_size=MAX_BODY_BYTES)
    app.add_middleware(Guard, too_large_detail=prompts.text("body_too_large"))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [".".join(str(p) for p in err.get("loc", ())) for err in exc.errors()]
        return JSONResponse(
            status_code=422,
            content={"detail": prompts.text("invalid_request"), "fields": fields},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (403, 404) and is_console_page(request):
            return console_error_page(request, exc.status_code, exc.detail)
        detail = exc.detail if exc.status_code != 404 or isinstance(exc.detail, str) else None
        if exc.status_code == 404 and (detail is None or detail == "Not Found"):
            detail = prompts.text("not_found")
        if exc.status_code == 413:
            detail = prompts.text("body_too_large")
        if exc.status_code == 405:
            detail = prompts.text("method_not_allowed")
        # Headers carry a redirect to the console's login page or WWW-Authenticate.
        return JSONResponse(
            status_code=exc.status_code, content={"detail": detail}, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled_error", error_type=type(exc).__name__)
        return JSONResponse(status_code=500, content={"detail": prompts.text("server_error")})

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/healthz")
    async def health(request: Request) -> JSONResponse:
        rt: Runtime = request.app.state.runtime
        store_ok = await rt.kv.ping()
        database_ok = rt.database_ok()
        healthy = store_ok and database_ok
        return JSONResponse(
            status_code=200 if healthy else 503,
            content={
                "status": "ok" if healthy else "degraded",
                "database": database_ok,
                "store": store_ok,
                "nlu": rt.nlu.name,
            },
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(
        CONSOLE_STATIC_PREFIX,
        StaticFiles(directory=CONSOLE_STATIC_DIR),
        name="console-static",
    )
    return app
