"""The living pact: a published pact goes on changing, and keeps a public change log
of it (`PactChange`). Here are the entries every package writes: a commitment
joining the published pact once it passes the lifecycle's gate, wherever that
happens (a signature on the board or on a member page, an official's agreement);
the publication; a withdrawal; a change of the pact's document. They join the
caller's unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from commitments import lifecycle
from commitments.models import Commitment, PactChange, PactChangeKind
from core.time import utcnow
from extensions import db


def record_pact_change(
    pact_id: int,
    kind: PactChangeKind,
    at: datetime,
    commitment_id: int | None = None,
    reason: str = "",
    **details: int | Sequence[str],
) -> None:
    """Append an entry to the pact's public change log."""
    db.session.add(
        PactChange(
            pact_id=pact_id,
            kind=kind,
            at=at,
            commitment_id=commitment_id,
            reason=reason,
            details=dict(details),
        )
    )


def enter_pact(commitment: Commitment) -> None:
    """Called once a commitment's status settles: one that now joins the published
    pact gets its joining date and an entry in the change log."""
    published = commitment.pact.published_at is not None
    joined = commitment.joined_at is not None
    if not lifecycle.joins_pact(commitment.status, published, joined):
        return
    commitment.joined_at = utcnow()
    db.session.flush()
    record_pact_change(
        commitment.pact_id,
        PactChangeKind.JOINED,
        commitment.joined_at,
        commitment.id,
    )
