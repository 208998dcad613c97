"""A board change whose COMMIT reached the database while the connection was lost
before the answer (PostgreSQL terminated it, the network dropped): the change is
stored, so its ack must say so, with its seq, never `internal` (which promises that
nothing changed). On both backends; the lost answer is the only thing simulated."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from extensions import db
from tests.board.conftest import in_process_board
from workshops.board.path import apply_board_change
from workshops.models import BoardEvent


def test_a_change_committed_before_its_connection_was_lost_is_acknowledged(
    db_app: Flask,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    monkeypatch: pytest.MonkeyPatch,
):
    setup = in_process_board(make_pact, make_staff, "Lost commit")
    apply_board_change(
        setup.board, setup.facilitator, "board:phase", {"cid": "p", "phase": "ideas"}
    )
    commit = db.session.commit
    lost: list[bool] = []

    def commit_then_lose_the_answer(*args: Any, **kwargs: Any) -> None:
        commit(*args, **kwargs)
        if not lost:
            lost.append(True)
            raise OperationalError(
                "COMMIT", {}, Exception("server closed the connection unexpectedly")
            )

    monkeypatch.setattr(db.session, "commit", commit_then_lose_the_answer)
    payload = {"cid": uuid.uuid4().hex, "theme": setup.theme, "text": "Solar roofs"}

    ack = apply_board_change(setup.board, setup.seats[0].person, "card:create", payload)

    assert lost == [True]
    assert ack["ok"] is True
    assert ack["seq"] == 2
    assert ack["card"]["text"] == "Solar roofs"
    stored = db.session.scalar(
        select(func.count()).where(BoardEvent.board_id == setup.board)
    )
    assert stored == 2, "stored once"
