"""Pages and API of accounts and keys: one's own password and two-factor login; a
coordinator's accounts, grants, the organisation's key rotation and the recovery key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from handoff.console.accounts import Accounts
from handoff.console.auth_routes import set_session_cookie
from handoff.console.deps import (
    HOME_PATH,
    CoordinatorStaff,
    CurrentStaff,
    EnrollingStaff,
    adopt_session,
    opened_session,
    render,
)
from handoff.console.services import ConsoleServices
from handoff.console.texts import text
from handoff.errors import AccessDeniedError, NotFoundError

# Outcomes a page may announce after a redirect (never free text from the query string).
_NOTICES = {
    "password_changed": "account.password_changed",
    "totp_disabled": "account.totp_disabled",
    "totp_enrolled": "totp.enrolled",
    "added": "accounts.added",
    "granted": "accounts.granted",
    "removed": "accounts.removed",
    "totp_reset": "accounts.totp_reset_done",
    "saved": "accounts.saved",
    "recovered": "accounts.recovered",
}
_ERRORS = {
    "password_mismatch": "account.password_mismatch",
    "password_wrong": "account.password_wrong",
    "password_short": "account.password_short",
    "exists": "accounts.exists",
    "self": "accounts.cannot_remove_self",
    "recovery_wrong": "accounts.recovery_wrong",
    "required": "account.totp_required_note",
}


class NewAccount(BaseModel):
    """An account to add (the password is told to its owner, who changes it)."""

    username: str = Field(min_length=1, max_length=64)
    role: str = Field(pattern="^(caseworker|coordinator)$")
    password: str = Field(min_length=10, max_length=256)
    grant: bool = True


class AccountOut(BaseModel):
    """An account as listed (no key material)."""

    id: str
    username: str
    role: str
    has_grant: bool
    has_totp: bool
    disabled: bool


class AccountList(BaseModel):
    """The organisation's accounts."""

    data: list[AccountOut]
    count: int


class Created(BaseModel):
    """The id of what was created."""

    id: str


class PasswordChange(BaseModel):
    """Old and new password of the logged-in member."""

    old_password: str = Field(max_length=256)
    new_password: str = Field(min_length=10, max_length=256)


class RotationOut(BaseModel):
    """After a rotation: the new recovery key (shown once) and a new token for the caller."""

    recovery_key: str
    access_token: str
    key_version: int
    resealed: int
    regranted: int


def _notices(request: Request) -> dict[str, Any]:
    done = _NOTICES.get(request.query_params.get("done", ""))
    error = _ERRORS.get(request.query_params.get("error", ""))
    return {"flash": text(done) if done else None, "error": text(error) if error else None}


def _back(path: str, **query: str) -> RedirectResponse:
    suffix = "&".join(f"{k}={v}" for k, v in query.items())
    return RedirectResponse(f"{path}?{suffix}" if suffix else path, status_code=303)


def _not_found() -> HTTPException:
    return HTTPException(404, text("errors.not_found"))


