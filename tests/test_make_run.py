"""What `make run` does (init-db, seed-demo, python app.py) serves a working demo: the
commands run against a throw-away SQLite file and the real server (gevent, Socket.IO)
on a free port, and the printed official login opens the registrations dashboard."""

from __future__ import annotations

import html
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import requests
from openpyxl import load_workbook

from tests.conftest import free_port

REPO = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 30.0
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def flask_command(env: dict[str, str], *args: str) -> str:
    """Run `flask --app app <args>` as `make run` does; its stdout."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def count_rows(database: Path, table: str) -> int:
    with closing(sqlite3.connect(database)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("make_run")


@pytest.fixture(scope="module")
def demo_env(demo_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        DATABASE_URL=f"sqlite:///{demo_dir / 'gp.sqlite3'}",
        EVIDENCE_FOLDER=str(demo_dir / "evidence"),  # the demo's progress evidence
        DOCUMENT_CACHE_FOLDER=str(demo_dir / "cache"),  # rendered pact PDFs
        SECRET_KEY="test",  # noqa: S106 - a throw-away demo database
        HOST="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def seeded_demo(demo_env: dict[str, str]) -> dict[str, Any]:
    """`flask init-db` then `flask seed-demo` (once per module: it takes seconds); the
    parsed JSON it printed."""
    flask_command(demo_env, "init-db")
    return dict(json.loads(flask_command(demo_env, "seed-demo")))


def http_session() -> requests.Session:
    """A client that talks to 127.0.0.1 directly, whatever proxy the machine sets."""
    session = requests.Session()
    session.trust_env = False
    return session


def wait_until_serving(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"app.py exited with {server.returncode}:\n{log.read_text()}")
        try:
            with http_session() as client, client.get(url, timeout=2) as response:
                if response.status_code == 200:
                    return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    pytest.fail(
        f"app.py did not serve {url} within {STARTUP_TIMEOUT}s:\n{log.read_text()}"
    )


@pytest.fixture
def demo_server(
    seeded_demo: dict[str, Any], demo_env: dict[str, str], tmp_path: Path
) -> Iterator[str]:
    """`python app.py` serving the seeded demo on a free port; its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=REPO,
            env={**demo_env, "PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(f"{base_url}/p/ilfov/register", server, log)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_seed_demo_prints_the_pact_workshop_board_and_logins(
    seeded_demo: dict[str, Any],
) -> None:
    assert seeded_demo["pact"] == "ilfov"
    assert isinstance(seeded_demo["workshop"], int)
    assert isinstance(seeded_demo["board"], int)
    logins = seeded_demo["logins"]
    assert {"email", "password", "role", "pact"} <= set(logins[0])
    assert {(login["role"], login["pact"]) for login in logins} >= {
        ("official", "ilfov"),
        ("facilitator", "ilfov"),
        ("admin", ""),
    }


def test_seed_demo_again_prints_the_same_and_duplicates_nothing(
    seeded_demo: dict[str, Any], demo_env: dict[str, str], demo_dir: Path
) -> None:
    database = demo_dir / "gp.sqlite3"
    tables = ("pact", "person", "organisation", "consent", "workshop", "board")
    before = {table: count_rows(database, table) for table in tables}
    assert before["organisation"] > 0

    again = json.loads(flask_command(demo_env, "seed-demo"))

    assert again == seeded_demo
    assert {table: count_rows(database, table) for table in tables} == before


def test_python_app_serves_the_demo_and_the_official_sees_its_registrations(
    demo_server: str, seeded_demo: dict[str, Any]
) -> None:
    with http_session() as visitor:
        response = visitor.get(f"{demo_server}/p/ilfov/register", timeout=10)
    assert response.status_code == 200
    # The pact's title in the page's language (English, or the pact's Romanian).
    assert re.search("Ilfov Local Green Pact|Pactul Verde Local Ilfov", response.text)
    official = next(
        login
        for login in seeded_demo["logins"]
        if login["role"] == "official" and login["pact"] == "ilfov"
    )

    with http_session() as browser:
        login_page = browser.get(f"{demo_server}/login", timeout=10)
        token = CSRF_INPUT.search(login_page.text)
        assert token, "the login page has no CSRF token"
        logged_in = browser.post(
            f"{demo_server}/login",
            data={
                "email": official["email"],
                "password": official["password"],
                "csrf_token": token.group(1),
            },
            timeout=10,
        )
        assert logged_in.status_code == 200
        assert logged_in.url.endswith("/staff/")
        dashboard = browser.get(
            f"{demo_server}/staff/p/ilfov/registrations", timeout=10
        )
        # Written by gevent's native thread (`off_the_event_loop`), not the loop.
        workbook = browser.get(
            f"{demo_server}/staff/p/ilfov/registrations.xlsx", timeout=30
        )

    assert dashboard.status_code == 200
    assert dashboard.url.endswith("/staff/p/ilfov/registrations")
    for organisation in ("EcoPack Ambalaje SRL", "Termo Eficient Jilava SRL"):
        assert organisation in dashboard.text
    assert "Riciclo Po S.r.l." not in dashboard.text  # another pact's registration
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"EcoPack Ambalaje SRL", "Termo Eficient Jilava SRL"} <= names


def test_python_app_serves_the_published_demo_pact_its_pdf_and_open_data(
    demo_server: str, seeded_demo: dict[str, Any]
) -> None:
    with http_session() as visitor:
        page = visitor.get(f"{demo_server}{seeded_demo['published']}", timeout=10)
        pdf = visitor.get(f"{demo_server}/p/ilfov/pact.pdf", timeout=60)
        data = visitor.get(
            f"{demo_server}/p/ilfov/open-data/commitments.json", timeout=10
        )
    assert page.status_code == 200
    assert "<svg" in page.text
    # Rendered by gevent's native thread (`off_the_event_loop`), not the loop itself.
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    titles = [commitment["title"] for commitment in data.json()["commitments"]]
    assert len(titles) >= 8
    assert all(title in html.unescape(page.text) for title in titles)
