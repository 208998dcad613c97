"""Workshop use cases on SQLite and on PostgreSQL: scheduling, capacity and the
waitlist, walk-ins, moving and cancelling, attendance, and bulk participants."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import func, select

from core.errors import DomainError
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Consent, Organisation, Person
from tests.workshops.factories import (
    TIMEZONE,
    approved_people,
    enrolment_of,
    join_links,
    last_message_id,
    load_person,
    load_workshop,
    new_workshop,
    next_week,
    outbox,
    people_with,
    running_workshop,
    statuses,
    subject_for,
    this_minute,
    workshop_data,
)
from workshops.enrolment import decline_enrolment, enrol_people, enrol_self
from workshops.identities import bulk_participants, identify_participant
from workshops.invitations import mark_attendance
from workshops.models import Board, Enrolment, Workshop
from workshops.scheduling import (
    JOIN_CODE_ALPHABET,
    cancel_workshop,
    create_workshop,
    update_workshop,
)
from workshops.walk_ins import find_running_workshop, join_walk_in, workshop_is_running

WALK_IN = {
    "organisation_name": "Ferma Verde SRL",
    "kind": "sme",
    "contact_name": "Ion Ionescu",
    "contact_email": "ion@fermaverde.ro",
}
WALK_IN_CONSENT = {
    "version": CONSENT_VERSION,
    "language": "ro",
    "text": "consent words",
    "ip_address": "192.0.2.7",
}


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def pact(make_pact: Callable[..., int]) -> int:
    return make_pact("ilfov", timezone=TIMEZONE)


@pytest.fixture
def official(pact: int, make_staff: Callable[..., int]) -> int:
    return make_staff("official")


# --- scheduling --------------------------------------------------------------------


def test_new_workshop_has_a_lobby_board_and_a_six_character_unambiguous_code(
    db_app: Flask, pact: int, official: int
):
    first = create_workshop(official, pact, workshop_data())
    second = new_workshop(official, pact)
    board = db.session.get(Board, first["board"])
    assert board is not None
    assert board.workshop_id == first["workshop"]
    assert (board.phase, board.vote_budget, board.seq) == ("lobby", 5, 0)
    codes = [
        load_workshop(first["workshop"]).join_code,
        load_workshop(second).join_code,
    ]
    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(JOIN_CODE_ALPHABET)
        assert not set(code) & set("0O1IL")
    assert codes[0] != codes[1]
    assert load_workshop(second).ics_sequence == 0


def test_join_code_alphabet_leaves_out_look_alike_characters():
    assert not set(JOIN_CODE_ALPHABET) & set("0O1IL")
    assert len(set(JOIN_CODE_ALPHABET)) == len(JOIN_CODE_ALPHABET) == 31


def test_officials_and_facilitators_of_the_pact_schedule_workshops_nobody_else(
    db_app: Flask,
    pact: int,
    make_staff: Callable[..., int],
    make_registration: Callable[..., Any],
):
    facilitator = make_staff("facilitator")
    facilitator_elsewhere = make_staff("facilitator", pacts=("torino",))
    official_elsewhere = make_staff("official", pacts=("torino",))
    (participant,) = approved_people(make_registration, 1)

    created = create_workshop(facilitator, pact, workshop_data())

    assert load_workshop(created["workshop"]).pact_id == pact
    for outsider in (facilitator_elsewhere, official_elsewhere):
        with pytest.raises(DomainError) as hidden:
            create_workshop(outsider, pact, workshop_data())
        assert hidden.value.code == "not_found"
    with pytest.raises(DomainError) as refused:
        create_workshop(participant, pact, workshop_data())
    assert refused.value.code == "forbidden"
    assert count(Workshop) == 1


def test_a_workshop_ending_before_it_starts_is_invalid(
    db_app: Flask, pact: int, official: int
):
    start = next_week()
    with pytest.raises(DomainError) as error:
        create_workshop(
            official,
            pact,
            workshop_data(starts_at=start, ends_at=start - timedelta(hours=1)),
        )
    assert (error.value.code, error.value.field) == ("invalid", "ends_at")
    assert count(Workshop) == 0


def test_facilitators_must_be_staff_of_the_pact(
    db_app: Flask, pact: int, official: int, make_staff: Callable[..., int]
):
    ours = make_staff("facilitator")
    theirs = make_staff("facilitator", pacts=("torino",))
    with pytest.raises(DomainError) as error:
        create_workshop(official, pact, workshop_data(facilitator_ids=(ours, theirs)))
    assert (error.value.code, error.value.field) == ("invalid", "facilitators")
    assert count(Workshop) == 0
    created = new_workshop(official, pact, facilitator_ids=(ours,))
    assert [p.id for p in load_workshop(created).facilitators] == [ours]


# --- capacity and waitlist ---------------------------------------------------------


def test_enrolment_fills_the_capacity_then_waitlists_in_order(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    people = approved_people(make_registration, 5)
    workshop_id = new_workshop(official, pact, capacity=3)
    result = enrol_people(official, workshop_id, people)
    assert result == {"enrolled": people[:3], "waitlisted": people[3:], "skipped": []}
    assert people_with(workshop_id, "enrolled") == people[:3]
    assert people_with(workshop_id, "waitlisted") == people[3:]
    state = statuses(workshop_id)
    assert state[people[3]][1] < state[people[4]][1]
    for message in outbox():
        links = join_links(message.body)
        if message.recipient in {load_person(p).email for p in people[:3]}:
            assert [wid for wid, _token in links] == [workshop_id]
        else:
            assert links == []


def test_a_decline_promotes_the_first_waiting_person_and_emails_their_link(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    people = approved_people(make_registration, 5)
    workshop_id = new_workshop(official, pact, capacity=3)
    enrol_people(official, workshop_id, people)
    first, second = people[3], people[4]

    before = last_message_id()
    result = decline_enrolment(people[0], enrolment_of(workshop_id, people[0]).id)
    assert result["promoted"] == [first]
    assert statuses(workshop_id)[first][0] == "enrolled"
    assert statuses(workshop_id)[second][0] == "waitlisted"
    [message] = outbox(before)
    assert message.recipient == load_person(first).email
    assert message.subject == subject_for("workshop_promoted", first, workshop_id)
    assert f"/w/{workshop_id}/join/" in message.body
    [(_workshop, token)] = join_links(message.body)
    assert identify_participant(token, workshop_id) == first

    before = last_message_id()
    result = decline_enrolment(people[1], enrolment_of(workshop_id, people[1]).id)
    assert result["promoted"] == [second]
    assert [m.recipient for m in outbox(before)] == [load_person(second).email]
    assert people_with(workshop_id, "enrolled") == [people[2], first, second]
    assert people_with(workshop_id, "waitlisted") == []


def test_declining_twice_is_a_conflict(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    [person_id] = approved_people(make_registration, 1)
    workshop_id = new_workshop(official, pact)
    enrol_people(official, workshop_id, [person_id])
    enrolment_id = enrolment_of(workshop_id, person_id).id
    decline_enrolment(person_id, enrolment_id)
    with pytest.raises(DomainError) as error:
        decline_enrolment(person_id, enrolment_id)
    assert error.value.code == "conflict"
    assert statuses(workshop_id)[person_id][0] == "declined"


def test_only_approved_stakeholders_of_the_pact_are_enrolled(
    db_app: Flask,
    pact: int,
    official: int,
    make_staff: Callable[..., int],
    make_registration: Callable[..., Any],
):
    [approved] = approved_people(make_registration, 1)
    pending = make_registration(status="pending")["person"]
    rejected = make_registration(status="rejected")["person"]
    elsewhere = make_registration("torino", status="approved")["person"]
    facilitator = make_staff("facilitator")
    workshop_id = new_workshop(official, pact)
    others = [pending, rejected, elsewhere, facilitator, 999_999]
    result = enrol_people(official, workshop_id, [*others, approved])
    assert result == {"enrolled": [approved], "waitlisted": [], "skipped": others}
    assert set(statuses(workshop_id)) == {approved}


def test_enrolling_someone_already_enrolled_or_waiting_is_skipped(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    enrolled, waiting = approved_people(make_registration, 2)
    workshop_id = new_workshop(official, pact, capacity=1)
    first = enrol_people(official, workshop_id, [enrolled, enrolled, waiting])
    assert (first["enrolled"], first["waitlisted"]) == ([enrolled], [waiting])
    again = enrol_people(official, workshop_id, [enrolled, waiting])
    assert again == {"enrolled": [], "waitlisted": [], "skipped": [enrolled, waiting]}
    assert count(Enrolment) == 2


def test_someone_who_declined_may_enrol_again_at_the_end_of_the_queue(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    people = approved_people(make_registration, 5)
    workshop_id = new_workshop(official, pact, capacity=3)
    enrol_people(official, workshop_id, people)
    decline_enrolment(people[0], enrolment_of(workshop_id, people[0]).id)
    result = enrol_people(official, workshop_id, [people[0]])
    assert result["waitlisted"] == [people[0]]
    assert people_with(workshop_id, "waitlisted") == [people[4], people[0]]
    assert people_with(workshop_id, "enrolled") == [people[1], people[2], people[3]]


def test_an_approved_stakeholder_enrols_themself_once(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    [person_id] = approved_people(make_registration, 1)
    workshop_id = new_workshop(official, pact)
    result = enrol_self(person_id, workshop_id)
    assert result["status"] == "enrolled"
    enrolment = enrolment_of(workshop_id, person_id)
    assert (enrolment.id, enrolment.source) == (result["enrolment"], "self")
    with pytest.raises(DomainError) as error:
        enrol_self(person_id, workshop_id)
    assert error.value.code == "conflict"


def test_a_pending_stakeholder_cannot_enrol_themself(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    pending = make_registration(status="pending")["person"]
    workshop_id = new_workshop(official, pact)
    with pytest.raises(DomainError) as error:
        enrol_self(pending, workshop_id)
    assert error.value.code == "forbidden"
    assert count(Enrolment) == 0


def test_nobody_enrols_in_a_cancelled_workshop(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    [person_id] = approved_people(make_registration, 1)
    workshop_id = new_workshop(official, pact)
    cancel_workshop(official, workshop_id)
    with pytest.raises(DomainError) as by_self:
        enrol_self(person_id, workshop_id)
    with pytest.raises(DomainError) as by_official:
        enrol_people(official, workshop_id, [person_id])
    assert (by_self.value.code, by_official.value.code) == ("conflict", "conflict")
    assert count(Enrolment) == 0


def test_raising_the_capacity_gives_the_new_places_to_the_waitlist_in_order(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    """The waitlist mail promises: "If a place becomes free, it is yours in the order
    of the list, and we will e-mail you your join link at once." """
    seated, first, second, newcomer = approved_people(make_registration, 4)
    workshop_id = new_workshop(official, pact, capacity=1)
    enrol_people(official, workshop_id, [seated, first, second])
    before = last_message_id()
    update_workshop(official, workshop_id, workshop_data(capacity=2))
    assert people_with(workshop_id, "enrolled") == [seated, first]
    [message] = outbox(before)
    assert message.recipient == load_person(first).email
    [(_workshop, token)] = join_links(message.body)
    assert identify_participant(token, workshop_id) == first
    assert enrol_self(newcomer, workshop_id)["status"] == "waitlisted"
    assert people_with(workshop_id, "waitlisted") == [second, newcomer]


