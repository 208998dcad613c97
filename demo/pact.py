"""The demo's published pact (part of `seed-demo`): the Ilfov pact's document and ten
commitments in every state of compilation (a draft and an agreed one from the demo
workshop's board, eight signed), signed by their organisations and the county,
published, with progress reports, programme indicators and service deliveries, so
that a newcomer sees a pact being monitored. Everything goes through the real use
cases except the service deliveries, inserted directly (they are back-dated) in a use
case of their own. Each step is a unit of work that checks what exists first, so
running it again adds nothing and an interrupted run is completed by the next one.
The organisations, people and figures are invented."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select

from commitments.models import Commitment
from commitments.operations import (
    CommitmentData,
    add_commitment,
    agree_commitment,
    parties,
    sign_commitment,
)
from core.choices import CommitmentStatus
from core.errors import DomainError
from core.models import Pact
from core.time import today_in, utcnow
from core.transactions import use_case
from demo.pact_data import (
    COMMITMENTS,
    DELIVERIES,
    DOCUMENT,
    PROGRAMME_INDICATORS,
    DemoCommitment,
    DemoDelivery,
)
from extensions import db
from pacts.indicators import IndicatorData, add_programme_indicator
from pacts.models import ProgrammeIndicator
from pacts.monitoring import ProgressData, report_progress
from pacts.publishing import PactDocumentData, publish_pact, update_pact_document
from stakeholders.delivery.services import assign_expert, record_outcome
from stakeholders.models import Organisation, ServiceDelivery


def seed_published_pact(pact: Pact, official_id: int, board_id: int) -> str:
    """Compile, sign and publish the demo pact and report on it; its public path."""
    seed_pact_document(pact, official_id, DOCUMENT)
    themes = {theme.key: theme.id for theme in pact.themes}
    commitments = {
        spec.title: _seed_commitment(official_id, pact.id, themes, spec)
        for spec in COMMITMENTS
    }
    _place_on_board(commitments, board_id)
    if pact.published_at is None:
        publish_pact(official_id, pact.id)
    for spec in COMMITMENTS:
        _seed_reports(official_id, commitments[spec.title], spec)
    _seed_programme_indicators(official_id, pact.id, commitments)
    _seed_deliveries(official_id, pact.id)
    return f"/p/{pact.slug}"


def seed_pact_document(
    pact: Pact, official_id: int, document: PactDocumentData
) -> None:
    """The pact's document and its texts in each language, unless it has one."""
    if not pact.introduction:
        update_pact_document(official_id, pact.id, document)


@use_case
def _place_on_board(commitments: Mapping[str, Commitment], board_id: int) -> None:
    """add_commitment takes no board: those drafted on it are placed here."""
    for spec in COMMITMENTS:
        if spec.on_board and commitments[spec.title].board_id is None:
            commitments[spec.title].board_id = board_id


def _organisation(pact_id: int, name: str) -> Organisation:
    organisation: Organisation | None = db.session.scalar(
        select(Organisation).where(
            Organisation.pact_id == pact_id, Organisation.name == name
        )
    )
    if organisation is None:
        raise DomainError("not_found", f"the demo organisation {name!r} comes first")
    return organisation


def _seed_commitment(
    official_id: int, pact_id: int, themes: Mapping[str, int], spec: DemoCommitment
) -> Commitment:
    """The commitment as far as its spec goes: added, agreed, signed."""
    commitment: Commitment | None = db.session.scalar(
        select(Commitment).where(
            Commitment.pact_id == pact_id, Commitment.title == spec.title
        )
    )
    if commitment is None:
        added = add_commitment(
            official_id, pact_id, _commitment_data(pact_id, themes, spec)
        )
        commitment = db.session.get_one(Commitment, added["commitment"])
    if spec.state != CommitmentStatus.DRAFT and (
        commitment.status == CommitmentStatus.DRAFT
    ):
        agree_commitment(official_id, commitment.id)
    _seed_signatures(official_id, commitment, spec)
    return commitment


