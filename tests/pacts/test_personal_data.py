"""Personal-data rights through the operator commands, on SQLite and PostgreSQL:
`export-person` prints everything held about a person and nothing of anyone else;
`erase-person` leaves no trace of their name, e-mail or phone in any text column of
any table while the board keeps every event and its seq, the published pact and its
open data keep the organisation, and the person can never come back in; it asks
before erasing and is idempotent. `purge-expired` applies the retention periods."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from commitments.operations import member_link
from core.mail import SENT, OutboxMessage, queue_email
from core.time import utcnow
from extensions import db
from stakeholders.models import Organisation, Person
from tests.pacts.personal_story import (
    EVIDENCE_NAME,
    ION,
    ION_CARD,
    MARIA,
    MARIA_CARD,
    Story,
    board_history,
    build_story,
    maria_values,
    traces_of,
)
from workshops.board.path import apply_board_change, identify_member, join_board
from workshops.models import Card, Enrolment


@pytest.fixture
def story(
    db_app: Flask,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
) -> Story:
    return build_story(make_staff, make_registration)


def cli(app: Flask, *args: str, input: str | None = None) -> Any:
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    db.session.expire_all()
    return result


def test_export_person_prints_everything_held_about_the_person_and_no_one_else(
    db_app: Flask, story: Story
):
    result = cli(db_app, "export-person", "--email", MARIA["contact_email"].upper())

    assert result.exit_code == 0, result.output
    export = json.loads(result.output)
    (mine,) = export["people"]
    assert mine["person"]["name"] == MARIA["contact_name"]
    assert mine["person"]["phone"] == MARIA["contact_phone"]
    registration = mine["registration"]
    assert registration["name"] == MARIA["organisation_name"]
    assert registration["motivation"] == MARIA["motivation"]
    assert registration["consents"][0]["given_at"]
    assert [e["workshop"]["title"] for e in mine["enrolments"]] == ["Packaging"]
    assert [c["text"] for c in mine["cards"]] == [MARIA_CARD]
    assert [c["text"] for c in mine["comments"]] == [MARIA["contact_name"]]
    assert len(mine["votes"]) == 1
    assert [s["organisation"] for s in mine["signatures"]] == [
        MARIA["organisation_name"]
    ]
    assert [c["title"] for c in mine["commitments_led"]] == ["Reusable crates"]
    assert mine["board_events"][0]["changes"] >= 5
    assert [r["evidence_file"] for r in mine["progress_reports"]] == [EVIDENCE_NAME]
    subjects = [email["subject"] for email in export["emails"]]
    assert subjects, "the invitation and the request to sign were sent to her"
    assert all(MARIA["contact_name"] in e["body"] for e in export["emails"])
    text = result.output.lower()
    for value in (ION["contact_name"], ION["contact_email"], ION_CARD):
        assert value.lower() not in text


def test_export_person_of_an_unknown_address_fails_clearly(db_app: Flask):
    result = cli(db_app, "export-person", "--email", "nobody@example.ro")

    assert result.exit_code != 0
    assert "nobody has the address" in result.output


def test_erase_person_leaves_no_trace_and_keeps_the_board_history_and_the_pact(
    db_app: Flask, story: Story
):
    before = board_history(story.board)
    cards_before = db.session.scalar(select(func.count(Card.id)))
    link = member_link(db.session.get(Person, story.maria))
    assert traces_of(maria_values()), "the story put her data everywhere"

    result = cli(db_app, "erase-person", "--email", MARIA["contact_email"], "--yes")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["people"] == 1
    assert traces_of(maria_values()) == []
    assert board_history(story.board) == before
    assert db.session.scalar(select(func.count(Card.id))) == cards_before
    card = db.session.scalars(select(Card).where(Card.author_id == story.maria)).one()
    assert (
        card.text == "Returnable crates: call Erased participant on Erased participant"
    )
    assert card.author.organisation.name == MARIA["organisation_name"]
    client = db_app.test_client()
    public = client.get("/p/ilfov").get_data(as_text=True)
    assert MARIA["organisation_name"] in public
    open_data = client.get("/p/ilfov/open-data/commitments.json").get_json()
    leads = [c["lead"]["name"] for c in open_data["commitments"]]
    assert MARIA["organisation_name"] in leads
    assert traces_of([ION["contact_name"], ION_CARD]) != [], "Ion is untouched"
    refused = client.get(link.removeprefix("http://localhost"))
    assert refused.status_code == 403


def test_after_an_erase_a_rejoin_replays_and_snapshots_without_the_name(
    db_app: Flask, story: Story
):
    ion = identify_member(story.ion, story.board)
    join_board(ion, since=0)  # this app keeps the shaped events

    cli(db_app, "erase-person", "--email", MARIA["contact_email"], "--yes")

    replayed = join_board(ion, since=0)
    assert replayed["mode"] == "events"
    assert [e["seq"] for e in replayed["events"]] == list(range(1, replayed["seq"] + 1))
    snapshot = join_board(ion, since=None)["snapshot"]
    shown = json.dumps([replayed, snapshot], ensure_ascii=False)
    assert MARIA["contact_name"] not in shown
    assert MARIA["organisation_name"] in shown
    assert "Erased participant" in shown


def test_an_erased_person_can_do_nothing_more_on_the_board(db_app: Flask, story: Story):
    cli(db_app, "erase-person", "--email", MARIA["contact_email"], "--yes")

    with pytest.raises(Exception, match="unknown person"):
        apply_board_change(
            story.board,
            story.maria,
            "card:create",
            {"board": story.board, "cid": "after", "theme": 1, "text": "x"},
        )
    enrolment = db.session.scalars(
        select(Enrolment).where(Enrolment.person_id == story.maria)
    ).one()
    assert enrolment.revoked


def test_erase_person_asks_first_and_erases_nothing_when_refused(
    db_app: Flask, story: Story
):
    result = cli(db_app, "erase-person", "--email", MARIA["contact_email"], input="n\n")

    assert result.exit_code != 0
    assert "nothing erased" in result.output
    person = db.session.get(Person, story.maria)
    assert person is not None
    assert person.name == MARIA["contact_name"]


def test_erase_person_twice_changes_nothing_the_second_time(
    db_app: Flask, story: Story
):
    cli(db_app, "erase-person", "--email", MARIA["contact_email"], "--yes")
    person = db.session.get(Person, story.maria)
    assert person is not None
    state = (person.name, person.email, person.erased_at, board_history(story.board))

    again = cli(db_app, "erase-person", "--email", MARIA["contact_email"], "--yes")

    assert again.exit_code == 0
    assert json.loads(again.output)["people"] == 0
    person = db.session.get(Person, story.maria)
    assert person is not None
    after = (person.name, person.email, person.erased_at, board_history(story.board))
    assert after == state


# --- retention ---------------------------------------------------------------------


def _age_registration(organisation_id: int, days: int) -> None:
    db.session.execute(
        update(Organisation)
        .where(Organisation.id == organisation_id)
        .values(created_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def test_purge_expired_deletes_old_unapproved_registrations_and_blanks_old_bodies(
    db_app: Flask,
    story: Story,
    make_registration: Callable[..., dict[str, Any]],
):
    old_pending = make_registration(contact_email="old@pending.ro")
    old_rejected = make_registration(status="rejected")
    recent = make_registration(contact_email="recent@pending.ro")
    old_approved = make_registration(status="approved")
    for made in (old_pending, old_rejected, old_approved):
        _age_registration(made["organisation"], 181)
    # A walk-in never approved who wrote on the board: anonymised, not deleted.
    _age_registration(story.maria_organisation, 181)
    db.session.execute(
        update(Organisation)
        .where(Organisation.id == story.maria_organisation)
        .values(status="pending")
    )
    old = queue_email("someone@example.ro", "Old", "old body")
    new = queue_email("someone@example.ro", "New", "new body")
    waiting = queue_email("someone@example.ro", "Waiting", "waiting body")
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([old.id, new.id]))
        .values(status=SENT, sent_at=utcnow() - timedelta(days=31))
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == waiting.id)
        .values(created_at=utcnow() - timedelta(days=90))
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == new.id)
        .values(sent_at=utcnow() - timedelta(days=29))
    )
    db.session.commit()

    result = cli(db_app, "purge-expired")

    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["registrations_deleted"] == 2
    assert counts["registrations_anonymised"] == 1
    assert counts["outbox_bodies_blanked"] >= 1
    remaining = set(db.session.scalars(select(Organisation.id)))
    assert old_pending["organisation"] not in remaining
    assert old_rejected["organisation"] not in remaining
    assert {recent["organisation"], old_approved["organisation"]} <= remaining
    assert story.maria_organisation in remaining
    assert db.session.get(Person, old_pending["person"]) is None
    assert traces_of(maria_values() + ["old@pending.ro"]) == []
    bodies = {m.subject: m.body for m in db.session.scalars(select(OutboxMessage))}
    assert bodies["Old"] == ""
    assert bodies["New"] == "new body"
    assert bodies["Waiting"] == "waiting body"

    again = cli(db_app, "purge-expired")

    assert json.loads(again.output) == {
        "registrations_deleted": 0,
        "registrations_anonymised": 0,
        "outbox_bodies_blanked": 0,
    }
