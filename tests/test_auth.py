"""Access: with a token, every path but /health needs it (reads, the report, the dashboard and the
documents too), as a bearer token or a browser's Basic password, checked before a body is read;
`serve` will not listen beyond loopback without one; the containers need one."""

from __future__ import annotations

import asyncio
import base64
import re
import socket
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from taskweights.app.api.auth import TokenGuard
from taskweights.app.cli import commands as cli
from tests.conftest import small_digits_spec
from tests.inprocess import AUTH, TOKEN, api_on, served
from tests.test_report import chromium

ANONYMOUS = {"Authorization": ""}
EXAMPLE_PARAMS = {"study_id": "1", "dataset_id": "0" * 16, "file": "weights.png"}


def every_operation(http: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every documented operation, its path parameters filled in."""
    operations = []
    for template, methods in http.get("/openapi.json").json()["paths"].items():
        path = re.sub(r"\{(\w+)\}", lambda m: EXAMPLE_PARAMS[m.group(1)], template)
        operations += [(method.upper(), path) for method in methods]
    return operations


@pytest.fixture
def http(tmp_path: Path) -> Any:
    with api_on(f"sqlite:///{tmp_path / 'auth.db'}") as client:
        yield client


def test_with_a_token_every_path_but_health_needs_it(http: TestClient) -> None:
    operations = every_operation(http)
    assert len(operations) >= 15  # every route of the API is in the documents
    others = ["/openapi.json", "/docs", "/dashboard", "/api/studies", "/static/x.js"]
    for method, path in [*operations, *(("GET", path) for path in others)]:
        answer = http.request(method, path, headers=ANONYMOUS)
        if path == "/health":
            assert answer.status_code == 200
            continue
        assert answer.status_code == 401, (method, path, answer.status_code)
        challenges = answer.headers.get_list("www-authenticate")
        assert challenges == ['Bearer realm="taskweights"', 'Basic realm="taskweights"']
        assert "Bearer <token>" in answer.json()["detail"]


def test_a_bearer_token_or_a_browsers_basic_password_opens_it(http: TestClient) -> None:
    def basic(user_and_password: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(user_and_password.encode()).decode()}

    assert http.get("/studies", headers=AUTH).status_code == 200
    assert http.get("/studies", headers=basic(f"anyone:{TOKEN}")).status_code == 200
    assert http.get("/dashboard", headers=basic(f":{TOKEN}")).status_code == 200
    refused = [
        {"Authorization": "Bearer nope"},
        {"Authorization": f"Bearer {TOKEN}x"},
        basic("anyone:nope"),
        basic(TOKEN),  # the token as the user name, no password
        {"Authorization": "Basic %%%"},
        {"Authorization": f"Token {TOKEN}"},
    ]
    for headers in refused:
        assert http.get("/studies", headers=headers).status_code == 401, headers


def test_public_reads_open_get_and_head_and_keep_writes_locked(tmp_path: Path) -> None:
    with api_on(f"sqlite:///{tmp_path / 'public.db'}", public_reads=True) as http:
        assert http.get("/studies", headers=ANONYMOUS).status_code == 200
        assert http.get("/dashboard", headers=ANONYMOUS).status_code == 200
        spec = small_digits_spec("anonymous")
        assert http.post("/studies", json=spec, headers=ANONYMOUS).status_code == 401
        assert http.post("/studies/1/cancel", headers=ANONYMOUS).status_code == 401
        assert http.delete("/studies/1", headers=ANONYMOUS).status_code == 401
        assert http.get("/studies").json()["count"] == 0


def test_the_guard_answers_before_reading_a_byte_of_the_body() -> None:
    reached: list[str] = []
    received: list[int] = []
    sent: list[MutableMapping[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["path"])

    async def receive() -> dict[str, Any]:
        received.append(1)
        return {"type": "http.request", "body": b"x" * 1_000_000, "more_body": True}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/datasets", "headers": []}
    asyncio.run(TokenGuard(app, TOKEN)(scope, receive, send))
    assert (reached, received) == ([], [])
    assert sent[0]["status"] == 401


def test_a_real_server_refuses_an_anonymous_upload_before_its_body_is_sent(
    tmp_path: Path,
) -> None:
    """The head of a 48 MB upload, and no body: the 401 comes back at once (a server that read
    the body first would wait for it)."""
    with served(f"sqlite:///{tmp_path / 'db.sqlite'}") as url:
        address = urlsplit(url)
        head = (
            "POST /datasets HTTP/1.1\r\n"
            f"Host: {address.netloc}\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {48_000_000}\r\n\r\n"
        )
        with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
            sock.sendall(head.encode())
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                assert chunk, "the server closed the connection without answering"
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 401")
        assert b"connection: close" in answer.lower()


def test_the_report_opens_in_a_browser_with_the_token_as_its_password(tmp_path: Path) -> None:
    with served(f"sqlite:///{tmp_path / 'db.sqlite'}") as url:
        spec = small_digits_spec("browsed")
        created = httpx.post(f"{url}/studies", json=spec, headers=AUTH, timeout=120)
        assert created.status_code == 201, created.text
        report = f"{url}/studies/{created.json()['id']}/report"
        with_password = report.replace("http://", f"http://anyone:{TOKEN}@")
        page = chromium("--dump-dom", with_password)
        assert "browsed" in page and "queued" in page
        refused = chromium("--dump-dom", report)
        assert "browsed" not in refused  # headless chromium cannot ask for a password


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("example.org", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert cli.is_loopback(host) is loopback


def test_serve_refuses_other_hosts_without_a_token_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TASKWEIGHTS_TOKEN", raising=False)
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert cli.main(["serve", "--host", "0.0.0.0", "--db", db]) == cli.USAGE_ERROR
    message = " ".join(capsys.readouterr().err.split())
    assert "refusing to serve on 0.0.0.0 without a token" in message
    assert "TASKWEIGHTS_TOKEN" in message and "--allow-no-token" in message
    assert not (tmp_path / "db.sqlite").exists()  # refused before anything started
    cli.check_exposure("0.0.0.0", TOKEN, allow_no_token=False)  # a token: allowed
    cli.check_exposure("0.0.0.0", None, allow_no_token=True)  # told explicitly: allowed
    cli.check_exposure("127.0.0.1", None, allow_no_token=False)  # this machine only: allowed