def _commitment_data(
    pact_id: int, themes: Mapping[str, int], spec: DemoCommitment
) -> CommitmentData:
    return CommitmentData(
        title=spec.title,
        action=spec.action,
        theme_id=themes[spec.theme],
        lead_id=_organisation(pact_id, spec.lead).id,
        co_signer_ids=tuple(
            _organisation(pact_id, name).id for name in spec.co_signers
        ),
        indicator_name=spec.indicator.name,
        indicator_unit=spec.indicator.unit,
        indicator_baseline=spec.indicator.baseline,
        indicator_target=spec.indicator.target,
        deadline=spec.deadline,
        support_requested=spec.support_requested,
        support_promised=spec.support_promised,
    )


def _seed_signatures(
    official_id: int, commitment: Commitment, spec: DemoCommitment
) -> None:
    """Each party signs through its contact person (in a signed commitment the
    lead too, and the official for the county)."""
    signing = {
        CommitmentStatus.SIGNED: parties(commitment),
        CommitmentStatus.AGREED: list(commitment.co_signers),
    }.get(CommitmentStatus(spec.state), [])
    signed = {s.organisation_id for s in commitment.signatures}
    for organisation in signing:
        contact = organisation.contact
        if contact is not None and organisation.id not in signed:
            sign_commitment(contact.id, commitment.id, organisation.id)
    county_signed = any(s.authority for s in commitment.signatures)
    if spec.state == CommitmentStatus.SIGNED and not county_signed:
        sign_commitment(official_id, commitment.id, None)


def _seed_reports(
    official_id: int, commitment: Commitment, spec: DemoCommitment
) -> None:
    """The spec's reports not made yet, oldest first, dated days before today."""
    today = today_in(commitment.pact)
    for report in spec.reports[len(commitment.reports) :]:
        contact = commitment.lead_organisation.contact
        reporter = official_id if report.by_official or contact is None else contact.id
        data = ProgressData(
            reported_on=today - timedelta(days=report.days_ago),
            value=report.value,
            narrative=report.narrative,
            status=report.status,
            status_reason=report.reason,
            evidence=report.evidence,
        )
        report_progress(reporter, commitment.pact_id, commitment.id, data)


def _seed_programme_indicators(
    official_id: int, pact_id: int, commitments: Mapping[str, Commitment]
) -> None:
    """The headline figures not defined yet, through the officials' use case."""
    existing = set(
        db.session.scalars(
            select(ProgrammeIndicator.name).where(ProgrammeIndicator.pact_id == pact_id)
        )
    )
    for spec in PROGRAMME_INDICATORS:
        if spec.name in existing:
            continue
        data = IndicatorData(
            name=spec.name,
            unit=spec.unit,
            source=spec.source,
            commitment_ids=tuple(commitments[title].id for title in spec.commitments),
            service=spec.service,
        )
        add_programme_indicator(official_id, pact_id, data)


def _seed_deliveries(official_id: int, pact_id: int) -> None:
    """Through the officials' own use cases (assign the expert, record the outcome),
    then dated back to when the demo says it happened."""
    for spec in DELIVERIES:
        organisation = _organisation(pact_id, spec.organisation)
        exists = db.session.scalar(
            select(ServiceDelivery.id).where(
                ServiceDelivery.organisation_id == organisation.id,
                ServiceDelivery.service == spec.service,
            )
        )
        if exists is not None:
            continue
        delivery = assign_expert(
            official_id, pact_id, organisation.id, spec.service, spec.expert, None
        )["delivery"]
        crowdfunding = spec.amount_raised is not None
        record_outcome(
            official_id,
            delivery,
            spec.status,
            spec.outcome,
            True if crowdfunding else None,
            spec.amount_raised,
        )
        _date_back(delivery, spec)


@use_case
def _date_back(delivery_id: int, spec: DemoDelivery) -> None:
    """The demo's history: assigned `days_ago`, delivered a third of that ago."""
    delivery = db.session.get(ServiceDelivery, delivery_id)
    assert delivery is not None  # noqa: S101 - assigned just now
    now = utcnow()
    delivery.assigned_at = now - timedelta(days=spec.days_ago)
    if delivery.delivered_at is not None:
        delivery.delivered_at = now - timedelta(days=spec.days_ago // 3)
