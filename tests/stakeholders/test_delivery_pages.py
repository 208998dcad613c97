"""The service delivery pages over HTTP: the list grouped by service with its
headlines and filters, an official assigning an expert, logging sessions and recording
the outcome on a request's page, bad input shown beside its field with nothing saved,
and who may read or act."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.mail import OutboxMessage
from core.pacts import find_pact
from core.time import today_in
from extensions import db
from stakeholders.delivery.services import log_session, record_outcome
from stakeholders.models import ServiceDelivery
from tests.conftest import csrf_from
from tests.stakeholders.delivery_factories import (
    asking,
    assigned,
    snapshot,
)

Registration = Callable[..., dict[str, Any]]
BASE = "/staff/p/ilfov/services"


@pytest.fixture
def official(make_staff: Callable[..., int]) -> int:
    return make_staff("official")


@pytest.fixture
def organisation(make_registration: Registration) -> int:
    return asking(
        make_registration, "mentoring", "crowdfunding", organisation_name="Alfa SRL"
    )


@pytest.fixture
def as_official(
    client: FlaskClient, official: int, login: Callable[[int], None]
) -> int:
    login(official)
    return official


def post_form(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """Submit a form as the browser would: with the CSRF token of the page."""
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def tomorrow() -> str:
    pact = find_pact("ilfov")
    assert pact is not None
    return (today_in(pact) + timedelta(days=1)).isoformat()


def html_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


# --- the list ------------------------------------------------------------------------


def test_the_staff_home_links_to_the_services(client: FlaskClient, as_official: int):
    assert f'href="{BASE}"' in html_of(client.get("/staff/"))


def test_the_list_groups_requests_by_service_with_each_services_headline(
    client: FlaskClient,
    as_official: int,
    organisation: int,
    make_registration: Registration,
):
    asking(make_registration, "mentoring", organisation_name="Beta SRL")
    mentoring = assigned(as_official, organisation)
    pact = find_pact("ilfov")
    assert pact is not None
    log_session(as_official, mentoring, today_in(pact), 60, "")
    log_session(as_official, mentoring, today_in(pact), 90, "")
    record_outcome(as_official, mentoring, "delivered", "Innovation plan.", None, None)
    campaign = assigned(as_official, organisation, "crowdfunding")
    record_outcome(as_official, campaign, "in progress", "", True, 12500.0)

    html = html_of(client.get(f"{BASE}?lang=en"))

    assert "SMEs mentored: 1 of 2" in html
    assert "SMEs supported in a crowdfunding campaign: 0 of 1" in html
    mentoring_part = html.split('id="service-mentoring"')[1].split("<section")[0]
    assert "Alfa SRL" in mentoring_part
    assert "Beta SRL" in mentoring_part
    assert "Ana Ionescu" in mentoring_part
    assert "Delivered" in mentoring_part
    assert "No expert yet" in mentoring_part
    assert "<td>2</td>" in mentoring_part  # sessions held
    assert "Innovation plan." in mentoring_part
    campaign_part = html.split('id="service-crowdfunding"')[1].split("<section")[0]
    assert "12,500" in campaign_part
    assert "In progress" in campaign_part


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("service=crowdfunding", ["service-crowdfunding"], ["service-mentoring"]),
        ("status=unassigned", ["Beta SRL"], ["Alfa SRL"]),
        ("service=mentoring&status=assigned", ["Alfa SRL"], ["Beta SRL"]),
    ],
)
def test_the_list_is_filtered_by_service_and_status(
    client: FlaskClient,
    as_official: int,
    organisation: int,
    make_registration: Registration,
    query: str,
    shown: list[str],
    hidden: list[str],
):
    asking(make_registration, "mentoring", organisation_name="Beta SRL")
    assigned(as_official, organisation)
    assigned(as_official, organisation, "crowdfunding")

    html = html_of(client.get(f"{BASE}?{query}"))

    assert all(text in html for text in shown)
    assert not any(text in html for text in hidden)


@pytest.mark.parametrize("query", ["service=astrology", "status=forgotten"])
def test_an_unknown_filter_is_shown_as_an_error_and_not_applied(
    client: FlaskClient, as_official: int, organisation: int, query: str
):
    response = client.get(f"{BASE}?{query}&lang=en")

    assert response.status_code == 200
    html = html_of(response)
    assert "Not a valid choice" in html
    assert 'id="service-mentoring"' in html
    assert 'id="service-eu_funding"' in html


# --- acting on a request -------------------------------------------------------------


def test_an_official_assigns_logs_and_records_through_the_page(
    client: FlaskClient, as_official: int, organisation: int
):
    page = f"{BASE}/{organisation}/crowdfunding"

    response = post_form(
        client,
        page,
        {"action": "assign", "expert_name": "Ana Ionescu", "expert_email": "ana@x.ro"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == page
    message = db.session.scalars(select(OutboxMessage)).one()
    assert "Ana Ionescu" in message.body

    response = post_form(
        client,
        page,
        {
            "action": "session",
            "held_on": "2024-03-01",
            "minutes": "90",
            "notes": "Pitch",
        },
    )
    assert response.status_code == 302

    response = post_form(
        client,
        page,
        {
            "action": "outcome",
            "status": "delivered",
            "outcome": "Campaign funded.",
            "campaign_launched": "yes",
            "amount_raised": "12500.50",
        },
    )
    assert response.status_code == 302

    html = html_of(client.get(f"{page}?lang=en"))
    assert "The outcome is recorded." in html
    assert "Ana Ionescu" in html
    assert "Pitch" in html
    assert "12,500.5" in html
    delivery = db.session.scalars(select(ServiceDelivery)).one()
    assert (delivery.status, delivery.campaign_launched, delivery.amount_raised) == (
        "delivered",
        True,
        12500.5,
    )
    assert [(s.held_on.isoformat(), s.minutes) for s in delivery.sessions] == [
        ("2024-03-01", 90)
    ]


def assign(**fields: str) -> tuple[str, dict[str, str]]:
    """(service, form data) of an expert's assignment, with `fields` changed."""
    return "mentoring", {"action": "assign", "expert_name": "Ana Ionescu"} | fields


