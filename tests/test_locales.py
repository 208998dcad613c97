"""Which language a page is in (core/locales.py): a pact's pages speak the pact's
languages, its default to whoever asks for nothing; `?lang=`, then the remembered
choice, then the person's preferred language, then the browser's; a pact is found
from a slug, a workshop or a commitment in the URL; the switcher offers the page's
languages; a logged-in person's choice is kept and used for their e-mails and the
board."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from core.choices import DEFAULT_THEMES
from core.locales import current_pact
from core.mail import queue_template_email
from core.models import Pact
from extensions import db, socketio
from stakeholders.models import Person
from stakeholders.services import create_staff
from tests.board.conftest import in_process_board
from tests.conftest import PASSWORD, csrf_from, form_data, without_accept_language
from tests.pacts.factories import new_commitment, open_member_session
from tests.workshops.conftest import open_participant_session
from tests.workshops.factories import (
    approved_people,
    last_message_id,
    load_workshop,
    new_workshop,
    outbox,
    running_workshop,
)
from workshops.board.events import NAMESPACE
from workshops.board.pages import ERROR_MESSAGES
from workshops.enrolment import enrol_people
from workshops.identities import issue_staff_token

TORINO = "/p/torino/register"
ILFOV = "/p/ilfov/register"


def lang_of(response: Any) -> str:
    match = re.search(r'<html lang="([a-z]+)">', response.get_data(as_text=True))
    assert match, "the page has no <html lang>"
    return match.group(1)


@pytest.fixture
def pacts(make_pact: Callable[..., int]) -> dict[str, int]:
    """Torino offers Italian (its own) and English; Ilfov Romanian and English."""
    return {
        "torino": make_pact(
            "torino", languages="it,en", country="IT", timezone="Europe/Rome"
        ),
        "ilfov": make_pact("ilfov", timezone="Europe/Bucharest"),
    }


@pytest.fixture
def browser(client: FlaskClient) -> FlaskClient:
    """A browser that asks for no language."""
    return without_accept_language(client)


def person(person_id: int) -> Person:
    db.session.expire_all()
    found = db.session.get(Person, person_id)
    assert found is not None
    return found


# --- the order of choice -------------------------------------------------------------


def test_a_visitor_who_asks_for_nothing_gets_the_pacts_own_language(
    browser: FlaskClient, pacts: dict[str, int]
):
    assert lang_of(browser.get(TORINO)) == "it"
    assert lang_of(browser.get(ILFOV)) == "ro"


def test_lang_in_the_address_picks_one_of_the_pacts_languages_only(
    browser: FlaskClient, pacts: dict[str, int]
):
    assert lang_of(browser.get(TORINO + "?lang=en")) == "en"
    assert lang_of(browser.get(ILFOV + "?lang=it")) == "en", "remembered en"


def test_a_language_the_pact_does_not_offer_is_ignored_and_not_remembered(
    browser: FlaskClient, pacts: dict[str, int]
):
    assert lang_of(browser.get(TORINO + "?lang=es")) == "it"
    assert lang_of(browser.get(TORINO + "?lang=ro")) == "it"
    assert lang_of(browser.get("/login")) == "en", "nothing was remembered"


def test_the_choice_is_remembered_before_the_browsers_language(
    client: FlaskClient, pacts: dict[str, int]
):
    italian = {"Accept-Language": "it-IT,it;q=0.9"}
    assert lang_of(client.get(TORINO, headers=italian)) == "it"
    client.get(TORINO + "?lang=en")
    assert lang_of(client.get(TORINO, headers=italian)) == "en"
    assert lang_of(client.get("/p/torino", headers=italian)) == "en"


def test_the_browsers_best_match_among_the_pacts_languages_else_the_default(
    browser: FlaskClient, pacts: dict[str, int]
):
    english = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
    assert lang_of(browser.get(TORINO, headers=english)) == "en"
    romanian = {"Accept-Language": "ro-RO,ro;q=0.9"}
    assert lang_of(browser.get(TORINO, headers=romanian)) == "it"
    assert lang_of(browser.get(ILFOV, headers=romanian)) == "ro"


def test_the_persons_language_comes_after_the_choice_and_before_the_browser(
    browser: FlaskClient, pacts: dict[str, int], make_staff: Callable[..., int], login
):
    official = make_staff("official", pacts=("torino", "ilfov"))
    login(official)
    italian = {"Accept-Language": "it"}
    assert lang_of(browser.get(TORINO, headers=italian)) == "en", "the person's en"
    person(official).language = "ro"
    db.session.commit()
    assert lang_of(browser.get(TORINO, headers=italian)) == "it", "ro is not offered"
    assert lang_of(browser.get(ILFOV)) == "ro"
    browser.get(ILFOV + "?lang=en")
    assert lang_of(browser.get(ILFOV)) == "en"


def test_outside_any_pact_every_language_is_offered_and_english_is_the_default(
    browser: FlaskClient, pacts: dict[str, int]
):
    assert lang_of(browser.get("/login")) == "en"
    assert lang_of(browser.get("/login", headers={"Accept-Language": "es"})) == "es"
    assert lang_of(browser.get("/login?lang=it")) == "it"
    assert lang_of(browser.get("/")) == "it"


def test_workshop_and_commitment_addresses_find_their_pact(
    app: Flask,
    pacts: dict[str, int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
):
    official = make_staff("official", pacts=("torino",))
    workshop = new_workshop(official, pacts["torino"])
    lead = make_registration("torino", status="approved")["organisation"]
    commitment = new_commitment(official, pacts["torino"], lead)
    requests = [
        ("GET", f"/w/{workshop}/board", "torino"),
        ("POST", f"/me/commitments/{commitment}/progress", "torino"),
        ("GET", "/staff/p/ilfov/workshops", "ilfov"),
        ("POST", "/me/commitments/12345/progress", None),
        ("GET", "/p/nowhere/register", None),
        ("GET", "/login", None),
    ]
    for method, path, slug in requests:
        # Each request has an app context of its own, as when served.
        with app.app_context(), app.test_request_context(path, method=method):
            found = current_pact()
            assert (found.slug if found else None) == slug, path


def test_staff_and_join_link_pages_speak_their_pacts_languages(
    browser: FlaskClient, pacts: dict[str, int], make_staff: Callable[..., int], login
):
    official = make_staff("official", pacts=("torino",))
    person(official).language = "ro"
    db.session.commit()
    workshop = new_workshop(official, pacts["torino"])
    assert lang_of(browser.get(f"/w/{workshop}/join/not-a-token")) == "it"
    login(official)
    assert lang_of(browser.get("/staff/p/torino/workshops")) == "it"
    assert lang_of(browser.get("/staff/")) == "ro"


def test_a_registration_keeps_the_language_the_form_was_shown_in(
    browser: FlaskClient, pacts: dict[str, int]
):
    token = csrf_from(browser.get(TORINO).get_data(as_text=True))
    response = browser.post(TORINO, data={**form_data(), "csrf_token": token})
    assert response.status_code == 302
    registered = db.session.scalars(select(Person)).one()
    assert registered.language == "it"


# --- the switcher ---------------------------------------------------------------


def switcher(response: Any) -> str:
    html = response.get_data(as_text=True)
    match = re.search(r'<nav class="languages".*?</nav>', html, re.S)
    assert match, "no language switcher"
    return match.group(0)


def test_the_switcher_offers_the_pacts_languages_named_in_themselves(
    browser: FlaskClient, pacts: dict[str, int]
):
    nav = switcher(browser.get(TORINO + "?source=poster"))
    assert re.findall(r' lang="([a-z]+)"', nav) == ["it", "en"]
    assert '<span aria-current="true" lang="it">Italiano</span>' in nav
    assert 'href="/p/torino/register?source=poster&amp;lang=en"' in nav
    assert ">English</a>" in nav
    everywhere = switcher(browser.get("/login?lang=ro"))
    assert re.findall(r' lang="([a-z]+)"', everywhere) == ["en", "ro", "it", "es"]
    for name in ("English", "Română", "Italiano", "Español"):
        assert name in everywhere


# --- the person's language: kept, and used for e-mail and the board --------------


def test_a_participants_choice_is_kept_and_their_next_email_is_in_it(
    client: FlaskClient,
    pacts: dict[str, int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
):
    official = make_staff("official")
    participant = approved_people(make_registration, 1)[0]
    person(participant).language = "en"
    db.session.commit()
    open_member_session(client, participant)
    assert lang_of(client.get("/me/commitments?lang=xx")) == "en"
    assert person(participant).language == "en", "an unknown code is not kept"
    assert lang_of(client.get("/me/commitments?lang=ro")) == "ro"
    assert person(participant).language == "ro"

    workshop = new_workshop(official, pacts["ilfov"])
    since = last_message_id()
    enrol_people(official, workshop, [participant])
    (message,) = outbox(since)
    context = {"person": person(participant), "workshop": load_workshop(workshop)}
    for language in ("ro", "en"):
        with force_locale(language):
            subject = render_template(
                "email/workshop_invitation.subject.txt", **context
            )
        assert (" ".join(subject.split()) == message.subject) is (language == "ro")


def test_a_staff_members_choice_is_kept(
    client: FlaskClient, pacts: dict[str, int], make_staff: Callable[..., int], login
):
    official = make_staff("official", pacts=("torino",))
    login(official)
    client.get("/staff/p/torino/workshops?lang=ro")
    assert person(official).language == "en", "Torino does not offer Romanian"
    client.get("/staff/p/torino/workshops?lang=it")
    assert person(official).language == "it"
    client.get("/staff/?lang=es")
    assert person(official).language == "es"


def test_the_board_is_in_the_participants_language_error_texts_included(
    client: FlaskClient,
    pacts: dict[str, int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
):
    official = make_staff("official")
    workshop = running_workshop(official, pacts["ilfov"])
    participant = approved_people(make_registration, 1)[0]
    enrol_people(official, workshop, [participant])
    open_participant_session(client, workshop, participant)
    # The browser prefers English; the person's Romanian comes first.
    for language in ("ro", "en"):
        person(participant).language = language
        db.session.commit()
        page = client.get(f"/w/{workshop}/board")
        assert lang_of(page) == language
        strings = json.loads(
            re.search(
                r'<script type="application/json" id="board-strings">(.*?)</script>',
                page.get_data(as_text=True),
                re.S,
            ).group(1)  # type: ignore[union-attr]
        )
        with force_locale(language):
            assert strings["errors"]["vote_budget"] == str(
                ERROR_MESSAGES["vote_budget"]
            )
    with force_locale("ro"):
        assert str(ERROR_MESSAGES["vote_budget"]) != "You have used all your votes."


def test_the_board_socket_speaks_the_language_its_page_asks_for(
    app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
):
    made = in_process_board(make_pact, make_staff, "Languages")
    token = issue_staff_token(made.facilitator, 3600)
    names = {}
    for language in ("ro", "en"):
        # An app context per connection, as each event has when served (the test
        # client runs the handlers in the test's thread).
        with app.app_context():
            client = socketio.test_client(
                app,
                namespace=NAMESPACE,
                auth={"token": token, "board": made.board},
                query_string=f"lang={language}",
                flask_test_client=app.test_client(),
            )
            ack = client.emit(
                "join", {"board": made.board}, callback=True, namespace=NAMESPACE
            )
            client.disconnect(namespace=NAMESPACE)
        board = ack["snapshot"]["board"]
        names[language] = [theme["name"] for theme in board["themes"]]
    for language, shown in names.items():
        with force_locale(language):
            assert shown[0] == str(DEFAULT_THEMES["circular-economy"])
    assert names["ro"] != names["en"]


def test_a_new_staff_member_keeps_the_language_of_their_first_login(
    client: FlaskClient, pacts: dict[str, int], make_staff: Callable[..., int], login
):
    """A new account has chosen nothing: the official who logs in from an Italian
    browser works in Italian from then on, whatever browser they use next."""
    official = make_staff("official", pacts=("torino",))
    assert person(official).language == ""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "it-IT,it;q=0.9"
    login(official)
    assert person(official).language == "it"
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert lang_of(client.get("/staff/p/torino/workshops")) == "it"


def test_a_language_given_to_a_staff_account_is_not_replaced_at_login(
    client: FlaskClient, pacts: dict[str, int], login
):
    official = create_staff(
        "ana@ilfov.ro", "Ana", "official", PASSWORD, ["ilfov"], "ro"
    )
    login(official["id"])
    assert person(official["id"]).language == "ro"
    assert lang_of(client.get("/staff/p/ilfov/workshops")) == "ro"


def test_an_email_to_someone_without_a_language_is_in_the_pacts_own(
    app: Flask, pacts: dict[str, int]
):
    """A staff member who has not logged in yet chose no language: what is written to
    them is in the pact's own language (Italian for Torino), not the site's."""
    torino = db.session.get(Pact, pacts["torino"])
    someone = SimpleNamespace(
        name="Ada", organisation=SimpleNamespace(name="Ada SRL"), accepts_email=True
    )
    messages = {
        language: queue_template_email(
            "ada@torino.it",
            language,
            "registration_received",
            pact=torino,
            person=someone,
        )
        for language in ("", "it", "en")
    }
    subjects = {language: m.subject for language, m in messages.items() if m}
    assert subjects[""] == subjects["it"] != subjects["en"]
