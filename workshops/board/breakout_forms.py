"""The payload of `breakout:start` beyond its form (workshops.board.forms): a manual
assignment is a JSON object `{person_id: group_no}` whose keys are strings on the
wire, so it is read here, with the same `invalid` answer naming the field."""

from __future__ import annotations

from typing import Any

from core.choices import ID_MAX, BreakoutMode
from workshops.board.forms import validate_payload
from workshops.board.rules import BoardError

ASSIGNMENT_KEY_MAX = 12


def validate_breakout(event: str, payload: Any) -> dict[str, Any]:
    """The validated data of a breakout event; for `breakout:start`, `mode` and
    `assignment` (`{person_id: group_no}`, integers; empty unless manual)."""
    data = validate_payload(event, payload)
    if event == "breakout:start":
        data["mode"] = data.get("mode") or BreakoutMode.RANDOM
        data["assignment"] = _assignment(data, payload.get("assignment"))
    return data


def _assignment(data: dict[str, Any], given: Any) -> dict[int, int]:
    manual = data["mode"] == BreakoutMode.MANUAL
    if given is None and not manual:
        return {}
    if not manual:
        raise _invalid("only with the manual mode")
    if not isinstance(given, dict) or not given:
        raise _invalid("required: an object {person id: group number}")
    assignment: dict[int, int] = {}
    for key, group in given.items():
        digits = (
            isinstance(key, str) and key.isdigit() and len(key) <= ASSIGNMENT_KEY_MAX
        )
        person = int(key) if digits else 0
        if not 1 <= person <= ID_MAX:
            raise _invalid("the keys must be person ids")
        if not _is_int(group) or not 1 <= group <= data["groups"]:
            raise _invalid(f"group numbers go from 1 to {data['groups']}")
        assignment[person] = group
    return assignment


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _invalid(message: str) -> BoardError:
    return BoardError(
        "invalid", "the request is not valid", fields={"assignment": message}
    )
