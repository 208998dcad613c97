"""No personal data in log records (core/redaction.py): e-mail addresses, personal
tokens and secret query values are masked in every record of the process, whichever
logger made it; Flask-Limiter's breach line names the limit and the page, never its
key; gunicorn's access-log fields are masked the same way (deploy/access_log.py)."""

from __future__ import annotations

import logging
import runpy
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from gunicorn.config import Config as GunicornConfig

from core.redaction import mask
from deploy.access_log import MaskingLogger
from deploy.cluster import GUNICORN_CONFIG
from tests.conftest import csrf_from, form_data

TOKEN = "eyJwIjoxMiwidyI6MywidiI6MSwiZXhwIjoxNzk5OTk5OTk5fQ.Zm9vYmFyYmF6cXV4"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"GET /w/12/join/{TOKEN} HTTP/1.1", "GET /w/12/join/[token] HTTP/1.1"),
        (f"/me/link/{TOKEN}?lang=ro", "/me/link/[token]?lang=ro"),
        ("/w/3/join/not-even-a-token", "/w/3/join/[token]"),
        ("/me/link/new", "/me/link/new"),
        ("POST /join?code=K7QP2M&lang=ro", "POST /join?code=[masked]&lang=ro"),
        ("/x?lang=en&token=abc", "/x?lang=en&token=[masked]"),
        ("from maria.popescu+pact@eco-pack.example.ro:", "from [e-mail]:"),
        ("?q=maria%40ecopack.ro", "?q=[e-mail]"),
        (f"auth {TOKEN} refused", "auth [token] refused"),
        ("PUBLIC_URL is http://127.0.0.1:5000", "PUBLIC_URL is http://127.0.0.1:5000"),
        ("unhandled OverflowError on GET /staff/p/<slug>/registrations/<int:id>", None),
    ],
)
def test_mask_hides_tokens_codes_and_emails_and_leaves_the_rest(
    text: str, masked: str | None
):
    assert mask(text) == (text if masked is None else masked)


def test_every_logger_of_the_process_has_its_records_masked(
    app: Flask, caplog: pytest.LogCaptureFixture
):
    """create_app installed the masking: any logger, arguments and traceback."""
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info(
            "request %s from %s", f"/w/1/join/{TOKEN}", "maria@ecopack.ro"
        )
        try:
            raise ValueError("no person maria@ecopack.ro")
        except ValueError:
            logging.getLogger("greenpact.anything").exception("failed %s", "/me")

    assert "maria@ecopack.ro" not in caplog.text
    assert TOKEN not in caplog.text
    assert "request /w/1/join/[token] from [e-mail]" in caplog.text
    assert "ValueError: no person [e-mail]" in caplog.text


def test_a_rate_limit_hit_is_logged_without_its_key(
    app: Flask,
    client: FlaskClient,
    make_pact: Callable[..., int],
    caplog: pytest.LogCaptureFixture,
):
    make_pact("ilfov")
    app.config["REGISTRATION_EMAIL_LIMIT"] = "1 per hour"
    email = "someone.else@ilfov.ro"

    with caplog.at_level(logging.INFO, logger="flask-limiter"):
        statuses = [
            submit_registration(client, n, contact_email=email) for n in range(2)
        ]

    assert statuses == [302, 429]
    [breach] = [r.getMessage() for r in caplog.records if "exceeded" in r.getMessage()]
    assert "key withheld" in breach
    assert "stakeholders.register" in breach  # which limit, on which page
    assert "1 per 1 hour" in breach
    assert email not in caplog.text


def submit_registration(client: FlaskClient, n: int, **overrides: str) -> int:
    page = client.get("/p/ilfov/register").get_data(as_text=True)
    data = form_data(
        organisation_name=f"Organisation {n} SRL",
        registration_number=f"J23/{1000 + n}/2020",
        csrf_token=csrf_from(page),
        **overrides,
    )
    return client.post("/p/ilfov/register", data=data).status_code


def test_the_limiter_key_is_withheld_whatever_it_is_made_of(
    app: Flask, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.INFO, logger="flask-limiter"):
        logging.getLogger("flask-limiter").info(
            "ratelimit %s (%s) exceeded at endpoint: %s",
            "10 per 1 minute",
            "203.0.113.9|walk-in:Z3XK9Q",
            "workshops.walk_in",
        )

    assert caplog.records[-1].getMessage() == (
        "ratelimit 10 per 1 minute (key withheld) exceeded at endpoint: "
        "workshops.walk_in"
    )


def test_gunicorn_uses_the_masking_logger_for_its_access_log():
    settings = runpy.run_path(str(GUNICORN_CONFIG))

    assert settings["logger_class"] is MaskingLogger


def test_gunicorns_access_log_fields_are_masked():
    logger = MaskingLogger(GunicornConfig())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/w/1/join/{TOKEN}?email=maria%40ecopack.ro",
        "PATH_INFO": f"/w/1/join/{TOKEN}",
        "QUERY_STRING": "email=maria%40ecopack.ro",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://pact.example.org/me/link/{TOKEN}",
        "REMOTE_ADDR": "192.0.2.7",
    }
    response = SimpleNamespace(status="200 OK", sent=2, headers=[])

    atoms = logger.atoms(response, [], environ, timedelta(milliseconds=3))

    line = " ".join(str(value) for value in atoms.values())
    assert TOKEN not in line
    assert "maria" not in line
    assert atoms["r"] == "GET /w/1/join/[token]?email=[masked] HTTP/1.1"
    assert atoms["h"] == "192.0.2.7"
