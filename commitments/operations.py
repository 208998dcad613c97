"""Use cases of commitments, whichever page or board changes them: adding, editing
with history, agreeing and reordering them; who the parties are, their personal links,
and signing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import func, select

from commitments import lifecycle
from commitments.changes import enter_pact
from commitments.lifecycle import Action, Signatures, Standing
from commitments.models import (
    Commitment,
    CommitmentRevision,
    Signature,
    commitment_co_signer,
)
from core.audit import AuditAction, record_staff_action
from core.choices import CommitmentStatus, RegistrationStatus
from core.errors import DomainError
from core.links import public_url
from core.mail import queue_template_email
from core.models import Theme
from core.time import utcnow
from core.tokens import TokenError, member_token, read_member_token
from core.transactions import use_case
from extensions import db
from stakeholders.models import Organisation, Person
from stakeholders.services import official_of

# --- compiling the pact (officials) ------------------------------------------------

# A personal link in an e-mail about commitments stays valid this long.
MEMBER_LINK_TTL = timedelta(days=60)


def pact_commitment(pact_id: int, commitment_id: int) -> Commitment:
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or commitment.pact_id != pact_id:
        raise DomainError("not_found", _("This commitment does not exist."))
    return commitment


@dataclass(frozen=True)
class CommitmentData:
    title: str
    action: str
    theme_id: int
    lead_id: int
    co_signer_ids: tuple[int, ...]
    indicator_name: str
    indicator_unit: str
    indicator_baseline: float
    indicator_target: float
    deadline: date
    support_requested: str
    support_promised: str


def _check_parties(pact_id: int, data: CommitmentData) -> list[Organisation]:
    """The co-signing organisations; every party must be an approved organisation
    of the pact, and the theme the pact's."""
    theme = db.session.get(Theme, data.theme_id)
    if theme is None or theme.pact_id != pact_id:
        raise DomainError("invalid", _("Choose one of the pact's themes."), "theme")
    ids = {data.lead_id, *data.co_signer_ids}
    found = db.session.scalars(
        select(Organisation).where(
            Organisation.id.in_(ids),
            Organisation.pact_id == pact_id,
            Organisation.status == RegistrationStatus.APPROVED,
        )
    ).all()
    if {org.id for org in found} != ids:
        raise DomainError(
            "invalid", _("Choose approved organisations of this pact."), "lead"
        )
    return sorted(
        (
            org
            for org in found
            if org.id in data.co_signer_ids and org.id != data.lead_id
        ),
        key=lambda org: org.name,
    )


