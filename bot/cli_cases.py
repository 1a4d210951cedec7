"""`gongyou org …`, `gongyou user …`, `gongyou case …` and `gongyou purge`.

Passwords are read from standard input (one line), never from an argument or the environment,
so they do not end up in shell history or process lists.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings, load_settings
from handoff.cases.retention import Retention
from handoff.cases.service import CaseService
from handoff.console.audit import Actor, AuditLog
from handoff.console.sessions import StaffSessions
from handoff.db import make_engine, session_factory, upgrade
from handoff.errors import AccessDeniedError, NotFoundError
from handoff.orgs.rotation import KeyRotation
from handoff.orgs.service import OrganisationService, Unlocked

org_app = typer.Typer(help="Organisations that receive cases.", no_args_is_help=True)
user_app = typer.Typer(help="Caseworker and coordinator accounts.", no_args_is_help=True)
case_app = typer.Typer(help="Read and answer cases on the command line.", no_args_is_help=True)

DEV_ORGANISATION = "本地测试机构"
DEV_COORDINATOR = "coordinator"


def _read_secret(prompt: str) -> str:
    """A password from a terminal prompt, or the first line of piped standard input."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


@contextmanager
def _database() -> Iterator[tuple[Settings, sessionmaker[Session]]]:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    try:
        yield settings, session_factory(engine)
    finally:
        engine.dispose()


@contextmanager
def _services() -> Iterator[tuple[Settings, OrganisationService, CaseService]]:
    with _database() as (settings, sessions):
        yield (
            settings,
            OrganisationService(sessions, settings.config.handoff.argon2),
            CaseService(sessions, settings.secrets.vault(), settings.config.handoff.receipt_argon2),
        )


def _refuse(exc: Exception) -> typer.Exit:
    typer.echo(f"拒绝：{exc}", err=True)
    return typer.Exit(code=3)


def _operator_did(
    sessions: sessionmaker[Session], orgs: OrganisationService, name: str, action: str
) -> str:
    """Record in the audit log what the operator did to an account on the command line."""
    member = orgs.member(name)
    AuditLog(sessions).append(
        Actor(member.org_id, None, "命令行"), action, detail={"member": member.id, "via": "cli"}
    )
    return member.id


def _unlock(orgs: OrganisationService, user: str) -> Unlocked:
    try:
        return orgs.unlock(user, _read_secret(f"{user} 的密码: "))
    except AccessDeniedError as exc:
        typer.echo(f"拒绝：{exc}", err=True)
        raise typer.Exit(code=3) from exc


# ---- organisations ---------------------------------------------------------------------


@org_app.command("add")
def org_add(
    name: str = typer.Argument(..., help="Organisation name (shown to caseworkers)"),
    coordinator: str = typer.Option(..., "--coordinator", help="First coordinator's user name"),
    default: bool = typer.Option(False, "--default", help="Receives cases no rule routes"),
    hours: str = typer.Option("", "--hours", help="Staffed hours shown to workers"),
) -> None:
    """Create an organisation, its keys and its first coordinator (password from stdin)."""
    password = _read_secret("新协调员的密码（至少 10 个字符）: ")
    with _services() as (_settings, orgs, _cases):
        try:
            created = orgs.create(name, coordinator, password, default=default, hours=hours)
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(code=2) from exc
    typer.echo(f"organisation {name!r} created; coordinator {coordinator!r}")
    typer.echo(
        "RECOVERY KEY (shown once, stored nowhere — keep it offline, e.g. printed in a safe):"
    )
    typer.echo(f"  {created.recovery_key}")


@org_app.command("list")
def org_list() -> None:
    """List organisations."""
    with _services() as (_settings, orgs, _cases):
        for org in orgs.all():
            marker = " (default)" if org.is_default else ""
            typer.echo(f"{org.name}{marker}")


# ---- accounts ----------------------------------------------------------------------------


@user_app.command("add")
def user_add(
    org: str = typer.Option(..., "--org", help="Organisation name"),
    role: str = typer.Option(..., "--role", help="caseworker or coordinator"),
    name: str = typer.Option(..., "--name", help="User name"),
) -> None:
    """Add an account (password from stdin). A coordinator then grants it the key."""
    password = _read_secret("新账号的密码（至少 10 个字符）: ")
    with _services() as (_settings, orgs, _cases):
        try:
            orgs.add_member(org, name, role, password)
        except (ValueError, NotFoundError) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(code=2) from exc
    typer.echo(
        f"user {name!r} added to {org!r}; grant the key: gongyou user grant {name} --by USER"
    )


@user_app.command("grant")
def user_grant(
    name: str = typer.Argument(..., help="Account to receive the organisation key"),
    by: str = typer.Option(..., "--by", help="Coordinator granting it (password from stdin)"),
) -> None:
    """Seal the organisation key to an account, with a coordinator's password."""
    with _services() as (_settings, orgs, _cases):
        granter = _unlock(orgs, by)
        try:
            orgs.grant(granter, name)
        except (AccessDeniedError, NotFoundError) as exc:
            typer.echo(f"拒绝：{exc}", err=True)
            raise typer.Exit(code=3) from exc
    typer.echo(f"{name!r} can now read the organisation's cases")


