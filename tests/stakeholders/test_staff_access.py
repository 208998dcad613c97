"""Who may reach which staff page: every staff route, for every kind of visitor."""

from __future__ import annotations

from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from extensions import db
from pacts.indicators import IndicatorData, add_programme_indicator
from pacts.publishing import publish_pact
from stakeholders.imports.services import upload_registrations
from stakeholders.models import Organisation
from stakeholders.team import grant_role
from tests.conftest import csrf_from
from tests.pacts.factories import (
    new_commitment,
    organisation_of,
    report,
    signed_commitment,
    write_document,
)
from tests.workshops.conftest import open_participant_session
from tests.workshops.factories import enrolment_of, new_workshop
from workshops.enrolment import enrol_people

# (method, url template, officials only?)
STAFF_ROUTES = [
    ("GET", "/staff/p/{pact}/registrations", False),
    ("GET", "/staff/p/{pact}/registrations/{org}", False),
    ("POST", "/staff/p/{pact}/registrations/{org}/approve", True),
    ("POST", "/staff/p/{pact}/registrations/{org}/reject", True),
    ("POST", "/staff/p/{pact}/registrations/decide/approve", True),
    ("POST", "/staff/p/{pact}/registrations/decide/reject", True),
    ("GET", "/staff/p/{pact}/registrations/{org}/edit", True),
    ("POST", "/staff/p/{pact}/registrations/{org}/edit", True),
    ("GET", "/staff/p/{pact}/registrations/{org}/delete", True),
    ("POST", "/staff/p/{pact}/registrations/{org}/delete", True),
    ("GET", "/staff/p/{pact}/registrations/{org}/personal-data.json", True),
    ("GET", "/staff/p/{pact}/registrations/{org}/erase", True),
    ("POST", "/staff/p/{pact}/registrations/{org}/erase", True),
    ("GET", "/staff/p/{pact}/registrations.csv", True),
    ("GET", "/staff/p/{pact}/registrations/import", True),
    ("POST", "/staff/p/{pact}/registrations/import", True),
    ("GET", "/staff/p/{pact}/registrations/import/{import}/columns", True),
    ("POST", "/staff/p/{pact}/registrations/import/{import}/columns", True),
    ("GET", "/staff/p/{pact}/registrations/import/{import}", True),
    ("POST", "/staff/p/{pact}/registrations/import/{import}/start", True),
    ("GET", "/staff/p/{pact}/registrations/import/{import}/progress", True),
    ("POST", "/staff/p/{pact}/registrations/import/{import}/next", True),
    ("GET", "/staff/p/{pact}/audit", True),
    ("GET", "/staff/p/{pact}/audit.csv", True),
    ("GET", "/staff/p/{pact}/audit.xlsx", True),
    ("GET", "/staff/p/{pact}/registrations.xlsx", True),
    ("GET", "/staff/p/{pact}/services", False),
    ("GET", "/staff/p/{pact}/services/{org}/mentoring", False),
    ("POST", "/staff/p/{pact}/services/{org}/mentoring", True),
    ("GET", "/staff/p/{pact}/workshops", False),
    ("GET", "/staff/p/{pact}/workshops/new", False),
    ("POST", "/staff/p/{pact}/workshops/new", False),
    ("GET", "/staff/p/{pact}/workshops/{workshop}", False),
    ("GET", "/staff/p/{pact}/workshops/{workshop}/agenda", False),
    ("POST", "/staff/p/{pact}/workshops/{workshop}/agenda", False),
    ("POST", "/staff/p/{pact}/workshops/{workshop}/agenda/template", False),
    ("GET", "/staff/p/{pact}/workshops/{workshop}/edit", True),
    ("POST", "/staff/p/{pact}/workshops/{workshop}/edit", True),
    ("GET", "/staff/p/{pact}/workshops/{workshop}/cancel", True),
    ("POST", "/staff/p/{pact}/workshops/{workshop}/cancel", True),
    ("POST", "/staff/p/{pact}/workshops/{workshop}/status", False),
    ("POST", "/staff/p/{pact}/workshops/{workshop}/enrol", True),
    ("POST", "/staff/p/{pact}/workshops/{workshop}/enrol-filtered", True),
    (
        "POST",
        "/staff/p/{pact}/workshops/{workshop}/enrolments/{enrolment}/attendance",
        False,
    ),
    (
        "POST",
        "/staff/p/{pact}/workshops/{workshop}/enrolments/{enrolment}/resend",
        True,
    ),
    (
        "POST",
        "/staff/p/{pact}/workshops/{workshop}/enrolments/{enrolment}/revoke",
        True,
    ),
    (
        "GET",
        "/staff/p/{pact}/workshops/{workshop}/enrolments/{enrolment}/decline",
        True,
    ),
    (
        "POST",
        "/staff/p/{pact}/workshops/{workshop}/enrolments/{enrolment}/decline",
        True,
    ),
    ("GET", "/staff/p/{pact}/workshops/{workshop}/attendance.csv", True),
    ("GET", "/staff/p/{pact}/workshops/{workshop}/attendance.xlsx", True),
    ("GET", "/staff/p/{pact}/pact", False),
    ("POST", "/staff/p/{pact}/pact/publish", True),
    ("GET", "/staff/p/{pact}/pact/document", True),
    ("POST", "/staff/p/{pact}/pact/document", True),
    ("GET", "/staff/p/{pact}/pact/commitments/new", True),
    ("POST", "/staff/p/{pact}/pact/commitments/new", True),
    ("GET", "/staff/p/{pact}/pact/commitments/{commitment}", False),
    ("GET", "/staff/p/{pact}/pact/commitments/{commitment}/edit", True),
    ("POST", "/staff/p/{pact}/pact/commitments/{commitment}/edit", True),
    ("POST", "/staff/p/{pact}/pact/commitments/{commitment}/agree", True),
    ("POST", "/staff/p/{pact}/pact/commitments/{commitment}/sign", True),
    ("POST", "/staff/p/{pact}/pact/commitments/{commitment}/move", True),
    ("GET", "/staff/p/{pact}/pact/commitments/{reported}/withdraw", True),
    ("POST", "/staff/p/{pact}/pact/commitments/{reported}/withdraw", True),
    (
        "POST",
        "/staff/p/{pact}/pact/commitments/{reported}/reports/{report}/verify",
        True,
    ),
    (
        "GET",
        "/staff/p/{pact}/pact/commitments/{reported}/reports/{report}/return",
        True,
    ),
    (
        "POST",
        "/staff/p/{pact}/pact/commitments/{reported}/reports/{report}/return",
        True,
    ),
    ("GET", "/staff/p/{pact}/pact/indicators", False),
    ("POST", "/staff/p/{pact}/pact/indicators", True),
    ("POST", "/staff/p/{pact}/pact/indicators/{indicator}/delete", True),
    ("GET", "/staff/p/{pact}/team", False),
    ("POST", "/staff/p/{pact}/team/invite", True),
    ("POST", "/staff/p/{pact}/team/{person}/role", True),
    ("POST", "/staff/p/{pact}/team/{person}/resend", True),
    ("POST", "/staff/p/{pact}/team/{person}/reactivate", True),
    ("GET", "/staff/p/{pact}/team/{person}/remove", True),
    ("POST", "/staff/p/{pact}/team/{person}/remove", True),
    ("GET", "/staff/p/{pact}/team/{person}/deactivate", True),
    ("POST", "/staff/p/{pact}/team/{person}/deactivate", True),
]
ROUTE_IDS = [f"{method} {url}" for method, url, _official in STAFF_ROUTES]
every_staff_route = pytest.mark.parametrize(
    ("method", "url", "official_only"), STAFF_ROUTES, ids=ROUTE_IDS
)


