"""Empty lists say what happens next and offer the next step, instead of an empty
table: an official's first visit to registrations, workshops, commitments and the
audit log, and a filter that matches nothing (which offers to clear it)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

PACT = "/staff/p/ilfov"


@pytest.fixture
def official_client(
    client: FlaskClient, make_staff: Callable[..., int], login: Callable[[int], None]
) -> FlaskClient:
    login(make_staff("official"))
    return client


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_no_registration_yet_gives_the_address_of_the_form_to_share(
    official_client: FlaskClient,
):
    html = page(official_client, f"{PACT}/registrations")

    assert "No organisation has registered yet." in html
    assert 'href="http://localhost/p/ilfov/register"' in html


def test_a_filter_that_matches_nothing_offers_to_clear_it(
    official_client: FlaskClient,
):
    html = page(official_client, f"{PACT}/registrations?status=rejected")
    assert "No registration matches these filters." in html
    assert f'<a href="{PACT}/registrations">Clear the filters</a>' in html

    html = page(official_client, f"{PACT}/audit?action=publish")
    assert "No entry matches these filters." in html
    assert f'<a href="{PACT}/audit">Clear the filters</a>' in html


def test_no_workshop_yet_offers_to_plan_the_first(official_client: FlaskClient):
    html = page(official_client, f"{PACT}/workshops")

    assert "No workshop is planned yet." in html
    assert "Plan the first one" in html
    assert html.count(f'href="{PACT}/workshops/new"') == 1  # here, not also above


def test_no_commitment_yet_says_where_they_come_from_and_offers_to_add_one(
    official_client: FlaskClient,
):
    html = page(official_client, f"{PACT}/pact")

    assert "No commitments yet." in html
    assert "Commitments are drafted on the live board of a workshop" in html
    assert html.count(f'href="{PACT}/pact/commitments/new"') == 1
