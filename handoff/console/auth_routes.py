"""Login and logout: the HTML form and ``/api/console/login`` (a bearer token plus the cookie)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from handoff.console.audit import Actor
from handoff.console.auth import ConsoleAuth, LoginRefusedError
from handoff.console.csrf import PRE_LOGIN_COOKIE
from handoff.console.deps import (
    HOME_PATH,
    LOGIN_PATH,
    SESSION_COOKIE,
    TOTP_ENROL_PATH,
    EnrollingStaff,
    Services,
    opened_session,
    presented_token,
    render,
    require_csrf,
)
from handoff.console.services import ConsoleServices
from handoff.console.sessions import SessionToken
from handoff.console.texts import text


class LoginRequest(BaseModel):
    """Credentials for ``POST /api/console/login``."""

    username: str = Field(max_length=64)
    password: str = Field(max_length=256)
    totp: str = Field(default="", max_length=16)


class LoginResponse(BaseModel):
    """A bearer token for ``Authorization: Bearer …`` (also set as the session cookie)."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime
    totp_enrolment_required: bool = False


class Me(BaseModel):
    """Who the token belongs to."""

    username: str
    role: str
    organisation: str


def client_ip(request: Request) -> str:
    """The caller's address (uvicorn resolves X-Forwarded-For from a trusted proxy)."""
    return request.client.host if request.client else "unknown"


def set_session_cookie(response: Response, services: ConsoleServices, token: SessionToken) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, Secure when served over HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        token.encode(),
        max_age=services.settings.console.session_hours * 3600,
        path="/",
        secure=services.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    response.delete_cookie(PRE_LOGIN_COOKIE, path="/")


def _refusal_text(refused: LoginRefusedError) -> str:
    if refused.reason == "throttled":
        return text("login.throttled", minutes=max(1, (refused.retry_after + 59) // 60))
    if refused.reason == "no_grant":
        return text("login.no_grant")
    return text("login.failed")


def _refusal_status(refused: LoginRefusedError) -> int:
    return 429 if refused.reason == "throttled" else 401


def _logout(request: Request, services: ConsoleServices) -> None:
    opened = opened_session(request)
    if opened is not None:
        staff = opened.staff
        ConsoleAuth(services).logout(
            staff.session_id, Actor(staff.org_id, staff.member_id, staff.username)
        )


def build_auth_router(services: ConsoleServices) -> APIRouter:
    """Routes of logging in and out (CSRF applied per route: login has no session yet)."""
    router = APIRouter()
    auth = ConsoleAuth(services)

    @router.get("/console", include_in_schema=False)
    async def console_home(request: Request) -> Response:
        target = HOME_PATH if presented_token(request) else LOGIN_PATH
        return RedirectResponse(target, status_code=303)

    @router.get("/console/login", include_in_schema=False)
    async def login_page(request: Request) -> Response:
        return render(request, "login.html")

    @router.post("/console/login", include_in_schema=False, dependencies=[Depends(require_csrf)])
    async def login_form(
        request: Request,
        username: Annotated[str, Form(max_length=64)],
        password: Annotated[str, Form(max_length=256)],
        totp: Annotated[str, Form(max_length=16)] = "",
    ) -> Response:
        try:
            login = await auth.login(username, password, totp, client_ip(request))
        except LoginRefusedError as refused:
            page = render(
                request,
                "login.html",
                status_code=_refusal_status(refused),
                error=_refusal_text(refused),
                username=username,
            )
            if refused.retry_after:
                page.headers["Retry-After"] = str(refused.retry_after)
            return page
        target = TOTP_ENROL_PATH if login.needs_totp_enrolment else HOME_PATH
        response = RedirectResponse(target, status_code=303)
        set_session_cookie(response, services, login.token)
        return response

    @router.post("/console/logout", include_in_schema=False, dependencies=[Depends(require_csrf)])
    async def logout_form(request: Request, _staff: EnrollingStaff) -> Response:
        _logout(request, services)
        response = RedirectResponse(LOGIN_PATH, status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @router.post(
        "/api/console/login",
        response_model=LoginResponse,
        responses={401: {"description": "wrong credentials"}, 429: {"description": "throttled"}},
        tags=["console"],
    )
    async def api_login(body: LoginRequest, request: Request) -> Response:
        """Log in; the token works as ``Authorization: Bearer`` and is set as the cookie."""
        try:
            login = await auth.login(body.username, body.password, body.totp, client_ip(request))
        except LoginRefusedError as refused:
            headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
            return JSONResponse(
                status_code=_refusal_status(refused),
                content={"detail": _refusal_text(refused), "reason": refused.reason},
                headers=headers,
            )
        payload = LoginResponse(
            access_token=login.token.encode(),
            expires_at=login.expires_at,
            totp_enrolment_required=login.needs_totp_enrolment,
        )
        response = JSONResponse(payload.model_dump(mode="json"))
        set_session_cookie(response, services, login.token)
        return response

    @router.post(
        "/api/console/logout",
        status_code=204,
        dependencies=[Depends(require_csrf)],
        tags=["console"],
    )
    async def api_logout(request: Request, _staff: EnrollingStaff) -> Response:
        """End this login (the token and the cookie stop working)."""
        _logout(request, services)
        response = Response(status_code=204)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @router.get("/api/console/me", response_model=Me, tags=["console"])
    async def me(staff: EnrollingStaff, _services: Services) -> Me:
        """The logged-in member."""
        return Me(username=staff.username, role=staff.role, organisation=staff.org_name)

    return router
