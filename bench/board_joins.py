"""Scenario 5 of `make bench-board`: the server time of the product's `join` on a big
board, measured in-process (no socket, no network): `identify_member`, `join_board`
and the JSON encoding of the ack, as the `join` handler runs them, for the snapshot
of a board with CARDS cards and for a `since` replay of REPLAY events, each as a
participant. The session is removed before each round, as the handler does after
each event; the median of ROUNDS is reported, and the first (cold) round beside it.

The board is filled through the product's one change path (`apply_board_change`)
on a fresh SQLite database migrated as `init-db` does.

usage: python -m bench.board_joins [--cards 2000] [--replay 1000] [--rounds 5]
(prints one JSON object)"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask

from bench.board_setup import create_boards

CARD_TEXT = "An idea for the pact, long enough to look like one people write: " * 2


def fill_board(app: Flask, cards: int) -> tuple[int, int, int]:
    """A board in the ideas phase with `cards` cards by three participants; returns
    the board id, a participant's person id and the board's seq."""
    from extensions import db
    from workshops.board.path import apply_board_change, identify_member, join_board

    made = create_boards(app, [3], "joins")
    board = made["boards"][0]["board"]
    people = [p["person"] for p in made["boards"][0]["participants"]]
    with app.app_context():
        phase = {"cid": "bench-phase", "phase": "ideas"}
        ack = apply_board_change(board, made["staff"]["id"], "board:phase", phase)
        joined = join_board(identify_member(people[0], board), None)
        theme = joined["snapshot"]["board"]["themes"][0]["id"]
        for n in range(cards):
            payload = {"cid": f"bench-{n}", "theme": theme, "text": f"{n} {CARD_TEXT}"}
            ack = apply_board_change(
                board, people[n % len(people)], "card:create", payload
            )
            db.session.remove()
    return board, people[0], int(ack["seq"])


def timed_join(
    app: Flask, person: int, board: int, since: int | None, rounds: int
) -> dict[str, Any]:
    from extensions import db
    from workshops.board.path import identify_member, join_board

    samples = []
    ack: dict[str, Any] = {}
    with app.app_context():
        for _round in range(rounds):
            db.session.remove()
            started = time.perf_counter()
            ack = join_board(identify_member(person, board), since)
            encoded = json.dumps(ack, default=str)
            samples.append(1000 * (time.perf_counter() - started))
        db.session.remove()
    return {
        "mode": ack["mode"],
        "cards": len(ack["snapshot"]["cards"]) if "snapshot" in ack else None,
        "events": len(ack["events"]) if "events" in ack else None,
        "ack_bytes": len(encoded),
        "median_ms": statistics.median(samples),
        "first_ms": samples[0],
        "max_ms": max(samples),
    }


def measure(cards: int, replay: int, rounds: int) -> dict[str, Any]:
    from app import create_app

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "joins.sqlite3"
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
        )
        started = time.perf_counter()
        board, person, seq = fill_board(app, cards)
        filled = time.perf_counter() - started
        return {
            "cards": cards,
            "replay": replay,
            "rounds": rounds,
            "fill_seconds": filled,
            "snapshot": timed_join(app, person, board, None, rounds),
            "replay_join": timed_join(app, person, board, seq - replay, rounds),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--replay", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    print(json.dumps(measure(options.cards, options.replay, options.rounds)))


if __name__ == "__main__":
    main()