def test_a_decline_in_a_cancelled_workshop_promotes_and_emails_nobody(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    seated, waiting = approved_people(make_registration, 2)
    workshop_id = new_workshop(official, pact, capacity=1)
    enrol_people(official, workshop_id, [seated, waiting])
    cancel_workshop(official, workshop_id)
    before = last_message_id()
    with contextlib.suppress(DomainError):  # refusing the decline would be fine too
        decline_enrolment(seated, enrolment_of(workshop_id, seated).id)
    assert statuses(workshop_id)[waiting][0] == "waitlisted"
    assert outbox(before) == []


# --- walk-ins ----------------------------------------------------------------------


def test_a_workshop_runs_from_half_an_hour_before_its_start_until_its_end():
    start = next_week()
    planned = Workshop(
        status="planned", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    assert not workshop_is_running(planned, start - timedelta(minutes=31))
    assert workshop_is_running(planned, start - timedelta(minutes=30))
    assert workshop_is_running(planned, start + timedelta(hours=2))
    assert not workshop_is_running(planned, start + timedelta(hours=2, seconds=1))
    started = Workshop(
        status="running", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    assert workshop_is_running(started, start - timedelta(days=3))
    for status in ("cancelled", "finished"):
        stopped = Workshop(
            status=status, starts_at=start, ends_at=start + timedelta(hours=2)
        )
        assert not workshop_is_running(stopped, start + timedelta(minutes=10))


def test_a_running_workshop_is_found_by_its_code_typed_loosely(
    db_app: Flask, pact: int, official: int
):
    running = load_workshop(running_workshop(official, pact))
    later = load_workshop(new_workshop(official, pact))
    code = running.join_code.lower()
    found = find_running_workshop(f"  {code[:3]} {code[3:]} ")
    assert found is not None
    assert found.id == running.id
    assert find_running_workshop(later.join_code) is None


def test_a_walk_in_joins_a_running_workshop_as_a_pending_registration(
    db_app: Flask, pact: int, official: int
):
    workshop_id = running_workshop(official, pact)
    code = load_workshop(workshop_id).join_code
    result = join_walk_in(code.lower(), WALK_IN, WALK_IN_CONSENT)
    assert result["workshop"] == workshop_id
    walk_in = load_person(result["person"])
    assert (walk_in.email, walk_in.pact_id, walk_in.kind) == (
        "ion@fermaverde.ro",
        pact,
        "participant",
    )
    assert walk_in.organisation is not None
    assert walk_in.organisation.status == "pending"
    assert walk_in.organisation.name == "Ferma Verde SRL"
    consent = db.session.scalars(select(Consent)).one()
    assert (consent.person_id, consent.version) == (walk_in.id, CONSENT_VERSION)
    enrolment = enrolment_of(workshop_id, walk_in.id)
    assert enrolment.id == result["enrolment"]
    assert (enrolment.status, enrolment.attendance, enrolment.source) == (
        "enrolled",
        "present",
        "walk_in",
    )


def test_the_code_of_a_workshop_next_week_does_not_admit_walk_ins(
    db_app: Flask, pact: int, official: int
):
    code = load_workshop(new_workshop(official, pact)).join_code
    with pytest.raises(DomainError) as error:
        join_walk_in(code, WALK_IN, WALK_IN_CONSENT)
    assert (error.value.code, error.value.field) == ("not_found", "code")
    assert count(Person) == 1  # the official only
    assert count(Organisation) == 0


def test_walking_in_with_a_known_email_is_refused_so_nobody_borrows_an_identity(
    db_app: Flask, pact: int, official: int
):
    code = load_workshop(running_workshop(official, pact)).join_code
    join_walk_in(code, WALK_IN, WALK_IN_CONSENT)
    with pytest.raises(DomainError) as error:
        join_walk_in(code, WALK_IN, WALK_IN_CONSENT)
    assert (error.value.code, error.value.field) == ("known", "contact_email")
    assert count(Organisation) == 1
    assert count(Enrolment) == 1


# --- moving and cancelling ---------------------------------------------------------


def calendar_of(message: Any) -> Calendar:
    assert message.attachment_name == "invite.ics"
    assert message.attachment_type.startswith("text/calendar")
    return Calendar.from_ical(message.attachment)


def test_moving_a_workshop_sends_enrolled_people_an_updated_invite(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    enrolled, waiting = approved_people(make_registration, 2)
    workshop_id = new_workshop(official, pact, capacity=1)
    enrol_people(official, workshop_id, [enrolled, waiting])
    data = workshop_data(capacity=1)

    for sequence, change in enumerate(
        [
            {"starts_at": data.starts_at + timedelta(hours=1)},
            {"starts_at": data.starts_at + timedelta(hours=1), "place": "Library"},
        ],
        start=1,
    ):
        before = last_message_id()
        moved = workshop_data(capacity=1, **change)
        result = update_workshop(official, workshop_id, moved)
        assert (result["moved"], result["sequence"]) == (True, sequence)
        assert load_workshop(workshop_id).ics_sequence == sequence
        [message] = outbox(before)
        assert message.recipient == load_person(enrolled).email
        assert message.subject == subject_for("workshop_moved", enrolled, workshop_id)
        invite = calendar_of(message)
        assert invite["METHOD"] == "REQUEST"
        assert invite.walk("VEVENT")[0]["SEQUENCE"] == sequence


def test_renaming_a_workshop_keeps_its_sequence_and_sends_nothing(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    [person_id] = approved_people(make_registration, 1)
    workshop_id = new_workshop(official, pact)
    enrol_people(official, workshop_id, [person_id])
    before = last_message_id()
    result = update_workshop(official, workshop_id, workshop_data(title="New name"))
    assert (result["moved"], result["sequence"]) == (False, 0)
    assert load_workshop(workshop_id).title == "New name"
    assert load_workshop(workshop_id).ics_sequence == 0
    assert outbox(before) == []


def test_cancelling_sends_a_calendar_cancel_to_enrolled_and_waiting_people(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    enrolled, waiting, declined = approved_people(make_registration, 3)
    workshop_id = new_workshop(official, pact, capacity=1)
    enrol_people(official, workshop_id, [enrolled, declined, waiting])
    decline_enrolment(declined, enrolment_of(workshop_id, declined).id)
    before = last_message_id()
    assert cancel_workshop(official, workshop_id)["status"] == "cancelled"
    messages = outbox(before)
    assert sorted(m.recipient for m in messages) == sorted(
        load_person(p).email for p in (enrolled, waiting)
    )
    for message in messages:
        invite = calendar_of(message)
        assert invite["METHOD"] == "CANCEL"
        assert invite.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    with pytest.raises(DomainError) as again:
        cancel_workshop(official, workshop_id)
    assert again.value.code == "conflict"


# --- attendance --------------------------------------------------------------------


def test_a_facilitator_of_the_pact_marks_attendance_once_the_workshop_started(
    db_app: Flask,
    pact: int,
    official: int,
    make_staff: Callable[..., int],
    make_registration: Callable[..., Any],
):
    facilitator = make_staff("facilitator")
    [person_id] = approved_people(make_registration, 1)
    workshop_id = new_workshop(official, pact, starts_at=this_minute())
    enrol_people(official, workshop_id, [person_id])
    enrolment_id = enrolment_of(workshop_id, person_id).id
    result = mark_attendance(facilitator, enrolment_id, "present")
    assert result == {"enrolment": enrolment_id, "attendance": "present"}
    assert enrolment_of(workshop_id, person_id).attendance == "present"


def test_attendance_cannot_be_marked_before_the_workshop_starts(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
):
    [person_id] = approved_people(make_registration, 1)
    workshop_id = new_workshop(official, pact)
    enrol_people(official, workshop_id, [person_id])
    with pytest.raises(DomainError) as error:
        mark_attendance(official, enrolment_of(workshop_id, person_id).id, "present")
    assert error.value.code == "conflict"
    assert enrolment_of(workshop_id, person_id).attendance is None


def test_staff_of_another_pact_cannot_mark_attendance(
    db_app: Flask,
    pact: int,
    official: int,
    make_staff: Callable[..., int],
    make_registration: Callable[..., Any],
):
    stranger = make_staff("facilitator", pacts=("torino",))
    [person_id] = approved_people(make_registration, 1)
    workshop_id = new_workshop(official, pact, starts_at=this_minute())
    enrol_people(official, workshop_id, [person_id])
    with pytest.raises(DomainError) as error:
        mark_attendance(stranger, enrolment_of(workshop_id, person_id).id, "absent")
    assert error.value.code == "not_found"
    assert enrolment_of(workshop_id, person_id).attendance is None


# --- bulk --------------------------------------------------------------------------


def test_bulk_participants_each_get_an_organisation_and_a_working_token(
    db_app: Flask, pact: int, official: int
):
    workshop_id = new_workshop(official, pact)
    rows = bulk_participants(workshop_id, 1000, 3600)
    assert len(rows) == 1000
    for column in zip(*rows, strict=True):
        assert len(set(column)) == 1000
    for person_id, _organisation_id, token in rows:
        assert identify_participant(token, workshop_id) == person_id
    owners = dict(db.session.execute(select(Person.id, Person.organisation_id)).all())
    assert all(owners[p] == o for p, o, _token in rows)
    assert len(people_with(workshop_id, "enrolled")) == 1000
