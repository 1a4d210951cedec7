"""The web app serves the console beside the chat: login first, its own static files, its API
schema without a docs page, and production cookies only over HTTPS."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.config import Settings
from bot.runtime import Runtime
from bot.web.app import create_app
from tests.bot.conftest import COORDINATOR, PASSWORD, add_organisation


def test_the_console_starts_at_its_login_page(client: TestClient) -> None:
    response = client.get("/console", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"
    page = client.get("/console/cases", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/console/login"


def test_console_static_files_come_from_our_origin(client: TestClient) -> None:
    htmx = client.get("/console/static/htmx.min.js")
    assert htmx.status_code == 200 and "javascript" in htmx.headers["content-type"]
    assert htmx.text.startswith("/*! htmx")
    assert "default-src 'self'" in htmx.headers["content-security-policy"]
    login = client.get("/console/login").text
    assert 'src="/console/static/htmx.min.js"' in login and "<script>" not in login


def test_the_console_api_schema_is_json_and_no_docs_page(client: TestClient) -> None:
    schema = client.get("/api/console/openapi.json").json()
    assert "/api/console/login" in schema["paths"]
    assert client.get("/docs").status_code == 404


def test_production_cookies_are_secure(settings: Settings, runtime: Runtime) -> None:
    add_organisation(runtime)
    runtime.console.secure_cookies = True
    with TestClient(create_app(settings, runtime), base_url="https://testserver") as client:
        response = client.post(
            "/api/console/login", json={"username": COORDINATOR, "password": PASSWORD}
        )
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_console_pages_answer_errors_as_pages(settings: Settings, runtime: Runtime) -> None:
    add_organisation(runtime)
    with TestClient(create_app(settings, runtime)) as client:
        client.post("/api/console/login", json={"username": COORDINATOR, "password": PASSWORD})
        missing = client.get("/console/cases/" + "0" * 32)
        forged = client.post("/console/accounts", data={"username": "x"})
        api = client.get("/api/console/cases/" + "0" * 32)
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert forged.status_code == 403 and "text/html" in forged.headers["content-type"]
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"
