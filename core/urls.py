"""What a URL may carry before a view sees it: `<int:…>` in every route is an id
converter with an upper bound (a path id beyond what the database holds is 404, not
an overflow in the query), and query-string integers (`?page=`, `?person=`) are read
through `query_int`, which answers None for anything outside the bounds."""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.routing import IntegerConverter, Map

from core.choices import ID_MAX

DIGITS_MAX = len(str(ID_MAX))


class IdConverter(IntegerConverter):
    """`int` as every route uses it, with `max=ID_MAX` unless the route says
    otherwise: `/w/100000000000000000000/board` is 404 like any unknown id."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def query_int(name: str, minimum: int = 1, maximum: int = ID_MAX) -> int | None:
    """The query parameter `name` as an integer within [minimum, maximum], or None
    when it is absent, not plain ASCII digits (a sign, `²`, a surrogate) or out of
    range."""
    value = request.args.get(name, "")
    if not (value.isascii() and value.isdigit()) or len(value) > DIGITS_MAX:
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None
