"""Pacts with signed commitments and progress reports for the public-page tests (HTTP
and browser), built through the real use cases: approved registrations, commitments
added, agreed and signed, the pact published, progress reported. Call inside an app
context."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from extensions import db
from pacts.commitments import (
    CommitmentData,
    add_commitment,
    agree_commitment,
    sign_commitment,
)
from pacts.models import Commitment, Pact, Theme
from pacts.monitoring import ProgressData, report_progress, today_in
from stakeholders.consent import CONSENT_VERSION
from stakeholders.services import register_organisation
from tests.conftest import registration_data

CONSENT = {
    "version": CONSENT_VERSION,
    "language": "ro",
    "text": "consent text",
    "ip_address": "192.0.2.1",
}
NEXT_YEAR = date.today().year + 1


@dataclass(frozen=True)
class Party:
    """An approved organisation and its contact person."""

    organisation: int
    person: int


def approved_party(pact_id: int, name: str, email: str) -> Party:
    created = register_organisation(
        pact_id,
        registration_data(organisation_name=name, contact_email=email),
        CONSENT,
        status="approved",
        notify=False,
    )
    return Party(created["organisation"], created["person"])


def theme_id(pact_id: int, key: str = "circular-economy") -> int:
    found = db.session.scalar(
        select(Theme.id).where(Theme.pact_id == pact_id, Theme.key == key)
    )
    assert found is not None, f"pact {pact_id} has no theme {key}"
    return int(found)


def draft_commitment(
    official: int,
    pact_id: int,
    lead: Party,
    *,
    co_signers: tuple[Party, ...] = (),
    theme: str = "circular-economy",
    **fields: Any,
) -> int:
    """A draft commitment; `fields` override CommitmentData's defaults."""
    data = CommitmentData(
        title="Less packaging waste",
        action="Switch to reusable crates.",
        theme_id=theme_id(pact_id, theme),
        lead_id=lead.organisation,
        co_signer_ids=tuple(party.organisation for party in co_signers),
        indicator_name="Packaging waste",
        indicator_unit="t",
        indicator_baseline=0.0,
        indicator_target=10.0,
        deadline=date(NEXT_YEAR, 12, 31),
        support_requested="",
        support_promised="",
    )
    return int(add_commitment(official, pact_id, replace(data, **fields))["commitment"])


def signed_commitment(
    official: int,
    pact_id: int,
    lead: Party,
    *,
    signers: tuple[Party, ...] = (),
    **fields: Any,
) -> int:
    """A commitment agreed and signed by its lead (and by `signers`)."""
    commitment_id = draft_commitment(official, pact_id, lead, **fields)
    agree_commitment(official, commitment_id)
    for party in (lead, *signers):
        sign_commitment(party.person, commitment_id, party.organisation)
    return commitment_id


def report(
    reporter: int,
    pact_id: int,
    commitment_id: int,
    value: float,
    days_ago: int = 0,
    **fields: Any,
) -> int:
    pact = db.session.get(Pact, pact_id)
    assert pact is not None
    data = ProgressData(
        reported_on=today_in(pact) - timedelta(days=days_ago),
        value=value,
        narrative=fields.pop("narrative", "Work is going to plan."),
        status=fields.pop("status", "in progress"),
        **fields,
    )
    return int(report_progress(reporter, pact_id, commitment_id, data)["report"])


def backdate(pact_id: int, days: int) -> None:
    """Move the pact's signing, and its commitments' creation and signatures, `days`
    into the past, as if it had been published that long ago (the use cases stamp
    them with the current time)."""
    shift = timedelta(days=days)
    pact = db.session.get(Pact, pact_id)
    assert pact is not None
    assert pact.published_at is not None
    pact.published_at -= shift
    for commitment in db.session.scalars(
        select(Commitment).where(Commitment.pact_id == pact_id)
    ):
        commitment.created_at -= shift
        for signature in commitment.signatures:
            signature.signed_at -= shift
    db.session.commit()
