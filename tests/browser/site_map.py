"""Every page of the site, generated from the app's URL map: each rule answering GET,
its arguments filled from the demo installation (demo.seed), unless it is in
EXCLUDED with the reason it is not a page. A new route is then either checked by the
page-wide browser tests (axe, 360 px) or excluded by name, never forgotten."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import Flask, url_for
from sqlalchemy import select

from app import create_app
from commitments.models import Commitment
from core.choices import CommitmentStatus
from core.pacts import find_pact
from extensions import db
from pacts.models import ProgressReport
from stakeholders.models import Organisation, Person, ServiceDelivery
from stakeholders.services import find_staff
from workshops.models import Enrolment

# Not pages: downloads (files a person saves or a program reads) and the assets.
EXCLUDED = {
    "static": "stylesheets, scripts and images, not a page",
    "favicon": "the site icon (an image) browsers ask for at /favicon.ico",
    "audit.export": "a CSV or XLSX download",
    "board_pages.summary_csv": "a CSV download",
    "board_pages.summary_xlsx": "an XLSX download",
    "my_data.download": "a JSON download",
    "pacts.commitments_open_csv": "open data: a CSV download",
    "pacts.commitments_open_json": "open data: a JSON download",
    "pacts.commitments_schema": "open data: a JSON schema",
    "pacts.progress_open_csv": "open data: a CSV download",
    "pacts.evidence": "a progress report's evidence file (PDF or image)",
    "pacts.pact_document": "the pact as a PDF",
    "staff.export": "a CSV or XLSX download",
    "staff.personal_data": "a JSON download",
    "workshop_staff.attendance_export": "a CSV or XLSX download",
    "workshops.calendar": "an ICS calendar",
    # The steps of an import need an uploaded file: test_import_browser.py uploads
    # one and checks each of these pages with axe, at 360 px too.
    "imports.columns": "a step of an official's own pending import",
    "imports.preview": "a step of an official's own pending import",
    "imports.progress": "a step of an official's own pending import",
    # The projector screen has no site header, so no log-out form tells the visit
    # who is logged in: test_board_screen_browser.py checks it with axe, connected
    # to a live board, at 1280×720, 1920×1080 and 360 px.
    "board_screen.screen": "the projector screen, checked live by its own test",
}

# A personal link's token that is not genuine: the pages explaining a bad link are
# checked, and a visit logs nobody in or out (a genuine one redirects to /me).
BAD_TOKEN = "not-a-genuine-token"

# The demo's participant: the contact of an approved SME of the Ilfov pact, enrolled in
# the demo workshop, lead of published commitments and given a mentoring service.
PARTICIPANT_ORGANISATION = "EcoPack Ambalaje SRL"
OFFICIAL_EMAIL = "official@ilfov.demo"
OFFICIAL_PASSWORD = "ilfov-official-demo"  # noqa: S105 - the demo's published login
FACILITATOR_EMAIL = "facilitator@ilfov.demo"


@dataclass(frozen=True)
class DemoIds:
    """The demo's objects whose ids fill the routes' arguments."""

    workshop: int
    commitment: int
    organisation: int
    service: str
    participant: int
    enrolment: int
    report: int
    # A member of the pact's team (its facilitator): the team's confirmation pages.
    staff_member: int

    def arguments(self) -> dict[str, object]:
        return {
            "slug": "ilfov",
            "workshop_id": self.workshop,
            "commitment_id": self.commitment,
            "organisation_id": self.organisation,
            "service": self.service,
            "enrolment_id": self.enrolment,
            "report_id": self.report,
            "person_id": self.staff_member,
            "token": BAD_TOKEN,
        }


def demo_ids(workshop: int) -> DemoIds:
    """Looked up in the seeded demo (inside an app context)."""
    pact = find_pact("ilfov")
    assert pact is not None
    organisation = db.session.scalars(
        select(Organisation).where(
            Organisation.pact_id == pact.id,
            Organisation.name == PARTICIPANT_ORGANISATION,
        )
    ).one()
    commitment = db.session.scalars(
        select(Commitment.id)
        .where(
            Commitment.pact_id == pact.id,
            Commitment.lead_organisation_id == organisation.id,
            Commitment.status != CommitmentStatus.DRAFT,
        )
        .order_by(Commitment.id)
    ).first()
    service = db.session.scalars(
        select(ServiceDelivery.service).where(
            ServiceDelivery.organisation_id == organisation.id
        )
    ).first()
    participant = db.session.scalars(
        select(Person.id).where(Person.organisation_id == organisation.id)
    ).first()
    report = db.session.scalars(
        select(ProgressReport.id)
        .where(ProgressReport.commitment_id == commitment)
        .order_by(ProgressReport.id)
    ).first()
    assert commitment is not None, "the demo's participant leads a commitment"
    assert service is not None, "and was given a service"
    assert participant is not None
    enrolment = db.session.scalars(
        select(Enrolment.id).where(
            Enrolment.workshop_id == workshop, Enrolment.person_id == participant
        )
    ).one()
    assert report is not None, "and reported on it"
    facilitator = find_staff(FACILITATOR_EMAIL)
    assert facilitator is not None, "the demo has a facilitator"
    return DemoIds(
        workshop,
        commitment,
        organisation.id,
        service,
        participant,
        enrolment,
        report,
        facilitator.id,
    )


def get_endpoints(app: Flask) -> dict[str, set[str]]:
    """Every endpoint answering GET, with the arguments its rule takes."""
    endpoints: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or set()):
            endpoints.setdefault(rule.endpoint, set()).update(rule.arguments)
    return endpoints


@cache
def page_endpoints() -> list[str]:
    """The pages to visit: every GET endpoint not excluded, sorted (the tests'
    parameters, known when tests are collected: an app on no database is enough)."""
    return sorted(set(get_endpoints(url_map_app())) - set(EXCLUDED))


@cache
def url_map_app() -> Flask:
    """An app for its URL map only (no database is opened)."""
    return create_app({"TESTING": True})


def page_path(app: Flask, endpoint: str, ids: DemoIds) -> str:
    """The endpoint's address with its arguments filled in from the demo."""
    arguments = get_endpoints(app)[endpoint]
    values = {name: ids.arguments()[name] for name in arguments}
    with app.test_request_context():
        return url_for(endpoint, **values)
