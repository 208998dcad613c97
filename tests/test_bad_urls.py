"""Odd URLs never reach a traceback. Every GET route with an integer part, taken from
the app's own URL map (so a route added later is covered too), answers 404 for ids
beyond what the database holds (10^20 gave an OverflowError before), for anyone and
for a logged-in official of the pact; and every GET route, with real objects in its
path, answers odd query strings (page=10^30, page=-1, a lone surrogate's bytes,
markup, NUL) with something other than 500."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from core.choices import ID_MAX, Role
from tests.pacts.factories import new_commitment
from workshops.scheduling import WorkshopData, create_workshop

BEYOND = (ID_MAX + 1, 2**63, 2**64, 10**20, 10**30)
# The values a query string may carry that broke or could break a view.
ODD_VALUES = (
    str(10**30),
    str(2**63),
    "-1",
    "0",
    "1.5",
    "%ED%A0%80",  # a lone surrogate's UTF-8 bytes
    "%00",
    "%C2%B2",  # "²": a digit to str.isdigit, not to int()
    "<script>alert(1)</script>",
    "9" * 5000,
)
# Parameter names the views read from the query string (any other is ignored).
QUERY_NAMES = (
    "page",
    "person",
    "type",
    "q",
    "status",
    "kind",
    "size",
    "sector",
    "service",
    "theme",
    "workshop",
    "lead",
    "lang",
    "code",
    "next",
    "back",
)
SLUG = "ilfov"
ALLOWED = {200, 302, 303, 400, 401, 403, 404, 405, 410, 413, 429}


def get_rules(app: Flask) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if "GET" in (r.methods or set())),
        key=lambda rule: rule.rule,
    )


def int_arguments(rule: Rule) -> list[str]:
    return [
        name
        for name, converter in rule._converters.items()
        if isinstance(converter, IntegerConverter)
    ]


def build_path(app: Flask, rule: Rule, ints: dict[str, int]) -> str:
    """The rule's path with `ints` for its integer parts, the pact's slug and a
    harmless word for the other parts."""
    values: dict[str, Any] = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = ints.get(name, 1)
        elif name == "slug":
            values[name] = SLUG
        elif hasattr(converter, "items"):  # any(a, b)
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "x"
    # Building with a value past the converter's max fails by design: write it in.
    path = rule.rule
    for name, value in values.items():
        path = _replace_part(path, name, str(value))
    return path


def _replace_part(path: str, name: str, value: str) -> str:
    start = path.index("<")
    while start != -1:
        end = path.index(">", start)
        if path[start + 1 : end].split(":")[-1] == name:
            return path[:start] + value + path[end + 1 :]
        start = path.find("<", end)
    return path


@pytest.fixture
def official_client(
    app: Flask,
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    login: Callable[[int], None],
) -> FlaskClient:
    """A client logged in as an official of the pact, which holds a registration,
    a workshop with its board and a commitment (ids 1)."""
    pact = make_pact(SLUG)
    official = make_staff(Role.OFFICIAL)
    party = make_registration(SLUG, status="approved")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    create_workshop(
        official,
        pact,
        WorkshopData("Workshop", starts_at=start, ends_at=start + timedelta(hours=2)),
    )
    new_commitment(official, pact, party["organisation"])
    login(official)
    return client


def test_every_get_route_with_an_integer_part_is_covered(app: Flask) -> None:
    routes = [rule.rule for rule in get_rules(app) if int_arguments(rule)]
    # The list is built from the URL map: it must hold the routes we know of.
    assert "/w/<int:workshop_id>/board" in routes
    assert "/p/<slug>/commitments/<int:commitment_id>" in routes
    assert len(routes) >= 10


def test_ids_beyond_the_database_are_not_found_for_anyone(
    app: Flask, client: FlaskClient
) -> None:
    for rule in get_rules(app):
        for name in int_arguments(rule):
            for value in BEYOND:
                path = build_path(app, rule, {name: value})
                response = client.get(path)
                assert response.status_code == 404, (path, response.status_code)


def test_ids_beyond_the_database_are_not_found_for_a_logged_in_official(
    app: Flask, official_client: FlaskClient
) -> None:
    for rule in get_rules(app):
        for name in int_arguments(rule):
            for value in (ID_MAX, *BEYOND):
                path = build_path(app, rule, {name: value})
                response = official_client.get(path)
                expected = {404} if value > ID_MAX else ALLOWED - {200}
                assert response.status_code in expected, (path, response.status_code)


def test_a_post_route_with_an_id_beyond_the_database_is_not_found(
    official_client: FlaskClient,
) -> None:
    response = official_client.post(f"/w/{10**20}/board/changes", data={})
    assert response.status_code == 404


def test_odd_query_parameters_never_give_a_server_error(
    app: Flask, official_client: FlaskClient
) -> None:
    for rule in get_rules(app):
        if rule.endpoint == "static":
            continue
        path = build_path(app, rule, {})
        for value in ODD_VALUES:
            encoded = value if value.startswith("%") else quote(value)
            query = "&".join(f"{name}={encoded}" for name in QUERY_NAMES)
            response = official_client.get(f"{path}?{query}")
            assert response.status_code in ALLOWED, (
                f"{path}?…={value[:40]}",
                response.status_code,
            )
