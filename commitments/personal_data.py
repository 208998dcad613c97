"""Personal-data rights, the commitments' part: the signatures a person gave, the
commitments their organisation leads (they are its contact), those they created and
the edits they made. An erasure keeps all of these (the organisation's commitments
and signatures are the pact's): the person's name goes with their person record,
and quotations of it in texts with `core.erasure`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from commitments.models import Commitment, CommitmentRevision, Signature
from extensions import db
from stakeholders.models import Person
from stakeholders.personal_data import iso


def commitments_record(person: Person) -> dict[str, Any]:
    return {
        "signatures": _signatures(person.id),
        "commitments_led": _led(person),
        "commitment_edits": _edits(person.id),
    }


def _signatures(person_id: int) -> list[dict[str, Any]]:
    signatures = db.session.scalars(
        select(Signature).where(Signature.person_id == person_id).order_by(Signature.id)
    )
    return [
        {
            "commitment": {"id": s.commitment_id, "title": s.commitment.title},
            "organisation": s.signatory,
            "authority": s.authority,
            "commitment_version": s.commitment_version,
            "signed_at": iso(s.signed_at),
        }
        for s in signatures
    ]


def _led(person: Person) -> list[dict[str, Any]]:
    """Commitments the person's organisation leads (the person being its contact)
    and those the person created."""
    conditions = [Commitment.created_by_id == person.id]
    if person.organisation_id is not None:
        conditions.append(Commitment.lead_organisation_id == person.organisation_id)
    commitments = db.session.scalars(
        select(Commitment).where(or_(*conditions)).order_by(Commitment.id)
    )
    return [
        {
            "id": c.id,
            "pact": c.pact.slug,
            "title": c.title,
            "action": c.action,
            "lead": c.lead_organisation.name,
            "status": c.status,
            "deadline": c.deadline.isoformat(),
            "created_by_me": c.created_by_id == person.id,
        }
        for c in commitments
    ]


def _edits(person_id: int) -> list[dict[str, Any]]:
    revisions = db.session.scalars(
        select(CommitmentRevision)
        .where(CommitmentRevision.changed_by_id == person_id)
        .order_by(CommitmentRevision.id)
    )
    return [
        {
            "commitment": r.commitment_id,
            "version": r.version,
            "changes": r.changes,
            "changed_at": iso(r.changed_at),
        }
        for r in revisions
    ]
