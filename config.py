"""Configuration: `Config` reads the environment (once, when the app is built);
`TestConfig` reads nothing from it. `create_app` takes a plain mapping of overrides on
top of either."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.origins import local_url

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"
# A NODE_NAME, as nginx's routing (deploy/nginx-site.conf) and systemd instance
# names can carry it, and what separates it from the rest of a session id.
NODE_NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
SID_SEPARATOR = "."


def dev_secret_key(instance: Path) -> str:
    """A random secret kept in `instance/secret_key`, made on first use, for when
    SECRET_KEY is not set (development): sessions survive restarts, nothing is
    hardcoded."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


# Settings taken from the environment as they are, when set (else the default).
_OPTIONAL = (
    "MAIL_DEFAULT_SENDER",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_KEY_PREFIX",
    "REGISTRATION_EMAIL_LIMIT",
    "REGISTRATION_ADDRESS_LIMIT",
    "LOGIN_FAILURE_LIMIT",
    "WALK_IN_SESSION_FAILURE_LIMIT",
    "WALK_IN_ADDRESS_FAILURE_LIMIT",
    "LINK_FAILURE_LIMIT",
    "NEW_LINK_EMAIL_LIMIT",
    "NEW_LINK_ADDRESS_LIMIT",
    "NODE_NAME",
)


