"""The SMTP side of the outbox sender (core/mail.py): one session per batch of
messages, opened with its first message, with a watchdog that cuts a connection
whose server is too slow; without MAIL_SERVER (development) messages go to the log."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

from core.redaction import UNMASKED_LOGGER

log = logging.getLogger("greenpact.mail")
# Whole e-mails, for development only (MAIL_LOG_BODIES): the one logger whose records
# are not masked (core/redaction.py), so that their join links can be clicked.
body_log = logging.getLogger(UNMASKED_LOGGER)

# One message, opening the session included, may take at most this many
# MAIL_TIMEOUTs; then its connection is cut (see `_Watchdog`).
DEADLINE_TIMEOUTS = 6


def readable(email: EmailMessage) -> str:
    """An e-mail as a person reads it: its headers, then its text decoded (the wire
    form's quoted-printable would cut every long link across lines), then the
    names of its attachments."""
    lines = [f"{name}: {email[name]}" for name in ("From", "To", "Subject")]
    body = email.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    attached = [part.get_filename() or "" for part in email.iter_attachments()]
    lines += ["", text.rstrip("\n")]
    lines += [f"[attached: {name}]" for name in attached]
    return "\n".join(lines)


class SMTPSession:
    """One SMTP session for a batch, opened with its first message; without
    `MAIL_SERVER` (development), messages are shown in the log."""

    def __init__(self, config: Any) -> None:
        self._config = config
        self._smtp: smtplib.SMTP | None = None
        timeout = float(config["MAIL_TIMEOUT"])
        self._watchdog = _Watchdog(timeout * DEADLINE_TIMEOUTS)

    def send(self, message_id: int, email: EmailMessage) -> None:
        if not self._config["MAIL_SERVER"]:
            # The body names the person and carries their links: it goes to the log
            # only where a developer asked for it (MAIL_LOG_BODIES, `make run`).
            if self._config["MAIL_LOG_BODIES"]:
                body_log.info(
                    "e-mail %s (no MAIL_SERVER set, not sent):\n%s",
                    message_id,
                    readable(email),
                )
            else:
                log.info("e-mail %s not sent: no MAIL_SERVER set", message_id)
            return
        with self._watchdog.deadline():
            if self._smtp is None:
                self._smtp = self._open()
            self._smtp.send_message(email)

    def close(self) -> None:
        if self._smtp is None:
            return
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self._smtp.quit()
        self._smtp.close()
        self._smtp = None

    def _open(self) -> smtplib.SMTP:
        config = self._config
        # Not connected yet, so that the watchdog can cut even the greeting short.
        smtp = smtplib.SMTP(timeout=float(config["MAIL_TIMEOUT"]))
        self._watchdog.smtp = smtp
        try:
            smtp.connect(config["MAIL_SERVER"], config["MAIL_PORT"])
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        return smtp


class _Watchdog:
    """Cuts the SMTP connection of a message that outlives its deadline. The socket
    timeout bounds each read; a server that trickles its answer a byte at a time
    never lets one time out, and would hold the sender (and the message's claim)
    for hours. Shutting the socket down wakes the blocked read, which then fails
    like a dropped connection: the message is retried later."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.smtp: smtplib.SMTP | None = None

    @contextlib.contextmanager
    def deadline(self) -> Iterator[None]:
        timer = threading.Timer(self.seconds, self._cut)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def _cut(self) -> None:
        connection = getattr(self.smtp, "sock", None)
        if connection is None:
            return
        log.warning("SMTP server too slow: connection cut after %g s", self.seconds)
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def smtp_session(config: Any) -> Iterator[SMTPSession]:
    session = SMTPSession(config)
    try:
        yield session
    finally:
        session.close()
