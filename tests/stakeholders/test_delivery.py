"""Service delivery use cases and read side: assigning experts (only to approved
organisations of the pact that asked), logging sessions, recording outcomes, the
contact's e-mail, and the counts that feed the programme indicators. The core ones run
on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.errors import DomainError
from core.mail import OutboxMessage
from core.pacts import find_pact
from core.time import today_in
from extensions import db
from pacts.models import IndicatorSource, ProgrammeIndicator
from pacts.queries import programme_indicators
from stakeholders.delivery.services import (
    UNASSIGNED,
    assign_expert,
    log_session,
    record_outcome,
    service_counts,
    service_requests,
)
from stakeholders.models import Organisation, Person
from tests.stakeholders.delivery_factories import (
    asking,
    assigned,
    load_delivery,
    pact_id,
    snapshot,
)

Registration = Callable[..., dict[str, Any]]


@pytest.fixture
def official(make_staff: Callable[..., int]) -> int:
    return make_staff("official")


def today() -> date:
    pact = find_pact("ilfov")
    assert pact is not None
    return today_in(pact)


def deliver(official: int, delivery: int) -> None:
    record_outcome(official, delivery, "delivered", "Plan written.", None, None)


# --- assigning an expert -------------------------------------------------------------


def test_an_expert_is_assigned_to_an_approved_organisation_that_asked(
    db_app: Flask, official: int, make_registration: Registration
):
    organisation = asking(make_registration, "mentoring", "eu_funding")

    result = assign_expert(
        official,
        pact_id(),
        organisation,
        "mentoring",
        "  Ana Ionescu ",
        "Ana@Expert.RO",
    )

    delivery = load_delivery(result["delivery"])
    assert (delivery.organisation_id, delivery.service) == (organisation, "mentoring")
    assert (delivery.expert_name, delivery.expert_email) == (
        "Ana Ionescu",
        "ana@expert.ro",
    )
    assert (delivery.status, delivery.assigned_by_id) == ("assigned", official)


@pytest.mark.parametrize(
    ("registration_status", "asked", "service", "code"),
    [
        ("approved", "eu_funding", "mentoring", "conflict"),  # did not ask for it
        ("pending", "mentoring", "mentoring", "conflict"),
        ("rejected", "mentoring", "mentoring", "conflict"),
        ("approved", "workshops", "workshops", "invalid"),  # no expert delivers it
        ("approved", "mentoring", "astrology", "invalid"),
    ],
)
def test_no_expert_unless_the_organisation_is_approved_and_asked_for_the_service(
    db_app: Flask,
    official: int,
    make_registration: Registration,
    registration_status: str,
    asked: str,
    service: str,
    code: str,
):
    organisation = asking(make_registration, asked, status=registration_status)
    before = snapshot()

    with pytest.raises(DomainError) as error:
        assign_expert(official, pact_id(), organisation, service, "Ana Ionescu", None)

    assert error.value.code == code
    assert snapshot() == before


def test_an_organisation_of_another_pact_is_refused(
    db_app: Flask, make_staff: Callable[..., int], make_registration: Registration
):
    official_of_both = make_staff("official", pacts=("ilfov", "torino"))
    torino_organisation = asking(make_registration, "mentoring", pact="torino")
    before = snapshot()

    with pytest.raises(DomainError) as error:
        assign_expert(
            official_of_both,
            pact_id("ilfov"),
            torino_organisation,
            "mentoring",
            "Ana Ionescu",
            None,
        )

    assert error.value.code == "not_found"
    assert snapshot() == before


@pytest.mark.parametrize("who", ["facilitator", "official of another pact"])
def test_only_the_pacts_officials_assign_experts(
    app: Flask,
    make_staff: Callable[..., int],
    make_registration: Registration,
    who: str,
):
    actor = (
        make_staff("facilitator")
        if who == "facilitator"
        else make_staff("official", pacts=("torino",))
    )
    organisation = asking(make_registration, "mentoring")
    before = snapshot()

    with pytest.raises(DomainError) as error:
        assign_expert(actor, pact_id(), organisation, "mentoring", "Ana Ionescu", None)

    assert error.value.code == "forbidden"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "email", "field"),
    [
        ("", None, "expert_name"),
        ("x" * 121, None, "expert_name"),
        ("Ana Ionescu", "ana-at-expert.ro", "expert_email"),
        ("Ana Ionescu", "a@" + "x" * 253, "expert_email"),
    ],
)
def test_an_expert_needs_a_name_and_a_plausible_email(
    app: Flask,
    official: int,
    make_registration: Registration,
    name: str,
    email: str | None,
    field: str,
):
    organisation = asking(make_registration, "mentoring")
    before = snapshot()

    with pytest.raises(DomainError) as error:
        assign_expert(official, pact_id(), organisation, "mentoring", name, email)

    assert (error.value.code, error.value.field) == ("invalid", field)
    assert snapshot() == before


def test_reassigning_changes_the_expert_and_keeps_the_sessions(
    db_app: Flask, official: int, make_registration: Registration
):
    organisation = asking(make_registration, "mentoring")
    delivery = assigned(official, organisation)
    log_session(official, delivery, today(), 90, "Kick-off.")

    result = assign_expert(
        official, pact_id(), organisation, "mentoring", "Radu Pop", None
    )

    assert result == {"delivery": delivery, "changed": True}
    changed = load_delivery(delivery)
    assert (changed.expert_name, changed.expert_email) == ("Radu Pop", None)
    assert [s.notes for s in changed.sessions] == ["Kick-off."]
    assert changed.status == "in progress"


# --- the contact's e-mail ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "greeting", "service_label"),
    [
        ("ro", "Bună ziua", "Mentorat în managementul inovării"),
        ("en", "Hello", "Mentoring in innovation management"),
    ],
)
def test_the_contact_is_told_of_the_expert_in_their_language(
    db_app: Flask,
    official: int,
    make_registration: Registration,
    language: str,
    greeting: str,
    service_label: str,
):
    organisation = asking(make_registration, "mentoring")
    found = db.session.get(Organisation, organisation)
    assert found is not None
    assert found.contact is not None
    contact: Person = found.contact
    contact.language = language
    db.session.commit()

    assigned(official, organisation)

    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.recipient == contact.email
    assert service_label in message.subject
    assert greeting in message.body
    assert service_label in message.body
    assert "Ana Ionescu" in message.body
    assert "ana@expert.ro" in message.body


def test_the_contact_is_written_again_only_when_the_expert_changes(
    app: Flask, official: int, make_registration: Registration
):
    organisation = asking(make_registration, "mentoring")
    assigned(official, organisation)

    same = assign_expert(
        official, pact_id(), organisation, "mentoring", "Ana Ionescu", "ana@expert.ro"
    )
    assert same["changed"] is False
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1

    assign_expert(official, pact_id(), organisation, "mentoring", "Radu Pop", None)
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    assert "Radu Pop" in messages.all()[-1].body


# --- sessions ------------------------------------------------------------------------


def test_sessions_are_logged_and_the_first_one_starts_the_delivery(
    db_app: Flask, official: int, make_registration: Registration
):
    delivery = assigned(official, asking(make_registration, "mentoring"))

    log_session(official, delivery, today() - timedelta(days=7), 60, "Diagnosis.")
    result = log_session(official, delivery, today(), 600, "Innovation plan.")

    assert result["status"] == "in progress"
    sessions = load_delivery(delivery).sessions
    assert [(s.minutes, s.notes) for s in sessions] == [
        (60, "Diagnosis."),
        (600, "Innovation plan."),
    ]
    assert {s.logged_by_id for s in sessions} == {official}


@pytest.mark.parametrize(
    ("days_ahead", "minutes", "notes", "field"),
    [
        (1, 60, "", "held_on"),
        (0, 0, "", "minutes"),
        (0, 601, "", "minutes"),
        (0, -30, "", "minutes"),
        (0, 60, "x" * 2001, "notes"),
    ],
)
def test_a_session_in_the_future_or_of_a_wrong_length_is_refused(
    db_app: Flask,
    official: int,
    make_registration: Registration,
    days_ahead: int,
    minutes: int,
    notes: str,
    field: str,
):
    delivery = assigned(official, asking(make_registration, "mentoring"))
    before = snapshot()

    with pytest.raises(DomainError) as error:
        log_session(
            official, delivery, today() + timedelta(days=days_ahead), minutes, notes
        )

    assert (error.value.code, error.value.field) == ("invalid", field)
    assert snapshot() == before


def test_a_cancelled_delivery_takes_no_more_sessions(
    app: Flask, official: int, make_registration: Registration
):
    delivery = assigned(official, asking(make_registration, "mentoring"))
    record_outcome(official, delivery, "cancelled", "The company closed.", None, None)
    before = snapshot()

    with pytest.raises(DomainError) as error:
        log_session(official, delivery, today(), 60, "")

    assert error.value.code == "conflict"
    assert snapshot() == before


def test_only_the_pacts_officials_log_sessions(
    app: Flask,
    official: int,
    make_staff: Callable[..., int],
    make_registration: Registration,
):
    delivery = assigned(official, asking(make_registration, "mentoring"))
    before = snapshot()

    with pytest.raises(DomainError) as error:
        log_session(make_staff("facilitator"), delivery, today(), 60, "")

    assert error.value.code == "forbidden"
    assert snapshot() == before


# --- outcome -------------------------------------------------------------------------


def test_a_crowdfunding_outcome_records_the_campaign_and_the_delivery_date(
    db_app: Flask, official: int, make_registration: Registration
):
    delivery = assigned(
        official, asking(make_registration, "crowdfunding"), "crowdfunding"
    )

    record_outcome(official, delivery, "delivered", "Campaign funded.", True, 12500.5)

    done = load_delivery(delivery)
    assert (done.status, done.outcome) == ("delivered", "Campaign funded.")
    assert (done.campaign_launched, done.amount_raised) == (True, 12500.5)
    assert done.delivered_at is not None


def test_the_delivery_date_is_kept_while_delivered_and_cleared_when_reopened(
    app: Flask, official: int, make_registration: Registration
):
    delivery = assigned(official, asking(make_registration, "mentoring"))
    deliver(official, delivery)
    first = load_delivery(delivery).delivered_at

    record_outcome(official, delivery, "delivered", "Plan adopted.", None, None)
    assert load_delivery(delivery).delivered_at == first

    record_outcome(official, delivery, "in progress", "One more session.", None, None)
    assert load_delivery(delivery).delivered_at is None


@pytest.mark.parametrize(
    ("service", "status", "launched", "amount", "field"),
    [
        ("crowdfunding", "delivered", True, -1.0, "amount_raised"),
        ("crowdfunding", "delivered", True, float("nan"), "amount_raised"),
        ("crowdfunding", "delivered", True, float("inf"), "amount_raised"),
        ("crowdfunding", "delivered", False, 500.0, "amount_raised"),
        ("mentoring", "delivered", None, 500.0, "amount_raised"),
        ("mentoring", "delivered", True, None, "amount_raised"),
        ("mentoring", "finished", None, None, "status"),
    ],
)
def test_a_wrong_outcome_is_refused(
    db_app: Flask,
    official: int,
    make_registration: Registration,
    service: str,
    status: str,
    launched: bool | None,
    amount: float | None,
    field: str,
):
    delivery = assigned(official, asking(make_registration, service), service)
    before = snapshot()

    with pytest.raises(DomainError) as error:
        record_outcome(official, delivery, status, "", launched, amount)

    assert (error.value.code, error.value.field) == ("invalid", field)
    assert snapshot() == before


# --- read side and indicators --------------------------------------------------------


def test_delivered_services_feed_the_counts_and_the_programme_indicator(
    db_app: Flask, official: int, make_registration: Registration
):
    mentored = [asking(make_registration, "mentoring") for _n in range(3)]
    asking(make_registration, "mentoring", status="pending")  # not counted
    asking(make_registration, "eu_funding")  # another service
    for organisation in mentored[:2]:
        deliver(official, assigned(official, organisation))
    log_session(official, assigned(official, mentored[2]), today(), 60, "")
    db.session.add(
        ProgrammeIndicator(
            pact_id=pact_id(),
            name="SMEs mentored",
            source=IndicatorSource.SERVICE,
            service="mentoring",
        )
    )
    db.session.commit()

    assert service_counts(pact_id(), "mentoring") == (2, 3)
    (indicator,) = programme_indicators(pact_id())
    headline = f"{indicator['name']}: {indicator['value']} of {indicator['target']}"
    assert headline == "SMEs mentored: 2 of 3"


def test_requests_are_listed_per_service_with_their_delivery_state(
    app: Flask, official: int, make_registration: Registration
):
    first = asking(
        make_registration, "mentoring", "crowdfunding", organisation_name="Alfa SRL"
    )
    second = asking(make_registration, "mentoring", organisation_name="Beta SRL")
    asking(make_registration, "mentoring", status="pending")
    delivery = assigned(official, first, "crowdfunding")
    log_session(official, delivery, today(), 45, "")
    record_outcome(official, delivery, "delivered", "Funded.", True, 800.0)

    sections = {s["service"]: s for s in service_requests(pact_id(), {})}

    assert list(sections) == [
        "mentoring",
        "crowdfunding",
        "eu_funding",
        "green_digital",
    ]
    mentoring = sections["mentoring"]
    assert (mentoring["delivered"], mentoring["asked"]) == (0, 2)
    assert [(r["organisation_id"], r["status"]) for r in mentoring["requests"]] == [
        (first, UNASSIGNED),
        (second, UNASSIGNED),
    ]
    (funded,) = sections["crowdfunding"]["requests"]
    assert funded | {"organisation_id": 0} == {
        "organisation_id": 0,
        "organisation": "Alfa SRL",
        "status": "delivered",
        "sessions": 1,
        "expert_name": "Ana Ionescu",
        "expert_email": "ana@expert.ro",
        "outcome": "Funded.",
        "campaign_launched": True,
        "amount_raised": 800.0,
    }
    assert (
        sections["crowdfunding"]["delivered"],
        sections["crowdfunding"]["asked"],
    ) == (
        1,
        1,
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"service": "crowdfunding"}, {"crowdfunding": ["Alfa SRL"]}),
        (
            {"status": UNASSIGNED},
            {
                "mentoring": ["Alfa SRL", "Beta SRL"],
                "crowdfunding": [],
                "eu_funding": [],
                "green_digital": [],
            },
        ),
        (
            {"service": "crowdfunding", "status": "delivered"},
            {"crowdfunding": ["Alfa SRL"]},
        ),
        ({"service": "mentoring", "status": "delivered"}, {"mentoring": []}),
    ],
)
def test_requests_are_filtered_by_service_and_status(
    app: Flask,
    official: int,
    make_registration: Registration,
    filters: dict[str, str],
    expected: dict[str, list[str]],
):
    first = asking(
        make_registration, "mentoring", "crowdfunding", organisation_name="Alfa SRL"
    )
    asking(make_registration, "mentoring", organisation_name="Beta SRL")
    deliver(official, assigned(official, first, "crowdfunding"))

    sections = service_requests(pact_id(), filters)

    assert {
        s["service"]: [r["organisation"] for r in s["requests"]] for s in sections
    } == expected
