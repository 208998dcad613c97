"""No personal data in the logs, as defence in depth: every log record of the
process (the app's, Flask's, werkzeug's, gunicorn's, Flask-Limiter's, Engine.IO's…)
has its e-mail addresses, personal tokens and secret query values masked when it is
made, whichever logger or handler it then goes to. Flask-Limiter's "limit exceeded"
line keeps the limit and the endpoint but loses its key (an e-mail address or a
digest of one). The access logs of gunicorn and nginx mask the same way
(deploy/access_log.py, deploy/nginx-site.conf).

The code should not log such data in the first place; this catches what slips
through, and what libraries log of a request (its path, its query string).

`install()` wraps the process's log record factory, once: create_app calls it, and
so does the gunicorn configuration for gunicorn's own records."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from typing import Any

EMAIL = re.compile(
    r"[A-Za-z0-9._%+\-]+(?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
# The token of /w/<id>/join/<token>, /me/link/<token> and any other "<…>/join/" or
# "<…>/link/" URL (not /me/link/new, the form asking for one).
TOKEN_IN_PATH = re.compile(r"(/(?:join|link)/)(?!new\b)[^/?#\s\"'<>]+")
# Values of query parameters that carry a secret or an address.
SECRET_QUERY = re.compile(r"([?&;](?:code|token|email|e-mail)=)[^&#\s\"'<>]*", re.I)
# Anything shaped like a signed token (itsdangerous: base64 JSON, a dot, a signature)
# or a long random path segment, wherever it appears.
SIGNED_TOKEN = re.compile(r"\beyJ[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-.]{6,}")
LONG_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_\-.~]{40,}")

MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (SIGNED_TOKEN, "[token]"),
    (TOKEN_IN_PATH, r"\1[token]"),
    (SECRET_QUERY, r"\1[masked]"),
    (EMAIL, "[e-mail]"),
    (LONG_SEGMENT, "[token]"),
)
LIMITER_LOGGER = "flask-limiter"
# The whole e-mails a developer asked to see (MAIL_LOG_BODIES, never in production):
# their links must stay whole to be clicked, so this logger alone is not masked.
UNMASKED_LOGGER = "greenpact.mail.bodies"
LIMITER_BREACH = "ratelimit %s (%s) exceeded at endpoint: %s"
WITHHELD = "key withheld"


def mask(text: str) -> str:
    """`text` with e-mail addresses, personal tokens and secret query values
    replaced by placeholders."""
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def withhold_limiter_key(record: logging.LogRecord) -> None:
    """Flask-Limiter's breach line names the limit, the key and the endpoint: keep
    the limit and the endpoint, never the key (whatever it is made of)."""
    args = record.args
    if record.msg == LIMITER_BREACH and isinstance(args, tuple) and len(args) == 3:
        record.args = (args[0], WITHHELD, args[2])


def redact(record: logging.LogRecord) -> None:
    """Render the record's message once, masked; its traceback likewise."""
    if record.name == UNMASKED_LOGGER:
        return
    if record.name == LIMITER_LOGGER:
        withhold_limiter_key(record)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - logging reports a bad format itself, later
        return
    record.msg, record.args = mask(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = mask("".join(traceback.format_exception(*record.exc_info)))
        record.exc_text = record.exc_text.rstrip("\n")
    if record.stack_info:
        record.stack_info = mask(record.stack_info)


class RedactingFactory:
    """A log record factory: the previous one's record, redacted."""

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        redact(record)
        return record


def install() -> None:
    """Redact every log record of this process from now on (idempotent)."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, RedactingFactory):
        logging.setLogRecordFactory(RedactingFactory(current))
