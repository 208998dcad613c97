"""Outgoing e-mail: every message is first written to the outbox table in the caller's
transaction, then delivered after the commit, over SMTP when `MAIL_SERVER` is set or to
the log otherwise (development). A failed delivery stays in the outbox for a retry."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from core.time import UTCDateTime, utcnow
from core.transactions import after_commit
from extensions import db

log = logging.getLogger("greenpact.mail")


class OutboxMessage(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # Optional attachment (e.g. an ICS invite): filename, MIME type, content.
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment_type: Mapped[str | None] = mapped_column(String(120))
    attachment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: str


def queue_email(
    recipient: str, subject: str, body: str, attachment: Attachment | None = None
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction; it leaves after
    commit."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    if attachment is not None:
        message.attachment_name = attachment.filename
        message.attachment_type = attachment.mimetype
        message.attachment = attachment.content
    db.session.add(message)
    db.session.flush()
    message_id = message.id
    after_commit(lambda: deliver(message_id))
    return message


def queue_template_email(
    recipient: str,
    language: str,
    template: str,
    attachment: Attachment | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render `templates/email/<template>.subject.txt` and `.txt` in the recipient's
    language and queue the message."""
    with force_locale(language):
        subject = render_template(f"email/{template}.subject.txt", **context)
        body = render_template(f"email/{template}.txt", **context)
    return queue_email(recipient, " ".join(subject.split()), body, attachment)


def deliver(message_id: int) -> bool:
    """Send one outbox message and record the outcome; never raises for SMTP faults."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status == "sent":
        return False
    message.attempts += 1
    try:
        _send(message)
    except (OSError, smtplib.SMTPException) as exc:
        # The recipient is personal data: log the outbox id only.
        log.warning("e-mail %s not delivered: %s", message.id, type(exc).__name__)
        message.status = "failed"
        db.session.commit()
        return False
    message.status = "sent"
    message.sent_at = utcnow()
    db.session.commit()
    return True


def deliver_pending() -> dict[str, int]:
    """Retry every queued or failed message (the `send-outbox` command)."""
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status != "sent")
        .order_by(OutboxMessage.id)
    ).all()
    sent = sum(deliver(message_id) for message_id in ids)
    return {"sent": sent, "failed": len(ids) - sent}


def _build(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="greenpact.local")
    email.set_content(message.body)
    if message.attachment and message.attachment_name and message.attachment_type:
        maintype, subtype = message.attachment_type.split("/", 1)
        email.add_attachment(
            message.attachment.encode(),
            maintype=maintype,
            subtype=subtype,
            filename=message.attachment_name,
        )
    return email


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    email = _build(message)
    if not config["MAIL_SERVER"]:
        # Development: no SMTP server configured, so the message is shown in the log.
        log.info("e-mail %s (no MAIL_SERVER set, not sent):\n%s", message.id, email)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
