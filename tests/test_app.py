"""Application-wide behaviour: configuration, secrets and error pages."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from app import create_app
from config import Config, dev_secret_key, normalise_database_url


def test_dev_secret_is_random_kept_in_instance_and_private(tmp_path: Path):
    first = dev_secret_key(tmp_path)
    assert len(first) == 64
    assert dev_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert dev_secret_key(tmp_path / "other") != first


def test_secret_key_comes_from_the_environment_when_set(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_database_urls_use_psycopg_3():
    assert normalise_database_url("postgres://a/b") == "postgresql+psycopg://a/b"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app: Flask):
    from extensions import db

    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_unexpected_error_shows_a_plain_page_and_logs_no_message(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom() -> str:
        from flask import request

        raise RuntimeError(f"failed for {request.args['who']}")

    with caplog.at_level(logging.ERROR):
        response = client.get("/boom?who=maria@ecopack.ro")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in html
    assert "maria@ecopack.ro" not in html
    assert "Something went wrong" in html
    assert "RuntimeError" in caplog.text
    assert "maria@ecopack.ro" not in caplog.text, "messages may hold personal data"


def test_not_found_page_is_localised(client: FlaskClient):
    response = client.get("/nowhere?lang=ro")
    assert response.status_code == 404
    assert "Pagina nu a fost găsită" in response.get_data(as_text=True)


def test_home_lists_pacts_with_their_registration_links(client: FlaskClient, make_pact):
    make_pact("ilfov")
    html = client.get("/").get_data(as_text=True)
    assert "/p/ilfov/register" in html


def test_proxy_node_and_rate_limit_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    monkeypatch.setenv("NODE_NAME", "app2")
    monkeypatch.setenv("REGISTRATION_ADDRESS_LIMIT", "3 per hour")
    monkeypatch.setenv("BOARD_CONNECTIONS_PER_PERSON", "8")
    monkeypatch.setenv("RATELIMIT_KEY_PREFIX", "county")
    # Read without building an app: Flask-Limiter's one limiter keeps the first key
    # prefix any app of the process gave it.
    settings = Config.from_environment()
    assert settings["TRUSTED_PROXY_HOPS"] == 1
    assert settings["NODE_NAME"] == "app2"
    assert settings["REGISTRATION_ADDRESS_LIMIT"] == "3 per hour"
    assert settings["BOARD_CONNECTIONS_PER_PERSON"] == 8
    assert settings["RATELIMIT_KEY_PREFIX"] == "county"


def _seen_by_the_app(hops: int) -> tuple[str, str, str]:
    app = create_app({"TESTING": True, "TRUSTED_PROXY_HOPS": hops})

    @app.get("/who")
    def who() -> dict[str, str]:
        return {"addr": request.remote_addr or "", "url": request.host_url}

    response = app.test_client().get(
        "/who",
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={
            "X-Forwarded-For": "198.51.100.7, 203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "pact.example.org",
        },
    )
    seen = response.get_json()
    return seen["addr"], seen["url"], str(response.status_code)


def test_with_no_trusted_proxy_hop_forwarded_headers_are_ignored():
    assert _seen_by_the_app(0) == ("127.0.0.1", "http://localhost/", "200")


def test_with_one_trusted_hop_the_visitor_is_what_that_proxy_forwarded():
    assert _seen_by_the_app(1) == ("203.0.113.9", "https://pact.example.org/", "200")


def test_session_ids_start_with_the_node_name_and_a_dot():
    from extensions import socketio

    create_app({"TESTING": True, "NODE_NAME": "app7"})
    named = socketio.server.eio.generate_id()
    create_app({"TESTING": True})
    plain = socketio.server.eio.generate_id()

    assert named.startswith("app7.")
    assert len(named) == len("app7.") + len(plain)
    assert "." not in plain


@pytest.mark.parametrize("name", ["app 1", "app1.eu", "x" * 33])
def test_a_node_name_unfit_for_a_session_id_prefix_is_refused(name: str):
    with pytest.raises(ValueError, match="NODE_NAME"):
        create_app({"TESTING": True, "NODE_NAME": name})
