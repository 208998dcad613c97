"""The live board's pages over HTTP: who may open the board, its summary (HTML, CSV
and XLSX) and its history; what the summary and history show of changes made through
`apply_board_change`; user text escaped everywhere; the board's forms without
JavaScript."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from commitments.models import Signature
from commitments.operations import agree_commitment
from core.models import Theme
from extensions import db
from stakeholders.models import Person
from tests.conftest import csrf_from
from tests.workshops.conftest import TIMEZONE, open_participant_session
from tests.workshops.factories import (
    approved_people,
    enrolment_of,
    load_workshop,
    new_workshop,
    running_workshop,
)
from workshops.board.path import apply_board_change
from workshops.board.rules import BoardError, client_rules
from workshops.enrolment import enrol_people
from workshops.invitations import mark_attendance
from workshops.models import Board, BoardEvent, Card, Comment

PAGES = (
    "board",
    "board/summary",
    "board/summary.csv",
    "board/summary.xlsx",
    "board/history",
)
MARKUP = "<script>alert('board')</script>"


@dataclass(frozen=True)
class Setup:
    workshop: int
    board: int
    official: int
    facilitator: int
    participants: list[int]
    themes: list[int]

    def url(self, page: str) -> str:
        return f"/w/{self.workshop}/{page}"

    def change(self, actor: int, event: str, **payload: Any) -> dict[str, Any]:
        return apply_board_change(
            self.board, actor, event, {"cid": uuid.uuid4().hex, **payload}
        )

    def phase(self, phase: str) -> None:
        self.change(self.facilitator, "board:phase", phase=phase)


@pytest.fixture
def setup(
    pact: int,
    official: int,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
) -> Setup:
    """A running workshop of "ilfov" with two enrolled participants (each with an
    approved organisation), its board in the lobby, and a facilitator of the pact."""
    facilitator = make_staff("facilitator")
    workshop_id = running_workshop(official, pact)
    participants = approved_people(make_registration, 2)
    enrol_people(official, workshop_id, participants)
    themes = db.session.scalars(
        select(Theme.id).where(Theme.pact_id == pact).order_by(Theme.position)
    )
    return Setup(
        workshop=workshop_id,
        board=load_workshop(workshop_id).board.id,
        official=official,
        facilitator=facilitator,
        participants=participants,
        themes=list(themes),
    )


def organisation_of(person_id: int) -> int:
    person = db.session.get(Person, person_id)
    assert person is not None
    assert person.organisation_id is not None
    return person.organisation_id


def organisation_name(person_id: int) -> str:
    person = db.session.get(Person, person_id)
    assert person is not None
    assert person.organisation is not None
    return person.organisation.name


def commitment_payload(setup: Setup, lead: int, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": "Reusable crates for 3 SMEs",
        "action": "Replace cardboard with reusable crates.",
        "theme": setup.themes[0],
        "lead": lead,
        "indicator": {
            "name": "Cardboard",
            "unit": "t/year",
            "baseline": 12,
            "target": 4,
        },
        "deadline": "2031-06-30",
        "support_requested": "Mentoring",
        "source_cards": [],
    }
    payload.update(overrides)
    return payload


def a_full_session(setup: Setup) -> dict[str, int]:
    """Ideas, a cluster, votes, a commitment signed by both organisations."""
    alice, bob = setup.participants
    setup.phase("ideas")
    first = setup.change(
        alice, "card:create", theme=setup.themes[0], text="Reuse crates"
    )
    second = setup.change(
        bob, "card:create", theme=setup.themes[0], text="Share crates"
    )
    lonely = setup.change(
        bob, "card:create", theme=setup.themes[1], text="Bike couriers"
    )
    head, member = first["card"], second["card"]
    setup.change(
        setup.facilitator,
        "card:move",
        card=member["id"],
        version=member["version"],
        cluster=head["id"],
    )
    setup.phase("vote")
    for _n in range(3):
        setup.change(alice, "vote:cast", card=lonely["card"]["id"])
    setup.change(bob, "vote:cast", card=head["id"])
    setup.phase("draft")
    created = setup.change(
        alice,
        "commitment:create",
        **commitment_payload(
            setup, organisation_of(alice), source_cards=[head["id"], member["id"]]
        ),
    )
    setup.phase("sign")
    commitment = created["commitment"]["id"]
    setup.change(alice, "commitment:sign", commitment=commitment)
    setup.change(bob, "commitment:sign", commitment=commitment)
    return {
        "head": head["id"],
        "member": member["id"],
        "lonely": lonely["card"]["id"],
        "commitment": commitment,
    }


# --- access ------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(
    client: FlaskClient, setup: Setup, page: str
) -> None:
    response = client.get(setup.url(page))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("page", PAGES)
def test_staff_of_another_pact_get_404(
    client: FlaskClient,
    setup: Setup,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
    page: str,
) -> None:
    login(make_staff("official", pacts=("torino",)))

    assert client.get(setup.url(page)).status_code == 404


@pytest.mark.parametrize("role", ["official", "facilitator"])
def test_staff_of_the_pact_open_every_page(
    client: FlaskClient, setup: Setup, login: Callable[[int], None], role: str
) -> None:
    login(setup.official if role == "official" else setup.facilitator)

    for page in PAGES:
        assert client.get(setup.url(page)).status_code == 200, page


def test_an_enrolled_participant_opens_the_board_and_summary_only(
    client: FlaskClient, setup: Setup
) -> None:
    open_participant_session(client, setup.workshop, setup.participants[0])

    assert client.get(setup.url("board")).status_code == 200
    assert client.get(setup.url("board/summary")).status_code == 200
    assert client.get(setup.url("board/history")).status_code == 403
    assert client.get(setup.url("board/summary.csv")).status_code == 403
    assert client.get(setup.url("board/summary.xlsx")).status_code == 403


def test_a_participant_of_another_workshop_gets_404(
    client: FlaskClient,
    setup: Setup,
    pact: int,
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    other = new_workshop(setup.official, pact)
    (stranger,) = approved_people(make_registration, 1)
    enrol_people(setup.official, other, [stranger])
    open_participant_session(client, other, stranger)

    for page in PAGES:
        assert client.get(setup.url(page)).status_code == 404, page
    assert client.get("/w/999999/board").status_code == 404


def test_a_removed_participant_may_not_open_the_board(
    client: FlaskClient, setup: Setup
) -> None:
    removed = setup.participants[1]
    open_participant_session(client, setup.workshop, removed)
    setup.change(setup.facilitator, "participant:remove", person=removed, reason="x")

    assert client.get(setup.url("board")).status_code == 403


# --- the board page ------------------------------------------------------------------


def test_the_board_page_carries_what_the_script_needs(
    client: FlaskClient, setup: Setup
) -> None:
    alice = setup.participants[0]
    open_participant_session(client, setup.workshop, alice)

    html = client.get(setup.url("board")).get_data(as_text=True)

    assert f'data-board="{setup.board}"' in html
    assert f'data-person="{alice}"' in html
    assert 'data-role="participant"' in html
    assert 'data-socket-path="/socket.io"' in html
    assert f'data-organisation="{organisation_of(alice)}"' in html
    assert 'src="/static/js/board/main.js"' in html
    assert 'type="module"' in html
    assert 'id="board-status" role="status" aria-live="polite"' in html
    assert 'id="board-announcer" aria-live="polite"' in html
    assert html.count('class="board-column"') == len(setup.themes)
    assert 'id="commitment-form"' in html
    assert organisation_name(alice) in html  # a lead organisation to choose
    assert "Facilitator tools" not in html


def test_the_board_page_carries_the_servers_rules_for_the_script(
    client: FlaskClient, setup: Setup
) -> None:
    open_participant_session(client, setup.workshop, setup.participants[0])

    html_text = client.get(setup.url("board")).get_data(as_text=True)

    found = re.search(
        r'<script type="application/json" id="board-rules">(.*?)</script>', html_text
    )
    assert found is not None
    assert json.loads(html.unescape(found.group(1))) == client_rules()


def test_the_board_page_has_no_inline_script_or_style(
    client: FlaskClient, setup: Setup
) -> None:
    """So that a CSP without 'unsafe-inline' lets it work: scripts are modules from
    /static or JSON data, and no element carries a style attribute."""
    open_participant_session(client, setup.workshop, setup.participants[0])

    html_text = client.get(setup.url("board")).get_data(as_text=True)

    scripts = re.findall(r"<script\b([^>]*)>", html_text)
    assert scripts
    for attributes in scripts:
        assert 'type="application/json"' in attributes or (
            'type="module"' in attributes and 'src="/static/' in attributes
        ), attributes
    assert not re.search(r"\sstyle=", html_text)
    assert not re.search(r"\son[a-z]+=", html_text)


def test_facilitators_get_the_toolbar_and_see_hidden_cards(
    client: FlaskClient, setup: Setup, login: Callable[[int], None], app: Flask
) -> None:
    setup.phase("ideas")
    card = setup.change(
        setup.participants[0], "card:create", theme=setup.themes[0], text="Rude words"
    )["card"]
    setup.change(setup.facilitator, "card:hide", card=card["id"], hidden=True)
    participant = app.test_client()
    open_participant_session(participant, setup.workshop, setup.participants[1])
    login(setup.facilitator)

    staff_html = client.get(setup.url("board")).get_data(as_text=True)
    participant_html = participant.get(setup.url("board")).get_data(as_text=True)

    assert "Facilitator tools" in staff_html
    assert 'data-role="facilitator"' in staff_html
    assert 'id="phase-select"' in staff_html
    assert "Rude words" in staff_html
    assert "card--hidden" in staff_html
    assert "Rude words" not in participant_html


def test_the_new_card_form_works_without_javascript(
    client: FlaskClient, setup: Setup
) -> None:
    setup.phase("ideas")
    open_participant_session(client, setup.workshop, setup.participants[0])
    html = client.get(setup.url("board")).get_data(as_text=True)
    cid = re.search(r'name="cid" value="([^"]+card:create[^"]*)"', html)
    assert cid is not None
    form = {
        "csrf_token": csrf_from(html),
        "event": "card:create",
        "cid": cid.group(1),
        "theme": str(setup.themes[0]),
        "text": "Sent without JavaScript",
        "kind": "need",
    }

    first = client.post(setup.url("board/changes"), data=form)
    again = client.post(setup.url("board/changes"), data=form)  # a double submit

    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == setup.url("board")
    texts = db.session.scalars(select(Card.text).where(Card.board_id == setup.board))
    assert list(texts) == ["Sent without JavaScript"]
    page = client.get(setup.url("board")).get_data(as_text=True)
    assert "Sent without JavaScript" in page


def test_the_vote_settings_form_works_without_javascript(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    login(setup.facilitator)
    html = client.get(setup.url("board")).get_data(as_text=True)
    fields = {
        "csrf_token": csrf_from(html),
        "event": "vote:settings",
        "budget": "3",
        "per_card": "2",
    }

    saved = client.post(setup.url("board/changes"), data=fields)
    refused = client.post(
        setup.url("board/changes"),
        data={**fields, "per_card": "4"},
        follow_redirects=True,
    )

    assert saved.status_code == 302
    board = db.session.get(Board, setup.board)
    assert board is not None
    db.session.refresh(board)
    assert (board.vote_budget, board.vote_per_card) == (3, 2)
    assert "Please check what you wrote." in refused.get_data(as_text=True)


def test_a_refused_form_change_is_explained(client: FlaskClient, setup: Setup) -> None:
    open_participant_session(client, setup.workshop, setup.participants[0])
    html = client.get(setup.url("board")).get_data(as_text=True)

    response = client.post(
        setup.url("board/changes"),
        data={
            "csrf_token": csrf_from(html),
            "event": "card:create",
            "theme": str(setup.themes[0]),
            "text": "Too early",
        },
        follow_redirects=True,
    )

    assert "This is not possible in the current phase." in response.get_data(
        as_text=True
    )
    count = db.session.scalar(select(func.count()).select_from(Card))
    assert count == 0


def test_only_the_forms_events_can_be_posted(client: FlaskClient, setup: Setup) -> None:
    open_participant_session(client, setup.workshop, setup.participants[0])
    html = client.get(setup.url("board")).get_data(as_text=True)

    response = client.post(
        setup.url("board/changes"),
        data={"csrf_token": csrf_from(html), "event": "participant:remove"},
    )

    assert response.status_code == 400


# --- summary -------------------------------------------------------------------------


def test_the_summary_shows_commitments_top_cards_clusters_and_attendance(
    client: FlaskClient, setup: Setup
) -> None:
    ids = a_full_session(setup)
    alice, bob = setup.participants
    mark_attendance(setup.official, enrolment_of(setup.workshop, alice).id, "present")
    setup.change(setup.facilitator, "vote:reveal", revealed=True)
    open_participant_session(client, setup.workshop, bob)

    html = client.get(setup.url("board/summary")).get_data(as_text=True)

    commitments = html.index("Reusable crates for 3 SMEs")
    assert organisation_name(alice) in html[commitments:]
    assert organisation_name(bob) in html[commitments:]
    assert "Cardboard: 12 → 4 t/year" in html
    top = html[html.index('class="summary-top"') :]
    assert top.index("Bike couriers") < top.index("Reuse crates")
    assert "3 votes on this card" in top
    assert "1 vote on this card" in top
    cluster = html[html.index('class="card summary-cluster"') :]
    assert cluster.index("Reuse crates") < cluster.index("Share crates")
    assert "1 vote in this cluster" in cluster
    attendance = html[html.index('id="attendance-title"') :]
    assert "Present" in attendance
    assert "Not recorded" in attendance
    assert ids["commitment"]


def test_the_summary_hides_the_votes_from_participants_until_the_reveal(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    a_full_session(setup)
    open_participant_session(client, setup.workshop, setup.participants[1])

    hidden = client.get(setup.url("board/summary")).get_data(as_text=True)
    login(setup.facilitator)
    staff = client.get(setup.url("board/summary")).get_data(as_text=True)

    assert "Votes are hidden until the facilitator reveals them." in hidden
    assert "on this card" not in hidden
    assert "in this cluster" not in hidden
    assert "3 votes on this card" in staff


def test_the_summary_csv_has_a_bom_and_neutralised_cells(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    a_full_session(setup)
    setup.phase("ideas")
    setup.change(
        setup.participants[0],
        "card:create",
        theme=setup.themes[0],
        text='=HYPERLINK("http://evil.example","x")',
    )
    login(setup.facilitator)

    response = client.get(setup.url("board/summary.csv"))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    sections = {row["section"] for row in rows}
    assert sections == {"card", "commitment", "signature", "attendance"}
    texts = [row["text"] for row in rows if row["section"] == "card"]
    assert '\'=HYPERLINK("http://evil.example","x")' in texts
    (commitment,) = [row for row in rows if row["section"] == "commitment"]
    assert commitment["text"] == "Reusable crates for 3 SMEs"
    signatures = [row for row in rows if row["section"] == "signature"]
    assert len(signatures) == 2
    assert {row["parent"] for row in signatures} == {commitment["id"]}


def test_the_summary_workbook_has_a_sheet_per_part_with_labels_numbers_and_dates(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    ids = a_full_session(setup)
    login(setup.facilitator)

    response = client.get(setup.url("board/summary.xlsx") + "?lang=ro")

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    names = ["Grupuri și carduri", "Angajamente", "Semnături", "Prezență"]
    assert book.sheetnames == names
    cards = {row[0].value: row for row in book[names[0]].iter_rows(2)}
    assert cards[ids["lonely"]][3].value == "Idee"
    assert cards[ids["lonely"]][7].value == 3  # votes, a number
    assert cards[ids["member"]][1].value == ids["head"]  # in the head's cluster
    [commitment] = book[names[1]].iter_rows(2)
    assert commitment[4].value == "Ciornă"  # a proposal until an official agrees it
    assert commitment[5].value == datetime(2031, 6, 30)
    assert commitment[5].number_format == "dd.mm.yyyy"
    assert (commitment[7].value, commitment[8].value) == (12, 4)
    signed = db.session.scalars(select(Signature.signed_at)).all()
    local = {
        at.astimezone(ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0)
        for at in signed
    }
    signatures = list(book[names[2]].iter_rows(2))
    assert {row[3].value for row in signatures} == local
    assert all(row[3].is_date for row in signatures)


# --- history -------------------------------------------------------------------------


def history_rows(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_the_history_lists_every_change_and_filters_by_person_and_type(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    a_full_session(setup)
    alice = setup.participants[0]
    login(setup.official)

    everything = client.get(setup.url("board/history")).get_data(as_text=True)
    by_alice = client.get(setup.url(f"board/history?person={alice}")).get_data(
        as_text=True
    )
    votes = client.get(
        setup.url(f"board/history?person={alice}&type=vote:cast")
    ).get_data(as_text=True)
    phases = client.get(setup.url("board/history?type=board:phase")).get_data(
        as_text=True
    )

    assert len(history_rows(everything)) == 15
    assert "<code>card:move</code>" in everything
    assert len(history_rows(by_alice)) == 6  # 1 card, 3 votes, create, sign
    assert len(history_rows(votes)) == 3
    assert all("vote:cast" in row for row in history_rows(votes))
    assert [row.count("board:phase") for row in history_rows(phases)] == [1] * 4
    assert "Voting" in phases
    assert "Signing" in phases


def test_markup_posted_through_the_board_is_refused(app: Flask, setup: Setup) -> None:
    setup.phase("ideas")
    with pytest.raises(BoardError) as refused:
        setup.change(
            setup.participants[0], "card:create", theme=setup.themes[0], text=MARKUP
        )
    assert refused.value.code == "invalid"
    assert "text" in refused.value.extra["fields"]
    assert db.session.scalar(select(func.count()).select_from(Card)) == 0


def test_user_text_is_escaped_on_every_page(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    """Markup cannot get in any more (every text field refuses it), so the text is
    written straight into the database, as rows from before that rule would be."""
    setup.phase("ideas")
    card = setup.change(
        setup.participants[0], "card:create", theme=setup.themes[0], text="Plain"
    )["card"]
    setup.change(setup.participants[1], "comment:add", card=card["id"], text="Plain")
    db.session.execute(update(Card).values(text=MARKUP))
    db.session.execute(update(Comment).values(text=MARKUP))
    for event in db.session.scalars(select(BoardEvent)):
        event.data = json.loads(json.dumps(event.data).replace("Plain", MARKUP))
    db.session.commit()
    login(setup.facilitator)

    for page in ("board", "board/summary", "board/history"):
        html = client.get(setup.url(page)).get_data(as_text=True)
        assert MARKUP not in html, page
        # Every page shows the text itself (they work without JavaScript), escaped.
        assert "&lt;script&gt;" in html, page


def test_the_board_and_summary_name_every_signatory_the_authority_too(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    ids = a_full_session(setup)
    setup.change(setup.official, "commitment:sign", commitment=ids["commitment"])
    alice, bob = setup.participants
    authority = load_workshop(setup.workshop).pact.authority
    login(setup.facilitator)

    for page in ("board", "board/summary"):
        text = html.unescape(client.get(setup.url(page)).get_data(as_text=True))
        signed = text[text.index("Signed by") :]
        for name in (organisation_name(alice), organisation_name(bob), authority):
            assert name in signed, (page, name)


def test_in_the_sign_phase_an_official_signs_for_the_authority_without_javascript(
    client: FlaskClient, setup: Setup, login: Callable[[int], None]
) -> None:
    alice, _bob = setup.participants
    setup.phase("draft")
    setup.change(
        alice, "commitment:create", **commitment_payload(setup, organisation_of(alice))
    )
    setup.phase("sign")
    login(setup.facilitator)
    button = 'class="primary">Sign for the public authority</button>'
    assert button not in client.get(setup.url("board")).text
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/staff/").text)})
    login(setup.official)
    page = client.get(setup.url("board")).get_data(as_text=True)
    assert button in page
    assert 'data-official="true"' in page

    start = page.index('data-event="commitment:sign"')
    form = page[start : page.index("</form>", start)]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    response = client.post(setup.url("board/changes"), data=fields)
    assert response.status_code in (302, 303)
    after = client.get(setup.url("board")).get_data(as_text=True)
    assert button not in after
    authority = load_workshop(setup.workshop).pact.authority
    assert authority in after[after.index("Signed by") :]


def test_in_the_sign_phase_only_its_parties_are_offered_an_agreed_commitment(
    app: Flask, client: FlaskClient, setup: Setup
) -> None:
    """Anyone in the room may sign a proposal (and join it); once an official agreed
    it, only its parties sign, so nobody else gets a button the server refuses."""
    alice, bob = setup.participants
    setup.phase("draft")
    proposal, agreed = (
        setup.change(
            alice,
            "commitment:create",
            **commitment_payload(setup, organisation_of(alice), title=title),
        )["commitment"]["id"]
        for title in ("A proposal", "An agreed commitment")
    )
    agree_commitment(setup.official, agreed)
    setup.phase("sign")
    lead = app.test_client()
    open_participant_session(lead, setup.workshop, alice)
    open_participant_session(client, setup.workshop, bob)

    def offered(page: str) -> set[int]:
        forms = re.findall(
            r'data-event="commitment:sign">.*?name="commitment" value="(\d+)"',
            page,
            flags=re.DOTALL,
        )
        return {int(found) for found in forms}

    assert offered(lead.get(setup.url("board")).text) == {proposal, agreed}
    assert offered(client.get(setup.url("board")).text) == {proposal}
