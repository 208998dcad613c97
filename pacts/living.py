"""The living pact after its publication: an official withdraws a commitment of the
published pact with a reason (it leaves the pact's totals and list, and stays in its
history), and the pact's public change log as its page shows it (the publication,
commitments that joined or were withdrawn, changes of the pact document). The entries
themselves are written by commitments.changes."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commitments import lifecycle
from commitments.changes import record_pact_change
from commitments.lifecycle import Action, Standing
from commitments.models import PactChange, PactChangeKind
from commitments.operations import commitment_changed, pact_commitment
from core.audit import AuditAction, record_staff_action
from core.choices import REASON_MAX, CommitmentStatus
from core.errors import DomainError
from core.models import THEME_TEXT, Pact
from core.pacts import theme_label
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from pacts.document_form import language_name
from stakeholders.services import official_of


@use_case
def withdraw_commitment(
    actor_id: int, pact_id: int, commitment_id: int, reason: str
) -> dict[str, Any]:
    """Withdraw a commitment of the published pact (an official), giving the public
    the reason: it is closed, leaves the pact's figures, and the change log keeps
    it with its reason."""
    commitment = pact_commitment(pact_id, commitment_id)
    official_of(actor_id, pact_id)
    if commitment.pact.published_at is None:
        raise DomainError(
            "conflict", _("Only a commitment of the published pact can be withdrawn.")
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(
            "invalid", _("Please say why the commitment is withdrawn."), "reason"
        )
    if len(reason) > REASON_MAX:
        raise DomainError(
            "invalid",
            _("Please use at most %(max)d characters.", max=REASON_MAX),
            "reason",
        )
    before = commitment.status
    lifecycle.check(Standing.OFFICIAL, before, Action.WITHDRAW)
    now = utcnow()
    commitment.status = CommitmentStatus.WITHDRAWN
    commitment.status_reason = reason
    commitment.withdrawn_at = now
    commitment.updated_at = now
    record_pact_change(
        pact_id, PactChangeKind.WITHDRAWN, now, commitment.id, reason=reason
    )
    commitment_changed.send(commitment, type="commitment:update", actor=actor_id)
    record_staff_action(
        actor_id,
        pact_id,
        AuditAction.WITHDRAW_COMMITMENT,
        "commitment",
        commitment.id,
        status=before,
    )
    return {"commitment": commitment.id, "status": commitment.status}


# The pact document's fields as its form names them (what a change lists).
DOCUMENT_LABELS: dict[str, Any] = {
    "title": _l("Title"),
    "introduction": _l("Introduction"),
    "governance": _l("Governance"),
    "partners": _l("Partners"),
    "authority_name": _l("Public authority that signs the pact"),
    "report_frequency": _l("Progress reports are due"),
    "licence": _l("Licence of the open data"),
    "authority_signs_commitments": _l("The public authority signs every commitment"),
}


def document_field_label(pact: Pact, field: str) -> str:
    """A changed field of the document as a person reads it: `ro:theme:energy` is
    the theme's name in Romanian, `it:title` the title in Italian."""
    language, name = field.split(":", 1) if ":" in field else ("", field)
    if name.startswith(THEME_TEXT):
        key = name.removeprefix(THEME_TEXT)
        theme = next((t for t in pact.themes if t.key == key), None)
        label = f"{_('Theme')}: {theme_label(theme) if theme else key}"
    else:
        label = str(DOCUMENT_LABELS.get(name, name))
    return f"{label} ({language_name(language)})" if language else label


def change_log(pact: Pact) -> list[dict[str, Any]]:
    """The pact's public change log, newest first: each entry's kind and time, the
    commitment it is about (id and title, whether its page is public), the
    withdrawal's reason, the publication's number of commitments, a document
    change's fields (as stored, and named for a person)."""
    changes = db.session.scalars(
        select(PactChange)
        .where(PactChange.pact_id == pact.id)
        .options(selectinload(PactChange.commitment))
        .order_by(PactChange.at.desc(), PactChange.id.desc())
    )
    return [_entry(pact, change) for change in changes]


def _entry(pact: Pact, change: PactChange) -> dict[str, Any]:
    commitment = change.commitment
    return {
        "at": change.at,
        "kind": change.kind,
        "commitment": None
        if commitment is None
        else {"id": commitment.id, "title": commitment.title},
        "reason": change.reason,
        "commitments": change.details.get("commitments"),
        "fields": list(change.details.get("fields", [])),
        "field_labels": [
            document_field_label(pact, field)
            for field in change.details.get("fields", [])
        ],
    }
