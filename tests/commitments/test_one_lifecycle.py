"""One lifecycle whichever way a commitment is changed: the same scenarios run through
the live board's change path and through the pact's pages (the staff pages for the
official, the personal-link pages for the organisations) and must end the same —
status, signatures, co-signers, history and who is asked to sign again."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from commitments.models import Commitment, CommitmentRevision
from commitments.operations import agree_commitment
from core.errors import DomainError
from core.mail import OutboxMessage
from core.models import Pact
from extensions import db
from pacts.publishing import publish_pact
from stakeholders.models import Person
from tests.board.conftest import InProcessBoard, in_process_board
from tests.conftest import PASSWORD, csrf_from
from tests.pacts.factories import open_member_session, post_form
from workshops.board.path import apply_board_change

# Who acts: the lead's, the co-signer's and an outsider's representative (three
# organisations in the room), and the pact's official.
LEAD, CO_SIGNER, OUTSIDER, OFFICIAL = "lead", "co-signer", "outsider", "official"
HTTP_CODES = {403: "forbidden", 404: "not_found", 409: "conflict"}


@dataclass
class Room:
    """A board in the `sign` phase with one commitment, drafted on the board with
    the first organisation as its lead and the second as its co-signer."""

    made: InProcessBoard
    app: Flask
    commitment: int = 0
    cids: list[str] = field(default_factory=list)

    def person(self, who: str) -> int:
        if who == OFFICIAL:
            return self.made.official
        return self.made.seats[(LEAD, CO_SIGNER, OUTSIDER).index(who)].person

    def organisation(self, who: str) -> int:
        return self.made.seats[(LEAD, CO_SIGNER, OUTSIDER).index(who)].organisation

    def on_board(self, who: str, event: str, **fields: Any) -> str | None:
        """Send a board event; None when accepted, else the error code."""
        cid = f"c{len(self.cids)}"
        self.cids.append(cid)
        payload = {"board": self.made.board, "cid": cid, **fields}
        try:
            apply_board_change(self.made.board, self.person(who), event, payload)
        except DomainError as exc:
            return exc.code
        return None

    def load(self) -> Commitment:
        db.session.expire_all()
        commitment = db.session.get(Commitment, self.commitment)
        assert commitment is not None
        return commitment


@pytest.fixture
def room(
    app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
) -> Room:
    made = in_process_board(make_pact, make_staff, "Crates", participants=3)
    room = Room(made, app)
    assert room.on_board(OFFICIAL, "board:phase", phase="draft") is None
    cid = "create"
    ack = apply_board_change(
        made.board,
        room.person(LEAD),
        "commitment:create",
        {
            "board": made.board,
            "cid": cid,
            "title": "Reusable crates for fresh produce",
            "theme": made.theme,
            "lead": room.organisation(LEAD),
            "indicator": {"name": "Boxes", "unit": "k", "baseline": 0, "target": 12},
            "deadline": "2030-12-31",
        },
    )
    room.commitment = int(ack["commitment"]["id"])
    # The co-signer joins the proposal by signing it in the room; its signature goes
    # with the first edit, so it starts every scenario unsigned.
    assert room.on_board(OFFICIAL, "board:phase", phase="sign") is None
    assert (
        room.on_board(CO_SIGNER, "commitment:sign", commitment=room.commitment) is None
    )
    assert (
        room.on_board(
            OFFICIAL,
            "commitment:update",
            commitment=room.commitment,
            version=1,
            action="Deposit crates instead of single-use boxes.",
        )
        is None
    )
    commitment = room.load()
    assert [org.id for org in commitment.co_signers] == [room.organisation(CO_SIGNER)]
    assert commitment.signatures == []
    assert commitment.status == "draft"
    return room


# --- the two ways -------------------------------------------------------------------


class BoardWay:
    name = "board"

    def __init__(self, room: Room) -> None:
        self.room = room

    def sign(self, who: str) -> str | None:
        return self.room.on_board(
            who, "commitment:sign", commitment=self.room.commitment
        )

    def edit_target(self, who: str, target: float) -> str | None:
        commitment = self.room.load()
        indicator = {
            "name": commitment.indicator_name,
            "unit": commitment.indicator_unit,
            "baseline": commitment.indicator_baseline,
            "target": target,
        }
        return self.room.on_board(
            who,
            "commitment:update",
            commitment=commitment.id,
            version=commitment.version,
            indicator=indicator,
        )


class PagesWay:
    name = "pages"

    def __init__(self, room: Room) -> None:
        self.room = room

    def _as(self, who: str) -> FlaskClient:
        """A new visitor: the official logged in, or a stakeholder who opened the
        personal link of their e-mails."""
        client = self.room.app.test_client()
        if who != OFFICIAL:
            open_member_session(client, self.room.person(who))
            return client
        official = db.session.get(Person, self.room.made.official)
        assert official is not None
        token = csrf_from(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login",
            data={"email": official.email, "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302
        return client

    def sign(self, who: str) -> str | None:
        client = self._as(who)
        commitment = self.room.commitment
        if who == OFFICIAL:
            url = f"/staff/p/ilfov/pact/commitments/{commitment}/sign"
            before = len(self.room.load().signatures)
            post_form(client, url, {}, page="/staff/p/ilfov/pact")
            return None if len(self.room.load().signatures) > before else "refused"
        page = client.get("/me/commitments").get_data(as_text=True)
        response = client.post(
            f"/me/commitments/{commitment}/sign",
            data={
                "organisation": self.room.organisation(who),
                "csrf_token": csrf_from(page),
            },
        )
        return HTTP_CODES.get(response.status_code)

    def edit_target(self, who: str, target: float) -> str | None:
        assert who == OFFICIAL, "only officials edit on the staff pages"
        client = self._as(who)
        commitment = self.room.load()
        url = f"/staff/p/ilfov/pact/commitments/{commitment.id}/edit"
        form = {
            "version": str(commitment.version),
            "title": commitment.title,
            "action": commitment.action,
            "theme": str(commitment.theme_id),
            "lead": str(commitment.lead_organisation_id),
            "co_signers": [str(org.id) for org in commitment.co_signers],
            "indicator_name": commitment.indicator_name,
            "indicator_unit": commitment.indicator_unit,
            "indicator_baseline": str(commitment.indicator_baseline),
            "indicator_target": str(target),
            "deadline": commitment.deadline.isoformat(),
            "support_requested": commitment.support_requested,
            "support_promised": commitment.support_promised,
        }
        response = post_form(client, url, form)
        return None if response.status_code == 302 else "refused"


WAYS = [BoardWay, PagesWay]


# --- the scenarios ------------------------------------------------------------------


def agree(room: Room) -> None:
    agree_commitment(room.made.official, room.commitment)


def outcome(room: Room, since: int) -> dict[str, Any]:
    """What a scenario leaves: the status, who signed (organisations; `authority`),
    the co-signers, the history, and whom the last step asked to sign again."""
    commitment = room.load()
    asked = db.session.scalars(
        select(Person.id)
        .join(OutboxMessage, OutboxMessage.recipient == Person.email)
        .where(OutboxMessage.id > since)
    ).all()
    names = {room.organisation(w): w for w in (LEAD, CO_SIGNER, OUTSIDER)}
    people = {room.person(w): w for w in (LEAD, CO_SIGNER, OUTSIDER)}
    return {
        "status": commitment.status,
        "signed": sorted(
            "authority" if s.authority else names[s.organisation_id or 0]
            for s in commitment.signatures
        ),
        "co_signers": sorted(names[org.id] for org in commitment.co_signers),
        "revisions": db.session.query(CommitmentRevision)
        .filter_by(commitment_id=commitment.id)
        .count(),
        "asked_again": sorted(people[p] for p in asked if p in people),
    }


def last_message() -> int:
    return db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0


@pytest.fixture(params=WAYS, ids=lambda way: way.name)
def way(request: pytest.FixtureRequest, room: Room) -> BoardWay | PagesWay:
    return request.param(room)  # type: ignore[no-any-return]


def test_the_lead_signing_an_agreed_commitment_makes_it_signed(room: Room, way):
    agree(room)
    assert way.sign(LEAD) is None
    assert outcome(room, last_message()) == {
        "status": "signed",
        "signed": [LEAD],
        "co_signers": [CO_SIGNER],
        "revisions": 1,
        "asked_again": [],
    }


def test_a_co_signer_signing_leaves_it_agreed(room: Room, way):
    agree(room)
    assert way.sign(CO_SIGNER) is None
    assert outcome(room, last_message())["status"] == "agreed"
    assert outcome(room, last_message())["signed"] == [CO_SIGNER]


def test_an_organisation_that_is_no_party_cannot_sign_an_agreed_commitment(
    room: Room, way
):
    agree(room)
    assert way.sign(OUTSIDER) == "forbidden"
    assert outcome(room, last_message()) == {
        "status": "agreed",
        "signed": [],
        "co_signers": [CO_SIGNER],
        "revisions": 1,
        "asked_again": [],
    }


def test_an_organisation_signing_a_proposal_joins_it_and_it_stays_a_draft(
    room: Room, way
):
    assert way.sign(OUTSIDER) is None
    assert outcome(room, last_message()) == {
        "status": "draft",
        "signed": [OUTSIDER],
        "co_signers": [CO_SIGNER, OUTSIDER],
        "revisions": 1,
        "asked_again": [],
    }


def test_a_proposal_the_lead_signed_is_signed_once_an_official_agrees_it(
    room: Room, way
):
    assert way.sign(LEAD) is None
    assert room.load().status == "draft"
    agree(room)
    assert outcome(room, last_message())["status"] == "signed"


def test_nobody_signs_twice(room: Room, way):
    agree(room)
    assert way.sign(LEAD) is None
    assert way.sign(LEAD) == "conflict"
    assert outcome(room, last_message())["signed"] == [LEAD]


def test_an_official_edit_of_a_signed_commitment_keeps_it_agreed_and_asks_again(
    room: Room, way
):
    agree(room)
    assert way.sign(LEAD) is None
    assert way.sign(CO_SIGNER) is None
    since = last_message()
    assert way.edit_target(OFFICIAL, 10) is None
    assert outcome(room, since) == {
        "status": "agreed",
        "signed": [],
        "co_signers": [CO_SIGNER],
        "revisions": 2,
        "asked_again": [CO_SIGNER, LEAD],
    }
    revision = db.session.scalars(
        select(CommitmentRevision).order_by(CommitmentRevision.id.desc())
    ).first()
    assert revision is not None
    assert revision.changes == {"indicator_target": {"from": 12.0, "to": 10.0}}
    assert revision.signatures_invalidated == 2


def test_where_the_pact_says_so_the_authority_signs_before_it_is_signed(
    room: Room, way
):
    pact = db.session.scalars(select(Pact)).one()
    pact.authority_signs_commitments = True
    db.session.commit()
    agree(room)
    assert way.sign(LEAD) is None
    assert room.load().status == "agreed"
    assert way.sign(OFFICIAL) is None
    assert outcome(room, last_message())["status"] == "signed"
    assert outcome(room, last_message())["signed"] == ["authority", LEAD]


def test_a_participant_edit_on_the_board_is_a_new_proposal(room: Room):
    agree(room)
    assert BoardWay(room).sign(LEAD) is None
    assert room.on_board(OFFICIAL, "board:phase", phase="draft") is None
    assert BoardWay(room).edit_target(LEAD, 10) is None
    assert outcome(room, last_message()) == {
        "status": "draft",
        "signed": [],
        "co_signers": [CO_SIGNER],
        "revisions": 2,
        "asked_again": [],
    }


# --- the gate to the published pact -------------------------------------------------

PUBLIC = ("/p/ilfov", "/p/ilfov/open-data/commitments.json")
PUBLIC_CSV = "/p/ilfov/open-data/commitments.csv"


def published_text(client: FlaskClient, commitment: int) -> dict[str, str]:
    """What the public sees of the pact: its page, the PDF's text, the open data, and
    the commitment's own page."""
    seen = {path: client.get(path).get_data(as_text=True) for path in PUBLIC}
    seen[PUBLIC_CSV] = client.get(PUBLIC_CSV).get_data(as_text=True)
    pdf = PdfReader(io.BytesIO(client.get("/p/ilfov/pact.pdf").data))
    seen["pdf"] = " ".join(page.extract_text() for page in pdf.pages)
    own = client.get(f"/p/ilfov/commitments/{commitment}")
    seen["own page"] = own.get_data(as_text=True) if own.status_code == 200 else ""
    return seen