@user_app.command("remove")
def user_remove(name: str = typer.Argument(..., help="Account to disable")) -> None:
    """Disable an account: it loses the organisation key, its TOTP and every login."""
    with _database() as (settings, sessions):
        orgs = OrganisationService(sessions, settings.config.handoff.argon2)
        try:
            member_id = _operator_did(sessions, orgs, name, "account_remove")
            orgs.remove_member(name)
        except NotFoundError as exc:
            raise _refuse(exc) from exc
        StaffSessions(sessions, settings.config.handoff.console).close_member(member_id)
    typer.echo(f"{name!r} is disabled and can no longer read any case")


@user_app.command("password")
def user_password(name: str = typer.Argument(..., help="Your user name")) -> None:
    """Change a password (old, then new twice, one per line on stdin); re-wraps the key."""
    old = _read_secret("现在的密码: ")
    new = _read_secret("新密码（至少 10 个字符）: ")
    if new != _read_secret("再输入一次新密码: "):
        typer.echo("两次输入的新密码不一样。", err=True)
        raise typer.Exit(code=2)
    with _database() as (settings, sessions):
        orgs = OrganisationService(sessions, settings.config.handoff.argon2)
        try:
            orgs.change_password(name, old, new)
        except (AccessDeniedError, ValueError) as exc:
            raise _refuse(exc) from exc
        member_id = _operator_did(sessions, orgs, name, "password_change")
        StaffSessions(sessions, settings.config.handoff.console).close_member(member_id)
    typer.echo("password changed; other logins of this account have ended")


@user_app.command("totp-reset")
def user_totp_reset(name: str = typer.Argument(..., help="Account that lost its phone")) -> None:
    """Forget an account's two-factor secret; it enrols again at its next login."""
    with _database() as (settings, sessions):
        orgs = OrganisationService(sessions, settings.config.handoff.argon2)
        try:
            orgs.reset_totp(name)
            _operator_did(sessions, orgs, name, "totp_reset")
        except NotFoundError as exc:
            raise _refuse(exc) from exc
    typer.echo(f"two-factor login of {name!r} reset")


@org_app.command("rotate-key")
def org_rotate_key(
    by: str = typer.Option(..., "--by", help="A coordinator (password from stdin)"),
) -> None:
    """Replace the coordinator's organisation key: every case re-sealed, grants re-made,
    logins ended, a new recovery key printed once."""
    with _database() as (settings, sessions):
        orgs = OrganisationService(sessions, settings.config.handoff.argon2)
        coordinator = _unlock(orgs, by)
        if coordinator.role != "coordinator":
            raise _refuse(AccessDeniedError("only a coordinator rotates the organisation key"))
        rotated = KeyRotation(sessions).rotate(coordinator.org_id, coordinator.org_key)
        AuditLog(sessions).append(
            Actor(coordinator.org_id, coordinator.member_id, coordinator.username),
            "key_rotate",
            detail={"key_version": rotated.key_version, "via": "cli"},
        )
    typer.echo(f"re-sealed {rotated.resealed} values, re-granted {rotated.regranted} accounts")
    typer.echo("NEW RECOVERY KEY (the old one no longer works; shown once, stored nowhere):")
    typer.echo(f"  {rotated.recovery_key}")


@org_app.command("recover")
def org_recover(
    name: str = typer.Argument(..., help="Organisation name"),
    to: str = typer.Option(..., "--to", help="Account to grant the key (recovery key on stdin)"),
) -> None:
    """Grant the organisation key to an account with the printed recovery key."""
    recovery = _read_secret("恢复密钥: ")
    with _database() as (settings, sessions):
        orgs = OrganisationService(sessions, settings.config.handoff.argon2)
        try:
            orgs.recover(name, recovery, to)
            _operator_did(sessions, orgs, to, "recovery_grant")
        except (AccessDeniedError, NotFoundError) as exc:
            raise _refuse(exc) from exc
    typer.echo(f"{to!r} can now read the organisation's cases")


# ---- cases -------------------------------------------------------------------------------


@case_app.command("list")
def case_list(
    user: str = typer.Option(..., "--user", help="Your user name (password from stdin)"),
    all_cases: bool = typer.Option(False, "--all", help="Include closed cases"),
) -> None:
    """Your organisation's cases, urgent first, then oldest (no content)."""
    with _services() as (_settings, orgs, cases):
        member = _unlock(orgs, user)
        for case in cases.list_for_org(member.org_id, include_closed=all_cases):
            urgent = "紧急 " if case.urgent else ""
            typer.echo(
                f"{case.id}  {urgent}{case.status:<18} {case.category:<20} "
                f"{case.province or '-':<10} {case.created_at:%Y-%m-%d %H:%M}"
            )


