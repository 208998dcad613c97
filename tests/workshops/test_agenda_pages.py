"""A workshop's agenda on its staff page over HTTP: planned from a template or row by
row (any order of phases, rows removed and reordered), every bad row refused with a
localised message beside it and never a 500, other pacts' staff and participants
kept out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_from
from tests.test_fuzz_forms import EXAMPLES, fuzz_form
from tests.workshops.conftest import open_participant_session
from tests.workshops.factories import approved_people, new_workshop
from workshops.agenda import Step, workshop_agenda
from workshops.enrolment import enrol_people

STAFF = "/staff/p/ilfov/workshops"


@pytest.fixture
def planning(
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
) -> tuple[FlaskClient, int, str]:
    pact = make_pact("ilfov")
    official = make_staff("official")
    workshop = new_workshop(official, pact)
    login(official)
    return client, workshop, f"{STAFF}/{workshop}/agenda"


def rows(*steps: tuple[str, Any, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for index, (phase, minutes, order) in enumerate(steps):
        data[f"steps-{index}-phase"] = phase
        data[f"steps-{index}-minutes"] = minutes
        data[f"steps-{index}-order"] = order
    return data


def post(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    token = csrf_from(client.get(url.removesuffix("/template")).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_the_co_creation_template_plans_two_hours_with_the_vote_before_drafting(
    app: Flask, planning: tuple[FlaskClient, int, str]
):
    client, workshop, url = planning
    response = post(client, f"{url}/template", {"template": "co-creation"})
    assert response.status_code == 302
    steps = workshop_agenda(workshop)
    assert [step.phase for step in steps] == [
        "lobby", "ideas", "cluster", "vote", "draft", "sign",
    ]  # fmt: skip
    assert sum(step.minutes for step in steps) == 120
    page = client.get(url).get_data(as_text=True)
    assert "In all: 120 minutes." in page


def test_the_signing_session_template_lasts_45_minutes(
    app: Flask, planning: tuple[FlaskClient, int, str]
):
    client, workshop, url = planning
    assert post(client, f"{url}/template", {"template": "signing"}).status_code == 302
    assert sum(step.minutes for step in workshop_agenda(workshop)) == 45


def test_rows_are_saved_in_their_numbered_order_and_a_row_without_phase_is_removed(
    app: Flask, planning: tuple[FlaskClient, int, str]
):
    client, workshop, url = planning
    data = rows(("draft", "30", "2"), ("", "", ""), ("vote", "15", "1"))
    assert post(client, url, data).status_code == 302
    assert workshop_agenda(workshop) == [Step("vote", 15), Step("draft", 30)]
    # The page shows them back in that order, ready to edit.
    page = client.get(url).get_data(as_text=True)
    assert page.index("Voting") < page.index("Drafting commitments")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (rows(("vote", "0", "")), "A step lasts from 1 to 240 minutes."),
        (rows(("vote", "241", "")), "A step lasts from 1 to 240 minutes."),
        (rows(("vote", "ten", "")), "Not a valid integer value."),
        (rows(("vote", "", "")), "Give the minutes of this step."),
        (rows(("closed", "5", "")), "Not a valid choice."),
        (rows(("<script>", "5", "")), "Not a valid choice."),
        (rows(("vote", "5", "0")), "Give a number from 1 to 99."),
        (rows(*[("ideas", "5", "")] * 13), "An agenda has at most 12 steps."),
    ],
)
def test_a_bad_row_is_refused_with_its_reason_and_nothing_is_saved(
    app: Flask, planning: tuple[FlaskClient, int, str], data: dict[str, Any], message
):
    client, workshop, url = planning
    response = post(client, url, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)
    assert workshop_agenda(workshop) == []


def test_an_unknown_template_is_refused(
    app: Flask, planning: tuple[FlaskClient, int, str]
):
    client, workshop, url = planning
    response = post(client, f"{url}/template", {"template": "party"})
    assert response.status_code == 400
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert workshop_agenda(workshop) == []


def test_a_post_without_csrf_token_is_refused(
    app: Flask, planning: tuple[FlaskClient, int, str]
):
    client, workshop, url = planning
    response = client.post(url, data=rows(("vote", "5", "")))
    assert response.status_code == 400
    assert workshop_agenda(workshop) == []


def test_a_facilitator_of_the_pact_plans_the_agenda(
    app: Flask,
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    pact = make_pact("ilfov")
    workshop = new_workshop(make_staff("official"), pact)
    login(make_staff("facilitator"))
    url = f"{STAFF}/{workshop}/agenda"
    assert post(client, url, rows(("ideas", "20", ""))).status_code == 302
    assert workshop_agenda(workshop) == [Step("ideas", 20)]


def test_another_pacts_staff_get_404_and_participants_403(
    app: Flask,
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., Any],
    login: Callable[[int], None],
):
    pact = make_pact("ilfov")
    make_pact("torino")
    official = make_staff("official")
    workshop = new_workshop(official, pact)
    url = f"{STAFF}/{workshop}/agenda"
    login(make_staff("official", pacts=("torino",)))
    assert client.get(url).status_code == 404
    assert client.get(f"/staff/p/torino/workshops/{workshop}/agenda").status_code == 404
    [person] = approved_people(make_registration, 1)
    enrol_people(official, workshop, [person])
    participant = app.test_client()
    open_participant_session(participant, workshop, person)
    assert participant.get(url).status_code == 403


def test_fuzzed_agenda_rows_never_answer_500_and_write_nothing_on_refusal(
    app: Flask, planning: tuple[FlaskClient, int, str]
):
    client, _workshop, url = planning
    assert fuzz_form(client, url) == EXAMPLES
