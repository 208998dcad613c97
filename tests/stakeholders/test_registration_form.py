"""The public registration form over HTTP: what a visitor sees and what gets stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.mail import OutboxMessage
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Consent, Organisation, Person
from tests.conftest import csrf_from, form_data

URL = "/p/ilfov/register"


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def pact(make_pact: Callable[..., int]) -> int:
    return make_pact("ilfov")


def submit(client: FlaskClient, **overrides: Any) -> Any:
    token = csrf_from(client.get(URL).get_data(as_text=True))
    return client.post(URL, data={**form_data(**overrides), "csrf_token": token})


def test_form_page_shows_every_section_and_the_consent_text(
    client: FlaskClient, pact: int
):
    html = client.get(URL + "?lang=en").get_data(as_text=True)
    for text in (
        "Organisation name",
        "Contact person",
        "Services you are interested in",
        "Themes of interest",
        "Circular economy",
        "I agree that",
    ):
        assert text in html
    assert f'value="{CONSENT_VERSION}"' in html


def test_unknown_pact_is_404(client: FlaskClient, pact: int):
    assert client.get("/p/nowhere/register").status_code == 404


def test_valid_registration_stores_organisation_person_and_consent(
    client: FlaskClient, pact: int
):
    response = submit(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/p/ilfov/registered")
    organisation = db.session.scalars(select(Organisation)).one()
    assert organisation.name == "EcoPack Ambalaje SRL"
    assert organisation.status == "pending"
    assert organisation.registration_number == "J23/1234/2020"
    assert sorted(organisation.service_keys) == ["eu_funding", "mentoring"]
    assert [t.key for t in organisation.themes] == ["circular-economy", "energy"]
    person = db.session.scalars(select(Person)).one()
    assert (person.email, person.phone) == ("maria@ecopack.ro", "+40721234567")
    consent = db.session.scalars(select(Consent)).one()
    assert consent.version == CONSENT_VERSION
    assert consent.ip_address == "127.0.0.1"
    # submit() sends no language: the form, and so the consent shown, is English.
    assert "I agree that" in consent.text
    assert "Sunt de acord" not in consent.text
    assert consent.given_at.tzinfo is not None
    assert count(OutboxMessage) == 1
    success = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "confirmation e-mail" in success
    assert "e-mail de confirmare" not in success


def test_email_is_normalised_to_lowercase(client: FlaskClient, pact: int):
    submit(client, contact_email="  Maria@EcoPack.RO ")
    assert db.session.scalars(select(Person.email)).one() == "maria@ecopack.ro"


BAD_INPUTS = [
    # field, value, expected error (English)
    ("organisation_name", "", "This field is required."),
    ("organisation_name", "x" * 201, "at most 200 characters"),
    ("organisation_name", "<script>alert(1)</script>", "HTML tags"),
    ("organisation_name", "Eco\nPack", "single line"),
    ("kind", "", "This field is required."),
    ("kind", "corporation", "Not a valid choice"),
    ("size", "huge", "Not a valid choice"),
    ("size", "", "This field is required."),
    ("sector", "Z", "Not a valid choice"),
    ("sector", "<b>", "Not a valid choice"),
    ("locality", "", "This field is required."),
    ("locality", "y" * 121, "at most 120 characters"),
    ("locality", "<img src=x onerror=alert(1)>", "HTML tags"),
    ("region", "", "This field is required."),
    ("region", "r" * 121, "at most 120 characters"),
    ("region", "<script>", "HTML tags"),
    ("country", "XX", "Not a valid choice"),
    ("country", "", "This field is required."),
    ("registration_number", "J" * 41, "at most 40 characters"),
    ("registration_number", "J23;DROP TABLE", "Use only letters"),
    ("registration_number", "<script>", "Use only letters"),
    ("website", "ftp://ecopack.ro", "Start the address with http"),
    ("website", "localhost:5000", "valid web address"),
    ("website", "javascript:alert(1)", "Start the address with http"),
    ("website", "https://" + "a" * 300 + ".ro", "at most 300 characters"),
    ("website", "https://exa mple.ro", "valid web address"),
    ("website", "https://x.ro/<script>", "HTML tags"),
    ("contact_name", "", "This field is required."),
    ("contact_name", "n" * 121, "at most 120 characters"),
    ("contact_name", "<script>alert(1)</script>", "HTML tags"),
    ("contact_position", "p" * 121, "at most 120 characters"),
    ("contact_position", "<i>boss</i>", "HTML tags"),
    ("contact_email", "", "This field is required."),
    ("contact_email", "not-an-email", "valid e-mail"),
    ("contact_email", "a@" + "b" * 260 + ".ro", "at most 254 characters"),
    ("contact_email", "<script>@x.ro", "valid e-mail"),
    ("contact_phone", "12", "valid phone number"),
    ("contact_phone", "not a phone", "valid phone number"),
    ("contact_phone", "9" * 31, "at most 30 characters"),
    ("contact_phone", "<script>", "valid phone number"),
    ("services", [], "at least one service"),
    ("services", ["teleportation"], "not a valid choice"),
    ("themes", [], "at least one theme"),
    ("themes", ["space-travel"], "not a valid choice"),
    ("motivation", "m" * 1001, "at most 1000 characters"),
    ("motivation", "Hello <script>alert(1)</script>", "HTML tags"),
    ("consent", None, "agree to the processing"),
]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    BAD_INPUTS,
    ids=[f"{f}-{i}" for i, (f, _v, _m) in enumerate(BAD_INPUTS)],
)
def test_bad_input_is_refused_with_a_field_error_and_nothing_stored(
    client: FlaskClient, pact: int, field: str, value: Any, message: str
):
    overrides: dict[str, Any] = {field: value}
    if field == "consent":
        overrides = {"consent": None}
    token = csrf_from(client.get(URL + "?lang=en").get_data(as_text=True))
    data = {**form_data(**overrides), "csrf_token": token}
    response = client.post(URL, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message.lower() in html.lower()
    assert 'id="error-summary"' in html
    assert f'id="{field}-error"' in html
    assert count(Organisation) == 0
    assert count(Person) == 0
    assert count(Consent) == 0


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("www.brutaria.ro", "https://www.brutaria.ro"),
        ("brutaria.ro/despre", "https://brutaria.ro/despre"),
        ("HTTP://Brutaria.ro", "HTTP://Brutaria.ro"),
    ],
)
def test_a_web_address_without_a_scheme_is_stored_as_https(
    client: FlaskClient, pact: int, typed: str, stored: str
):
    assert submit(client, website=typed).status_code == 302
    assert db.session.scalars(select(Organisation.website)).one() == stored


@pytest.mark.parametrize(
    "website", ["javascript:alert(1)", "https://exa mple.ro", "www.exa mple.ro"]
)
def test_a_bad_web_address_gets_one_error_not_two(
    client: FlaskClient, pact: int, website: str
):
    html = submit(client, website=website).get_data(as_text=True)
    listed = re.search(r'<ul class="errors" id="website-error">(.*?)</ul>', html, re.S)
    assert listed is not None
    assert listed.group(1).count("<li>") == 1
    assert html.count('href="#website"') == 1


def test_entered_values_are_kept_after_an_error(client: FlaskClient, pact: int):
    html = submit(
        client, contact_email="broken", organisation_name="Keep Me SRL"
    ).get_data(as_text=True)
    assert 'value="Keep Me SRL"' in html
    assert 'value="broken"' in html
    assert re.search(r'<input checked[^>]*value="mentoring"', html)
    assert not re.search(r'<input checked[^>]*value="crowdfunding"', html)


def test_missing_csrf_token_is_400_and_nothing_stored(client: FlaskClient, pact: int):
    client.get(URL)
    response = client.post(URL, data=form_data())
    assert response.status_code == 400
    assert count(Organisation) == 0


def test_invalid_csrf_token_is_400_and_nothing_stored(client: FlaskClient, pact: int):
    client.get(URL)
    response = client.post(URL, data={**form_data(), "csrf_token": "forged"})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
    assert count(Organisation) == 0


def test_honeypot_looks_successful_but_stores_nothing(client: FlaskClient, pact: int):
    response = submit(client, fax_number="+40 21 000 0000")
    assert response.status_code == 302
    assert count(Organisation) == 0
    assert count(OutboxMessage) == 0


def test_same_email_twice_gets_a_clear_message_and_no_duplicate(
    client: FlaskClient, pact: int
):
    submit(client)
    html = submit(
        client, registration_number="", organisation_name="Other SRL"
    ).get_data(as_text=True)
    assert "already registered for this pact" in html
    assert count(Organisation) == 1
    assert count(Person) == 1


def test_same_email_may_register_for_another_pact(
    client: FlaskClient, pact: int, make_pact: Callable[..., int]
):
    make_pact("torino", country="IT")
    submit(client)
    token = csrf_from(client.get("/p/torino/register").get_data(as_text=True))
    response = client.post(
        "/p/torino/register", data={**form_data(contact_phone=""), "csrf_token": token}
    )
    assert response.status_code == 302
    assert count(Organisation) == 2


def test_registration_number_is_unique_per_pact(client: FlaskClient, pact: int):
    submit(client)
    html = submit(client, contact_email="other@ecopack.ro").get_data(as_text=True)
    assert "registration number is already registered" in html
    assert count(Organisation) == 1


def test_stale_consent_version_asks_to_read_the_text_again(
    client: FlaskClient, pact: int
):
    html = submit(client, consent_version="1999-01-01").get_data(as_text=True)
    assert "consent text has changed" in html
    assert count(Organisation) == 0


def test_romanian_from_the_query_string_and_kept_for_the_visit(
    client: FlaskClient, pact: int
):
    html = client.get(URL + "?lang=ro").get_data(as_text=True)
    assert '<html lang="ro">' in html
    assert "Numele organizației" in html
    again = client.get(URL).get_data(as_text=True)
    assert '<html lang="ro">' in again


def test_language_from_the_browser_when_not_chosen(client: FlaskClient, pact: int):
    html = client.get(
        URL, headers={"Accept-Language": "ro-RO,ro;q=0.9,en;q=0.5"}
    ).get_data(as_text=True)
    assert '<html lang="ro">' in html
    english = client.get(URL, headers={"Accept-Language": "de-DE,en;q=0.5"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in english


def test_errors_are_shown_in_romanian(client: FlaskClient, pact: int):
    token = csrf_from(client.get(URL + "?lang=ro").get_data(as_text=True))
    html = client.post(
        URL,
        data={**form_data(contact_email="broken", kind="nope"), "csrf_token": token},
    ).get_data(as_text=True)
    assert "adresă de e-mail validă" in html
    assert "Vă rugăm să corectați" in html


def test_unknown_language_falls_back_to_the_pacts_own(client: FlaskClient, pact: int):
    html = client.get(URL + "?lang=xx", headers={"Accept-Language": "xx"}).get_data(
        as_text=True
    )
    assert '<html lang="ro">' in html
