"""What console routes depend on, as type aliases so signatures read as prose.

- ``console_services(request)`` → the app's :class:`ConsoleServices`.
- ``CurrentStaff``: the logged-in member (session cookie or ``Authorization: Bearer``). Not
  logged in: HTML routes redirect to the login page (htmx requests get ``HX-Redirect``), routes
  under ``/api/`` answer 401. A member whose organisation requires two-factor login and who has
  not enrolled yet is sent to the enrolment page (API: 403).
- ``CoordinatorStaff``: the same, 403 for caseworkers.
- ``require_csrf``: for every state-changing request; the token comes from the form field
  ``csrf_token`` or the ``X-CSRF-Token`` header (htmx sends it: see base.html). Bearer-token
  calls are exempt. ``build_console_router`` also applies it to every included router.
- ``csrf_token(request)``: the token for a template (``render`` passes it as ``csrf_token``).
- ``render(request, template, **context)``: one autoescaping Jinja2 environment over
  handoff/console/templates; the context always has ``staff`` (or None), ``csrf_token``,
  ``t(key)`` (console texts) and ``static(name)``.
- ``audit(services, staff, action, case_id=None, **detail)``: append to the audit log.

After login a member lands on ``HOME_PATH`` (/console/cases, the queue).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from handoff.console.audit import Actor, AuditLog
from handoff.console.csrf import (
    CSRF_FIELD,
    CSRF_HEADER,
    PRE_LOGIN_COOKIE,
    SAFE_METHODS,
    new_nonce,
    token_for,
    token_matches,
)
from handoff.console.services import ConsoleServices
from handoff.console.sessions import Opened, SessionToken, StaffSessions
from handoff.console.staff import Staff
from handoff.console.templating import environment
from handoff.console.texts import text

SESSION_COOKIE = "gy_console"
LOGIN_PATH = "/console/login"
#: Where a member lands after logging in: the case queue.
HOME_PATH = "/console/cases"
TOTP_ENROL_PATH = "/console/account/totp"
_OPENED = "console_opened"
_PRE_NONCE = "console_pre_nonce"


def console_services(request: Request) -> ConsoleServices:
    """The services the app built at start-up."""
    services: ConsoleServices = request.app.state.console_services
    return services


Services = Annotated[ConsoleServices, Depends(console_services)]


def is_api(request: Request) -> bool:
    """Routes under /api/ answer in JSON; console pages redirect."""
    return request.url.path.startswith("/api/")


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def presented_token(request: Request) -> SessionToken | None:
    """The session token the request carries: the bearer header first, else the cookie."""
    raw = bearer_token(request) or request.cookies.get(SESSION_COOKIE)
    return SessionToken.parse(raw) if raw else None


def opened_session(request: Request) -> Opened | None:
    """The request's login, resolved once per request (None when absent or expired)."""
    if hasattr(request.state, _OPENED):
        cached: Opened | None = getattr(request.state, _OPENED)
        return cached
    token = presented_token(request)
    services = console_services(request)
    opened = StaffSessions(services.db, services.settings.console).resolve(token) if token else None
    setattr(request.state, _OPENED, opened)
    return opened


def adopt_session(request: Request, token: SessionToken) -> None:
    """Serve the rest of this request under a login just created (after a key rotation)."""
    services = console_services(request)
    opened = StaffSessions(services.db, services.settings.console).resolve(token)
    setattr(request.state, _OPENED, opened)


def _refuse_anonymous(request: Request) -> HTTPException:
    if is_api(request):
        return HTTPException(401, "login required", headers={"WWW-Authenticate": "Bearer"})
    if request.headers.get("hx-request"):
        return HTTPException(401, "login required", headers={"HX-Redirect": LOGIN_PATH})
    return HTTPException(303, "login required", headers={"Location": LOGIN_PATH})


def _needs_enrolment(opened: Opened) -> bool:
    return opened.organisation.require_totp and opened.member.totp_secret_wrapped is None


