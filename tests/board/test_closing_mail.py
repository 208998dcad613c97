"""The summary e-mailed to every participant when the board closes, read from a real
SMTP server (aiosmtpd): an HTML e-mail with its text version, in the participant's
language, listing their organisation's commitments with a personal link that opens
their page to sign, and the workshop's summary as a PDF attached (rendered by the
outbox sender, not in the closing change). Not to a participant removed from the
board, nor to one who withdrew their consent; once per closing, again only when the
summary has news."""

from __future__ import annotations

import email
import email.policy
import io
import re
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from commitments.models import Commitment
from commitments.operations import agree_commitment
from core.mail import OutboxMessage, deliver_due
from extensions import db
from stakeholders.models import Person
from stakeholders.personal_data import withdraw_consent
from tests.board.conftest import in_process_board
from workshops.board.path import apply_board_change
from workshops.models import ClosingMailing

TITLE = "Reusable crates & no bags for 40 bakeries"
TITLE_HTML = "Reusable crates &amp; no bags for 40 bakeries"
SUBJECT = "Summary of the workshop Closing day"
SUBJECT_RO = "Rezumatul atelierului Closing day"


@pytest.fixture
def room(
    app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
) -> dict[str, Any]:
    """A board with three participants: the first drafted a commitment (agreed by
    an official since), the second is removed from the board, the third withdrew
    their consent."""
    made = in_process_board(make_pact, make_staff, "Closing day", participants=3)
    board = made.board
    counter = iter(range(1000))

    def change(actor: int, event: str, **fields: object) -> dict[str, Any]:
        payload = {"board": board, "cid": f"c{next(counter)}", **fields}
        return apply_board_change(board, actor, event, payload)

    lead, removed, withdrawn = made.seats
    change(made.facilitator, "board:phase", phase="ideas")
    change(lead.person, "card:create", theme=made.theme, text="Crates, not bags")
    change(made.facilitator, "board:phase", phase="draft")
    commitment = change(
        lead.person,
        "commitment:create",
        title=TITLE,
        theme=made.theme,
        lead=lead.organisation,
        indicator={"name": "Waste", "unit": "t", "baseline": 120, "target": 80},
        deadline="2028-12-31",
    )["commitment"]["id"]
    agree_commitment(made.official, commitment)
    change(made.facilitator, "participant:remove", person=removed.person, reason="x")
    withdraw_consent(withdrawn.person)
    return {
        "change": change,
        "facilitator": made.facilitator,
        "lead": lead,
        "removed": removed,
        "withdrawn": withdrawn,
        "board": board,
    }


def closing_messages() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject.like("%Closing day%"))
        )
    )


def received(inbox: Any) -> list[tuple[str, EmailMessage]]:
    return [
        (
            envelope.rcpt_tos[0],
            email.message_from_bytes(envelope.content, policy=email.policy.default),
        )
        for envelope in inbox.messages
    ]


def email_of(person_id: int) -> str:
    person = db.session.get(Person, person_id)
    assert person is not None
    return person.email


@pytest.mark.smtp
def test_closing_mails_each_participant_an_html_summary_with_a_pdf_and_a_sign_link(
    app: Flask, room: dict[str, Any], smtp_server: tuple[str, int, Any]
):
    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    deliver_due()  # what the fixture's use cases queued (the request to sign...)
    inbox.messages.clear()

    room["change"](room["facilitator"], "board:phase", phase="closed")
    # The closing change queued the e-mail with the PDF as its HTML: nothing rendered.
    [queued] = closing_messages()
    assert queued.attachment_source == "html"
    assert deliver_due()["sent"] == 1

    [(recipient, message)] = received(inbox)
    assert recipient == email_of(room["lead"].person)
    assert message["Subject"] == SUBJECT
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert TITLE in text.get_content()
    html_content = html.get_content()
    assert TITLE_HTML in html_content
    assert TITLE not in html_content  # escaped

    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf)).pages
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert TITLE in pdf_text
    assert "Crates, not bags" in pdf_text

    # The personal link opens the organisation's page, where the commitment is to sign.
    [link] = re.findall(r"https?://\S+/me/link/\S+", text.get_content())
    assert f'href="{link}"' in html_content
    client = app.test_client()
    opened = client.get("/me/link/" + link.rsplit("/me/link/", 1)[1])
    assert opened.status_code == 302
    page = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert TITLE_HTML in page
    assert "Sign for" in page


@pytest.mark.smtp
def test_the_summary_is_written_in_the_participants_language(
    app: Flask, room: dict[str, Any], smtp_server: tuple[str, int, Any]
):
    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    person = db.session.get(Person, room["lead"].person)
    assert person is not None
    person.language = "ro"
    db.session.commit()
    deliver_due()
    inbox.messages.clear()

    room["change"](room["facilitator"], "board:phase", phase="closed")
    deliver_due()

    [(_recipient, message)] = received(inbox)
    assert message["Subject"] == SUBJECT_RO
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    assert 'lang="ro"' in html.get_content()


def test_closing_again_without_news_sends_nothing_and_news_sends_again(
    app: Flask, room: dict[str, Any]
):
    change, facilitator = room["change"], room["facilitator"]
    change(facilitator, "board:phase", phase="closed")
    assert len(closing_messages()) == 1

    change(facilitator, "board:phase", phase="sign")
    change(facilitator, "board:phase", phase="closed")
    assert len(closing_messages()) == 1

    # News: the lead signs their commitment in the reopened room.
    change(facilitator, "board:phase", phase="sign")
    signed = db.session.scalar(select(Commitment.id).where(Commitment.title == TITLE))
    change(room["lead"].person, "commitment:sign", commitment=signed)
    change(facilitator, "board:phase", phase="closed")
    assert len(closing_messages()) == 2
    mailing = db.session.get(ClosingMailing, room["board"])
    assert mailing is not None
    assert mailing.recipients == 1


def test_nobody_removed_or_without_consent_is_written_to(
    app: Flask, room: dict[str, Any]
):
    room["change"](room["facilitator"], "board:phase", phase="closed")
    recipients = {message.recipient for message in closing_messages()}
    assert recipients == {email_of(room["lead"].person)}
    assert email_of(room["removed"].person) not in recipients
    assert email_of(room["withdrawn"].person) not in recipients