def test_every_staff_route_is_listed_here(app: Flask):
    """A new staff route must be added to STAFF_ROUTES, so that it is tested below."""
    listed = {
        url.replace("{pact}", "<slug>").replace("{reported}", "{commitment}")
        for _m, url, _o in STAFF_ROUTES
    }
    staff_rules = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff/p/")
    }
    normalised = {
        r.replace("<int:organisation_id>", "{org}")
        .replace("/<any(approve, reject):decision>", "/approve")
        .replace(".<any(csv, xlsx):fmt>", ".csv")
        .replace("<int:workshop_id>", "{workshop}")
        .replace("<int:enrolment_id>", "{enrolment}")
        .replace("/<any(resend, revoke, decline):action>", "/resend")
        .replace("/<service>", "/mentoring")
        .replace("<int:commitment_id>", "{commitment}")
        .replace("/<any(agree, sign):action>", "/agree")
        .replace("<int:indicator_id>", "{indicator}")
        .replace("<int:report_id>", "{report}")
        .replace("<int:import_id>", "{import}")
        .replace("<int:person_id>", "{person}")
        for r in staff_rules
    }
    assert normalised <= listed


@pytest.fixture
def world(
    app: Flask,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    official = make_staff("official", pacts=("ilfov",))
    world = {
        "official": official,
        "facilitator": make_staff("facilitator", pacts=("ilfov",)),
        "torino_official": make_staff("official", pacts=("torino",)),
        # Official of Torino and, in Ilfov, only a facilitator (roles are per pact).
        "torino_official_ilfov_facilitator": make_staff("official", pacts=("torino",)),
        "org": make_registration(pact="ilfov")["organisation"],
        "participant": make_registration(pact="ilfov", status="approved")["person"],
    }
    grant_role(
        world["torino_official_ilfov_facilitator"], make_pact("ilfov"), "facilitator"
    )
    world["workshop"] = new_workshop(official, make_pact("ilfov"))
    enrol_people(official, world["workshop"], [world["participant"]])
    world["enrolment"] = enrolment_of(world["workshop"], world["participant"]).id
    pact = make_pact("ilfov")
    lead = organisation_of(world["participant"])
    world["commitment"] = new_commitment(official, pact, lead)
    # A signed commitment with a progress report, for the reviews and the withdrawal.
    world["reported"] = signed_commitment(official, pact, lead)
    write_document(official, pact)
    publish_pact(official, pact)
    world["report"] = report(world["participant"], pact, world["reported"], 10)
    indicator = IndicatorData("SMEs mentored", "", "service", service="mentoring")
    world["indicator"] = add_programme_indicator(official, pact, indicator)["indicator"]
    # The official's pending import (only theirs: other officials get 404 too).
    world["import"] = upload_registrations(
        official, pact, "registrations.csv", b"organisation_name\nFirma SRL\n"
    )["import"]
    return world


def target(url: str, world: dict[str, Any], pact: str = "ilfov") -> str:
    return url.format(
        pact=pact,
        org=world["org"],
        workshop=world["workshop"],
        enrolment=world["enrolment"],
        commitment=world["commitment"],
        indicator=world["indicator"],
        reported=world["reported"],
        report=world["report"],
        **{"import": world["import"]},
        person=world["facilitator"],
    )


def call(client: FlaskClient, method: str, url: str) -> Any:
    if method == "GET":
        return client.get(url)
    token = csrf_from(client.get("/p/ilfov/register").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "reason": ""})


