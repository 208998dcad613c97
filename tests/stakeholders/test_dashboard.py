"""The officials' registrations dashboard: filters, pagination, charts, decisions."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.mail import OutboxMessage
from extensions import db
from stakeholders.models import Organisation
from tests.conftest import csrf_from

LIST = "/staff/p/ilfov/registrations"


@pytest.fixture
def official(
    client: FlaskClient, make_staff: Callable[..., int], login: Callable[[int], None]
) -> int:
    person = make_staff("official")
    login(person)
    return person


def names(html: str) -> list[str]:
    return re.findall(r'registrations/\d+">([^<]+)</a>', html)


def test_list_shows_registrations_newest_first(
    client: FlaskClient, official: int, make_registration: Callable[..., dict[str, Any]]
):
    make_registration(organisation_name="First SRL")
    make_registration(organisation_name="Second SRL")
    html = client.get(LIST).get_data(as_text=True)
    assert names(html)[:2] == ["Second SRL", "First SRL"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=approved", ["Solar SRL"]),
        ("kind=ngo", ["Verde ONG"]),
        ("size=medium", ["Verde ONG"]),
        ("sector=D", ["Solar SRL"]),
        ("service=crowdfunding", ["Solar SRL"]),
        ("q=solar", ["Solar SRL"]),
        ("q=ONG", ["Verde ONG"]),
        ("q=ana%40verde", ["Verde ONG"]),
        ("q=100%25", []),
        ("status=pending&kind=sme", ["Pack SRL"]),
        ("status=bogus", ["Verde ONG", "Solar SRL", "Pack SRL"]),
    ],
)
def test_filters_narrow_the_list(
    client: FlaskClient,
    official: int,
    make_registration: Callable[..., dict[str, Any]],
    query: str,
    expected: list[str],
):
    make_registration(organisation_name="Pack SRL", services=["mentoring"])
    make_registration(
        organisation_name="Solar SRL",
        sector="D",
        status="approved",
        services=["crowdfunding"],
    )
    make_registration(
        organisation_name="Verde ONG",
        kind="ngo",
        size="medium",
        contact_email="ana@verde.ro",
    )
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert names(response.get_data(as_text=True)) == expected


def test_list_is_paginated(
    app: Flask,
    client: FlaskClient,
    official: int,
    make_registration: Callable[..., dict[str, Any]],
):
    app.config["REGISTRATIONS_PER_PAGE"] = 2
    for n in range(5):
        make_registration(organisation_name=f"Org {n}")
    first = client.get(LIST).get_data(as_text=True)
    third = client.get(f"{LIST}?page=3").get_data(as_text=True)
    assert names(first) == ["Org 4", "Org 3"]
    assert names(third) == ["Org 0"]
    assert "5 registrations" in first
    assert client.get(f"{LIST}?page=99").status_code == 200
    assert client.get(f"{LIST}?page=abc").status_code == 200


def test_charts_count_by_status_kind_size_sector_and_service(
    client: FlaskClient, official: int, make_registration: Callable[..., dict[str, Any]]
):
    make_registration(services=["mentoring", "eu_funding"])
    make_registration(status="approved", services=["mentoring"])
    html = client.get(LIST + "?lang=en").get_data(as_text=True)
    for caption in (
        "By status",
        "By kind",
        "By size",
        "By sector",
        "By service wanted",
    ):
        assert caption in html

    def bar(label: str) -> str:
        match = re.search(
            rf"<th scope=\"row\">{re.escape(label)}</th>.*?chart__count\">(\d+)<",
            html,
            re.S,
        )
        assert match, label
        return match.group(1)

    assert bar("Mentoring in innovation management") == "2"
    assert bar("Guidance on EU funding") == "1"
    assert bar("Approved") == "1"
    assert bar("Pending") == "1"


def test_detail_page_shows_the_registration_and_its_consent(
    client: FlaskClient, official: int, make_registration: Callable[..., dict[str, Any]]
):
    organisation = make_registration(organisation_name="Detail SRL")["organisation"]
    html = client.get(f"{LIST}/{organisation}?lang=en").get_data(as_text=True)
    assert "Detail SRL" in html
    assert "192.0.2.1" in html
    assert "Approve" in html


def test_stored_markup_is_escaped_on_output(
    client: FlaskClient, official: int, make_registration: Callable[..., dict[str, Any]]
):
    """Imports bypass the form's markup check; the pages still never render markup."""
    organisation = make_registration(
        organisation_name="<script>alert(1)</script>", motivation="<b>bold</b>"
    )["organisation"]
    for url in (LIST, f"{LIST}/{organisation}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html


def decide(
    client: FlaskClient, organisation: int, decision: str, reason: str = ""
) -> Any:
    """Decide from the registration's page (a rejection, once confirmed)."""
    token = csrf_from(client.get(f"{LIST}/{organisation}").get_data(as_text=True))
    return client.post(
        f"{LIST}/{organisation}/{decision}",
        data={"csrf_token": token, "reason": reason, "confirmed": "yes"},
    )


def test_approving_updates_status_and_emails_the_applicant(
    client: FlaskClient, official: int, make_registration: Callable[..., dict[str, Any]]
):
    organisation = make_registration(contact_email="ion@solar.ro")["organisation"]
    response = decide(client, organisation, "approve", "See you at the workshop")
    assert response.status_code == 302
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Registration approved." in page
    row = db.session.get(Organisation, organisation)
    assert row is not None
    assert row.status == "approved"
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.recipient == "ion@solar.ro"
    assert "See you at the workshop" in message.body


def test_rejecting_with_a_reason_keeps_the_reason(
    client: FlaskClient, official: int, make_registration: Callable[..., dict[str, Any]]
):
    organisation = make_registration()["organisation"]
    decide(client, organisation, "reject", "Outside the territory")
    row = db.session.get(Organisation, organisation)
    assert row is not None
    assert (row.status, row.decision_reason) == ("rejected", "Outside the territory")


@pytest.mark.parametrize("reason", ["r" * 1001, "<script>alert(1)</script>"])
def test_bad_reason_is_refused_and_nothing_changes(
    client: FlaskClient,
    official: int,
    make_registration: Callable[..., dict[str, Any]],
    reason: str,
):
    organisation = make_registration()["organisation"]
    response = decide(client, organisation, "approve", reason)
    assert response.status_code == 302
    row = db.session.get(Organisation, organisation)
    assert row is not None
    assert row.status == "pending"
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_deciding_an_unknown_registration_changes_nothing(
    client: FlaskClient, official: int, make_registration: Callable[..., dict[str, Any]]
):
    organisation = make_registration()["organisation"]
    mails = len(db.session.scalars(select(OutboxMessage)).all())
    response = decide_unknown(client)
    assert response.status_code == 404
    row = db.session.get(Organisation, organisation)
    assert row is not None
    assert row.status == "pending"
    assert len(db.session.scalars(select(OutboxMessage)).all()) == mails


def decide_unknown(client: FlaskClient) -> Any:
    token = csrf_from(client.get("/p/ilfov/register").get_data(as_text=True))
    return client.post(f"{LIST}/99999/approve", data={"csrf_token": token})
