"""Property-based fuzzing of the HTML forms a person submits (registration, login,
walk-in, a new personal link, the staff's workshop, commitment, indicator and pact
document forms, and the administrator's new pact and pact settings forms). Each
form's field names are read from its page, as a browser would; hypothesis fills them
with plausible values and with what breaks things: lone surrogates' bytes, NUL,
markup, huge numbers, over-long text, a field sent twice or not at all. The answer is
only ever 200 (the form with its errors), a redirect, 400, 404, 413 or 429, never
500; and when the answer is not a redirect (the form was refused), no row of any
table changed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.choices import AccountKind, Role
from extensions import db
from tests.conftest import csrf_from

EXAMPLES = 40
ALLOWED = {200, 302, 303, 400, 404, 413, 429}
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
OPTION = re.compile(r'<option[^>]*value="([^"]*)"')
ANONYMOUS_FORMS = ("/p/ilfov/register", "/login", "/join", "/me/link/new")
STAFF_FORMS = (
    "/staff/p/ilfov/workshops/new",
    "/staff/p/ilfov/pact/commitments/new",
    "/staff/p/ilfov/pact/indicators",
    "/staff/p/ilfov/pact/document",
)
ADMIN_FORMS = ("/admin/pacts/new", "/admin/pacts/ilfov")

PLAIN = st.sampled_from(
    ["EcoPack SRL", "maria@ecopack.ro", "0721 234 567", "2027-12-31", "12", "y", ""]
)
NASTY = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "%ED%A0%80",  # a lone surrogate's bytes (sent as they are)
            "%00",
            "nul\x00",
            "<script>alert(1)</script>",
            "<b>x</b>",
            str(10**30),
            "-1",
            "1e999",
            "NaN",
            "2027-02-30",
            "9999-12-31T23:59",
            "javascript:alert(1)",
        ]
    ),
    st.integers(min_value=1, max_value=20_000).map(lambda n: "x" * n),
)


def encode(value: str) -> str:
    if value.startswith("%"):
        return value
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def field_names(html: str) -> list[str]:
    return sorted({name for name in FIELD.findall(html) if name != "csrf_token"})


def values(names: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Each field absent, once or twice, with plausible or nasty values."""
    one = st.integers(0, 3).flatmap(lambda n: NASTY if n == 0 else PLAIN)
    per_field = [
        st.lists(one, max_size=2).map(lambda vs, name=name: [(name, v) for v in vs])
        for name in names
    ]
    return st.tuples(*per_field).map(lambda parts: [p for part in parts for p in part])


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def fuzz_form(client: FlaskClient, path: str) -> int:
    """Fuzz the form at `path`; the number of submissions."""
    page = client.get(path)
    assert page.status_code == 200, path
    html = page.get_data(as_text=True)
    names = field_names(html)
    assert names, f"no fields on {path}"
    sent = 0

    @settings(max_examples=EXAMPLES)
    @given(fields=values(names))
    def submit(fields: list[tuple[str, str]]) -> None:
        nonlocal sent
        token = csrf_from(client.get(path).get_data(as_text=True))
        body = "&".join(
            f"{name}={encode(value)}"
            for name, value in [("csrf_token", token), *fields]
        )
        before = row_counts()
        response = client.post(
            path, data=body, content_type="application/x-www-form-urlencoded"
        )
        sent += 1
        assert response.status_code in ALLOWED, (path, fields, response.status_code)
        if response.status_code not in (302, 303):
            assert row_counts() == before, (path, fields, "a refused form wrote")

    submit()
    return sent


@pytest.mark.parametrize("path", ANONYMOUS_FORMS)
def test_anonymous_forms_never_answer_500_and_write_nothing_on_refusal(
    app: Flask,
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    path: str,
) -> None:
    make_pact("ilfov")
    make_registration("ilfov", status="approved")
    assert fuzz_form(client, path) == EXAMPLES


@pytest.mark.parametrize("path", STAFF_FORMS)
def test_staff_forms_never_answer_500_and_write_nothing_on_refusal(
    app: Flask,
    client: FlaskClient,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    login: Callable[[int], None],
    path: str,
) -> None:
    login(make_staff(Role.OFFICIAL))
    make_registration("ilfov", status="approved")
    assert fuzz_form(client, path) == EXAMPLES


@pytest.mark.parametrize("path", ADMIN_FORMS)
def test_admin_forms_never_answer_500_and_write_nothing_on_refusal(
    app: Flask,
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
    path: str,
) -> None:
    make_pact("ilfov")
    login(make_staff(AccountKind.ADMIN, pacts=()))
    assert fuzz_form(client, path) == EXAMPLES
