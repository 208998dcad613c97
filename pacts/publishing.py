"""Compiling and publishing the pact: the document's texts (introduction, governance,
partners, signing authority, reporting schedule, licence) and its publication, signed
by an official for the authority."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from commitments.models import PACT_STATUSES, Commitment
from core.audit import AuditAction, changed_fields, record_staff_action
from core.errors import DomainError
from core.models import Pact, PactStatus
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from stakeholders.services import official_of


@dataclass(frozen=True)
class PactDocumentData:
    introduction: str
    governance: str
    partners: str
    authority_name: str
    report_frequency: str
    licence: str
    # The pact's rule: an agreed commitment is signed once the public authority has
    # signed it too, not on its lead's signature alone.
    authority_signs_commitments: bool = False


@use_case
def update_pact_document(
    actor_id: int, pact_id: int, data: PactDocumentData
) -> dict[str, Any]:
    """The pact's introduction, governance, partners, signing authority, reporting
    schedule and open-data licence."""
    official_of(actor_id, pact_id)
    pact = _pact(pact_id)
    after = asdict(data)
    fields = changed_fields({name: getattr(pact, name) for name in after}, after)
    for name, value in after.items():
        setattr(pact, name, value)
    if fields:
        record_staff_action(
            actor_id, pact.id, AuditAction.EDIT, "pact", pact.id, fields=fields
        )
    return {"pact": pact.id}


def _pact(pact_id: int) -> Pact:
    pact = db.session.get(Pact, pact_id)
    if pact is None:
        raise DomainError("not_found", _("This pact does not exist."))
    return pact


# --- publishing --------------------------------------------------------------------


@use_case
def publish_pact(actor_id: int, pact_id: int) -> dict[str, Any]:
    """Publish the pact: the official signs it for the authority; its signed
    commitments appear on the public page, in the PDF and in the open data."""
    actor = official_of(actor_id, pact_id)
    pact = _pact(pact_id)
    if pact.published_at is not None:
        raise DomainError("conflict", _("The pact is already published."))
    signed = db.session.scalar(
        select(func.count(Commitment.id)).where(
            Commitment.pact_id == pact_id, Commitment.status.in_(PACT_STATUSES)
        )
    )
    if not signed:
        raise DomainError(
            "conflict", _("Publish the pact once at least one commitment is signed.")
        )
    pact.published_at = utcnow()
    pact.signed_by_id = actor.id
    pact.status = PactStatus.PUBLISHED
    record_staff_action(
        actor.id, pact.id, AuditAction.PUBLISH, "pact", pact.id, commitments=signed
    )
    return {"pact": pact.id, "published_at": pact.published_at.isoformat()}