def staff_may_enrol(request: Request) -> Staff:
    """The logged-in member, even one who still has to enrol in two-factor login."""
    opened = opened_session(request)
    if opened is None:
        raise _refuse_anonymous(request)
    return opened.staff


def current_staff(request: Request) -> Staff:
    """The logged-in member; refuses the anonymous and the not-yet-enrolled."""
    opened = opened_session(request)
    if opened is None:
        raise _refuse_anonymous(request)
    if _needs_enrolment(opened):
        if is_api(request):
            raise HTTPException(403, "two-factor enrolment required")
        raise HTTPException(
            303, "two-factor enrolment required", headers={"Location": TOTP_ENROL_PATH}
        )
    return opened.staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]
EnrollingStaff = Annotated[Staff, Depends(staff_may_enrol)]


def coordinator_staff(staff: CurrentStaff) -> Staff:
    """A coordinator; caseworkers get 403."""
    if not staff.is_coordinator:
        raise HTTPException(403, "coordinators only")
    return staff


CoordinatorStaff = Annotated[Staff, Depends(coordinator_staff)]


def _csrf_binding(request: Request) -> str:
    opened = opened_session(request)
    if opened is not None:
        return "session:" + opened.staff.session_id
    nonce = request.cookies.get(PRE_LOGIN_COOKIE) or getattr(request.state, _PRE_NONCE, None)
    if nonce is None:
        nonce = new_nonce()
        setattr(request.state, _PRE_NONCE, nonce)
    return "pre:" + nonce


def csrf_token(request: Request) -> str:
    """The CSRF token for forms on this page."""
    return token_for(console_services(request).vault, _csrf_binding(request))


async def require_csrf(request: Request) -> None:
    """Refuse a state-changing request without this login's CSRF token (403)."""
    if request.method in SAFE_METHODS or bearer_token(request):
        return
    offered = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if offered is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        offered = value if isinstance(value, str) else None
    if not token_matches(console_services(request).vault, _csrf_binding(request), offered):
        raise HTTPException(403, "CSRF token missing or wrong")


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A console page from ``template`` (never cached: pages may hold decrypted content)."""
    opened = opened_session(request)
    token = csrf_token(request)
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            staff=opened.staff if opened else None,
            csrf_token=token,
            csrf_field=CSRF_FIELD,
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})
    nonce = getattr(request.state, _PRE_NONCE, None)
    if nonce is not None:
        response.set_cookie(
            PRE_LOGIN_COOKIE,
            nonce,
            max_age=3600,
            path="/",
            secure=console_services(request).secure_cookies,
            httponly=True,
            samesite="strict",
        )
    return response


_ERROR_TEXTS = {403: "errors.forbidden", 404: "errors.not_found"}


def is_console_page(request: Request) -> bool:
    """A console page (HTML), as opposed to its API or its static files."""
    path = request.url.path
    return (path == "/console" or path.startswith("/console/")) and not path.startswith(
        "/console/static/"
    )


def error_page(request: Request, status_code: int, detail: object) -> HTMLResponse:
    """A console page saying what went wrong, in words a caseworker can act on."""
    if status_code == 403 and isinstance(detail, str) and detail.startswith("CSRF"):
        key = "errors.csrf"
    else:
        key = _ERROR_TEXTS.get(status_code, "errors.other")
    return render(request, "error.html", status_code=status_code, message=text(key))


def audit(
    services: ConsoleServices,
    staff: Staff | None,
    action: str,
    case_id: str | None = None,
    **detail: object,
) -> None:
    """Append an audit entry for ``staff`` (None: an unidentified caller, e.g. failed login
    with an unknown name — pass ``username=`` in detail then)."""
    if staff is not None:
        actor = Actor(staff.org_id, staff.member_id, staff.username)
    else:
        actor = Actor(None, None, str(detail.pop("username", "")))
    AuditLog(services.db).append(actor, action, case_id, detail)
