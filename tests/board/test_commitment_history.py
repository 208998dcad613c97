"""A commitment edited on the board keeps the same history as one edited on the
staff pages: who changed which field from what to what, and the signatures the edit
invalidated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from choices import Role
from extensions import db
from pacts.models import CommitmentRevision, Theme
from workshops.board.services import apply_board_change
from workshops.services import WorkshopData, bulk_participants, create_workshop


def test_a_commitment_edited_on_the_board_keeps_its_history(
    app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
):
    pact = make_pact("ilfov")
    facilitator = make_staff(Role.FACILITATOR)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    created = create_workshop(
        make_staff(Role.OFFICIAL),
        pact,
        WorkshopData("History", starts_at=start, ends_at=start + timedelta(hours=2)),
    )
    board = created["board"]
    (person, organisation, _token), *_ = bulk_participants(created["workshop"], 1, 60)
    theme = db.session.scalars(select(Theme.id).where(Theme.pact_id == pact)).first()

    def change(actor: int, event: str, cid: str, **fields: object) -> dict:
        return apply_board_change(
            board, actor, event, {"board": board, "cid": cid, **fields}
        )

    change(facilitator, "board:phase", "p1", phase="draft")
    made = change(
        person,
        "commitment:create",
        "c1",
        title="Reusable crates",
        theme=theme,
        lead=organisation,
        indicator={"name": "Waste", "unit": "t", "baseline": 120, "target": 80},
        deadline="2028-12-31",
    )["commitment"]
    change(facilitator, "board:phase", "p2", phase="sign")
    change(person, "commitment:sign", "s1", commitment=made["id"])
    change(facilitator, "board:phase", "p3", phase="draft")
    change(
        person,
        "commitment:update",
        "u1",
        commitment=made["id"],
        version=1,
        indicator={"name": "Waste", "unit": "t", "baseline": 120, "target": 60},
    )

    revision = db.session.scalars(select(CommitmentRevision)).one()
    assert revision.commitment_id == made["id"]
    assert revision.version == 1
    assert revision.changed_by_id == person
    assert revision.changes == {"indicator_target": {"from": 80.0, "to": 60.0}}
    assert revision.signatures_invalidated == 1
