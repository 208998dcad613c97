"""Outgoing e-mail. Every message is first written to the outbox table in the caller's
transaction; the commit only wakes the background sender, so no request waits for SMTP.
The sender (`OutboxSender`, a daemon thread, a greenlet under gevent, started with the
app when `MAIL_SENDER` is on) claims each message atomically, so that several app
processes never send one twice, delivers it over SMTP when `MAIL_SERVER` is set or to
the log otherwise (development), records it sent or failed, retries failed ones with a
growing delay, and sweeps the table periodically for messages committed elsewhere (the
CLI, another process). `send-outbox` delivers everything pending, for cron."""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import Any, Protocol, runtime_checkable

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import ColumnElement, String, Text, and_, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.pdf import render_pdf
from core.smtp import smtp_session
from core.time import UTCDateTime, utcnow
from core.transactions import after_commit
from extensions import db

log = logging.getLogger("greenpact.mail")

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
# Messages per pass of the sender, over one SMTP session.
BATCH = 50
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# A claim older than this is taken to be lost with its process: far beyond what
# one message may take (MAIL_TIMEOUT per SMTP read or write, DEADLINE_TIMEOUTS of
# them in all: core/smtp.py), so a living sender never loses a claim to another.
SENDING_LEASE = timedelta(minutes=10)
# Refusals of one message; the session itself is still fine for the next.
MESSAGE_REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


class OutboxMessage(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # The same message as HTML (our own autoescaped template), sent beside the text.
    html_body: Mapped[str | None] = mapped_column(Text)
    # Optional attachment (e.g. an ICS invite): filename, MIME type, content.
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment_type: Mapped[str | None] = mapped_column(String(120))
    attachment: Mapped[str | None] = mapped_column(Text)
    # "html": the attachment is kept as HTML and turned into a PDF by the sender,
    # so that no request or board event waits for WeasyPrint.
    attachment_source: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Failed: when the next attempt is due; sending: when a claim counts as lost
    # (the process that claimed it died), so another sender may take it over.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


PDF_FROM_HTML = "html"
PDF_MIMETYPE = "application/pdf"


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: str


@dataclass(frozen=True)
class PdfAttachment:
    """A PDF attached as its HTML: the sender renders it (core/pdf.py) when it
    sends the message, off the event loop and outside any transaction."""

    filename: str
    html: str


def queue_email(
    recipient: str,
    subject: str,
    body: str,
    attachment: Attachment | PdfAttachment | None = None,
    html_body: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction; after the commit the
    background sender is woken to deliver it."""
    message = OutboxMessage(
        recipient=recipient, subject=subject, body=body, html_body=html_body
    )
    if isinstance(attachment, PdfAttachment):
        message.attachment_name = attachment.filename
        message.attachment_type = PDF_MIMETYPE
        message.attachment = attachment.html
        message.attachment_source = PDF_FROM_HTML
    elif attachment is not None:
        message.attachment_name = attachment.filename
        message.attachment_type = attachment.mimetype
        message.attachment = attachment.content
    db.session.add(message)
    db.session.flush()
    after_commit(wake_sender)
    return message


@runtime_checkable
class Addressee(Protocol):
    """A person an e-mail is about and to (passed as `person=`): one who withdrew
    their consent, or was erased, is no longer written to."""

    @property
    def accepts_email(self) -> bool: ...


def queue_template_email(
    recipient: str,
    language: str,
    template: str,
    attachment: Attachment | PdfAttachment | None = None,
    **context: Any,
) -> OutboxMessage | None:
    """Render `templates/email/<template>.subject.txt` and `.txt` (and `.html`, when
    the template has one: autoescaped, sent as the HTML alternative) in the
    recipient's language and queue the message; nothing when the `person` it is
    written to accepts no more e-mail. Every message ends with where to see,
    download or erase one's data and whom to write to (`reply_to`, `privacy_page`)."""
    person = context.get("person")
    if isinstance(person, Addressee) and not person.accepts_email:
        return None
    context.setdefault("reply_to", reply_to_address())
    context.setdefault("privacy_page", privacy_page())
    with force_locale(language or _default_language(context.get("pact"))):
        subject = render_template(f"email/{template}.subject.txt", **context)
        body = render_template(f"email/{template}.txt", **context)
        html = _html_version(template, context)
    return queue_email(recipient, " ".join(subject.split()), body, attachment, html)


def _html_version(template: str, context: dict[str, Any]) -> str | None:
    name = f"email/{template}.html"
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return None
    return render_template(name, **context)


def _default_language(pact: Any) -> str:
    """For a person who has chosen no language yet (a staff member before their
    first login): the pact's own, else the site's."""
    if pact is not None:
        return str(pact.default_language)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def reply_to_address() -> str:
    """The address people can write to about their data (MAIL_REPLY_TO), bare."""
    return parseaddr(str(current_app.config["MAIL_REPLY_TO"]))[1]


def privacy_page() -> str:
    """The person's page where they see, download or erase their data."""
    return str(current_app.config["PUBLIC_URL"]).rstrip("/") + "/me/data"


def wake_sender() -> None:
    """Tell the app's sender that messages are waiting (after a commit)."""
    sender: OutboxSender = current_app.extensions["outbox_sender"]
    sender.wake()


def deliver_due(limit: int = BATCH) -> dict[str, int]:
    """Deliver up to `limit` messages that are due: queued, failed and past their
    retry time, or claimed by a process that is gone. One pass of the sender."""
    now = utcnow()
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()  # no transaction stays open while SMTP talks
    return deliver(ids)


def deliver_pending() -> dict[str, int]:
    """Deliver every message not sent yet, now, whatever its retry time (the
    `send-outbox` command)."""
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status != SENT)
        .order_by(OutboxMessage.id)
    ).all()
    db.session.commit()
    return deliver(ids)