class Config:
    """Defaults shared by every environment; `from_environment` fills in the
    deployment."""

    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'greenpact.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    SECRET_KEY = ""
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a long workshop day on one open form
    LANGUAGES = ["en", "ro"]
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = "GreenPact <no-reply@greenpact.local>"
    # The background sender delivers the outbox after each commit; off, e-mail waits
    # for `flask --app app send-outbox` (cron).
    MAIL_SENDER = True
    # How often the sender looks for messages it was not woken for (other processes,
    # the CLI, retries).
    MAIL_SWEEP_SECONDS = 60.0
    SOCKETIO_MESSAGE_QUEUE = ""
    SOCKETIO_ALLOWED_ORIGINS: list[str] = []
    # The longest (seconds) a busy board's changes wait to share a frame; a quiet
    # board's event leaves at once (workshops.board.fanout.Batcher).
    BOARD_BATCH_SECONDS = 0.05
    # Frames waiting for one client beyond which it is cut off (it reconnects and
    # catches up with `since`); about four seconds of a busy board.
    BOARD_CLIENT_QUEUE_LIMIT = 100
    # With several processes: a person stays "here now" this long after their
    # process stops vouching for them (it died); refreshed every third of it.
    PRESENCE_TTL_SECONDS = 30.0
    BOARD_EVENTS_CHANNEL = "greenpact:board-events"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # A venue shares one public address (a proxy too): limits key on what identifies
    # an abuser, and the address only carries a ceiling against floods
    # (core/ratelimits.py). Registrations that reach the service (validation errors
    # never count), per e-mail typed, and per address.
    REGISTRATION_EMAIL_LIMIT = "5 per hour"
    REGISTRATION_ADDRESS_LIMIT = "500 per hour"
    LOGIN_FAILURE_LIMIT = "5 per 15 minutes"
    # Wrong walk-in codes (incomplete forms never count), per visitor's session and
    # per address. A code is 6 of 31 characters (31^6 ≈ 887 million) and works only
    # while its workshop runs (a day at most): at 60 wrong codes per 10 minutes, one
    # address tries 8,640 a day, a chance of about 1 in 100,000 of hitting a running
    # workshop's code; a room's typos stay far below 60 in 10 minutes.
    WALK_IN_SESSION_FAILURE_LIMIT = "10 per 10 minutes"
    WALK_IN_ADDRESS_FAILURE_LIMIT = "60 per 10 minutes"
    # Personal and join links whose token is not genuine (forged, truncated), per
    # address; links that work, or expired ones, never count. Tokens are signed, so
    # guessing one is hopeless anyway: this spares the database the attempts.
    LINK_FAILURE_LIMIT = "30 per 10 minutes"
    # "Send me a new link": per e-mail typed (both forms share it), and per address.
    NEW_LINK_EMAIL_LIMIT = "5 per hour"
    NEW_LINK_ADDRESS_LIMIT = "200 per hour"
    # Open connections of one person to one board (several windows, a phone and a
    # laptop); one more is refused with `too_many_connections`.
    BOARD_CONNECTIONS_PER_PERSON = 5
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are
    # believed (ProxyFix): 0 believes none, so a visitor cannot pose as another by
    # sending the headers; 1 behind one nginx (deploy/).
    TRUSTED_PROXY_HOPS = 0
    # This process's name among several behind nginx: every Engine.IO session id
    # starts with it, so that nginx routes a long-polling session's requests to the
    # process that holds it (deploy/README.md). Empty for a single process.
    NODE_NAME = ""
    REGISTRATIONS_PER_PAGE = 25
    # argon2id cost: argon2-cffi's RFC 9106 "low memory" profile.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB
    # Unset in the environment, the address served (HOST, PORT): see `from_environment`.
    PUBLIC_URL = "http://127.0.0.1:5000"
    # Uploaded progress evidence (never under static/); uploads are at most 5 MB,
    # and no request body may exceed this.
    EVIDENCE_FOLDER = str(INSTANCE / "evidence")
    # Rendered pact PDFs, kept until the pact's content changes ("" keeps none).
    DOCUMENT_CACHE_FOLDER = str(INSTANCE / "cache")
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024

    @classmethod
    def from_environment(cls) -> dict[str, Any]:
        """The settings the environment overrides, read when an app is built."""
        env = os.environ
        settings: dict[str, Any] = {
            "SECRET_KEY": env.get("SECRET_KEY") or dev_secret_key(INSTANCE),
            "MAIL_SERVER": env.get("MAIL_SERVER", ""),
            "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
            "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "") == "1",
            "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
            "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
            "MAIL_SENDER": env.get("MAIL_SENDER", "1") == "1",
            "SOCKETIO_MESSAGE_QUEUE": env.get("SOCKETIO_MESSAGE_QUEUE", ""),
            "BOARD_BATCH_SECONDS": float(
                env.get("BOARD_BATCH_SECONDS", cls.BOARD_BATCH_SECONDS)
            ),
            "BOARD_CLIENT_QUEUE_LIMIT": int(
                env.get("BOARD_CLIENT_QUEUE_LIMIT", cls.BOARD_CLIENT_QUEUE_LIMIT)
            ),
            "PRESENCE_TTL_SECONDS": float(
                env.get("PRESENCE_TTL_SECONDS", cls.PRESENCE_TTL_SECONDS)
            ),
            "BOARD_EVENTS_CHANNEL": env.get(
                "BOARD_EVENTS_CHANNEL", cls.BOARD_EVENTS_CHANNEL
            ),
            "PUBLIC_URL": env.get("PUBLIC_URL") or local_url(*served_address(env)),
            "EVIDENCE_FOLDER": env.get("EVIDENCE_FOLDER", cls.EVIDENCE_FOLDER),
            "DOCUMENT_CACHE_FOLDER": env.get(
                "DOCUMENT_CACHE_FOLDER", cls.DOCUMENT_CACHE_FOLDER
            ),
        }
        settings.update({name: env[name] for name in _OPTIONAL if env.get(name)})
        if env.get("BOARD_CONNECTIONS_PER_PERSON"):
            settings["BOARD_CONNECTIONS_PER_PERSON"] = int(
                env["BOARD_CONNECTIONS_PER_PERSON"]
            )
        if env.get("TRUSTED_PROXY_HOPS"):
            settings["TRUSTED_PROXY_HOPS"] = int(env["TRUSTED_PROXY_HOPS"])
        if env.get("DATABASE_URL"):
            settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
                env["DATABASE_URL"]
            )
        if env.get("SOCKETIO_ALLOWED_ORIGINS"):
            settings["SOCKETIO_ALLOWED_ORIGINS"] = env[
                "SOCKETIO_ALLOWED_ORIGINS"
            ].split(",")
        return settings


class TestConfig(Config):
    """For tests: reads no environment; each test passes its own database URL."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = True
    # Cheap hashing keeps tests fast; the algorithm and code path are the same.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    PUBLIC_URL = "http://localhost"
    # E-mail stays in the outbox; the tests that deliver it start the app's sender
    # (tests/conftest.py `outbox_sender`) or call the delivery it calls.
    MAIL_SENDER = False
    # Each test app gets its own folder (tests/conftest.py `build_app`).
    EVIDENCE_FOLDER = ""
    DOCUMENT_CACHE_FOLDER = ""


def served_address(env: Mapping[str, str]) -> tuple[str, int]:
    """HOST and PORT: where `python app.py` listens."""
    return env.get("HOST", "127.0.0.1"), int(env.get("PORT", "5000"))


def normalise_database_url(url: str) -> str:
    """Point plain `postgresql://` URLs at psycopg 3, never psycopg2."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
