"""Programme indicators: officials define the pact's headline figures (commitments'
progress added up, or organisations served of those that asked) on their page; the
current values are right; bad input, other pacts and facilitators are refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.choices import Service
from core.errors import DomainError
from core.models import Pact
from extensions import db
from pacts.indicators import (
    IndicatorData,
    add_programme_indicator,
    delete_programme_indicator,
)
from pacts.models import ProgrammeIndicator
from pacts.publishing import publish_pact
from pacts.queries import programme_indicators
from stakeholders.models import DeliveryStatus, ServiceDelivery
from tests.pacts.factories import (
    COMPILE,
    count_of,
    new_commitment,
    organisation_of,
    page_text,
    post_form,
    report,
    signed_commitment,
    switch_to,
)

INDICATORS = f"{COMPILE}/indicators"


@pytest.fixture
def world(
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    login: Callable[[int], None],
) -> dict[str, Any]:
    """The pact "ilfov" with a logged-in official and two approved organisations
    that asked for mentoring (the registrations' default services)."""
    pact = make_pact("ilfov")
    official = make_staff("official")
    people = [make_registration(status="approved")["person"] for _n in range(2)]
    login(official)
    return {"pact": pact, "official": official, "people": people}


def signed_to(world: dict[str, Any], target: float) -> int:
    """A commitment from 0 to `target`, signed by its lead."""
    return signed_commitment(
        world["official"],
        world["pact"],
        organisation_of(world["people"][0]),
        indicator_baseline=0.0,
        indicator_target=target,
    )


def test_a_commitments_indicator_adds_up_their_progress(
    client: FlaskClient, world: dict[str, Any]
):
    jobs = signed_to(world, target=10)
    more_jobs = signed_to(world, target=5)
    draft = new_commitment(
        world["official"], world["pact"], organisation_of(world["people"][1])
    )
    publish_pact(world["official"], world["pact"])
    report(world["official"], world["pact"], jobs, 4)
    report(world["official"], world["pact"], more_jobs, 5)
    form = {
        "name": "Green jobs created",
        "unit": "jobs",
        "source": "commitments",
        "commitments": [str(jobs), str(more_jobs), str(draft)],
    }

    response = post_form(client, INDICATORS, form)

    assert response.status_code == 302
    [indicator] = programme_indicators(world["pact"])
    assert (indicator["value"], indicator["target"]) == (9, 15)
    page = page_text(client.get(INDICATORS))
    assert "Green jobs created" in page
    assert "9 of 15 jobs (60%)" in page


def test_a_service_indicator_counts_organisations_served_of_those_that_asked(
    client: FlaskClient,
    world: dict[str, Any],
    make_registration: Callable[..., dict[str, Any]],
):
    make_registration(status="pending")  # asked, but not approved: not counted
    served, waiting = (organisation_of(person) for person in world["people"])
    db.session.add_all(
        [
            ServiceDelivery(
                organisation_id=served,
                service=Service.MENTORING,
                expert_name="A mentor",
                status=DeliveryStatus.DELIVERED,
            ),
            ServiceDelivery(
                organisation_id=waiting,
                service=Service.MENTORING,
                expert_name="A mentor",
                status=DeliveryStatus.ASSIGNED,
            ),
        ]
    )
    db.session.commit()
    form = {"name": "SMEs mentored", "source": "service", "service": "mentoring"}

    response = post_form(client, INDICATORS, form)

    assert response.status_code == 302
    page = page_text(client.get(INDICATORS))
    assert "SMEs mentored" in page
    assert "1 of 2 (50%)" in page


VALID = {"name": "Green jobs created", "unit": "jobs", "source": "service"}
BAD_INDICATORS = [
    ({"name": ""}, "This field is required."),
    ({"name": "x" * 201}, "Please use at most 200 characters."),
    ({"unit": "x" * 51}, "Please use at most 50 characters."),
    ({"source": ""}, "This field is required."),
    ({"source": "bogus"}, "Not a valid choice."),
    ({"service": ""}, "Please choose a service."),
    ({"service": "astrology"}, "Not a valid choice."),
    ({"source": "commitments"}, "Please choose at least one commitment."),
    (
        {"source": "commitments", "commitments": "{elsewhere}"},
        "Choose commitments of this pact.",
    ),
    ({"service": "mentoring", "target": "-1"}, "Please enter a number above zero."),
    ({"service": "mentoring", "target": "many"}, "Please enter a number"),
    ({"service": "mentoring", "target": "1e999"}, "Please enter a number"),
]


@pytest.mark.parametrize(
    ("overrides", "message"),
    BAD_INDICATORS,
    ids=[f"{'-'.join(o)}-{str(list(o.values()))[:12]}" for o, _m in BAD_INDICATORS],
)
def test_the_indicator_form_refuses_bad_input_and_adds_nothing(
    client: FlaskClient,
    world: dict[str, Any],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    overrides: dict[str, str],
    message: str,
):
    torino_official = make_staff("official", pacts=("torino",))
    torino_lead = make_registration(pact="torino", status="approved")["organisation"]
    elsewhere = new_commitment(
        torino_official, _pact_id("torino"), torino_lead, title="Torino"
    )
    form = {
        **VALID,
        **{k: v.format(elsewhere=elsewhere) for k, v in overrides.items()},
    }

    response = post_form(client, INDICATORS, form)

    assert response.status_code in (200, 400)
    assert message in page_text(response)
    assert count_of(ProgrammeIndicator) == 0


def _pact_id(slug: str) -> int:
    return int(db.session.scalars(select(Pact.id).where(Pact.slug == slug)).one())


def service_indicator(world: dict[str, Any], pact: int | None = None) -> int:
    data = IndicatorData(
        name="SMEs mentored", unit="", source="service", service="mentoring"
    )
    return int(
        add_programme_indicator(world["official"], pact or world["pact"], data)[
            "indicator"
        ]
    )


def test_official_removes_an_indicator(client: FlaskClient, world: dict[str, Any]):
    indicator = service_indicator(world)

    response = post_form(
        client, f"{INDICATORS}/{indicator}/delete", {}, page=INDICATORS
    )

    assert response.status_code == 302
    assert count_of(ProgrammeIndicator) == 0


def test_an_indicator_of_another_pact_is_404_through_this_pact(
    client: FlaskClient,
    world: dict[str, Any],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    both = make_staff("official", pacts=("ilfov", "torino"))
    elsewhere = service_indicator({"official": both}, _pact_id("torino"))
    switch_to(client, login, both)

    response = post_form(
        client, f"{INDICATORS}/{elsewhere}/delete", {}, page=INDICATORS
    )

    assert response.status_code == 404
    assert count_of(ProgrammeIndicator) == 1


def test_facilitator_sees_the_indicators_but_cannot_add_or_remove(
    client: FlaskClient,
    world: dict[str, Any],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    indicator = service_indicator(world)
    switch_to(client, login, make_staff("facilitator"))

    page = page_text(client.get(INDICATORS))
    assert "SMEs mentored" in page
    assert "Add an indicator" not in page
    added = post_form(client, INDICATORS, {**VALID, "service": "mentoring"})
    removed = post_form(client, f"{INDICATORS}/{indicator}/delete", {}, INDICATORS)
    assert (added.status_code, removed.status_code) == (403, 403)
    assert count_of(ProgrammeIndicator) == 1


def test_only_the_pacts_officials_define_indicators(
    app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
):
    pact = make_pact("ilfov")
    facilitator = make_staff("facilitator")
    stranger = make_staff("official", pacts=("torino",))
    data = IndicatorData(
        name="SMEs mentored", unit="", source="service", service="mentoring"
    )
    for actor in (facilitator, stranger):
        with pytest.raises(DomainError) as refused:
            add_programme_indicator(actor, pact, data)
        assert refused.value.code == "forbidden"
    official = make_staff("official")
    indicator = add_programme_indicator(official, pact, data)["indicator"]
    with pytest.raises(DomainError):
        delete_programme_indicator(stranger, indicator)
    assert count_of(ProgrammeIndicator) == 1