def deliver(message_ids: Iterable[int]) -> dict[str, int]:
    """Claim and send these messages over one SMTP session, recording each one sent
    or failed as it goes; never raises for SMTP faults. A message another sender
    holds is skipped. A fault of the session ends the batch: the rest stay queued."""
    outcome = {"sent": 0, "failed": 0}
    with smtp_session(current_app.config) as smtp:
        for message_id in message_ids:
            # Under gevent the sender is a greenlet: let the requests and sockets
            # run between messages (the database work below never yields).
            time.sleep(0)
            claimed = _claim(message_id)
            if claimed is None:
                continue
            try:
                email = _build(claimed.message)
            except Exception as exc:
                # A PDF that would not render: retried later like a refusal.
                log.error("e-mail %s not built: %s", message_id, type(exc).__name__)
                _record(message_id, status=FAILED, next_attempt_at=_retry(claimed))
                outcome["failed"] += 1
                continue
            try:
                smtp.send(message_id, email)
            except (OSError, smtplib.SMTPException) as exc:
                # The recipient is personal data: log the outbox id only.
                log.warning(
                    "e-mail %s not delivered: %s", message_id, type(exc).__name__
                )
                _record(message_id, status=FAILED, next_attempt_at=_retry(claimed))
                outcome["failed"] += 1
                if isinstance(exc, MESSAGE_REFUSED):
                    continue
                break
            _record(message_id, status=SENT, sent_at=utcnow(), next_attempt_at=None)
            outcome["sent"] += 1
    return outcome


@dataclass(frozen=True)
class _Outgoing:
    """A claimed message's fields, read before its claim commits: building it (a
    PDF may take seconds) happens with no transaction open."""

    recipient: str
    subject: str
    body: str
    html_body: str | None
    attachment_name: str | None
    attachment_type: str | None
    attachment: str | None
    attachment_source: str | None


@dataclass(frozen=True)
class _Claimed:
    message: _Outgoing
    attempts: int


def _due(now: datetime) -> ColumnElement[bool]:
    retry_time = or_(
        OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now
    )
    return or_(
        OutboxMessage.status == QUEUED,
        and_(OutboxMessage.status.in_((FAILED, SENDING)), retry_time),
    )


