"""docs/protocol.md against the running app: the events the server registers on the
`/board` namespace are exactly the events the document's "Client → server events" table
lists (its first column, one backticked name per row), connect and disconnect aside;
the catch-all handler of every other event (`*`) is documented in its own paragraph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from extensions import socketio
from workshops.board.broadcast import NAMESPACE

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
SECTION = "## Client → server events"
NAME_CELL = re.compile(r"^`([a-z]+(?::[a-z]+)?)`$")
LIFECYCLE = {"connect", "disconnect"}
CATCH_ALL = "*"
CATCH_ALL_SENTENCE = "**Any other event**"


def documented_events(markdown: str) -> list[str]:
    """The first-column names of the first table under SECTION. A row whose first cell
    is not one backticked event name fails, rather than being skipped."""
    start = markdown.index(SECTION) + len(SECTION)
    end = markdown.find("\n## ", start)
    lines = markdown[start : end if end != -1 else None].splitlines()
    table: list[str] = []
    for line in lines:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    header, separator, *rows = table
    assert header.split("|")[1].strip() == "event"
    assert set(separator.replace("|", "").strip()) <= {"-", ":", " "}
    names = []
    for row in rows:
        cell = row.split("|")[1].strip()
        match = NAME_CELL.match(cell)
        assert match, f"not one backticked event name in the first column: {row!r}"
        names.append(match.group(1))
    return names


def registered_events(app: Flask) -> set[str]:
    return set(socketio.server.handlers[NAMESPACE]) - LIFECYCLE - {CATCH_ALL}


def test_the_catch_all_handler_is_registered_and_documented(app: Flask) -> None:
    assert CATCH_ALL in socketio.server.handlers[NAMESPACE]
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    assert CATCH_ALL_SENTENCE in section[: section.find("\n## ", 1)]


def test_the_document_lists_each_event_once() -> None:
    names = documented_events(DOC.read_text(encoding="utf-8"))
    assert names
    assert len(names) == len(set(names))


def test_every_registered_event_is_documented_and_every_documented_one_registered(
    app: Flask,
) -> None:
    documented = set(documented_events(DOC.read_text(encoding="utf-8")))
    registered = registered_events(app)
    assert registered - documented == set(), "registered on /board, not documented"
    assert documented - registered == set(), "documented, with no handler on /board"


@pytest.mark.parametrize("row", [0, 2, 9])
def test_a_missing_row_is_noticed(app: Flask, row: int) -> None:
    """The check above is not vacuous: without one row of the table, the event it
    names is registered but undocumented."""
    text = DOC.read_text(encoding="utf-8")
    name = documented_events(text)[row]
    lines = text.splitlines(keepends=True)
    lines.remove(next(line for line in lines if line.startswith(f"| `{name}` |")))
    assert registered_events(app) - set(documented_events("".join(lines))) == {name}