def build_accounts_router(services: ConsoleServices) -> APIRouter:
    """Account and key routes (the console router adds the CSRF check to each)."""
    router = APIRouter()
    accounts = Accounts(services)

    # ---- one's own account -------------------------------------------------------------

    @router.get("/console/account", include_in_schema=False)
    def account_page(request: Request, staff: CurrentStaff) -> Response:
        return render(
            request,
            "account.html",
            has_totp=accounts.has_totp(staff),
            totp_required=accounts.requires_totp(staff),
            **_notices(request),
        )

    @router.post("/console/account/password", include_in_schema=False)
    def change_password_form(
        staff: CurrentStaff,
        old_password: Annotated[str, Form(max_length=256)],
        new_password: Annotated[str, Form(max_length=256)],
        new_password_again: Annotated[str, Form(max_length=256)],
    ) -> Response:
        if new_password != new_password_again:
            return _back("/console/account", error="password_mismatch")
        try:
            accounts.change_password(staff, old_password, new_password)
        except AccessDeniedError:
            return _back("/console/account", error="password_wrong")
        except ValueError:
            return _back("/console/account", error="password_short")
        return _back("/console/account", done="password_changed")

    @router.get("/console/account/totp", include_in_schema=False)
    def totp_page(request: Request, staff: EnrollingStaff) -> Response:
        opened = opened_session(request)
        required = opened is not None and opened.organisation.require_totp
        return render(
            request,
            "totp.html",
            enrolment=accounts.begin_totp(staff),
            required=required,
            **_notices(request),
        )

    @router.post("/console/account/totp", include_in_schema=False)
    def totp_confirm(
        request: Request,
        staff: EnrollingStaff,
        pending: Annotated[str, Form(max_length=2000)],
        code: Annotated[str, Form(max_length=16)],
    ) -> Response:
        try:
            accounts.confirm_totp(staff, pending, code)
        except AccessDeniedError:
            return render(
                request,
                "totp.html",
                status_code=400,
                enrolment=accounts.begin_totp(staff),
                required=False,
                error=text("totp.wrong_code"),
            )
        return _back(HOME_PATH, done="totp_enrolled")

    @router.post("/console/account/totp/disable", include_in_schema=False)
    def totp_disable(
        staff: CurrentStaff, password: Annotated[str, Form(max_length=256)]
    ) -> Response:
        try:
            accounts.disable_totp(staff, password)
        except AccessDeniedError as exc:
            reason = "required" if str(exc) == "required" else "password_wrong"
            return _back("/console/account", error=reason)
        return _back("/console/account", done="totp_disabled")

    @router.post("/api/console/account/password", status_code=204, tags=["console"])
    def change_password_api(body: PasswordChange, staff: CurrentStaff) -> Response:
        """Change one's password (re-wraps one's key; other logins end)."""
        try:
            accounts.change_password(staff, body.old_password, body.new_password)
        except AccessDeniedError as exc:
            # 400, not 403: the caller may do this; the old password they typed is wrong.
            raise HTTPException(400, text("account.password_wrong")) from exc
        except ValueError as exc:
            raise HTTPException(400, text("account.password_short")) from exc
        return Response(status_code=204)

    # ---- a coordinator's accounts ------------------------------------------------------

    @router.get("/console/accounts", include_in_schema=False)
    def accounts_page(request: Request, staff: CoordinatorStaff) -> Response:
        return render(
            request,
            "accounts.html",
            members=accounts.members(staff),
            require_totp=accounts.requires_totp(staff),
            **_notices(request),
        )

    @router.post("/console/accounts", include_in_schema=False)
    def add_account_form(
        staff: CoordinatorStaff,
        username: Annotated[str, Form(max_length=64)],
        role: Annotated[str, Form(max_length=16)],
        password: Annotated[str, Form(max_length=256)],
        grant: Annotated[str, Form(max_length=4)] = "",
    ) -> Response:
        try:
            accounts.add(staff, username.strip(), role, password, grant=bool(grant))
        except (ValueError, NotFoundError):
            return _back("/console/accounts", error="exists")
        return _back("/console/accounts", done="added")

    @router.post("/console/accounts/{member_id}/grant", include_in_schema=False)
    def grant_form(member_id: str, staff: CoordinatorStaff) -> Response:
        try:
            accounts.grant(staff, member_id)
        except NotFoundError as exc:
            raise _not_found() from exc
        return _back("/console/accounts", done="granted")

    @router.post("/console/accounts/{member_id}/remove", include_in_schema=False)
    def remove_form(member_id: str, staff: CoordinatorStaff) -> Response:
        try:
            accounts.remove(staff, member_id)
        except NotFoundError as exc:
            raise _not_found() from exc
        except ValueError:
            return _back("/console/accounts", error="self")
        return _back("/console/accounts", done="removed")

    @router.post("/console/accounts/{member_id}/totp-reset", include_in_schema=False)
    def totp_reset_form(member_id: str, staff: CoordinatorStaff) -> Response:
        try:
            accounts.reset_totp(staff, member_id)
        except NotFoundError as exc:
            raise _not_found() from exc
        return _back("/console/accounts", done="totp_reset")

    @router.post("/console/organisation/totp", include_in_schema=False)
    def require_totp_form(
        staff: CoordinatorStaff, required: Annotated[str, Form(max_length=4)] = ""
    ) -> Response:
        accounts.set_require_totp(staff, bool(required))
        return _back("/console/accounts", done="saved")

    @router.post("/console/organisation/rotate", include_in_schema=False)
    def rotate_form(
        request: Request,
        staff: CoordinatorStaff,
        confirm: Annotated[str, Form(max_length=4)] = "",
    ) -> Response:
        if not confirm:
            return _back("/console/accounts")
        done = accounts.rotate(staff)
        # The old login is gone; the page renders under the new one.
        adopt_session(request, done.token)
        page = render(
            request,
            "rotated.html",
            recovery_key=done.rotated.recovery_key,
            resealed=done.rotated.resealed,
            regranted=done.rotated.regranted,
        )
        set_session_cookie(page, services, done.token)
        return page

    @router.post("/console/organisation/recover", include_in_schema=False)
    def recover_form(
        staff: CoordinatorStaff,
        recovery_key: Annotated[str, Form(max_length=120)],
        member_id: Annotated[str, Form(max_length=32)],
    ) -> Response:
        try:
            accounts.recover(staff, recovery_key, member_id)
        except NotFoundError as exc:
            raise _not_found() from exc
        except AccessDeniedError:
            return _back("/console/accounts", error="recovery_wrong")
        return _back("/console/accounts", done="recovered")

    # ---- the same for API clients ------------------------------------------------------

    @router.get("/api/console/accounts", response_model=AccountList, tags=["console"])
    def list_accounts_api(staff: CoordinatorStaff) -> AccountList:
        """The organisation's accounts (coordinators)."""
        rows = [
            AccountOut(
                id=m.id,
                username=m.username,
                role=m.role,
                has_grant=m.has_grant,
                has_totp=m.has_totp,
                disabled=m.disabled,
            )
            for m in accounts.members(staff)
        ]
        return AccountList(data=rows, count=len(rows))

    @router.post("/api/console/accounts", response_model=Created, status_code=201, tags=["console"])
    def add_account_api(body: NewAccount, staff: CoordinatorStaff) -> Created:
        """Add an account, granting it the organisation key unless ``grant`` is false."""
        try:
            member_id = accounts.add(
                staff, body.username.strip(), body.role, body.password, grant=body.grant
            )
        except (ValueError, NotFoundError) as exc:
            raise HTTPException(409, text("accounts.exists")) from exc
        return Created(id=member_id)

    @router.post("/api/console/accounts/{member_id}/grant", status_code=204, tags=["console"])
    def grant_api(member_id: str, staff: CoordinatorStaff) -> Response:
        """Seal the organisation key to an account of this organisation."""
        try:
            accounts.grant(staff, member_id)
        except NotFoundError as exc:
            raise _not_found() from exc
        return Response(status_code=204)

    @router.delete("/api/console/accounts/{member_id}", status_code=204, tags=["console"])
    def remove_api(member_id: str, staff: CoordinatorStaff) -> Response:
        """Disable an account: it loses the key grant and every login."""
        try:
            accounts.remove(staff, member_id)
        except NotFoundError as exc:
            raise _not_found() from exc
        except ValueError as exc:
            raise HTTPException(400, text("accounts.cannot_remove_self")) from exc
        return Response(status_code=204)

    @router.post("/api/console/organisation/rotate", response_model=RotationOut, tags=["console"])
    def rotate_api(staff: CoordinatorStaff) -> Response:
        """Rotate the organisation key; answers the new recovery key and a new token."""
        done = accounts.rotate(staff)
        body = RotationOut(
            recovery_key=done.rotated.recovery_key,
            access_token=done.token.encode(),
            key_version=done.rotated.key_version,
            resealed=done.rotated.resealed,
            regranted=done.rotated.regranted,
        )
        response = Response(body.model_dump_json(), media_type="application/json")
        set_session_cookie(response, services, done.token)
        return response

    return router