def _claimable(now: datetime) -> ColumnElement[bool]:
    lost = and_(OutboxMessage.status == SENDING, OutboxMessage.next_attempt_at <= now)
    return or_(OutboxMessage.status.in_((QUEUED, FAILED)), lost)


def _claim(message_id: int) -> _Claimed | None:
    """Mark the message as being sent by this process, in a transaction of its own:
    of several senders racing for it, one UPDATE matches and the others find
    nothing to send."""
    now = utcnow()
    attempts = db.session.scalar(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(
            status=SENDING,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + SENDING_LEASE,
        )
        .returning(OutboxMessage.attempts)
    )
    if attempts is None:
        db.session.rollback()
        return None
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None:  # cannot happen: the UPDATE above just matched it
        db.session.rollback()
        return None
    outgoing = _Outgoing(
        recipient=message.recipient,
        subject=message.subject,
        body=message.body,
        html_body=message.html_body,
        attachment_name=message.attachment_name,
        attachment_type=message.attachment_type,
        attachment=message.attachment,
        attachment_source=message.attachment_source,
    )
    db.session.commit()
    return _Claimed(outgoing, attempts)


def _record(message_id: int, **values: Any) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == SENDING)
        .values(**values)
    )
    db.session.commit()


def _retry(claimed: _Claimed) -> datetime:
    """1 minute after the first failure, doubling up to 6 hours."""
    doublings = min(claimed.attempts - 1, 16)
    delay = min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)
    return utcnow() + delay


def _build(message: _Outgoing) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    # Replies reach someone who reads them (the From: is a no-reply address).
    if current_app.config["MAIL_REPLY_TO"]:
        email["Reply-To"] = current_app.config["MAIL_REPLY_TO"]
    email["Message-ID"] = make_msgid(domain="greenpact.local")
    email.set_content(message.body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    if message.attachment and message.attachment_name and message.attachment_type:
        maintype, subtype = message.attachment_type.split("/", 1)
        email.add_attachment(
            _attachment_bytes(message),
            maintype=maintype,
            subtype=subtype,
            filename=message.attachment_name,
        )
    return email


def _attachment_bytes(message: _Outgoing) -> bytes:
    content = message.attachment or ""
    if message.attachment_source == PDF_FROM_HTML:
        return render_pdf(content)
    return content.encode()


# --- the background sender -----------------------------------------------------------


class OutboxSender:
    """Delivers the outbox in the background: woken after each commit that queued
    e-mail, and every `MAIL_SWEEP_SECONDS` anyway. Each pass runs in an app context
    of its own, hence with its own database session."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the sender (once; calling again is harmless)."""
        with self._lock:
            if self._thread is not None:
                return
            self._stopping.clear()
            self._thread = threading.Thread(
                target=self._run, name="outbox-sender", daemon=True
            )
            self._thread.start()

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current pass and wait for it (at most `timeout` s)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        self._wakeup.set()
        thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wakeup.clear()
            if self._pass() < BATCH:
                # Less than a full batch: nothing else is due until woken or swept.
                self._wakeup.wait(float(self._app.config["MAIL_SWEEP_SECONDS"]))

    def _pass(self) -> int:
        with self._app.app_context():
            try:
                outcome = deliver_due()
            except Exception as exc:
                # The database is unreachable, say: the next pass tries again.
                log.error("outbox sender pass failed: %s", type(exc).__name__)
                return 0
            finally:
                db.session.remove()
        return outcome["sent"] + outcome["failed"]


def init_app(app: Flask) -> None:
    """Give the app its sender; with `MAIL_SENDER` on, the first request starts it.
    Starting on a request, not here, keeps it out of CLI commands (`init-db`) and
    starts it in each worker of a pre-forking server, after the fork."""
    sender = OutboxSender(app)
    app.extensions["outbox_sender"] = sender
    if app.config["MAIL_SENDER"]:
        app.before_request(sender.start)
