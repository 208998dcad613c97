"""Examples and hints follow the pact's country (core/countries.py): the phone
example and the registration-number hint of the registration form, and the country
the phone validator reads a number in."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from core.countries import phone_example, registration_number_hint
from tests.conftest import csrf_from, form_data, without_accept_language


@pytest.fixture
def pacts(make_pact: Callable[..., int]) -> None:
    make_pact("torino", languages="it,en", country="IT", timezone="Europe/Rome")
    make_pact("ilfov", timezone="Europe/Bucharest")


def page(client: FlaskClient, path: str) -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def test_the_torino_form_gives_italian_examples(client: FlaskClient, pacts: None):
    text = page(client, "/p/torino/register?lang=en")
    assert "For example +39 312 345 6789." in text
    assert "For example the tax identification number (partita IVA 01234567890)." in (
        text
    )
    assert "J23/1234/2020" not in text
    assert "+40" not in text


def test_the_ilfov_form_gives_romanian_examples_in_romanian(
    client: FlaskClient, pacts: None
):
    text = page(without_accept_language(client), "/p/ilfov/register")
    assert "De exemplu, +40 712 034 567." in text
    assert "Registrul Comerțului (J23/1234/2020)" in text
    assert "Înscrieți-vă în Ilfov Local Green Pact" in text


def test_a_wrong_phone_number_on_torino_is_explained_with_an_italian_example(
    client: FlaskClient, pacts: None
):
    token = csrf_from(page(client, "/p/torino/register?lang=en"))
    data = form_data(country="IT", contact_phone="12", csrf_token=token)
    text = html.unescape(
        client.post("/p/torino/register", data=data).get_data(as_text=True)
    )
    assert "Please enter a valid phone number, for example +39 312 345 6789." in text


def test_a_number_without_its_country_code_is_read_in_the_forms_country(
    client: FlaskClient, pacts: None
):
    token = csrf_from(page(client, "/p/torino/register?lang=en"))
    data = form_data(
        country="IT",
        contact_phone="011 123 4567",
        contact_email="giulia@example.it",
        registration_number="",
        csrf_token=token,
    )
    response = client.post("/p/torino/register", data=data)
    assert response.status_code == 302


def test_the_consent_is_named_in_the_error_summary_in_the_pages_language(
    client: FlaskClient, pacts: None
):
    token = csrf_from(page(client, "/p/ilfov/register?lang=ro"))
    data = form_data(consent=None, csrf_token=token)
    text = html.unescape(
        client.post("/p/ilfov/register", data=data).get_data(as_text=True)
    )
    assert 'href="#consent">Consimțământ: ' in text
    assert "Consent:" not in text


@pytest.mark.parametrize(
    ("country", "example"),
    [
        ("RO", "+40 712 034 567"),
        ("IT", "+39 312 345 6789"),
        ("ES", "+34 612 34 56 78"),
        ("MX", "+52 222 123 4567"),
        ("AQ", "+32 470 12 34 56"),
        (None, "+32 470 12 34 56"),
    ],
)
def test_phone_examples_per_country_with_a_generic_one_for_the_rest(
    country: str | None, example: str
):
    assert phone_example(country) == example


def test_registration_number_hints_per_country_with_a_generic_one(app: Flask):
    with app.test_request_context(), force_locale("en"):
        assert "J23/1234/2020" in registration_number_hint("RO")
        assert "NIF B12345678" in registration_number_hint("ES")
        assert "CUIT 30-71234567-1" in registration_number_hint("AR")
        assert registration_number_hint("DE") == (
            "For example the company's registration number or tax number."
        )
