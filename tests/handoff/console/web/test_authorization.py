"""The authorization matrix over every console and console-API route the app has.

Routes are enumerated from the app itself, so a route added later is covered without editing
this file. For each route: anonymous callers are refused; members of another organisation get
404 for this organisation's cases and accounts and never see its content; caseworkers cannot do
a coordinator's job; the members it is meant for are not refused. Every state-changing route
refuses a cookie request without its CSRF token.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response
from pydantic import TypeAdapter
from sqlalchemy import select

from handoff.console.deps import coordinator_staff
from handoff.console_models import AuditEntry
from handoff.db import make_engine
from tests.handoff.console.web.conftest import (
    SECRET_A,
    World,
    api_login,
    bearer,
    browser_login,
    console_app,
    make_services,
)

PUBLIC = {
    ("GET", "/console"),
    ("GET", "/console/login"),
    ("POST", "/console/login"),
    ("POST", "/api/console/login"),
    ("GET", "/api/console/openapi.json"),
}
# Jobs that are a coordinator's whatever their route depends on (a floor, not the list).
COORDINATOR_PATHS = re.compile(
    r"^/(api/)?console/((accounts|audit|organisation)(/|$)|cases/\{case_id\}/assign$)"
)
# What the members a route is meant for must not get (404 may be the sample data's doing).
REFUSED = {401, 403}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    coordinators_only: bool
    form: bool  # a page's form post (HTML) rather than a JSON API call
    body: Any  # a body the route's schema accepts (so checks get past validation)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _needs_coordinator(dependant: Dependant) -> bool:
    if dependant.call is coordinator_staff:
        return True
    return any(_needs_coordinator(sub) for sub in dependant.dependencies)


def _sample(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """A value that satisfies a JSON schema of the kinds our bodies use."""
    if "$ref" in schema:
        return _sample(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _sample(options[0], defs)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _sample(properties[name], defs) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    return "样例" * max(1, int(schema.get("minLength", 1)))


def _sample_body(route: Any) -> Any:
    field = getattr(route, "body_field", None)
    if field is None:
        return None
    schema = TypeAdapter(field.field_info.annotation).json_schema()
    return _sample(schema, schema.get("$defs", {}))


def console_routes(app: FastAPI) -> list[Route]:
    """Every (method, path) of the console and its API, as the app routes them."""
    found: dict[tuple[str, str], Route] = {}
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        dependant = getattr(context.original_route, "dependant", None)
        if not path.startswith(("/console", "/api/console")) or dependant is None:
            continue
        for method in sorted(context.methods or ()):
            if method == "HEAD":
                continue
            coordinators = _needs_coordinator(dependant) or bool(COORDINATOR_PATHS.match(path))
            found[(method, path)] = Route(
                method,
                path,
                coordinators,
                form=not path.startswith("/api/"),
                body=_sample_body(context.original_route),
            )
    return sorted(found.values(), key=lambda r: (r.path, r.method))


def _routes_at_collection() -> list[Route]:
    # Building the routers touches no database; an unmigrated in-memory engine is enough.
    return console_routes(console_app(make_services(make_engine("sqlite://"), None)))


ROUTES = _routes_at_collection()


def _fill(path: str, world: World | None) -> str:
    """The path with organisation A's ids (random ones for ``world=None``)."""
    values = (
        {
            "case_id": world.case_a,
            "member_id": world.members["cai"],
            "conversation_id": world.conversation_a,
        }
        if world
        else {}
    )
    return re.sub(
        r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), secrets.token_hex(16)), path
    )


def _call(client: TestClient, route: Route, url: str, headers: dict[str, str]) -> Response:
    kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": False}
    if route.method in ("POST", "PUT", "PATCH"):
        body = route.body if isinstance(route.body, dict) else {}
        if route.form:
            kwargs["data"] = {k: "" if v is False else str(v) for k, v in body.items()}
        else:
            kwargs["json"] = body
    return client.request(route.method, url, **kwargs)


@pytest.fixture
def tokens(client: TestClient, world: World) -> dict[str, str]:
    found = {name: api_login(client, name) for name in ("ana", "cai", "bo", "bei")}
    client.cookies.clear()  # the matrix speaks with bearer tokens only
    return found


def _refused_anonymous(response: Response) -> bool:
    if response.status_code == 303:
        return response.headers["location"] == "/console/login"
    return response.status_code in (401, 403)


def _leaks(response: Response, world: World) -> bool:
    return SECRET_A in response.text or world.case_a in response.text


def test_the_matrix_sees_the_console(world: World) -> None:
    paths = {route.path for route in ROUTES}
    assert {"/console/accounts", "/api/console/login", "/console/audit"} <= paths
    assert all(r.coordinators_only for r in ROUTES if r.path.startswith("/console/accounts"))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_authorization_matrix(
    route: Route, client: TestClient, world: World, tokens: dict[str, str]
) -> None:
    url = _fill(route.path, world)
    names_ids = "{case_id}" in route.path or "{member_id}" in route.path
    public = (route.method, route.path) in PUBLIC

    anonymous = _call(client, route, url, {})
    if not public:
        assert _refused_anonymous(anonymous), (route.id, anonymous.status_code)
    assert not _leaks(anonymous, world)

    for outsider in ("bei", "bo"):
        response = _call(client, route, url, bearer(tokens[outsider]))
        assert not _leaks(response, world), (route.id, outsider)
        if public:
            continue
        if route.coordinators_only and outsider == "bei":
            assert response.status_code == 403, (route.id, outsider, response.status_code)
        elif names_ids:
            # Exactly as for an id that exists nowhere: nothing to learn, not even existence.
            nowhere = _call(client, route, _fill(route.path, None), bearer(tokens[outsider]))
            assert response.status_code == nowhere.status_code, (route.id, outsider)
            assert response.status_code in (404, 422), (route.id, outsider, response.status_code)

    if public:
        return
    caseworker = _call(client, route, url, bearer(tokens["cai"]))
    if route.coordinators_only:
        assert caseworker.status_code == 403, (route.id, caseworker.status_code)
    else:
        assert caseworker.status_code not in REFUSED, (route.id, caseworker.status_code)

    coordinator = _call(client, route, url, bearer(tokens["ana"]))
    assert coordinator.status_code not in REFUSED, (route.id, coordinator.status_code)
    if "{case_id}" in route.path and _succeeded(coordinator):
        # Whatever opens or changes a case is in the audit log, naming the case.
        assert _audited(world, world.members["ana"], world.case_a), route.id


def _succeeded(response: Response) -> bool:
    if response.status_code == 303:  # a form: back to the page with done= or error=
        return "done=" in response.headers["location"]
    return response.status_code < 300


def _audited(world: World, member_id: str, case_id: str) -> bool:
    with world.services.db() as session:
        found = session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.member_id == member_id, AuditEntry.case_id == case_id
            )
        )
    return found is not None


UNSAFE = [r for r in ROUTES if r.method not in ("GET", "HEAD", "OPTIONS")]


@pytest.mark.parametrize(
    "route", [r for r in UNSAFE if r.path != "/api/console/login"], ids=lambda r: r.id
)
def test_every_state_change_needs_the_csrf_token(
    route: Route, client: TestClient, world: World
) -> None:
    browser_login(client, "ana")  # a cookie, as a browser has
    response = _call(client, route, _fill(route.path, world), {})
    assert response.status_code == 403, (route.id, response.status_code)
