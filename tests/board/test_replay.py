"""Rejoining with `since` from the app's replay cache: the same events the log holds,
shaped for each role (a card hidden later in the log reaches participants redacted),
and events committed after a first replay are read and added, never missed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from extensions import db
from tests.board.conftest import InProcessBoard, in_process_board
from workshops.board.path import apply_board_change, identify_member, join_board


def change(
    board: InProcessBoard, person: int, event: str, **data: Any
) -> dict[str, Any]:
    cid = f"{event}-{data}"
    ack = apply_board_change(board.board, person, event, {"cid": cid, **data})
    db.session.remove()
    assert ack["ok"], ack
    return ack


def replayed(board: InProcessBoard, person: int, since: int) -> list[dict[str, Any]]:
    ack = join_board(identify_member(person, board.board), since)
    db.session.remove()
    assert ack["mode"] == "events"
    events: list[dict[str, Any]] = ack["events"]
    return events


def test_a_replay_from_the_cache_is_the_log_shaped_for_each_role(
    app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
):
    board = in_process_board(make_pact, make_staff, "Replay")
    author = board.seats[0].person
    change(board, board.facilitator, "board:phase", phase="ideas")
    card = change(board, author, "card:create", theme=board.theme, text="Kind words")
    assert replayed(board, board.facilitator, 0)  # the cache is now filled to here

    hidden = change(
        board, board.facilitator, "card:hide", card=card["card"]["id"], hidden=True
    )["seq"]
    later = change(board, author, "card:create", theme=board.theme, text="More")["seq"]

    for_staff = replayed(board, board.facilitator, 0)
    for_participant = replayed(board, board.seats[1].person, 0)
    assert [e["seq"] for e in for_staff] == list(range(1, later + 1))
    assert [e["seq"] for e in for_participant] == list(range(1, later + 1))
    hide_staff = for_staff[hidden - 1]["data"]["card"]
    hide_participant = for_participant[hidden - 1]["data"]["card"]
    assert hide_staff["text"] == "Kind words"
    assert (hide_participant["text"], hide_participant["author"]) == ("", None)
    assert replayed(board, board.seats[1].person, later) == []
