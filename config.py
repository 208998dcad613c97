"""Configuration: `Config` reads the environment (once, when the app is built);
`TestConfig` reads nothing from it. `create_app` takes a plain mapping of overrides on
top of either."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from email.utils import formataddr, parseaddr
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


def derived_reply_to(sender: str) -> str:
    """The Reply-To when MAIL_REPLY_TO is not set: the sender's mailbox, with a
    no-reply local part replaced by `privacy` (the team's address for data
    requests, at the sender's domain)."""
    name, address = parseaddr(sender)
    local, _, domain = address.rpartition("@")
    if local.lower().replace("-", "").replace("_", "") in {"noreply", "donotreply"}:
        local = "privacy"
    return formataddr((name, f"{local}@{domain}")) if domain else ""


# Settings taken from the environment as they are, when set (else the default).
_OPTIONAL = (
    "MAIL_DEFAULT_SENDER",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_KEY_PREFIX",
    "REGISTRATION_EMAIL_LIMIT",
    "REGISTRATION_ADDRESS_LIMIT",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_ADDRESS_FAILURE_LIMIT",
    "LOGIN_LINK_LIMIT",
    "LOGIN_LINK_ADDRESS_LIMIT",
    "PASSWORD_RESET_LIMIT",
    "PASSWORD_RESET_ADDRESS_LIMIT",
    "WALK_IN_SESSION_FAILURE_LIMIT",
    "WALK_IN_ADDRESS_FAILURE_LIMIT",
    "LINK_FAILURE_LIMIT",
    "NEW_LINK_EMAIL_LIMIT",
    "NEW_LINK_ADDRESS_LIMIT",
    "NODE_NAME",
)

# Whole numbers taken from the environment, when set.
_INTEGERS = (
    "PASSWORD_HASH_CONCURRENCY",
    "PASSWORD_HASH_WAITING",
    "LOGIN_LINK_TTL_SECONDS",
    "LOGIN_SESSION_IDLE_SECONDS",
    "PASSWORD_RESET_TTL_SECONDS",
    "INVITATION_TTL_SECONDS",
    "REGISTRATION_RETENTION_DAYS",
    "OUTBOX_RETENTION_DAYS",
    "BOARD_CONNECTIONS_PER_PERSON",
)


class Config:
    """Defaults shared by every environment; `from_environment` fills in the
    deployment."""

    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'greenpact.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    SECRET_KEY = ""
    SESSION_COOKIE_HTTPONLY = True
    # `Secure` cookies and HSTS follow PUBLIC_URL (`https_settings`): on when it is
    # https, off on plain http so that the development server keeps working.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    # Strict-Transport-Security's max-age (seconds) when PUBLIC_URL is https.
    HSTS_MAX_AGE = 365 * 24 * 3600
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a long workshop day on one open form
    LANGUAGES = ["en", "ro", "it", "es"]
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = "GreenPact <no-reply@greenpact.local>"
    # Without MAIL_SERVER, write each e-mail in full to the log (development only:
    # it holds names and personal links); otherwise only that it was not sent.
    MAIL_LOG_BODIES = False
    # Where replies and personal-data requests go (every e-mail's Reply-To, named in
    # the consent text and the e-mails' footer). Unset: derived from the sender.
    MAIL_REPLY_TO = derived_reply_to(MAIL_DEFAULT_SENDER)
    # The background sender delivers the outbox after each commit; off, e-mail waits
    # for `flask --app app send-outbox` (cron).
    MAIL_SENDER = True
    # How often the sender looks for messages it was not woken for (other processes,
    # the CLI, retries).
    MAIL_SWEEP_SECONDS = 60.0
    # Seconds an SMTP server may take for each answer; one message may take six of
    # these in all, then its connection is cut and it is retried later.
    MAIL_TIMEOUT = 10.0
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
    # Failed staff logins per account (the e-mail asked for, whether or not it
    # exists) and per address: a venue or an office shares one address, so its
    # ceiling is higher. Validation errors are not failures. A locked account still
    # gets in through an e-mailed login link (LOGIN_LINK_*).
    LOGIN_FAILURE_LIMIT = "5 per 15 minutes"
    LOGIN_ADDRESS_FAILURE_LIMIT = "50 per 15 minutes"
    # "E-mail me a login link" requests, per e-mail asked for and per address.
    LOGIN_LINK_LIMIT = "5 per hour"
    LOGIN_LINK_ADDRESS_LIMIT = "50 per hour"
    # A login link works once, within this many seconds.
    LOGIN_LINK_TTL_SECONDS = 20 * 60
    # A login session unused for this long ends (it is refused, then purged).
    LOGIN_SESSION_IDLE_SECONDS = 14 * 24 * 3600
    # "Forgot your password?" requests, per e-mail asked for and per address; the
    # e-mailed reset link works once, within PASSWORD_RESET_TTL_SECONDS.
    PASSWORD_RESET_LIMIT = "5 per hour"  # noqa: S105 - a rate, not a password
    PASSWORD_RESET_ADDRESS_LIMIT = "50 per hour"  # noqa: S105 - a rate
    PASSWORD_RESET_TTL_SECONDS = 30 * 60
    # A staff invitation's link works once, within this many seconds.
    INVITATION_TTL_SECONDS = 7 * 24 * 3600
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
    # `purge-expired` (cron): registrations never approved are deleted this many
    # days after they were made, and the bodies of delivered e-mails blanked.
    REGISTRATION_RETENTION_DAYS = 180
    OUTBOX_RETENTION_DAYS = 30
    AUDIT_ENTRIES_PER_PAGE = 50
    # argon2id cost: argon2-cffi's RFC 9106 "low memory" profile, on one lane: each
    # hash takes one thread (one core), so PASSWORD_HASH_CONCURRENCY bounds the
    # cores hashing takes; argon2's own lanes would start threads of their own.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB
    ARGON2_PARALLELISM = 1
    # Password hashes running at once (each in a thread, off the event loop), how
    # many more may wait for one, and for how long; beyond, a login is answered
    # "busy, try again in a moment" (503) rather than left to stall.
    PASSWORD_HASH_CONCURRENCY = 2
    PASSWORD_HASH_WAITING = 8
    PASSWORD_HASH_WAIT_SECONDS = 5.0
    # Unset in the environment, the address served (HOST, PORT): see `from_environment`.
    PUBLIC_URL = "http://127.0.0.1:5000"
    # Uploaded progress evidence (never under static/); uploads are at most 5 MB,
    # and no request body may exceed this.
    EVIDENCE_FOLDER = str(INSTANCE / "evidence")
    # Rendered pact PDFs, kept until the pact's content changes ("" keeps none).
    DOCUMENT_CACHE_FOLDER = str(INSTANCE / "cache")
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024
    # The most evidence (bytes, all files together) one commitment may hold: a
    # lead cannot fill the disk 5 MB at a time.
    EVIDENCE_QUOTA_PER_COMMITMENT = 25 * 1024 * 1024

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
            "MAIL_LOG_BODIES": env.get("MAIL_LOG_BODIES", "") == "1",
            "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT", cls.MAIL_TIMEOUT)),
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
            "EVIDENCE_QUOTA_PER_COMMITMENT": int(
                env.get(
                    "EVIDENCE_QUOTA_PER_COMMITMENT", cls.EVIDENCE_QUOTA_PER_COMMITMENT
                )
            ),
        }
        settings.update({name: env[name] for name in _OPTIONAL if env.get(name)})
        settings["MAIL_REPLY_TO"] = env.get("MAIL_REPLY_TO") or derived_reply_to(
            settings.get("MAIL_DEFAULT_SENDER", cls.MAIL_DEFAULT_SENDER)
        )
        for name in _INTEGERS:
            if env.get(name):
                settings[name] = int(env[name])
        if env.get("PASSWORD_HASH_WAIT_SECONDS"):
            settings["PASSWORD_HASH_WAIT_SECONDS"] = float(
                env["PASSWORD_HASH_WAIT_SECONDS"]
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


def https_settings(public_url: str) -> dict[str, Any]:
    """What follows from PUBLIC_URL's scheme: cookies sent over HTTPS only when the
    site is served over HTTPS (never on plain http, where they would be lost)."""
    secure = public_url.strip().lower().startswith("https://")
    return {"SESSION_COOKIE_SECURE": secure, "REMEMBER_COOKIE_SECURE": secure}


def served_address(env: Mapping[str, str]) -> tuple[str, int]:
    """HOST and PORT: where `python app.py` listens."""
    return env.get("HOST", "127.0.0.1"), int(env.get("PORT", "5000"))


def normalise_database_url(url: str) -> str:
    """Point plain `postgresql://` URLs at psycopg 3, never psycopg2."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
