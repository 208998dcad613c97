"""The outbox's PDF attachments kept as HTML: the sender renders them once its claim
has committed (no transaction open while WeasyPrint works), sends them beside the
HTML part, and a PDF that will not render fails its message alone, to be retried."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest
from flask import Flask

from core import mail
from core.mail import (
    FAILED,
    SENT,
    OutboxMessage,
    PdfAttachment,
    deliver_due,
    queue_email,
)
from core.transactions import unit_of_work
from extensions import db


def queue(recipient: str, html: str) -> int:
    with unit_of_work():
        message = queue_email(
            recipient,
            "Summary",
            "Text",
            PdfAttachment("summary.pdf", html),
            html_body="<p>Hello &amp; welcome</p>",
        )
    return int(message.id)


@pytest.mark.smtp
def test_the_sender_renders_the_pdf_with_no_transaction_open(
    app: Flask, smtp_server: tuple[str, int, Any], monkeypatch: pytest.MonkeyPatch
):
    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    rendered = mail.render_pdf
    open_transactions: list[bool] = []

    def watched(html: str) -> bytes:
        open_transactions.append(db.session().in_transaction())
        return rendered(html)

    monkeypatch.setattr(mail, "render_pdf", watched)
    queue("ana@example.org", "<h1>Workshop summary</h1>")

    assert deliver_due() == {"sent": 1, "failed": 0}
    assert open_transactions == [False]
    [envelope] = inbox.messages
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    assert "Hello &amp; welcome" in html.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "summary.pdf"
    assert attachment.get_content().startswith(b"%PDF")


@pytest.mark.smtp
def test_a_pdf_that_will_not_render_fails_its_message_alone(
    app: Flask, smtp_server: tuple[str, int, Any], monkeypatch: pytest.MonkeyPatch
):
    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    rendered = mail.render_pdf

    def fussy(html: str) -> bytes:
        if "broken" in html:
            raise ValueError("cannot render")
        return rendered(html)

    monkeypatch.setattr(mail, "render_pdf", fussy)
    broken = queue("ana@example.org", "<p>broken</p>")
    fine = queue("ion@example.org", "<p>fine</p>")

    assert deliver_due() == {"sent": 1, "failed": 1}
    assert db.session.get(OutboxMessage, broken).status == FAILED
    assert db.session.get(OutboxMessage, fine).status == SENT
    assert [envelope.rcpt_tos for envelope in inbox.messages] == [["ion@example.org"]]
