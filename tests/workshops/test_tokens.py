"""Passwordless identities, on SQLite and on PostgreSQL: join links and the tokens
other clients present, with every way a link stops working."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from itsdangerous import URLSafeSerializer

from core.errors import DomainError
from core.session_ends import PASSWORD_CHANGED
from core.tokens import STAFF_SALT, participant_token
from core.transactions import unit_of_work
from stakeholders.logins import end_other_sessions
from tests.workshops.factories import (
    TIMEZONE,
    approved_people,
    enrolment_of,
    join_links,
    last_message_id,
    load_person,
    new_workshop,
    outbox,
)
from workshops.enrolment import decline_enrolment, enrol_people
from workshops.identities import (
    identify_participant,
    identify_staff,
    issue_staff_token,
    issue_token,
)
from workshops.invitations import join_link, resend_invitation, revoke_invitation
from workshops.scheduling import cancel_workshop


@pytest.fixture
def pact(make_pact: Callable[..., int]) -> int:
    return make_pact("ilfov", timezone=TIMEZONE)


@pytest.fixture
def official(pact: int, make_staff: Callable[..., int]) -> int:
    return make_staff("official")


@pytest.fixture
def enrolled(
    db_app: Flask, pact: int, official: int, make_registration: Callable[..., Any]
) -> tuple[int, int]:
    """(workshop id, person id) of someone enrolled in a workshop next week."""
    [person_id] = approved_people(make_registration, 1)
    workshop_id = new_workshop(official, pact)
    enrol_people(official, workshop_id, [person_id])
    return workshop_id, person_id


def token_of(workshop_id: int, person_id: int) -> str:
    return join_link(enrolment_of(workshop_id, person_id)).rsplit("/", 1)[1]


def tampered(token: str) -> str:
    """The token with one character of its signature changed (not the last one,
    whose low bits base64 ignores)."""
    at = len(token) - 10
    swapped = "A" if token[at] != "A" else "B"
    return token[:at] + swapped + token[at + 1 :]


def refusal(token: str, workshop_id: int) -> str:
    with pytest.raises(DomainError) as error:
        identify_participant(token, workshop_id)
    assert error.value.code == "unauthorized"
    return error.value.message


def test_a_join_link_identifies_its_person(enrolled: tuple[int, int]):
    workshop_id, person_id = enrolled
    link = join_link(enrolment_of(workshop_id, person_id))
    assert f"/w/{workshop_id}/join/" in link
    assert identify_participant(token_of(workshop_id, person_id), workshop_id) == (
        person_id
    )


def test_a_tampered_token_is_invalid(enrolled: tuple[int, int]):
    workshop_id, person_id = enrolled
    assert refusal(tampered(token_of(workshop_id, person_id)), workshop_id) == (
        "invalid"
    )
    assert refusal("not-a-token", workshop_id) == "invalid"


def test_an_expired_token_is_refused_as_expired(enrolled: tuple[int, int]):
    workshop_id, person_id = enrolled
    version = enrolment_of(workshop_id, person_id).token_version
    expired = participant_token(person_id, workshop_id, version, -10)
    assert refusal(expired, workshop_id) == "expired"


def test_a_revoked_link_stays_dead_and_a_resent_link_works(
    enrolled: tuple[int, int], official: int
):
    workshop_id, person_id = enrolled
    old = token_of(workshop_id, person_id)
    enrolment_id = enrolment_of(workshop_id, person_id).id
    revoke_invitation(official, enrolment_id)
    assert refusal(old, workshop_id) == "revoked"

    before = last_message_id()
    resend_invitation(official, enrolment_id)
    [message] = outbox(before)
    assert message.recipient == load_person(person_id).email
    [(linked_workshop, new)] = join_links(message.body)
    assert linked_workshop == workshop_id
    assert identify_participant(new, workshop_id) == person_id
    assert refusal(old, workshop_id) == "revoked"


def test_a_token_for_one_workshop_does_not_open_another(
    enrolled: tuple[int, int], pact: int, official: int
):
    workshop_id, person_id = enrolled
    other = new_workshop(official, pact, title="Energy day")
    enrol_people(official, other, [person_id])
    assert refusal(token_of(workshop_id, person_id), other) == "other_workshop"


def test_the_link_of_a_declined_place_is_refused(enrolled: tuple[int, int]):
    workshop_id, person_id = enrolled
    token = token_of(workshop_id, person_id)
    assert identify_participant(token, workshop_id) == person_id
    decline_enrolment(person_id, enrolment_of(workshop_id, person_id).id)
    assert refusal(token, workshop_id) == "not_enrolled"


def test_links_to_a_cancelled_workshop_are_refused(
    enrolled: tuple[int, int], official: int
):
    workshop_id, person_id = enrolled
    token = token_of(workshop_id, person_id)
    assert identify_participant(token, workshop_id) == person_id
    cancel_workshop(official, workshop_id)
    assert refusal(token, workshop_id) == "cancelled"


def test_a_staff_token_identifies_staff_and_a_participant_token_does_not(
    enrolled: tuple[int, int], official: int
):
    workshop_id, person_id = enrolled
    assert identify_staff(issue_staff_token(official, 60)).person_id == official
    with pytest.raises(DomainError) as error:
        identify_staff(token_of(workshop_id, person_id))
    assert error.value.code == "unauthorized"
    with pytest.raises(DomainError) as as_participant:
        identify_participant(issue_staff_token(official, 60), workshop_id)
    assert as_participant.value.code == "unauthorized"


def test_issue_token_gives_staff_and_participants_the_right_token(
    enrolled: tuple[int, int], official: int
):
    workshop_id, person_id = enrolled
    staff_email = load_person(official).email
    participant_email = load_person(person_id).email

    assert identify_staff(issue_token(staff_email, None, 60)).person_id == official
    participant = issue_token(f" {participant_email.upper()} ", workshop_id, 60)
    assert identify_participant(participant, workshop_id) == person_id
    for_workshop = issue_token(staff_email, workshop_id, 60)
    assert identify_staff(for_workshop).person_id == official


def test_issue_token_refuses_unknown_emails_and_staff_of_other_pacts(
    enrolled: tuple[int, int], make_staff: Callable[..., int]
):
    workshop_id = enrolled[0]
    stranger = load_person(make_staff("official", pacts=("torino",))).email
    for email, workshop in [
        ("nobody@nowhere.ro", None),
        ("nobody@nowhere.ro", workshop_id),
        (stranger, workshop_id),
    ]:
        with pytest.raises(DomainError) as error:
            issue_token(email, workshop, 60)
        assert error.value.code == "not_found"


def test_a_staff_token_is_refused_once_its_login_session_has_ended(
    app: Flask, official: int
):
    token = issue_staff_token(official, 60)
    with unit_of_work():
        end_other_sessions(official, keep=None, reason=PASSWORD_CHANGED)
    with pytest.raises(DomainError) as error:
        identify_staff(token)
    assert (error.value.code, error.value.message) == ("unauthorized", "logged_out")


def test_a_staff_token_without_a_login_session_is_invalid(app: Flask, official: int):
    """As the tokens issued before they were bound to one: signed, unexpired, but
    standing on no login session."""
    unbound = URLSafeSerializer(app.config["SECRET_KEY"], salt=STAFF_SALT).dumps(
        {"s": official, "exp": 2**40}
    )
    with pytest.raises(DomainError) as error:
        identify_staff(unbound)
    assert (error.value.code, error.value.message) == ("unauthorized", "invalid")
