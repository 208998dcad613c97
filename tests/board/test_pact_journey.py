"""The whole path of issue 6, end to end over real parts: two commitments drafted on
a live board (a real `python app.py`, Socket.IO clients), agreed by the official
(staff pages), signed by the lead and the co-signer through the personal links their
e-mails carry, the pact published, progress reported twice by the lead, and the public
page and the open data showing the latest value and the share of the way from
baseline to target (for a rising target and for a cut)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from sqlalchemy import select

from commitments.models import Commitment
from core.mail import OutboxMessage
from extensions import db
from stakeholders.models import Person
from tests.board.conftest import (
    OFFICIAL_EMAIL,
    PACT,
    SECRET,
    BoardSetup,
    LiveBoard,
    Seat,
)
from tests.conftest import PASSWORD, build_app, csrf_from
from tests.pacts.factories import post_form

LINK = re.compile(r"https?://[^\s/]+(/me/link/[A-Za-z0-9_.\-]+)")
STAFF = f"/staff/p/{PACT}/pact"


@pytest.fixture
def http(live_board: LiveBoard) -> Iterator[Flask]:
    """An app in this process on the live server's database, for the HTTP steps."""
    url = live_board.seeder.app.config["SQLALCHEMY_DATABASE_URI"]
    app = build_app(url, SECRET_KEY=SECRET)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def draft_on_the_board(live_board: LiveBoard, setup: BoardSetup) -> list[int]:
    """The lead drafts a cut (120 → 80 t) and a rise (0 → 30 roofs) in `draft`."""
    lead: Seat = setup.participants[0]
    facilitator = live_board.joined(setup.facilitator, setup.board)
    assert facilitator.change(setup.board, "board:phase", phase="draft")["ok"]
    writer = live_board.joined(lead.token, setup.board)
    drafted = []
    for title, name, unit, baseline, target in (
        ("Half the packaging waste", "Packaging waste", "t/year", 120, 80),
        ("Solar panels on 30 roofs", "Roofs with solar panels", "roofs", 0, 30),
    ):
        ack = writer.change(
            setup.board,
            "commitment:create",
            title=title,
            action="Drafted together in the workshop.",
            theme=setup.themes[0],
            lead=lead.organisation,
            indicator={
                "name": name,
                "unit": unit,
                "baseline": baseline,
                "target": target,
            },
            deadline="2029-12-31",
            support_requested="A pilot with the county.",
            source_cards=[],
        )
        assert ack["ok"], ack
        drafted.append(int(ack["commitment"]["id"]))
    return drafted


def logged_in_official(app: Flask) -> FlaskClient:
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": OFFICIAL_EMAIL, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    return client


def add_cosigner(official: FlaskClient, commitment: int, setup: BoardSetup) -> None:
    edit = f"{STAFF}/commitments/{commitment}/edit"
    page = official.get(edit).get_data(as_text=True)
    title = re.search(r'name="title"[^>]*value="([^"]*)"', page)
    assert title is not None
    cut = "waste" in title.group(1)
    response = official.post(
        edit,
        data={
            "csrf_token": csrf_from(page),
            "version": "1",
            "title": title.group(1),
            "action": "Drafted together in the workshop.",
            "theme": str(setup.themes[0]),
            "lead": str(setup.participants[0].organisation),
            "co_signers": [str(setup.participants[1].organisation)],
            "indicator_name": "Packaging waste" if cut else "Roofs with solar panels",
            "indicator_unit": "t/year" if cut else "roofs",
            "indicator_baseline": "120" if cut else "0",
            "indicator_target": "80" if cut else "30",
            "deadline": "2029-12-31",
            "support_requested": "A pilot with the county.",
            "support_promised": "The county hosts the pilot.",
        },
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)


def personal_link(person_id: int) -> str:
    """The path of the newest personal link e-mailed to the person."""
    person = db.session.get(Person, person_id)
    assert person is not None
    bodies = db.session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.recipient == person.email)
        .order_by(OutboxMessage.id.desc())
    )
    for body in bodies:
        if found := LINK.search(body):
            return found.group(1)
    raise AssertionError(f"no personal link was e-mailed to person {person_id}")


