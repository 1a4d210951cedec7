"""The console's router: login, accounts and audit here, and the cases, statistics and live
routers of the other console modules. ``bot/web/app.py`` includes it and mounts the static
files (:data:`handoff.console.templating.STATIC_DIR` at ``/console/static``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.routing import BaseRoute

from handoff.console.accounts_routes import build_accounts_router
from handoff.console.audit_routes import build_audit_router
from handoff.console.auth_routes import build_auth_router
from handoff.console.cases_routes import build_cases_router
from handoff.console.deps import require_csrf
from handoff.console.events import build_events_router
from handoff.console.live_routes import build_live_router
from handoff.console.services import ConsoleServices
from handoff.console.stats_routes import build_stats_router

API_PREFIX = "/api/console"


def console_openapi(routes: list[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI schema of the console API alone (served as JSON; no docs page, no CDN)."""
    schema = get_openapi(
        title="Gongyou console API",
        version="1",
        description=(
            "Log in with POST /api/console/login, then send the access token as "
            "`Authorization: Bearer <token>`."
        ),
        routes=routes,
    )
    schema["paths"] = {
        path: item for path, item in schema.get("paths", {}).items() if path.startswith(API_PREFIX)
    }
    return schema


def build_console_router(services: ConsoleServices) -> APIRouter:
    """Every console route. Routers other than login carry the CSRF check on every
    state-changing request (bearer-token calls are exempt)."""
    router = APIRouter()
    guarded = [Depends(require_csrf)]
    router.include_router(build_auth_router(services))
    router.include_router(build_accounts_router(services), dependencies=guarded)
    router.include_router(build_audit_router(services), dependencies=guarded)
    router.include_router(build_cases_router(services), dependencies=guarded)
    router.include_router(build_stats_router(services), dependencies=guarded)
    router.include_router(build_live_router(services), dependencies=guarded)
    router.include_router(build_events_router(services))

    @router.get(API_PREFIX + "/openapi.json", include_in_schema=False)
    async def openapi_schema(request: Request) -> JSONResponse:
        return JSONResponse(console_openapi(request.app.routes))

    return router