@use_case
def add_commitment(actor_id: int, pact_id: int, data: CommitmentData) -> dict[str, Any]:
    """A commitment added by an official outside a workshop (say, for an SME that
    could not attend); it starts as a draft, last in its theme."""
    actor = official_of(actor_id, pact_id)
    co_signers = _check_parties(pact_id, data)
    last = db.session.scalar(
        select(func.max(Commitment.position)).where(
            Commitment.pact_id == pact_id, Commitment.theme_id == data.theme_id
        )
    )
    commitment = Commitment(
        pact_id=pact_id,
        **_commitment_values(data),
        co_signers=co_signers,
        status=CommitmentStatus.DRAFT,
        position=(last or 0) + 1,
        version=1,
        created_by_id=actor.id,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.session.add(commitment)
    db.session.flush()
    _record(actor.id, commitment, AuditAction.ADD_COMMITMENT)
    return {"commitment": commitment.id}


def _commitment_values(data: CommitmentData) -> dict[str, Any]:
    values = asdict(data)
    values.pop("co_signer_ids")
    values["theme_id"] = values.pop("theme_id")
    values["lead_organisation_id"] = values.pop("lead_id")
    return values


def commitment_data(commitment: Commitment) -> CommitmentData:
    """A commitment's editable fields (what the edit form starts from)."""
    return CommitmentData(
        title=commitment.title,
        action=commitment.action,
        theme_id=commitment.theme_id,
        lead_id=commitment.lead_organisation_id,
        co_signer_ids=tuple(org.id for org in commitment.co_signers),
        indicator_name=commitment.indicator_name,
        indicator_unit=commitment.indicator_unit,
        indicator_baseline=commitment.indicator_baseline,
        indicator_target=commitment.indicator_target,
        deadline=commitment.deadline,
        support_requested=commitment.support_requested,
        support_promised=commitment.support_promised,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


@use_case
def edit_commitment(
    actor_id: int, commitment_id: int, data: CommitmentData, version: int
) -> dict[str, Any]:
    """Edit a commitment (an official): the change is kept in its history; a signed
    commitment loses its signatures, and its signatories are asked to sign again.
    `version` is the version the official edited; an older one is a conflict."""
    commitment = _commitment(commitment_id)
    actor = official_of(actor_id, commitment.pact_id)
    if commitment.version != version:
        raise DomainError(
            "conflict",
            _("Someone changed this commitment meanwhile. Review it and edit again."),
        )
    co_signers = _check_parties(commitment.pact_id, data)

    def apply() -> None:
        for name, value in _commitment_values(data).items():
            setattr(commitment, name, value)
        commitment.co_signers = co_signers

    fields = revise_commitment(commitment, actor.id, Standing.OFFICIAL, apply)
    if fields:
        commitment_changed.send(commitment, type="commitment:update", actor=actor.id)
        _record(actor.id, commitment, AuditAction.EDIT, fields=fields)
    return {"commitment": commitment.id, "version": commitment.version}


# Sent inside the transaction of a change made outside the board (staff and member
# pages) to a commitment, with `type` (the board event it stands for), `actor` and,
# for a signature, `signature`: the board it came from shows the change live.
commitment_changed = Namespace().signal("commitment-changed")


def standing_of(person: Person, commitment: Commitment) -> Standing:
    """The person's standing towards the commitment (lifecycle.Standing)."""
    if person.is_staff:
        official = person.is_official_of(commitment.pact_id)
        return Standing.OFFICIAL if official else Standing.FACILITATOR
    if person.organisation_id == commitment.lead_organisation_id:
        return Standing.LEAD
    if person.organisation_id in {org.id for org in commitment.co_signers}:
        return Standing.CO_SIGNER
    return Standing.OTHER


def revise_commitment(
    commitment: Commitment,
    actor_id: int,
    standing: Standing,
    apply: Callable[[], None],
) -> list[str]:
    """The one edit of a commitment, from the board or the staff pages: `apply`
    changes its fields; the change is kept in its history, every signature goes, the
    status follows the lifecycle (an official's edit keeps the agreement, anybody
    else's is a new proposal) and, when the agreement stays, the signatories are
    asked to sign again. The names of the fields changed; none when nothing changed
    (then nothing else happens)."""
    lifecycle.check(standing, commitment.status, Action.EDIT)
    before = commitment_data(commitment)
    apply()
    fields = record_revision(commitment, before, actor_id)
    if not fields:
        return []
    lost = len(commitment.signatures)
    commitment.signatures.clear()
    commitment.status = lifecycle.after_edit(standing, commitment.status)
    commitment.version += 1
    commitment.updated_at = utcnow()
    if lifecycle.asks_to_sign_again(commitment.status, lost):
        _ask_to_sign(commitment, "commitment_sign_again")
    return fields


def record_revision(
    commitment: Commitment, before: CommitmentData, actor_id: int
) -> list[str]:
    """Keep an edit (already applied to `commitment`) in its history: each changed
    field's old and new value, the version it replaced, and how many signatures it
    invalidates. The changed fields' names; none when nothing changed (and nothing
    is kept)."""
    old, new = asdict(before), asdict(commitment_data(commitment))
    changes = {
        name: {"from": _jsonable(old[name]), "to": _jsonable(value)}
        for name, value in new.items()
        if value != old[name]
    }
    if not changes:
        return []
    db.session.add(
        CommitmentRevision(
            commitment=commitment,
            version=commitment.version,
            changes=changes,
            signatures_invalidated=len(commitment.signatures),
            changed_by_id=actor_id,
            changed_at=utcnow(),
        )
    )
    return sorted(changes)


@use_case
def agree_commitment(actor_id: int, commitment_id: int) -> dict[str, Any]:
    """Mark a draft as agreed (an official): its lead and co-signers are e-mailed a
    personal link to sign it; signatures already given to this version count (the
    lead's makes it signed at once)."""
    commitment = _commitment(commitment_id)
    official_of(actor_id, commitment.pact_id)
    lifecycle.check(Standing.OFFICIAL, commitment.status, Action.AGREE)
    commitment.status = CommitmentStatus.AGREED
    commitment.status = _settled(commitment)
    commitment.updated_at = utcnow()
    enter_pact(commitment)
    _ask_to_sign(commitment, "commitment_sign")
    commitment_changed.send(commitment, type="commitment:update", actor=actor_id)
    _record(actor_id, commitment, AuditAction.AGREE, status=commitment.status)
    return {"commitment": commitment.id, "status": commitment.status}


def _settled(commitment: Commitment) -> str:
    """The status once the current version's signatures are counted."""
    signed = Signatures(
        lead=any(
            s.organisation_id == commitment.lead_organisation_id
            for s in commitment.signatures
        ),
        authority=any(s.authority for s in commitment.signatures),
    )
    return lifecycle.settled(
        commitment.status, signed, commitment.pact.authority_signs_commitments
    )


@use_case
def move_commitment(actor_id: int, commitment_id: int, step: int) -> dict[str, Any]:
    """Move a commitment one place up (-1) or down (+1) within its theme."""
    commitment = _commitment(commitment_id)
    official_of(actor_id, commitment.pact_id)
    siblings = list(
        db.session.scalars(
            select(Commitment)
            .where(
                Commitment.pact_id == commitment.pact_id,
                Commitment.theme_id == commitment.theme_id,
            )
            .order_by(Commitment.position, Commitment.id)
        )
    )
    index = siblings.index(commitment)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    _record(actor_id, commitment, AuditAction.MOVE, position=commitment.position)
    return {"commitment": commitment.id, "position": commitment.position}


def _record(
    actor_id: int, commitment: Commitment, action: AuditAction, **details: Any
) -> None:
    record_staff_action(
        actor_id, commitment.pact_id, action, "commitment", commitment.id, **details
    )


def _commitment(commitment_id: int) -> Commitment:
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None:
        raise DomainError("not_found", _("This commitment does not exist."))
    return commitment


# --- signing -----------------------------------------------------------------------


def parties(commitment: Commitment) -> list[Organisation]:
    """The organisations that sign a commitment: its lead, then its co-signers."""
    return [commitment.lead_organisation, *commitment.co_signers]


def member_link(person: Person) -> str:
    """A person's personal link to their commitments (sign, report progress)."""
    token = member_token(person.id, int(MEMBER_LINK_TTL.total_seconds()))
    return f"{public_url()}/me/link/{token}"


def identify_member(token: str) -> int:
    """The stakeholder a personal link stands for: an active participant of an
    approved organisation. DomainError `unauthorized` with the reason (`invalid`,
    `expired`, `inactive`) otherwise."""
    try:
        person_id = read_member_token(token)
    except TokenError as exc:
        raise DomainError("unauthorized", exc.reason) from None
    person = db.session.get(Person, person_id)
    if person is None or person.is_staff or person.organisation is None:
        raise DomainError("unauthorized", "invalid")
    if not person.active or person.organisation.status != RegistrationStatus.APPROVED:
        raise DomainError("unauthorized", "inactive")
    return person.id


@use_case
def request_member_link(email: str) -> None:
    """Someone whose personal link expired asks for a new one: it goes only to the
    address itself, and only to a stakeholder whose organisation is a party to an
    agreed (or later) commitment; the answer is the same either way."""
    people = db.session.scalars(
        select(Person)
        .join(Organisation, Organisation.id == Person.organisation_id)
        .where(
            Person.email == email.strip().lower(),
            Person.active.is_(True),
            Organisation.status == RegistrationStatus.APPROVED,
        )
    )
    for person in people:
        if person.is_staff or not _is_party(person.organisation_id):
            continue
        queue_template_email(
            person.email,
            person.language,
            "member_link",
            person=person,
            link=member_link(person),
        )


def _is_party(organisation_id: int | None) -> bool:
    """Whether the organisation leads or co-signs a commitment past its draft."""
    agreed = Commitment.status != CommitmentStatus.DRAFT
    leads = select(Commitment.id).where(
        agreed, Commitment.lead_organisation_id == organisation_id
    )
    co_signs = (
        select(Commitment.id)
        .join(commitment_co_signer)
        .where(agreed, commitment_co_signer.c.organisation_id == organisation_id)
    )
    return db.session.scalar(leads.union(co_signs).limit(1)) is not None


def _ask_to_sign(commitment: Commitment, template: str) -> None:
    signed = {s.organisation_id for s in commitment.signatures}
    for organisation in parties(commitment):
        contact = organisation.contact
        if contact is None or organisation.id in signed or not contact.active:
            continue
        queue_template_email(
            contact.email,
            contact.language,
            template,
            person=contact,
            commitment=commitment,
            pact=commitment.pact,
            link=member_link(contact),
        )


@use_case
def sign_commitment(
    person_id: int, commitment_id: int, organisation_id: int | None
) -> dict[str, Any]:
    """Sign the current version of a commitment for an organisation the person
    belongs to; an official signs for the public authority (`organisation_id`
    None). The lifecycle says who may sign what, and what the signature makes of it."""
    commitment = _commitment(commitment_id)
    person = db.session.get(Person, person_id)
    if person is None or not person.active:
        raise DomainError("forbidden", _("Please open your personal link again."))
    if organisation_id is None:
        official_of(person.id, commitment.pact_id)
    elif person.is_staff or person.organisation_id != organisation_id:
        raise DomainError(
            "forbidden", _("You can sign only for your own organisation.")
        )
    signature = add_signature(commitment, person, standing_of(person, commitment))
    commitment_changed.send(
        commitment, type="commitment:sign", actor=person.id, signature=signature
    )
    return {"signature": signature.id, "status": commitment.status}


def add_signature(
    commitment: Commitment, person: Person, standing: Standing
) -> Signature:
    """The one signature of a commitment, from the board or the member pages: for
    the public authority by an official, else for the signer's own organisation
    (which joins a proposal as a co-signer when it is not a party yet)."""
    organisation = person.organisation
    if organisation is not None and organisation.pact_id != commitment.pact_id:
        raise DomainError("not_found", _("This commitment does not exist."))
    lifecycle.check(standing, commitment.status, Action.SIGN)
    authority = standing is Standing.OFFICIAL
    organisation_id = None if authority else person.organisation_id
    if any(
        s.organisation_id == organisation_id and s.authority == authority
        for s in commitment.signatures
    ):
        raise DomainError("conflict", _("This has been signed already."))
    if lifecycle.joins_as_co_signer(standing) and organisation is not None:
        commitment.co_signers.append(organisation)
    signature = Signature(
        commitment=commitment,
        organisation_id=organisation_id,
        authority=authority,
        person_id=person.id,
        commitment_version=commitment.version,
        signed_at=utcnow(),
    )
    db.session.add(signature)
    db.session.flush()
    commitment.status = _settled(commitment)
    enter_pact(commitment)
    db.session.flush()
    if authority:
        # The public authority's signature, from the staff pages or the board.
        _record(
            person.id,
            commitment,
            AuditAction.SIGN,
            version=commitment.version,
            status=commitment.status,
        )
    return signature