def member_client(app: Flask, seat: Seat) -> FlaskClient:
    client = app.test_client()
    response = client.get(personal_link(seat.person))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/me/commitments")
    return client


def sign(client: FlaskClient, commitment: int, seat: Seat) -> None:
    response = post_form(
        client,
        f"/me/commitments/{commitment}/sign",
        {"organisation": str(seat.organisation)},
        "/me/commitments",
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)


def report(client: FlaskClient, commitment: int, day: str, value: str) -> None:
    prefix = f"c{commitment}-"
    response = post_form(
        client,
        f"/me/commitments/{commitment}/progress",
        {
            f"{prefix}reported_on": day,
            f"{prefix}value": value,
            f"{prefix}narrative": f"Measured {value} on {day}.",
            f"{prefix}status": "in progress",
        },
        "/me/commitments",
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)


def test_commitments_go_from_the_board_to_the_published_pact_and_its_progress(
    live_board: LiveBoard, http: Flask
):
    setup = live_board.new_board(3)
    lead, cosigner = setup.participants[:2]
    cut, rise = draft_on_the_board(live_board, setup)

    official = logged_in_official(http)
    for commitment in (cut, rise):
        add_cosigner(official, commitment, setup)
        agreed = post_form(
            official, f"{STAFF}/commitments/{commitment}/agree", {}, STAFF
        )
        assert agreed.status_code in (302, 303)

    # The lead and the co-signer sign through the links their e-mails carry.
    lead_client = member_client(http, lead)
    cosigner_client = member_client(http, cosigner)
    for commitment in (cut, rise):
        sign(lead_client, commitment, lead)
        sign(cosigner_client, commitment, cosigner)
    db.session.expire_all()
    statuses = db.session.scalars(
        select(Commitment.status).where(Commitment.id.in_([cut, rise]))
    )
    assert list(statuses) == ["signed", "signed"]

    published = post_form(official, f"{STAFF}/publish", {"confirm": "y"}, STAFF)
    assert published.status_code in (302, 303)

    # Two reports each; the second is the latest.
    report(lead_client, cut, "2026-01-15", "110")
    report(lead_client, rise, "2026-01-15", "6")
    report(lead_client, cut, "2026-06-15", "100")
    report(lead_client, rise, "2026-06-15", "12")

    page = http.test_client().get(f"/p/{PACT}").get_data(as_text=True)
    for title in ("Half the packaging waste", "Solar panels on 30 roofs"):
        assert title in page
    assert "50% of the way from baseline to target" in page  # 120 → 100 of → 80
    assert "40% of the way from baseline to target" in page  # 0 → 12 of → 30

    public = http.test_client()
    data = public.get(f"/p/{PACT}/open-data/commitments.json").get_json()
    schema = public.get("/open-data/commitments.schema.json").get_json()
    Draft202012Validator(schema).validate(data)
    by_id = {c["id"]: c for c in data["commitments"]}
    assert by_id[cut]["latest"] == {
        "date": "2026-06-15",
        "value": 100,
        "verification": "self-reported",
    }
    assert by_id[cut]["progress_percent"] == 50
    assert by_id[rise]["latest"] == {
        "date": "2026-06-15",
        "value": 12,
        "verification": "self-reported",
    }
    assert by_id[rise]["progress_percent"] == 40
    assert [r["value"] for r in by_id[cut]["reports"]] == [110, 100]
    signers = {
        o["id"]: o["signed"] for o in [by_id[cut]["lead"], *by_id[cut]["co_signers"]]
    }
    assert signers == {lead.organisation: True, cosigner.organisation: True}

    csv_text = public.get(f"/p/{PACT}/open-data/commitments.csv").get_data(as_text=True)
    assert "Half the packaging waste" in csv_text