def session(**fields: str) -> tuple[str, dict[str, str]]:
    data = {"action": "session", "held_on": "2024-03-01", "minutes": "60"}
    return "mentoring", data | fields


def outcome(**fields: str) -> tuple[str, dict[str, str]]:
    return "crowdfunding", {"action": "outcome", "status": "delivered"} | fields


BAD_INPUT = [
    (*assign(expert_name="x" * 121), "Please use at most 120 characters."),
    (*assign(expert_name=""), "This field is required."),
    (*assign(expert_name="<b>Ana</b>"), "Please remove the HTML tags"),
    (*assign(expert_email="ana-at-x"), "Please enter a valid e-mail address."),
    (*session(held_on="tomorrow"), "The date cannot be in the future."),
    (*session(held_on="2024-02-31"), "Not a valid date value."),
    (*session(minutes="0"), "Please enter a number from 1 to 600."),
    (*session(minutes="601"), "Please enter a number from 1 to 600."),
    (*session(minutes="abc"), "Not a valid integer value."),
    (*session(notes="<script>x</script>"), "Please remove the HTML tags"),
    (*outcome(amount_raised="-5"), "Please enter an amount from 0 to 1000000000."),
    (*outcome(amount_raised="lots"), "Not a valid float value."),
    (
        *outcome(campaign_launched="no", amount_raised="100"),
        "A campaign that was not launched raised nothing.",
    ),
    (*outcome(status="finished"), "Not a valid choice."),
]


@pytest.mark.parametrize(("service", "data", "message"), BAD_INPUT)
def test_bad_input_is_shown_beside_the_form_and_nothing_is_saved(
    client: FlaskClient,
    as_official: int,
    organisation: int,
    service: str,
    data: dict[str, str],
    message: str,
):
    assigned(as_official, organisation, service)
    if data.get("held_on") == "tomorrow":
        data = data | {"held_on": tomorrow()}
    before = snapshot()

    response = post_form(client, f"{BASE}/{organisation}/{service}?lang=en", data)

    assert response.status_code == 200
    html = html_of(response)
    assert message in html
    assert 'class="error-summary"' in html
    assert snapshot() == before


@pytest.mark.parametrize(
    "service",
    ["astrology", "workshops", "eu_funding"],  # unknown, no expert, not asked for
)
def test_a_service_that_is_unknown_or_not_asked_for_is_404_and_saves_nothing(
    client: FlaskClient, as_official: int, organisation: int, service: str
):
    before = snapshot()
    url = f"{BASE}/{organisation}/{service}"

    assert client.get(url).status_code == 404
    token = csrf_from(client.get(BASE).get_data(as_text=True))
    response = client.post(
        url,
        data={"action": "assign", "expert_name": "Ana Ionescu", "csrf_token": token},
    )

    assert response.status_code == 404
    assert snapshot() == before


def test_sessions_and_outcome_wait_for_an_expert(
    client: FlaskClient, as_official: int, organisation: int
):
    page = f"{BASE}/{organisation}/mentoring?lang=en"
    assert "Assign an expert first" in html_of(client.get(page))
    before = snapshot()

    response = post_form(
        client, page, {"action": "session", "held_on": "2024-03-01", "minutes": "60"}
    )

    assert response.status_code == 200
    assert "Please assign an expert first." in html_of(response)
    assert snapshot() == before


def test_a_pending_registration_is_shown_but_gets_no_expert(
    client: FlaskClient, as_official: int, make_registration: Registration
):
    pending = asking(make_registration, "mentoring", status="pending")
    page = f"{BASE}/{pending}/mentoring?lang=en"
    before = snapshot()

    response = post_form(client, page, {"action": "assign", "expert_name": "Ana"})

    assert response.status_code == 200
    summary = html_of(response).split('class="error-summary"')[1].split("</div>")[0]
    assert "Only approved registrations receive the pact&#39;s services." in summary
    assert snapshot() == before


# --- who may read and act ------------------------------------------------------------

ACTIONS = [assign(expert_name="Radu Pop")[1], session()[1], outcome()[1]]


@pytest.mark.parametrize("data", ACTIONS, ids=lambda data: data["action"])
def test_a_facilitator_reads_the_pages_but_gets_403_on_every_action(
    app: Flask,
    client: FlaskClient,
    official: int,
    organisation: int,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
    data: dict[str, str],
):
    assigned(official, organisation)
    login(make_staff("facilitator"))
    page = f"{BASE}/{organisation}/mentoring"
    before = snapshot()

    assert "Ana Ionescu" in html_of(client.get(BASE))
    html = html_of(client.get(f"{page}?lang=en"))
    assert "Ana Ionescu" in html
    assert "Save the expert" not in html
    response = post_form(client, page, data)

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("data", ACTIONS, ids=lambda data: data["action"])
def test_an_official_of_another_pact_gets_404(
    app: Flask,
    client: FlaskClient,
    official: int,
    organisation: int,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
    data: dict[str, str],
):
    assigned(official, organisation)
    login(make_staff("official", pacts=("torino",)))
    page = f"{BASE}/{organisation}/mentoring"
    before = snapshot()

    assert client.get(BASE).status_code == 404
    assert client.get(page).status_code == 404
    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    response = client.post(page, data={**data, "csrf_token": token})

    assert response.status_code == 404
    assert snapshot() == before
