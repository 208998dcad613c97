"""A person with a footprint everywhere GreenPact keeps data, for the personal-data
tests: Maria (approved registration with consent, a workshop place, a card and a
comment quoting her phone, votes, a commitment her organisation leads and signed on
the board, a progress report with an evidence file, e-mails) and Ion beside her on
the same board, whose data must never appear in Maria's export. Built through the
real use cases; call inside an app context."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, String, Text, select

from commitments.operations import agree_commitment
from core.models import Pact
from extensions import db
from pacts.monitoring import Evidence
from pacts.publishing import publish_pact
from tests.pacts.factories import report, theme_id, write_document
from workshops.board.path import apply_board_change
from workshops.enrolment import enrol_people
from workshops.models import Board, BoardEvent
from workshops.scheduling import WorkshopData, create_workshop

MARIA = {
    "contact_name": "Maria Popescu-Vlad",
    "contact_email": "maria.popescu@ecopack-erase.ro",
    "contact_phone": "+40722999888",
    "organisation_name": "EcoPack Ambalaje SRL",
    "motivation": "Maria Popescu-Vlad wants less packaging waste.",
}
ION = {
    "contact_name": "Ion Ionescu-Verde",
    "contact_email": "ion.ionescu@fermaverde-erase.ro",
    "contact_phone": "+40731111222",
    "organisation_name": "Ferma Verde SRL",
}
MARIA_CARD = "Returnable crates: call Maria Popescu-Vlad on +40722999888"
ION_CARD = "Ion's idea: compost from the farm"
EVIDENCE_NAME = "crates-maria-popescu-vlad.pdf"


@dataclass(frozen=True)
class Story:
    pact: int
    official: int
    facilitator: int
    board: int
    maria: int
    maria_organisation: int
    ion: int
    commitment: int


def build_story(
    make_staff: Callable[..., int], make_registration: Callable[..., dict[str, Any]]
) -> Story:
    official = make_staff("official")
    facilitator = make_staff("facilitator")
    maria = make_registration(status="approved", **MARIA)
    ion = make_registration(status="approved", **ION)
    pact = db.session.scalars(select(Pact.id)).one()
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    workshop = create_workshop(
        official,
        pact,
        WorkshopData("Packaging", starts_at=start, ends_at=start + timedelta(hours=2)),
    )
    enrol_people(official, workshop["workshop"], [maria["person"], ion["person"]])
    board = workshop["board"]
    theme = theme_id(pact)
    counter = iter(range(1, 1000))

    def change(actor: int, event: str, **fields: object) -> dict[str, Any]:
        payload = {"board": board, "cid": f"c{next(counter)}", **fields}
        return apply_board_change(board, actor, event, payload)

    change(facilitator, "board:phase", phase="ideas")
    card = change(maria["person"], "card:create", theme=theme, text=MARIA_CARD)["card"]
    change(ion["person"], "card:create", theme=theme, text=ION_CARD)
    change(maria["person"], "comment:add", card=card["id"], text="Maria Popescu-Vlad")
    change(facilitator, "board:phase", phase="vote")
    change(maria["person"], "vote:cast", card=card["id"])
    change(facilitator, "board:phase", phase="draft")
    made = change(
        maria["person"],
        "commitment:create",
        title="Reusable crates",
        theme=theme,
        lead=maria["organisation"],
        indicator={"name": "Crates", "unit": "crates", "baseline": 0, "target": 500},
        deadline="2028-12-31",
    )["commitment"]
    change(facilitator, "board:phase", phase="sign")
    change(maria["person"], "commitment:sign", commitment=made["id"])
    agree_commitment(official, made["id"])
    write_document(official, pact)
    publish_pact(official, pact)
    report(
        maria["person"],
        pact,
        made["id"],
        120,
        narrative="Maria Popescu-Vlad counted 120 crates.",
        evidence=Evidence(EVIDENCE_NAME, b"%PDF-1.4 crates"),
    )
    return Story(
        pact,
        official,
        facilitator,
        board,
        maria["person"],
        maria["organisation"],
        ion["person"],
        made["id"],
    )


def maria_values() -> list[str]:
    return [MARIA["contact_name"], MARIA["contact_email"], MARIA["contact_phone"]]


def traces_of(values: list[str]) -> list[str]:
    """Every (table.column, value) of the whole database holding one of the values:
    each text column, and each JSON document as it decodes."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)).all():
            for column, cell in zip(columns, row, strict=True):
                text = (
                    json.dumps(cell, ensure_ascii=False)
                    if isinstance(column.type, JSON)
                    else str(cell or "")
                )
                found += [
                    f"{table.name}.{column.name}: {value}"
                    for value in values
                    if value.lower() in text.lower()
                ]
    return found


def board_history(board_id: int) -> tuple[int, list[int]]:
    """The board's seq and the seqs of its events, in order."""
    board = db.session.get(Board, board_id, populate_existing=True)
    assert board is not None
    seqs = db.session.scalars(
        select(BoardEvent.seq)
        .where(BoardEvent.board_id == board_id)
        .order_by(BoardEvent.seq)
    ).all()
    return board.seq, list(seqs)
