"""Personal-data rights on the pages: the person downloads the same export the CLI
prints (their pact's part), an official of the pact downloads it from the
registration's page and erases the contact through a confirmation, another pact's
official gets 404; the person withdraws their consent (confirmation, CSRF), which
officials see and after which only its confirmation is e-mailed. Every e-mail
carries a Reply-To someone reads and a footer pointing at the person's page."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from commitments.operations import agree_commitment
from config import derived_reply_to
from core.audit import AuditAction, AuditEntry
from core.mail import OutboxMessage, OutboxSender, queue_template_email
from core.transactions import unit_of_work
from extensions import db
from pacts.personal_data import erase_person, export_person
from stakeholders.models import Consent, LoginSession, Organisation, Person
from tests.conftest import csrf_from, wait_for
from tests.pacts.factories import (
    in_language_of,
    new_commitment,
    open_member_session,
    page_text,
    post_form,
)
from tests.pacts.personal_story import (
    ION,
    MARIA,
    Story,
    build_story,
    maria_values,
    traces_of,
)


@pytest.fixture
def story(
    app: Flask,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
) -> Story:
    return build_story(make_staff, make_registration)


def registration_page(story: Story) -> str:
    return f"/staff/p/ilfov/registrations/{story.maria_organisation}"


def test_the_person_downloads_their_data_as_the_cli_exports_it(
    client: FlaskClient, story: Story
):
    open_member_session(client, story.maria)

    page = client.get("/me/data")
    download = client.get("/me/data.json")

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    mine = download.get_json()
    cli = export_person(MARIA["contact_email"])
    for document in (mine, cli):
        document.pop("exported_at")
    assert mine == cli
    assert ION["contact_email"] not in download.get_data(as_text=True)


def test_my_data_needs_a_participant_session(client: FlaskClient, story: Story):
    assert client.get("/me/data.json").status_code == 302
    assert client.get("/me/data").headers["Location"] == "/me"


def test_an_official_downloads_a_contacts_data_from_the_registration(
    client: FlaskClient, story: Story, login: Callable[[int], None]
):
    login(story.official)

    page = page_text(client.get(registration_page(story)))
    download = client.get(registration_page(story) + "/personal-data.json")

    assert "Download the contact's personal data" in page
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    assert download.get_json()["people"][0]["person"]["name"] == MARIA["contact_name"]


def test_another_pacts_official_gets_404_for_the_export_and_the_erasure(
    client: FlaskClient,
    story: Story,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    login(make_staff("official", pacts=("torino",)))

    for suffix in ("/personal-data.json", "/erase"):
        assert client.get(registration_page(story) + suffix).status_code == 404
    url = "/staff/p/torino/registrations"
    assert client.get(f"{url}/{story.maria_organisation}/erase").status_code == 404
    assert (
        client.get(f"{url}/{story.maria_organisation}/personal-data.json").status_code
        == 404
    )


def test_an_official_erases_the_contact_only_after_confirming(
    client: FlaskClient, story: Story, login: Callable[[int], None]
):
    login(story.official)
    erase = registration_page(story) + "/erase"

    unconfirmed = post_form(client, erase, {})
    assert "Please tick the box to confirm." in page_text(unconfirmed)
    assert traces_of([MARIA["contact_email"]]) != []
    no_csrf = client.post(erase, data={"confirm": "y"})
    assert no_csrf.status_code == 400
    done = post_form(client, erase, {"confirm": "y"})

    assert done.status_code == 302
    assert traces_of(maria_values()) == []
    page = page_text(client.get(registration_page(story)))
    assert "The contact person was erased" in page
    assert MARIA["organisation_name"] in page


def test_withdrawing_consent_is_confirmed_recorded_and_stops_the_emails(
    client: FlaskClient, story: Story, login: Callable[[int], None]
):
    open_member_session(client, story.maria)
    withdraw = "/me/data/withdraw"
    assert "cannot be undone" in page_text(client.get(withdraw))
    assert client.post(withdraw, data={"confirm": "y"}).status_code == 400
    commitment = new_commitment(story.official, story.pact, story.maria_organisation)
    last = db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))

    done = post_form(client, withdraw, {"confirm": "y"})

    assert done.status_code == 302
    consent = db.session.scalars(
        select(Consent).where(Consent.person_id == story.maria)
    ).one()
    assert consent.withdrawn_at is not None
    organisation = db.session.get(Organisation, story.maria_organisation)
    assert organisation is not None
    assert organisation.status == "withdrawn"
    confirmation = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > last)
    ).one()
    assert confirmation.recipient == MARIA["contact_email"]
    assert confirmation.subject == in_language_of(
        MARIA["contact_email"],
        "Your consent for %(pact)s is withdrawn",
        pact="Ilfov Local Green Pact",
    )
    # Agreeing another commitment the organisation leads asks its contact to sign:
    # not any more.
    agree_commitment(story.official, commitment)
    later = db.session.scalars(
        select(OutboxMessage.recipient).where(OutboxMessage.id > confirmation.id)
    ).all()
    assert MARIA["contact_email"] not in later
    assert "You withdrew your consent" in page_text(client.get("/me/data"))
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/me/data").text)})
    login(story.official)
    page = page_text(client.get(registration_page(story)))
    assert "Withdrawn" in page
    assert "Approve" not in page


@pytest.mark.smtp
def test_every_email_has_a_reply_to_and_points_at_the_persons_page(
    app: Flask,
    story: Story,
    smtp_server: tuple[str, int, Any],
    outbox_sender: OutboxSender,
):
    host, port, inbox = smtp_server
    app.config.update(
        MAIL_SERVER=host, MAIL_PORT=port, MAIL_REPLY_TO="Ilfov team <pact@ilfov.ro>"
    )
    person = db.session.get(Person, story.maria)
    assert person is not None
    with unit_of_work():
        queue_template_email(
            person.email,
            "en",
            "registration_received",
            person=person,
            pact=person.organisation.pact,
        )
    outbox_sender.wake()

    def received() -> list[Any]:
        parsed = [
            email.message_from_bytes(m.content, policy=email.policy.default)
            for m in inbox.messages
        ]
        return [m for m in parsed if "received" in str(m["Subject"])]

    wait_for(lambda: bool(received()), "the message")
    message = received()[0]
    assert message["Reply-To"] == "Ilfov team <pact@ilfov.ro>"
    assert "no-reply" in message["From"]
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "http://localhost/me/data" in text
    assert "pact@ilfov.ro" in text
    assert "reply to this e-mail" not in text


def test_the_default_reply_to_is_derived_from_the_no_reply_sender():
    assert (
        derived_reply_to("GreenPact <no-reply@pact.example.org>")
        == "GreenPact <privacy@pact.example.org>"
    )
    assert derived_reply_to("team@pact.example.org") == "team@pact.example.org"


def test_the_consent_text_points_at_the_page_and_the_address_not_at_replies(
    client: FlaskClient, make_pact: Callable[..., int]
):
    make_pact("ilfov")

    page = page_text(client.get("/p/ilfov/register?lang=en"))

    assert "http://localhost/me/data" in page
    assert "privacy@greenpact.local" in page
    assert "replying to the confirmation" not in page


def test_an_officials_download_and_erasure_are_in_the_audit_log(
    client: FlaskClient, story: Story, login: Callable[[int], None]
):
    login(story.official)

    client.get(registration_page(story) + "/personal-data.json")
    post_form(client, registration_page(story) + "/erase", {"confirm": "y"})

    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    recorded = [
        (entry.action, entry.actor_id, entry.subject_id)
        for entry in entries
        if entry.action in (AuditAction.PERSONAL_DATA_EXPORT, AuditAction.ERASE)
    ]
    assert recorded == [
        (AuditAction.PERSONAL_DATA_EXPORT, story.official, story.maria_organisation),
        (AuditAction.ERASE, story.official, story.maria_organisation),
    ]


def test_an_erasure_ends_the_persons_login_sessions_on_the_server(
    client: FlaskClient, story: Story
):
    open_member_session(client, story.maria)
    sessions = select(LoginSession).where(LoginSession.person_id == story.maria)
    assert db.session.scalars(sessions).all() != []

    erase_person(MARIA["contact_email"])

    assert db.session.scalars(sessions).all() == []
    assert client.get("/me/data.json").status_code == 302
