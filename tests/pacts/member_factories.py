"""Helpers of the stakeholders' commitment tests: a pact in Europe/Bucharest with an
official and three approved organisations (a lead, a co-signer, an outsider),
commitments taken through the real use cases (added, agreed, signed by the lead, the
pact published), personal links, and the outbox. The test modules import the
`world` fixture from here as `world_fixture`; it needs an app context, so tests
request `app` or `db_app` before it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from extensions import db
from mail import OutboxMessage
from pacts.commitments import (
    CommitmentData,
    add_commitment,
    agree_commitment,
    member_link,
    publish_pact,
    sign_commitment,
)
from pacts.models import Commitment, Pact
from stakeholders.models import Person

TIMEZONE = "Europe/Bucharest"


@dataclass(frozen=True)
class Party:
    person: int
    organisation: int


@dataclass(frozen=True)
class World:
    pact: int
    official: int
    lead: Party
    co_signer: Party
    outsider: Party


@pytest.fixture(name="world")
def world_fixture(
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
) -> World:
    pact = make_pact("ilfov", timezone=TIMEZONE)

    def party(name: str) -> Party:
        made = make_registration(status="approved", organisation_name=name)
        return Party(made["person"], made["organisation"])

    return World(
        pact=pact,
        official=make_staff("official"),
        lead=party("EcoPack Ambalaje SRL"),
        co_signer=party("Verde Logistic SRL"),
        outsider=party("Solaris Ilfov SRL"),
    )


def commitment_data(world: World, **overrides: Any) -> CommitmentData:
    pact = db.session.get(Pact, world.pact)
    assert pact is not None
    data = CommitmentData(
        title="Reusable packaging for 40 clients",
        action="Replace single-use boxes with returnable crates.",
        theme_id=pact.themes[0].id,
        lead_id=world.lead.organisation,
        co_signer_ids=(world.co_signer.organisation,),
        indicator_name="Clients using returnable crates",
        indicator_unit="clients",
        indicator_baseline=0.0,
        indicator_target=40.0,
        deadline=date(2028, 12, 31),
        support_requested="A collection point at the county depot.",
        support_promised="Space at the Otopeni depot.",
    )
    return replace(data, **overrides)


def draft(world: World, **overrides: Any) -> int:
    data = commitment_data(world, **overrides)
    return int(add_commitment(world.official, world.pact, data)["commitment"])


def agreed(world: World, **overrides: Any) -> int:
    commitment_id = draft(world, **overrides)
    agree_commitment(world.official, commitment_id)
    return commitment_id


def published(world: World, **overrides: Any) -> int:
    """An agreed commitment signed by its lead, in a published pact."""
    commitment_id = agreed(world, **overrides)
    commitment = load_commitment(commitment_id)
    lead = commitment.lead_organisation
    assert lead.contact is not None
    sign_commitment(lead.contact.id, commitment_id, lead.id)
    pact = db.session.get(Pact, world.pact)
    assert pact is not None
    if pact.published_at is None:
        publish_pact(world.official, world.pact)
    return commitment_id


def publish_on(pact_id: int, day: date) -> None:
    """Move the pact's publication to noon UTC of `day` (the reminders count from
    it)."""
    pact = db.session.get(Pact, pact_id)
    assert pact is not None
    pact.published_at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    db.session.commit()


def load_commitment(commitment_id: int) -> Commitment:
    found = db.session.get(Commitment, commitment_id)
    assert found is not None
    return found


def link_path(person_id: int) -> str:
    """The path of the person's personal link (what the e-mails carry)."""
    person = db.session.get(Person, person_id)
    assert person is not None
    return path_of(member_link(person))


def path_of(url: str) -> str:
    return url.removeprefix(str(current_app.config["PUBLIC_URL"]).rstrip("/"))


def open_member_session(client: FlaskClient, person_id: int) -> None:
    response = client.get(link_path(person_id))
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/commitments"


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
