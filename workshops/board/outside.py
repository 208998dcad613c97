"""Changes made outside the board (the staff and member pages) to a commitment that
sits on an open board: they reach that board as board events, numbered on its `seq`
in the transaction of the change and broadcast after its commit, like any other."""

from __future__ import annotations

from typing import Any

from commitments.models import Commitment, Signature
from core.time import utcnow
from core.transactions import after_commit
from extensions import db
from workshops.board import broadcast
from workshops.board.objects import commitment_dict, event_dict, signature_dict
from workshops.board.path import take_seq
from workshops.models import BoardEvent


def show_outside_change(
    commitment: Commitment,
    *,
    type: str,
    actor: int,
    signature: Signature | None = None,
) -> None:
    """A change made outside the board (staff or member pages) to a commitment that
    sits on an open board reaches that board as a board event, in the same
    transaction as the change (the `commitment_changed` receiver)."""
    board = commitment.board
    if board is None or board.phase == "closed":
        return
    seq = take_seq(board.id)
    db.session.flush()
    db.session.refresh(commitment)
    data: dict[str, Any] = {"commitment": commitment_dict(commitment)}
    if signature is not None:
        data["signature"] = signature_dict(signature)
    row = BoardEvent(
        board_id=board.id,
        seq=seq,
        type=type,
        actor_id=actor,
        cid=None,
        data=data,
        ack={"ok": True, "seq": seq},
        at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    message = event_dict(row)
    after_commit(lambda: broadcast.publish_event(message))
