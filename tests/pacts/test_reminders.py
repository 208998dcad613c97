"""Progress reminders (`send-reminders`, run daily): a fortnight before a report is
due the lead gets one `due` e-mail with a personal link, after the due date one
`overdue` e-mail, each once; a report made in time stops them, and done or dropped
commitments owe nothing. Counted from the pact's publication date."""

from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from babel.dates import format_date
from flask import Flask

from core.mail import deliver_due
from extensions import db
from pacts.monitoring import due_date
from tests.pacts.factories import (
    World,
    in_language_of,
    load_commitment,
    path_of,
    publish_on,
    published,
    report,
)
from tests.workshops.factories import load_person, outbox

LINK = re.compile(r"https?://\S+/me/link/\S+")


def run(app: Flask, today: date) -> dict[str, int]:
    result = app.test_cli_runner().invoke(
        args=["send-reminders", "--today", today.isoformat()]
    )
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def published_a_year_ago(world: World, **overrides: Any) -> tuple[int, date]:
    """A commitment of a pact published almost a year ago, and its first report's
    due date (about ten days from now): a report made today counts for it."""
    commitment_id = published(world, **overrides)
    publish_on(world.pact, date.today() - timedelta(days=355))
    due = due_date(load_commitment(commitment_id))
    assert due is not None
    return commitment_id, due


NOTHING = {"due": 0, "overdue": 0}


def test_a_due_reminder_goes_once_with_a_personal_link(db_app: Flask, world: World):
    commitment_id, due = published_a_year_ago(world)
    sent_before = len(outbox())

    assert run(db_app, due - timedelta(days=15)) == NOTHING
    assert run(db_app, due - timedelta(days=14)) == {"due": 1, "overdue": 0}
    assert run(db_app, due - timedelta(days=13)) == NOTHING, "once per due date"

    [message] = outbox()[sent_before:]
    lead = load_commitment(commitment_id).lead_organisation.contact
    assert lead is not None
    assert message.recipient == lead.email
    assert "Reusable packaging for 40 clients" in message.subject
    found = LINK.search(message.body)
    assert found is not None
    response = db_app.test_client().get(path_of(found.group(0)))
    assert response.headers["Location"] == "/me/commitments"


def test_an_overdue_reminder_goes_after_the_due_date(db_app: Flask, world: World):
    _commitment_id, due = published_a_year_ago(world)
    assert run(db_app, due) == {"due": 1, "overdue": 0}
    assert run(db_app, due + timedelta(days=1)) == {"due": 0, "overdue": 1}
    assert run(db_app, due + timedelta(days=30)) == NOTHING
    message = outbox()[-1]
    assert message.subject == in_language_of(
        message.recipient,
        "Progress report overdue: %(title)s",
        title="Reusable packaging for 40 clients",
    )
    assert (
        in_language_of(
            message.recipient,
            "If something stands in the way, say so in the report: the pact's team "
            "can help.",
        )
        in message.body
    )
    assert LINK.search(message.body)


def test_a_report_made_in_time_stops_the_overdue_reminder(db_app: Flask, world: World):
    commitment_id, due = published_a_year_ago(world)
    assert run(db_app, due - timedelta(days=14)) == {"due": 1, "overdue": 0}
    report(world.lead.person, world.pact, commitment_id, 15.0)
    assert run(db_app, due + timedelta(days=1)) == NOTHING
    assert due_date(load_commitment(commitment_id)) == due.replace(year=due.year + 1)


def test_done_and_dropped_commitments_get_no_reminders(db_app: Flask, world: World):
    done, due = published_a_year_ago(world)
    dropped = published(world, title="Shared electric van")
    report(world.lead.person, world.pact, done, 15.0, status="done")
    report(
        world.lead.person,
        world.pact,
        dropped,
        15.0,
        status="dropped",
        status_reason="The van supplier went bankrupt.",
    )
    sent_before = len(outbox())
    assert run(db_app, due - timedelta(days=14)) == NOTHING
    assert run(db_app, due + timedelta(days=1)) == NOTHING
    assert len(outbox()) == sent_before


def test_the_reminder_is_written_in_the_leads_language(app: Flask, world: World):
    _commitment_id, due = published_a_year_ago(world)
    load_person(world.lead.person).language = "ro"
    db.session.commit()
    run(app, due - timedelta(days=14))
    message = outbox()[-1]
    assert message.body.startswith("Bună ziua, Maria Popescu,")
    assert format_date(due, locale="ro") in message.subject
    assert format_date(due, locale="ro") in message.body
    assert "Reusable packaging for 40 clients" in message.body
    assert "EcoPack Ambalaje SRL" in message.body
    assert "0 → 40" in message.body


def test_send_reminders_refuses_a_malformed_date(app: Flask, world: World):
    result = app.test_cli_runner().invoke(
        args=["send-reminders", "--today", "31/12/2026"]
    )
    assert result.exit_code != 0
    assert "'31/12/2026' does not match the format '%Y-%m-%d'" in result.output


@pytest.mark.smtp
def test_a_reminder_reaches_a_real_smtp_server(
    app: Flask, world: World, smtp_server: tuple[str, int, Any]
):
    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    commitment_id, due = published_a_year_ago(world)
    deliver_due()  # the invitations to sign go out through it too
    inbox.messages.clear()
    assert run(app, due - timedelta(days=14)) == {"due": 1, "overdue": 0}
    assert deliver_due() == {"sent": 1, "failed": 0}  # the web app's sender, later
    [envelope] = inbox.messages
    lead = load_commitment(commitment_id).lead_organisation.contact
    assert lead is not None
    assert envelope.rcpt_tos == [lead.email]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert LINK.search(body.get_content())
    assert outbox()[-1].status == "sent"
