"""The demo's published pact (`seed-demo`): a newcomer finds the Ilfov pact signed,
published and monitored, with commitments in every state of compilation, progress
reports and programme indicators, while Torino's pact is still being co-created; and
seeding again adds nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from commitments.models import Commitment
from core.models import Pact, PactStatus
from core.pacts import find_pact
from core.time import today_in, utcnow
from extensions import db
from pacts.models import ProgressReport
from pacts.queries import pact_commitments, pact_overview
from workshops.models import Card, Workshop
from workshops.walk_ins import find_running_workshop


@pytest.fixture
def seeded(app: Flask) -> dict[str, Any]:
    """The JSON `seed-demo` printed."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def ilfov() -> Pact:
    pact = find_pact("ilfov")
    assert pact is not None
    return pact


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def test_seed_demo_publishes_the_ilfov_pact_signed_by_its_official_not_torino(
    seeded: dict[str, Any],
) -> None:
    pact = ilfov()
    torino = find_pact("torino")

    assert seeded["published"] == "/p/ilfov"
    assert pact.published_at is not None
    assert pact.status in {PactStatus.PUBLISHED, PactStatus.MONITORING}
    assert pact.signed_by is not None
    assert pact.signed_by.email == "official@ilfov.demo"
    assert pact.authority == "Consiliul Județean Ilfov (demo)"
    assert pact.introduction.count("\n\n") >= 1
    assert "Green Pact unit" in pact.text("governance", "en")
    assert len(pact.partner_list) >= 4
    assert (pact.report_frequency, pact.licence) == ("yearly", "CC-BY-4.0")
    assert torino is not None
    assert (torino.status, torino.published_at) == (PactStatus.CO_CREATION, None)


def test_torino_has_its_texts_in_italian_and_english_ilfov_in_romanian_and_english(
    seeded: dict[str, Any],
) -> None:
    torino = find_pact("torino")
    assert torino is not None

    assert torino.text("title", "it") == "Patto Verde Locale di Torino"
    assert torino.text("title", "en") == "Torino Local Green Pact"
    assert "laboratori di co-creazione" in torino.text("introduction", "it")
    assert "co-creation workshops" in torino.text("introduction", "en")
    assert torino.text("governance", "ro") == torino.text("governance", "it")
    assert ilfov().text("title", "ro") == "Pactul Verde Local Ilfov"
    assert ilfov().text("title", "en") == "Ilfov Local Green Pact"
    assert "Unitatea Pactului Verde" in ilfov().text("governance", "ro")


def test_the_published_pact_has_signed_measurable_commitments_across_themes(
    seeded: dict[str, Any],
) -> None:
    overview = pact_overview(ilfov())
    records = overview["commitments"]

    assert len(records) >= 8
    assert len(overview["themes"]) >= 4
    assert any(r["indicator"]["target"] < r["indicator"]["baseline"] for r in records)
    assert all(r["lead"]["signed"] and r["authority_signed"] for r in records)
    assert any(r["co_signers"] and r["co_signers"][0]["signed"] for r in records)
    assert all("2027" <= r["deadline"][:4] <= "2030" for r in records)
    assert any(r["support_promised"] for r in records)


def test_the_compile_list_keeps_a_draft_and_an_agreed_commitment_from_the_board(
    seeded: dict[str, Any],
) -> None:
    pact = ilfov()
    from_board = pact_commitments(pact.id, {"workshop": seeded["workshop"]})
    published = {r["id"] for r in pact_overview(pact)["commitments"]}

    assert sorted(c.status for c in from_board) == ["agreed", "draft"]
    assert not published & {c.id for c in from_board}


def test_progress_reports_are_past_and_leave_every_monitoring_state(
    app: Flask, seeded: dict[str, Any]
) -> None:
    pact = ilfov()
    reports = list(db.session.scalars(select(ProgressReport)))
    statuses = set(
        db.session.scalars(
            select(Commitment.status).where(Commitment.pact_id == pact.id)
        )
    )
    reported = [r["reports"] for r in pact_overview(pact)["commitments"]]

    assert reports
    assert all(r.reported_on <= today_in(pact) for r in reports)
    assert {"in progress", "at risk", "done"} <= statuses
    assert any(len(commitment_reports) >= 2 for commitment_reports in reported)
    with_file = [r for r in reports if r.evidence_file is not None]
    assert len(with_file) == 1
    folder = Path(app.config["EVIDENCE_FOLDER"])
    assert (
        (folder / str(with_file[0].evidence_file)).read_bytes().startswith(b"building")
    )


def test_programme_indicators_show_progress_from_commitments_and_services(
    seeded: dict[str, Any],
) -> None:
    indicators = pact_overview(ilfov())["indicators"]

    assert {i["source"] for i in indicators} == {"commitments", "service"}
    assert len(indicators) >= 3
    assert all(i["value"] > 0 and i["target"] > i["value"] for i in indicators)
    mentored = next(i for i in indicators if i["service"] == "mentoring")
    assert (mentored["value"], mentored["target"]) == (2, 3)


def test_seed_demo_again_adds_no_row_anywhere(db_app: Flask) -> None:
    first = db_app.test_cli_runner().invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    before = row_counts()
    assert before["commitment"] >= 10

    again = db_app.test_cli_runner().invoke(args=["seed-demo"])

    assert again.exit_code == 0, again.output
    printed, printed_again = json.loads(first.output), json.loads(again.output)
    # The join link is signed anew (its expiry counted from now): the same person's.
    links = [printed["live"].pop("join_link"), printed_again["live"].pop("join_link")]
    assert links[0].rsplit("/", 1)[0] == links[1].rsplit("/", 1)[0]
    assert printed_again == printed
    assert row_counts() == before


def test_seed_demo_runs_a_live_workshop_whose_join_link_opens_its_board(
    app: Flask, seeded: dict[str, Any]
) -> None:
    live = seeded["live"]
    workshop = db.session.get(Workshop, live["workshop"])
    assert workshop is not None
    cards = db.session.scalars(select(Card).where(Card.board_id == live["board"]))

    assert workshop.pact_id == ilfov().id
    assert workshop.status == "running"
    assert workshop.starts_at <= utcnow() <= workshop.ends_at
    assert workshop.board.phase == "ideas"
    assert len({card.author_id for card in cards}) >= 3
    code = live["walk_in"].rsplit("=", 1)[1]
    running = find_running_workshop(code)
    assert running is not None
    assert running.id == workshop.id
    client = app.test_client()
    opened = client.get(urlsplit(live["join_link"]).path)
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith("/me")
    assert workshop.title in client.get("/me").get_data(as_text=True)
    board = client.get(f"/w/{workshop.id}/board")
    assert board.status_code == 200
