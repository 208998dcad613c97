"""The board's history page says what a breakout did: its groups and how many
people each held."""

from __future__ import annotations

from flask import Flask

from workshops.board.history import describe_event


def test_a_breakout_in_the_history_names_its_groups_and_their_sizes(app: Flask):
    data = {
        "mode": "random",
        "groups": [
            {"no": 1, "name": "Group 1", "board": 7, "members": [3, 4, 5]},
            {"no": 2, "name": "Group 2", "board": 8, "members": [6, 9]},
        ],
    }
    with app.test_request_context():
        started = describe_event("breakout:start", data, "Europe/Bucharest")
        ended = describe_event("breakout:end", {**data, "returned": []}, "UTC")
        odd = describe_event("breakout:end", {"groups": "not a list"}, "UTC")

    assert started == "Group 1 (3), Group 2 (2)"
    assert ended == started
    assert odd == ""
