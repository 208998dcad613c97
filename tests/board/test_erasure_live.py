"""Erasing a person while their board is served: against a real `python app.py`,
`erase-person` run in another process (as an operator does) rewrites the events
that named them, and a client rejoining with `since` gets the events it missed,
gap-free and in order, without the erased name (the server's replays notice the
erasure), while the board's seq and the other people's events are unchanged; the
erased person's token no longer connects."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import socketio
from sqlalchemy import select

from extensions import db
from stakeholders.models import Person
from tests.board.conftest import REPO, LiveBoard, consecutive, server_env


def _email_and_name(live_board: LiveBoard, person_id: int) -> tuple[str, str]:
    with live_board.seeder.app.app_context():
        try:
            person = db.session.scalars(
                select(Person).where(Person.id == person_id)
            ).one()
            return person.email, person.name
        finally:
            db.session.remove()


def test_a_rejoin_after_an_erase_gets_a_coherent_board_without_the_name(
    live_board: LiveBoard,
):
    setup = live_board.new_board(participants=2)
    erased, stays = setup.participants
    theme = setup.themes[0]
    facilitator = live_board.joined(setup.facilitator, setup.board)
    assert facilitator.change(setup.board, "board:phase", phase="ideas")["ok"]
    writer = live_board.joined(erased.token, setup.board)
    assert writer.change(setup.board, "card:create", theme=theme, text="Crates")["ok"]
    watcher = live_board.joined(stays.token, setup.board)
    first = watcher.join(setup.board, since=0)  # the server now keeps these shaped
    assert first["mode"] == "events"
    email, name = _email_and_name(live_board, erased.person)
    assert name in json.dumps(first["events"])
    writer.disconnect()
    seq_before = first["seq"]

    result = subprocess.run(  # noqa: S603 - our own CLI
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "app",
            "erase-person",
            "--email",
            email,
            "--yes",
        ],
        cwd=REPO,
        env=server_env(live_board.seeder.app.config["SQLALCHEMY_DATABASE_URI"]),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["people"] == 1
    again = watcher.join(setup.board, since=0)
    assert again["mode"] == "events"
    assert again["seq"] == seq_before
    assert [e["seq"] for e in again["events"]] == consecutive(1, seq_before)
    shown = json.dumps(again["events"], ensure_ascii=False)
    assert name not in shown
    assert "Erased participant" in shown
    snapshot = watcher.join(setup.board)["snapshot"]
    assert [c["text"] for c in snapshot["cards"]] == ["Crates"]
    assert snapshot["cards"][0]["author"]["name"] == "Erased participant"
    more = watcher.change(
        setup.board, "comment:add", card=snapshot["cards"][0]["id"], text="Good"
    )
    assert more["ok"]
    assert more["seq"] == seq_before + 1
    refused = live_board.client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.open(live_board.url, erased.token)
    assert refused.connect_errors[0]["data"]["code"] == "unauthorized"
