"""Application-wide behaviour: configuration, secrets and error pages."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import dev_secret_key, normalise_database_url


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