def status_of(world: dict[str, Any]) -> str:
    organisation = db.session.get(Organisation, world["org"])
    assert organisation is not None
    return organisation.status


@every_staff_route
def test_anonymous_visitor_is_sent_to_login(
    client: FlaskClient,
    world: dict[str, Any],
    method: str,
    url: str,
    official_only: bool,
):
    response = call(client, method, target(url, world))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert status_of(world) == "pending"


@every_staff_route
def test_official_of_another_pact_gets_404(
    client: FlaskClient,
    world: dict[str, Any],
    login: Callable[[int], None],
    method: str,
    url: str,
    official_only: bool,
):
    login(world["torino_official"])
    response = call(client, method, target(url, world))
    assert response.status_code == 404
    assert status_of(world) == "pending"


@every_staff_route
@pytest.mark.parametrize(
    "who",
    ["facilitator", "torino_official_ilfov_facilitator"],
    ids=["facilitator", "an official elsewhere, facilitator here"],
)
def test_facilitator_reads_but_has_no_approval_or_export_rights(
    client: FlaskClient,
    world: dict[str, Any],
    login: Callable[[int], None],
    method: str,
    url: str,
    official_only: bool,
    who: str,
):
    login(world[who])
    response = call(client, method, target(url, world))
    # A staff action redirects back; a form posted empty comes back with its errors
    # (200, or 400 where the page says the request was refused).
    allowed = {200} if method == "GET" else {200, 302, 400}
    assert response.status_code in ({403} if official_only else allowed)
    assert status_of(world) == "pending"


def test_a_facilitator_of_one_pact_decides_in_the_pact_they_are_official_of(
    client: FlaskClient,
    world: dict[str, Any],
    login: Callable[[int], None],
    make_pact: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
):
    grant_role(world["facilitator"], make_pact("torino"), "official")
    torino_org = make_registration(pact="torino")["organisation"]
    login(world["facilitator"])
    token = csrf_from(client.get("/p/ilfov/register").get_data(as_text=True))
    ilfov = client.post(
        f"/staff/p/ilfov/registrations/{world['org']}/approve",
        data={"csrf_token": token},
    )
    torino = client.post(
        f"/staff/p/torino/registrations/{torino_org}/approve",
        data={"csrf_token": token},
    )
    assert ilfov.status_code == 403
    assert status_of(world) == "pending"
    assert torino.status_code == 302
    decided = db.session.get(Organisation, torino_org)
    assert decided is not None
    assert decided.status == "approved"


