"""A workshop's lifecycle: one table says which actions each status offers; the
staff page shows only those, and the use cases refuse the others (a page left open
in another tab cannot finish a workshop that never started, or cancel one that
runs). Facilitators of the pact schedule workshops too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.errors import DomainError
from extensions import db
from tests.conftest import csrf_from
from tests.workshops.factories import load_workshop, new_workshop
from workshops.lifecycle import WorkshopAction, check_action, workshop_actions
from workshops.models import Workshop, WorkshopStatus
from workshops.scheduling import cancel_workshop, set_workshop_status

STAFF = "/staff/p/ilfov/workshops"
A = WorkshopAction
# The specification, written out whole.
EXPECTED = {
    WorkshopStatus.PLANNED: {A.OPEN, A.START, A.EDIT, A.ENROL, A.CANCEL},
    WorkshopStatus.OPEN: {A.START, A.EDIT, A.ENROL, A.CANCEL},
    WorkshopStatus.RUNNING: {A.FINISH, A.EDIT, A.ENROL},
    WorkshopStatus.FINISHED: set(),
    WorkshopStatus.CANCELLED: set(),
}
CELLS = [(status, action) for status in WorkshopStatus for action in WorkshopAction]
BUTTONS = {
    "open": "Open enrolment",
    "running": "Start the workshop",
    "finished": "Finish the workshop",
}


@pytest.mark.parametrize(("status", "action"), CELLS)
def test_each_status_allows_exactly_its_actions(
    app: Flask, status: WorkshopStatus, action: WorkshopAction
) -> None:
    allowed = action in EXPECTED[status]
    assert (action in workshop_actions(status)) is allowed
    if allowed:
        check_action(status, action)
    else:
        with pytest.raises(DomainError) as refused:
            check_action(status, action)
        assert refused.value.code == "conflict"


def set_status(workshop_id: int, status: str) -> None:
    workshop = db.session.get(Workshop, workshop_id)
    assert workshop is not None
    workshop.status = status
    db.session.commit()


@pytest.mark.parametrize(
    ("status", "target"),
    [
        ("planned", "finished"),
        ("open", "open"),
        ("open", "finished"),
        ("running", "open"),
        ("running", "running"),
        ("finished", "running"),
        ("cancelled", "open"),
    ],
)
def test_the_service_refuses_a_status_its_workshop_does_not_offer(
    db_app: Flask, pact: int, official: int, status: str, target: str
) -> None:
    workshop = new_workshop(official, pact)
    set_status(workshop, status)

    with pytest.raises(DomainError) as refused:
        set_workshop_status(official, workshop, target)

    assert refused.value.code == "conflict"
    assert load_workshop(workshop).status == status


def test_a_workshop_goes_from_planned_through_open_and_running_to_finished(
    db_app: Flask, pact: int, official: int
) -> None:
    workshop = new_workshop(official, pact)
    for target in ("open", "running", "finished"):
        assert set_workshop_status(official, workshop, target)["status"] == target
    assert load_workshop(workshop).status == "finished"


def test_a_running_workshop_is_finished_not_cancelled(
    db_app: Flask, pact: int, official: int
) -> None:
    workshop = new_workshop(official, pact)
    set_workshop_status(official, workshop, "running")

    with pytest.raises(DomainError) as refused:
        cancel_workshop(official, workshop)

    assert refused.value.code == "conflict"
    assert load_workshop(workshop).status == "running"


def detail(client: FlaskClient, workshop: int) -> str:
    return client.get(f"{STAFF}/{workshop}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("status", "buttons", "official_links"),
    [
        ("planned", {"open", "running"}, {"Edit", "Cancel the workshop"}),
        ("open", {"running"}, {"Edit", "Cancel the workshop"}),
        ("running", {"finished"}, {"Edit"}),
        ("finished", set(), set()),
        ("cancelled", set(), set()),
    ],
)
def test_the_staff_page_offers_only_the_actions_of_the_workshops_status(
    client: FlaskClient,
    pact: int,
    official: int,
    login: Callable[[int], None],
    status: str,
    buttons: set[str],
    official_links: set[str],
) -> None:
    workshop = new_workshop(official, pact)
    set_status(workshop, status)
    login(official)

    html = detail(client, workshop)

    for value, label in BUTTONS.items():
        assert (f'value="{value}">{label}</button>' in html) is (value in buttons)
    assert ("/edit" in html) is ("Edit" in official_links)
    assert (f"{workshop}/cancel" in html) is ("Cancel the workshop" in official_links)
    enrolling = "Enrol approved stakeholders" in html
    assert enrolling is (status in ("planned", "open", "running"))


def test_a_facilitator_of_the_pact_schedules_a_workshop_from_the_page(
    client: FlaskClient,
    pact: int,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
) -> None:
    login(make_staff("facilitator"))
    index = client.get(STAFF).get_data(as_text=True)
    assert f'href="{STAFF}/new"' in index
    form: dict[str, Any] = {
        "title": "Energy audits for bakeries",
        "starts_at": "2031-05-10T10:00",
        "ends_at": "2031-05-10T12:00",
        "place": "Voluntari town hall",
        "language": "en",
        "csrf_token": csrf_from(client.get(f"{STAFF}/new").get_data(as_text=True)),
    }

    response = client.post(f"{STAFF}/new", data=form)

    assert response.status_code == 302
    workshop = db.session.query(Workshop).one()
    assert (workshop.title, workshop.pact_id) == ("Energy audits for bakeries", pact)
    assert response.headers["Location"] == f"{STAFF}/{workshop.id}"
