"""Stakeholder use cases, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.errors import DomainError
from core.mail import OutboxMessage
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Consent, Organisation, Person
from stakeholders.services import (
    authenticate_staff,
    create_staff,
    decide_registration,
    register_organisation,
)
from tests.conftest import PASSWORD, registration_data

CONSENT = {
    "version": CONSENT_VERSION,
    "language": "ro",
    "text": "words",
    "ip_address": "::1",
}


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_register_organisation_stores_everything_and_queues_the_email(
    db_app: Flask, make_pact: Callable[..., int]
):
    pact_id = make_pact("ilfov")
    result = register_organisation(pact_id, registration_data(), CONSENT)
    organisation = db.session.get(Organisation, result["organisation"])
    assert organisation is not None
    assert organisation.status == "pending"
    assert organisation.contact is not None
    assert organisation.contact.email == "maria@ecopack.ro"
    assert organisation.consents[0].ip_address == "::1"
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.recipient == "maria@ecopack.ro"
    # The background sender delivers it after the commit (it is off in tests).
    assert message.status == "queued"


@pytest.mark.parametrize(
    ("language", "greeting", "other_greeting"),
    [
        ("ro", "Bună ziua, Maria Popescu,", "Hello"),
        ("en", "Hello Maria Popescu,", "Bună ziua"),
    ],
)
def test_confirmation_email_is_written_in_the_registrants_language(
    db_app: Flask,
    make_pact: Callable[..., int],
    language: str,
    greeting: str,
    other_greeting: str,
):
    consent = {**CONSENT, "language": language}
    register_organisation(make_pact("ilfov"), registration_data(), consent)
    message = db.session.scalars(select(OutboxMessage)).one()
    assert "Ilfov" in message.subject
    assert message.body.startswith(greeting)
    assert other_greeting not in message.body


def test_duplicate_email_in_the_same_pact_is_refused(
    db_app: Flask, make_pact: Callable[..., int]
):
    pact_id = make_pact("ilfov")
    register_organisation(pact_id, registration_data(), CONSENT)
    with pytest.raises(DomainError) as error:
        register_organisation(
            pact_id, registration_data(organisation_name="Another"), CONSENT
        )
    assert (error.value.code, error.value.field) == ("duplicate", "contact_email")
    assert count(Organisation) == 1


def test_database_refuses_a_duplicate_that_slipped_past_the_check(
    db_app: Flask, make_pact: Callable[..., int], monkeypatch: pytest.MonkeyPatch
):
    """Two simultaneous submissions both pass the look-up; the unique index decides."""
    pact_id = make_pact("ilfov")
    register_organisation(pact_id, registration_data(), CONSENT)
    monkeypatch.setattr("stakeholders.services._refuse_duplicates", lambda *a: None)
    with pytest.raises(DomainError) as error:
        register_organisation(pact_id, registration_data(), CONSENT)
    assert error.value.code == "duplicate"
    assert count(Organisation) == 1
    assert count(Person) == 1
    assert count(Consent) == 1


def test_registration_number_unique_per_pact_but_free_across_pacts(
    db_app: Flask, make_pact: Callable[..., int]
):
    ilfov, torino = make_pact("ilfov"), make_pact("torino")
    register_organisation(ilfov, registration_data(registration_number="J1"), CONSENT)
    with pytest.raises(DomainError):
        register_organisation(
            ilfov,
            registration_data(registration_number="J1", contact_email="b@x.ro"),
            CONSENT,
        )
    register_organisation(torino, registration_data(registration_number="J1"), CONSENT)
    assert count(Organisation) == 2


def test_many_organisations_without_registration_number_coexist(
    db_app: Flask, make_pact: Callable[..., int]
):
    pact_id = make_pact("ilfov")
    for n in range(3):
        register_organisation(
            pact_id, registration_data(contact_email=f"p{n}@x.ro"), CONSENT
        )
    assert count(Organisation) == 3


def test_official_approves_and_the_applicant_is_emailed(
    db_app: Flask,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
):
    official = make_staff("official")
    registration = make_registration()
    result = decide_registration(
        official, 1, registration["organisation"], "approved", "Welcome aboard"
    )
    assert result["status"] == "approved"
    organisation = db.session.get(Organisation, registration["organisation"])
    assert organisation is not None
    assert organisation.decided_by_id == official
    assert organisation.decided_at is not None
    message = db.session.scalars(select(OutboxMessage)).one()
    assert "Welcome aboard" in message.body


@pytest.mark.parametrize("role", ["facilitator", "participant"])
def test_only_officials_decide(
    db_app: Flask,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    role: str,
):
    registration = make_registration()
    actor = (
        make_staff("facilitator") if role == "facilitator" else registration["person"]
    )
    with pytest.raises(DomainError) as error:
        decide_registration(actor, 1, registration["organisation"], "approved")
    assert error.value.code == "forbidden"
    organisation = db.session.get(Organisation, registration["organisation"])
    assert organisation is not None
    assert organisation.status == "pending"


def test_official_of_another_pact_cannot_decide(
    db_app: Flask,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
):
    registration = make_registration(pact="ilfov")
    torino_official = make_staff("official", pacts=("torino",))
    torino_id = 2
    with pytest.raises(DomainError) as error:
        decide_registration(
            torino_official, torino_id, registration["organisation"], "rejected"
        )
    assert error.value.code == "not_found"
    with pytest.raises(DomainError):
        decide_registration(
            torino_official, 1, registration["organisation"], "rejected"
        )


def test_deciding_the_same_status_twice_is_a_conflict(
    db_app: Flask,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
):
    official = make_staff("official")
    registration = make_registration()
    decide_registration(official, 1, registration["organisation"], "rejected")
    with pytest.raises(DomainError) as error:
        decide_registration(official, 1, registration["organisation"], "rejected")
    assert error.value.code == "conflict"
    decide_registration(official, 1, registration["organisation"], "approved")


def test_staff_passwords_are_argon2_hashes_and_authenticate(
    db_app: Flask, make_pact: Callable[..., int]
):
    make_pact("ilfov")
    person_id = create_staff("Ana@Ilfov.RO", "Ana", "official", PASSWORD, ["ilfov"])[
        "id"
    ]
    person = db.session.get(Person, person_id)
    assert person is not None
    assert person.password_hash is not None
    assert person.password_hash.startswith("$argon2id$")
    assert PASSWORD not in person.password_hash
    assert authenticate_staff("ana@ilfov.ro", PASSWORD) == person_id
    assert authenticate_staff("ana@ilfov.ro", "wrong password") is None
    assert authenticate_staff("nobody@ilfov.ro", PASSWORD) is None


@pytest.mark.parametrize(
    ("email", "role", "password", "pacts", "code"),
    [
        ("a@x.ro", "superuser", PASSWORD, ["ilfov"], "invalid"),
        ("not-an-email", "official", PASSWORD, ["ilfov"], "invalid"),
        ("a@x.ro", "official", "short", ["ilfov"], "invalid"),
        ("a@x.ro", "official", PASSWORD, ["atlantis"], "not_found"),
    ],
)
def test_create_staff_refuses_bad_input(
    db_app: Flask,
    make_pact: Callable[..., int],
    email: str,
    role: str,
    password: str,
    pacts: list[str],
    code: str,
):
    make_pact("ilfov")
    with pytest.raises(DomainError) as error:
        create_staff(email, "Name", role, password, pacts)
    assert error.value.code == code
    assert count(Person) == 0


def test_staff_email_is_unique(db_app: Flask, make_pact: Callable[..., int]):
    make_pact("ilfov")
    create_staff("a@x.ro", "A", "official", PASSWORD, ["ilfov"])
    with pytest.raises(DomainError) as error:
        create_staff("A@X.RO", "A", "facilitator", PASSWORD, ["ilfov"])
    assert error.value.code == "duplicate"


def test_inactive_staff_cannot_authenticate(
    db_app: Flask, make_staff: Callable[..., int]
):
    person = db.session.get(Person, make_staff("official"))
    assert person is not None
    person.active = False
    db.session.commit()
    assert authenticate_staff(person.email, PASSWORD) is None