@every_staff_route
def test_official_of_the_pact_is_allowed(
    client: FlaskClient,
    world: dict[str, Any],
    login: Callable[[int], None],
    method: str,
    url: str,
    official_only: bool,
):
    login(world["official"])
    response = call(client, method, target(url, world))
    # A form posted empty may come back with its errors (200, or 400 where the page
    # says the request was refused); anything else done redirects, but never to the
    # login page.
    assert response.status_code in ((200, 400, 302) if method == "POST" else (200,))
    assert "/login" not in response.headers.get("Location", "")
    # One approval acts at once; a rejection first asks for confirmation.
    decided = {"approve": "approved", "reject": "pending"}
    action = url.rsplit("/", 1)[1]
    if method == "POST" and "/registrations/{org}/" in url and action in decided:
        assert status_of(world) == decided[action]


@every_staff_route
def test_participant_session_is_told_the_page_is_for_staff(
    client: FlaskClient,
    world: dict[str, Any],
    method: str,
    url: str,
    official_only: bool,
):
    open_participant_session(client, world["workshop"], world["participant"])
    assert client.get("/me").status_code == 200  # the session is open
    response = call(client, method, target(url, world))
    assert response.status_code == 403, "logging in again would not help them"
    assert "for the pact's staff" in unescape(response.get_data(as_text=True))
    assert status_of(world) == "pending"
    assert enrolment_of(world["workshop"], world["participant"]).status == "enrolled"


@every_staff_route
def test_unknown_pact_is_404_even_for_staff(
    client: FlaskClient,
    world: dict[str, Any],
    login: Callable[[int], None],
    method: str,
    url: str,
    official_only: bool,
):
    login(world["official"])
    response = call(client, method, target(url, world, pact="atlantis"))
    assert response.status_code == 404


def test_a_registration_of_another_pact_is_404_through_this_pact(
    client: FlaskClient,
    world: dict[str, Any],
    login: Callable[[int], None],
    make_registration: Callable[..., dict[str, Any]],
    make_staff: Callable[..., int],
):
    both = make_staff("official", pacts=("ilfov", "torino"))
    torino_org = make_registration(pact="torino")["organisation"]
    login(both)
    assert client.get(f"/staff/p/ilfov/registrations/{torino_org}").status_code == 404
    assert client.get(f"/staff/p/torino/registrations/{torino_org}").status_code == 200


def test_staff_home_lists_only_the_staffs_pacts(
    client: FlaskClient, world: dict[str, Any], login: Callable[[int], None]
):
    login(world["torino_official"])
    html = client.get("/staff/").get_data(as_text=True)
    assert "Torino" in html
    assert "Ilfov" not in html


def test_wrong_password_is_refused_with_a_message(
    client: FlaskClient, world: dict[str, Any]
):
    token = csrf_from(client.get("/login?lang=en").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": "official1@ilfov.ro", "password": "nope", "csrf_token": token},
    )
    assert response.status_code == 200
    assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_login_is_throttled_after_repeated_failures(
    app: Flask, client: FlaskClient, world: dict[str, Any], login: Callable[[int], None]
):
    app.config["LOGIN_FAILURE_LIMIT"] = "3 per 15 minutes"
    token = csrf_from(client.get("/login").get_data(as_text=True))
    from stakeholders.models import Person

    official = db.session.get(Person, world["official"])
    assert official is not None
    for _attempt in range(3):
        client.post(
            "/login",
            data={"email": official.email, "password": "x", "csrf_token": token},
        )
    response = client.post(
        "/login",
        data={
            "email": official.email,
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    assert response.status_code == 429
    assert client.get("/staff/").status_code == 302


def test_successful_logins_do_not_count_towards_the_throttle(
    app: Flask, client: FlaskClient, world: dict[str, Any], login: Callable[[int], None]
):
    app.config["LOGIN_FAILURE_LIMIT"] = "2 per 15 minutes"
    for _n in range(4):
        login(world["official"])
        token = csrf_from(client.get("/staff/").get_data(as_text=True))
        client.post("/logout", data={"csrf_token": token})


def test_logout_ends_the_session(
    client: FlaskClient, world: dict[str, Any], login: Callable[[int], None]
):
    login(world["official"])
    assert client.get("/staff/").status_code == 200
    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_logout_needs_a_csrf_token(
    client: FlaskClient, world: dict[str, Any], login: Callable[[int], None]
):
    login(world["official"])
    assert client.post("/logout").status_code == 400
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:x"]
)
def test_login_never_redirects_off_site(
    client: FlaskClient, world: dict[str, Any], target: str
):
    from stakeholders.models import Person

    official = db.session.get(Person, world["official"])
    assert official is not None
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        f"/login?next={target}",
        data={
            "email": official.email,
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_participant_contact_cannot_log_in_as_staff(
    client: FlaskClient, world: dict[str, Any]
):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": "contact1@org1.ro", "password": "", "csrf_token": token},
    )
    assert response.status_code == 200
    assert client.get("/staff/").status_code == 302
