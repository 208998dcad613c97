"""Use cases of commitments, whichever page or board changes them: adding, editing
with history, agreeing and reordering them; who the parties are, their personal links,
and signing."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from commitments.models import (
    Commitment,
    CommitmentRevision,
    Signature,
    commitment_co_signer,
)
from core.choices import CommitmentStatus, RegistrationStatus
from core.errors import DomainError
from core.links import public_url
from core.mail import queue_template_email
from core.models import Theme
from core.time import utcnow
from core.tokens import TokenError, member_token, read_member_token
from core.transactions import commit
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
    commit()
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
    before = commitment_data(commitment)
    for name, value in _commitment_values(data).items():
        setattr(commitment, name, value)
    commitment.co_signers = co_signers
    if not record_revision(commitment, before, actor.id):
        return {"commitment": commitment.id, "version": commitment.version}
    signed = bool(commitment.signatures)
    invalidate_signatures(commitment)
    commitment.version += 1
    commitment.updated_at = utcnow()
    if signed:
        _ask_to_sign(commitment, "commitment_sign_again")
    commit()
    return {"commitment": commitment.id, "version": commitment.version}


def record_revision(
    commitment: Commitment, before: CommitmentData, actor_id: int
) -> bool:
    """Keep an edit (already applied to `commitment`) in its history: each changed
    field's old and new value, the version it replaced, and how many signatures it
    invalidates. False when nothing changed (and nothing is kept)."""
    old, new = asdict(before), asdict(commitment_data(commitment))
    changes = {
        name: {"from": _jsonable(old[name]), "to": _jsonable(value)}
        for name, value in new.items()
        if value != old[name]
    }
    if not changes:
        return False
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
    return True


def invalidate_signatures(commitment: Commitment) -> None:
    """A changed commitment is no longer what was signed: the signatures go (the
    revision keeps their count) and a signed commitment is agreed again."""
    commitment.signatures.clear()
    if commitment.status == CommitmentStatus.SIGNED:
        commitment.status = CommitmentStatus.AGREED


def agree_commitment(actor_id: int, commitment_id: int) -> dict[str, Any]:
    """Mark a draft as agreed (an official): its lead and co-signers are e-mailed a
    personal link to sign it."""
    commitment = _commitment(commitment_id)
    official_of(actor_id, commitment.pact_id)
    if commitment.status != CommitmentStatus.DRAFT:
        raise DomainError("conflict", _("Only a draft can be marked as agreed."))
    commitment.status = CommitmentStatus.AGREED
    commitment.updated_at = utcnow()
    _ask_to_sign(commitment, "commitment_sign")
    commit()
    return {"commitment": commitment.id, "status": commitment.status}


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
    commit()
    return {"commitment": commitment.id, "position": commitment.position}


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
    commit()


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


def sign_commitment(
    person_id: int, commitment_id: int, organisation_id: int | None
) -> dict[str, Any]:
    """Sign the current version of an agreed commitment for an organisation the
    person belongs to (its lead or a co-signer); an official signs for the public
    authority (`organisation_id` None). Signing by the lead makes it signed."""
    commitment = _commitment(commitment_id)
    person = db.session.get(Person, person_id)
    if person is None or not person.active:
        raise DomainError("forbidden", _("Please open your personal link again."))
    if commitment.status == CommitmentStatus.DRAFT:
        raise DomainError("conflict", _("This commitment is not agreed yet."))
    if organisation_id is None:
        official_of(person.id, commitment.pact_id)
    elif person.organisation_id != organisation_id:
        raise DomainError(
            "forbidden", _("You can sign only for your own organisation.")
        )
    elif organisation_id not in {org.id for org in parties(commitment)}:
        raise DomainError(
            "forbidden", _("Your organisation is not a party to this commitment.")
        )
    if any(
        s.organisation_id == organisation_id
        and s.authority == (organisation_id is None)
        for s in commitment.signatures
    ):
        raise DomainError("conflict", _("This has been signed already."))
    signature = Signature(
        commitment=commitment,
        organisation_id=organisation_id,
        authority=organisation_id is None,
        person_id=person.id,
        commitment_version=commitment.version,
        signed_at=utcnow(),
    )
    db.session.add(signature)
    if (
        organisation_id == commitment.lead_organisation_id
        and commitment.status == CommitmentStatus.AGREED
    ):
        commitment.status = CommitmentStatus.SIGNED
    db.session.flush()
    result = {"signature": signature.id, "status": commitment.status}
    commit()
    return result
