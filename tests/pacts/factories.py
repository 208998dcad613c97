"""Helpers shared by the pact tests: approved organisations, commitments added, agreed
and signed through the real use cases, a published pact with progress reports. Plain
functions, so any module may use them beside the root fixtures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pacts.commitments import (
    CommitmentData,
    PactDocumentData,
    add_commitment,
    agree_commitment,
    publish_pact,
    sign_commitment,
    update_pact_document,
)
from pacts.models import Pact, Theme
from pacts.monitoring import ProgressData, report_progress
from pacts.services import find_pact


@dataclass(frozen=True)
class Party:
    """An approved organisation and its contact person."""

    organisation: int
    person: int
    name: str


def approved_party(
    make_registration: Callable[..., dict[str, Any]], name: str, pact: str = "ilfov"
) -> Party:
    made = make_registration(pact, status="approved", organisation_name=name)
    return Party(made["organisation"], made["person"], name)


def load_pact(slug: str) -> Pact:
    pact = find_pact(slug)
    assert pact is not None
    return pact


def theme_id(slug: str, key: str) -> int:
    theme: Theme = next(t for t in load_pact(slug).themes if t.key == key)
    return theme.id


def commitment_data(
    slug: str,
    theme: str,
    lead: Party,
    co_signers: tuple[Party, ...] = (),
    **changes: Any,
) -> CommitmentData:
    data = CommitmentData(
        title="Ambalaje reutilizabile în Otopeni",
        action="Replace single-use packaging with returnable crates.",
        theme_id=theme_id(slug, theme),
        lead_id=lead.organisation,
        co_signer_ids=tuple(party.organisation for party in co_signers),
        indicator_name="Returnable crates in use",
        indicator_unit="crates",
        indicator_baseline=0.0,
        indicator_target=5000.0,
        deadline=date(2027, 12, 31),
        support_requested="A collection point at the town hall.",
        support_promised="Spațiu de depozitare la primărie.",
    )
    return replace(data, **changes)


def signed_commitment(
    official: int,
    slug: str,
    data: CommitmentData,
    signers: tuple[Party, ...],
) -> int:
    """Added by the official, agreed, and signed by each of `signers`."""
    pact_id = load_pact(slug).id
    commitment = int(add_commitment(official, pact_id, data)["commitment"])
    agree_commitment(official, commitment)
    for party in signers:
        sign_commitment(party.person, commitment, party.organisation)
    return commitment


def write_document(official: int, slug: str) -> None:
    update_pact_document(
        official,
        load_pact(slug).id,
        PactDocumentData(
            introduction="Ilfov își asumă o economie verde.\n\nSecond paragraph.",
            governance="A steering group meets twice a year.",
            partners="Ilfov County Council\nSME4GREEN",
            authority_name="Consiliul Județean Ilfov",
            report_frequency="yearly",
            licence="CC-BY-4.0",
        ),
    )


def publish(official: int, slug: str) -> None:
    publish_pact(official, load_pact(slug).id)


def report(
    person: int,
    slug: str,
    commitment: int,
    value: float,
    on: date,
    status: str = "in progress",
    **extra: Any,
) -> int:
    data = ProgressData(
        reported_on=on, value=value, narrative="", status=status, **extra
    )
    return int(report_progress(person, load_pact(slug).id, commitment, data)["report"])
