"""Cancelling a workshop and cancelling someone's place (removing a participant)
ask first: the staff page links to a confirmation page saying what will happen,
and only its button acts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import csrf_from
from tests.workshops.factories import (
    approved_people,
    enrolment_of,
    last_message_id,
    load_person,
    load_workshop,
    new_workshop,
    outbox,
)
from workshops.enrolment import enrol_people
from workshops.scheduling import set_workshop_status

STAFF = "/staff/p/ilfov/workshops"


def test_cancel_the_workshop_leads_to_a_confirmation_that_alone_cancels(
    client: FlaskClient,
    pact: int,
    official: int,
    login: Callable[[int], None],
    make_registration: Callable[..., Any],
) -> None:
    workshop = new_workshop(official, pact, capacity=1)
    enrol_people(official, workshop, approved_people(make_registration, 2))
    since = last_message_id()
    login(official)
    detail = client.get(f"{STAFF}/{workshop}").get_data(as_text=True)
    assert f'href="{STAFF}/{workshop}/cancel"' in detail
    assert f'action="{STAFF}/{workshop}/cancel"' not in detail

    page = client.get(f"{STAFF}/{workshop}/cancel").get_data(as_text=True)

    assert "Cancel the workshop?" in page
    assert "1 enrolled and 1 waiting will be told by e-mail" in page
    assert f'action="{STAFF}/{workshop}/cancel"' in page
    assert load_workshop(workshop).status == "planned"
    assert outbox(since) == []
    response = client.post(
        f"{STAFF}/{workshop}/cancel", data={"csrf_token": csrf_from(page)}
    )
    assert response.headers["Location"] == f"{STAFF}/{workshop}"
    assert load_workshop(workshop).status == "cancelled"


def test_a_running_workshop_has_no_cancel_button_even_on_its_confirmation_page(
    client: FlaskClient, pact: int, official: int, login: Callable[[int], None]
) -> None:
    workshop = new_workshop(official, pact)
    set_workshop_status(official, workshop, "running")
    login(official)

    page = client.get(f"{STAFF}/{workshop}/cancel").get_data(as_text=True)

    assert "can no longer be cancelled (status: Running)." in page
    assert f'action="{STAFF}/{workshop}/cancel"' not in page


def test_cancel_place_leads_to_a_confirmation_naming_the_person(
    client: FlaskClient,
    pact: int,
    official: int,
    login: Callable[[int], None],
    make_registration: Callable[..., Any],
) -> None:
    workshop = new_workshop(official, pact)
    (person,) = approved_people(make_registration, 1)
    enrol_people(official, workshop, [person])
    enrolment = enrolment_of(workshop, person).id
    address = f"{STAFF}/{workshop}/enrolments/{enrolment}/decline"
    login(official)
    detail = client.get(f"{STAFF}/{workshop}").get_data(as_text=True)
    assert f'href="{address}"' in detail
    assert f'action="{address}"' not in detail

    page = client.get(address).get_data(as_text=True)

    assert "Cancel this place?" in page
    assert load_person(person).name in page
    assert f'action="{address}"' in page
    assert enrolment_of(workshop, person).status == "enrolled"
    client.post(address, data={"csrf_token": csrf_from(page)})
    assert enrolment_of(workshop, person).status == "declined"
    again = client.get(address).get_data(as_text=True)
    assert "This place was already declined." in again
    assert f'action="{address}"' not in again


def test_the_confirmations_of_another_pacts_workshop_are_not_found(
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
    make_registration: Callable[..., Any],
) -> None:
    make_pact("ilfov")
    torino = make_pact("torino")
    torino_official = make_staff("official", pacts=("torino",))
    workshop = new_workshop(torino_official, torino)
    (person,) = approved_people(make_registration, 1, pact="torino")
    enrol_people(torino_official, workshop, [person])
    enrolment = enrolment_of(workshop, person).id
    login(make_staff("official", pacts=("ilfov",)))

    for pact in ("ilfov", "torino"):
        base = f"/staff/p/{pact}/workshops/{workshop}"
        assert client.get(f"{base}/cancel").status_code == 404
        decline = f"{base}/enrolments/{enrolment}/decline"
        assert client.get(decline).status_code == 404