def test_a_commitment_signed_on_the_board_is_published_only_once_agreed(room: Room):
    # The pact is published with the room's first commitment, agreed and signed.
    agree(room)
    assert BoardWay(room).sign(LEAD) is None
    publish_pact(room.made.official, room.load().pact_id)
    first = room.commitment
    # A second proposal is drafted and signed in the room, by its lead and the
    # authority: still a proposal.
    assert room.on_board(OFFICIAL, "board:phase", phase="draft") is None
    ack = apply_board_change(
        room.made.board,
        room.person(LEAD),
        "commitment:create",
        {
            "board": room.made.board,
            "cid": "second",
            "title": "Solar panels on the depot",
            "theme": room.made.theme,
            "lead": room.organisation(LEAD),
            "indicator": {"name": "Roofs", "unit": "roofs", "baseline": 0, "target": 3},
            "deadline": "2029-06-30",
        },
    )
    room.commitment = int(ack["commitment"]["id"])
    assert room.on_board(OFFICIAL, "board:phase", phase="sign") is None
    assert BoardWay(room).sign(LEAD) is None
    assert BoardWay(room).sign(OFFICIAL) is None
    assert room.load().status == "draft"

    visitor = room.app.test_client()
    before = published_text(visitor, room.commitment)
    for name, text in before.items():
        assert ("Reusable crates" in text) is (name != "own page"), name
    for name, text in before.items():
        assert "Solar panels on the depot" not in text, name
    assert visitor.get(f"/p/ilfov/commitments/{room.commitment}").status_code == 404

    agree(room)

    after = published_text(visitor, room.commitment)
    for name, text in after.items():
        assert "Solar panels on the depot" in text, name
    assert first != room.commitment