@case_app.command("show")
def case_show(
    case_id: str = typer.Argument(...),
    user: str = typer.Option(..., "--user", help="Your user name (password from stdin)"),
) -> None:
    """Decrypt and print one case with its messages."""
    with _services() as (_settings, orgs, cases):
        member = _unlock(orgs, user)
        try:
            view = cases.read_for_org(case_id, member.org_id, member.org_key)
        except (NotFoundError, AccessDeniedError) as exc:
            typer.echo(f"没有这个案件：{case_id}", err=True)
            raise typer.Exit(code=4) from exc
    case = view.case
    typer.echo(f"案件 {case.id}  状态 {case.status}  {'紧急' if case.urgent else ''}")
    for label, value in view.content.get("summary", []):
        typer.echo(f"  {label}：{value}")
    typer.echo("留言：" if view.messages else "还没有留言。")
    for message in view.messages:
        who = "工人" if message.author == "worker" else "工作人员"
        typer.echo(f"  [{message.created_at:%m-%d %H:%M}] {who}：{message.text}")


@case_app.command("reply")
def case_reply(
    case_id: str = typer.Argument(...),
    user: str = typer.Option(..., "--user", help="Your user name (password: first line of stdin)"),
    text: str = typer.Option("", "--text", help="The message (else the rest of stdin)"),
) -> None:
    """Add a staff message the worker reads with their receipt (shown as 工作人员)."""
    with _services() as (_settings, orgs, cases):
        member = _unlock(orgs, user)
        body = text or sys.stdin.read().strip()
        if not body:
            typer.echo("no message given (--text or standard input)", err=True)
            raise typer.Exit(code=2)
        try:
            cases.read_for_org(case_id, member.org_id, member.org_key)
            cases.add_message(case_id, "staff", body, member.member_id)
        except (NotFoundError, AccessDeniedError) as exc:
            typer.echo(f"没有这个案件：{case_id}", err=True)
            raise typer.Exit(code=4) from exc
    typer.echo("message stored; the worker sees it with their receipt")


# ---- retention -----------------------------------------------------------------------------


def run_purge(settings: Settings) -> str:
    """Purge what retention allows and say what was done (used by the command and the server)."""
    engine = make_engine(settings.database_url)
    try:
        report = Retention(session_factory(engine)).purge(
            closed_case_days=settings.config.handoff.retention.closed_case_days,
            conversation_days=max(1, settings.config.storage.session_ttl_seconds // 86400),
        )
    finally:
        engine.dispose()
    lines = [
        f"deleted: {report.cases_deleted} closed cases, {report.snapshots_deleted} expired "
        f"drafts, {report.conversations_deleted} quiet conversations"
    ]
    if report.stale_open_cases:
        lines.append("open cases without activity past the retention age (for coordinators):")
        lines += [
            f"  {cid}  last activity {when:%Y-%m-%d}" for cid, _org, when in report.stale_open_cases
        ]
    return "\n".join(lines)


def purge() -> None:
    """Delete closed cases past their age, expired drafts and quiet conversations."""
    typer.echo(run_purge(load_settings()))


# ---- development -----------------------------------------------------------------------------


def ensure_development_organisation(settings: Settings) -> str | None:
    """On a development machine with no organisation, create one and return the coordinator's
    one-time password (printed once by the caller, stored nowhere). In production, None."""
    if settings.config.mode != "development":
        return None
    import secrets

    engine = make_engine(settings.database_url)
    try:
        orgs = OrganisationService(session_factory(engine), settings.config.handoff.argon2)
        if orgs.count() > 0:
            return None
        password = secrets.token_urlsafe(12)
        orgs.create(DEV_ORGANISATION, DEV_COORDINATOR, password, default=True)
        return password
    finally:
        engine.dispose()


def organisations_exist(settings: Settings) -> bool:
    """True when at least one organisation can receive complaints."""
    engine = make_engine(settings.database_url)
    try:
        return (
            OrganisationService(session_factory(engine), settings.config.handoff.argon2).count() > 0
        )
    finally:
        engine.dispose()


secret_app = typer.Typer(help="The server key (GONGYOU_SECRET_KEY).", no_args_is_help=True)


@secret_app.command("rotate")
def secret_rotate() -> None:
    """Re-encrypt everything under GONGYOU_SECRET_KEY (the new key), reading the old ones from
    GONGYOU_OLD_SECRET_KEYS; afterwards the old keys can be removed."""
    from handoff.keys.server_rotation import rotate_server_key

    settings = load_settings()
    if not settings.secrets.old_secret_keys:
        typer.echo("Set GONGYOU_OLD_SECRET_KEYS to the previous key(s) first.", err=True)
        raise typer.Exit(code=2)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        report = rotate_server_key(session_factory(engine), settings.secrets.vault())
    finally:
        engine.dispose()
    typer.echo(
        f"re-encrypted {report.conversations} conversations, {report.snapshots} drafts, "
        f"{report.outbox} queued messages under the new key"
    )


def register(app: typer.Typer) -> None:
    """Add these commands to the main command line."""
    app.add_typer(org_app, name="org")
    app.add_typer(user_app, name="user")
    app.add_typer(case_app, name="case")
    app.command("purge")(purge)
    app.add_typer(secret_app, name="secret")
