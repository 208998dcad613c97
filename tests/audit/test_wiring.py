"""Every staff action leaves exactly one audit entry, with its actor, pact and
subject: one table of the staff routes, each driven over HTTP as the browser does it
(with its CSRF token) on SQLite and PostgreSQL; then the actions with no page of their
own (log in, the board's removal of a participant, the operator commands that act in
an official's name); and a refused action leaves none."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from commitments.models import Commitment
from commitments.operations import agree_commitment
from core.audit import AuditAction
from core.errors import DomainError
from core.transactions import use_case
from extensions import db
from pacts.indicators import IndicatorData, add_programme_indicator
from pacts.models import ProgrammeIndicator
from pacts.publishing import PactDocumentData, publish_pact, update_pact_document
from stakeholders.delivery.services import assign_expert
from stakeholders.services import decide_registration
from tests.audit.conftest import entries_after, last_entry_id
from tests.conftest import csrf_from
from tests.pacts.factories import (
    commitment_form,
    new_commitment,
    organisation_of,
    report,
    signed_commitment,
    theme_id,
)
from tests.stakeholders.delivery_factories import asking
from tests.workshops.factories import enrolment_of, new_workshop, running_workshop
from workshops.board.path import apply_board_change
from workshops.enrolment import enrol_people
from workshops.models import Enrolment, Workshop

PACT = "/staff/p/ilfov"
A = AuditAction


@dataclass
class World:
    """The pact, its logged-in official, and factories of what the actions act on."""

    pact: int
    official: int
    make_registration: Callable[..., dict[str, Any]]

    def registration(self, status: str = "pending") -> int:
        return int(self.make_registration(status=status)["organisation"])

    def person(self) -> int:
        return int(self.make_registration(status="approved")["person"])

    def workshop(self, running: bool = False) -> int:
        make = running_workshop if running else new_workshop
        return make(self.official, self.pact)

    def enrolment(self, running: bool = False) -> tuple[int, int]:
        """(workshop, enrolment) of an approved stakeholder, enrolled."""
        workshop, person = self.workshop(running), self.person()
        enrol_people(self.official, workshop, [person])
        return workshop, enrolment_of(workshop, person).id

    def lead(self) -> int:
        return organisation_of(self.person())

    def commitment(self) -> int:
        return new_commitment(self.official, self.pact, self.lead())


@dataclass
class Step:
    """One request, and the entry it must leave: `subject` is the subject's id, or
    a function finding it once the request made it."""

    path: str
    action: AuditAction
    subject_type: str
    subject: int | Callable[[], int]
    data: dict[str, Any] | None = None  # None: a GET
    details: dict[str, Any] = field(default_factory=dict)


def newest(model: Any) -> Callable[[], int]:
    return lambda: int(db.session.scalar(select(func.max(model.id))) or 0)


def workshop_form(**overrides: Any) -> dict[str, Any]:
    day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    return {
        "title": "Circular packaging in Otopeni",
        "starts_at": f"{day}T10:00",
        "ends_at": f"{day}T13:00",
        "place": "Otopeni town hall",
        "language": "ro",
        **overrides,
    }


def document_form() -> dict[str, Any]:
    return {
        "title": "Ilfov Local Green Pact",
        "en-title": "Ilfov's pact in English",
        "introduction": "Ilfov's SMEs and the county act together.",
        "governance": "A steering group meets every quarter.",
        "partners": "Chamber of Commerce",
        "authority_name": "Ilfov County Council",
        "report_frequency": "half-yearly",
        "licence": "CC0-1.0",
    }


# --- the staff routes: each builds what it acts on, and says what it must leave -------


def approve(w: World) -> Step:
    org = w.registration()
    return Step(
        f"{PACT}/registrations/{org}/approve",
        A.APPROVE,
        "organisation",
        org,
        {"reason": "Welcome, Maria Popescu"},
        {"reason": True},
    )


def reject(w: World) -> Step:
    org = w.registration()
    return Step(
        f"{PACT}/registrations/{org}/reject",
        A.REJECT,
        "organisation",
        org,
        {"confirmed": "yes"},
    )


def approve_ticked(w: World) -> Step:
    org = w.registration()
    return Step(
        f"{PACT}/registrations/decide/approve",
        A.APPROVE,
        "organisation",
        org,
        {"ids": [org], "confirmed": "yes"},
        {"reason": False},
    )


def edit_registration(w: World) -> Step:
    org = w.registration()
    form = {
        "organisation_name": "EcoPack Ambalaje SRL",
        "kind": "sme",
        "size": "medium",
        "sector": "C",
        "locality": "Otopeni",
        "region": "Ilfov",
        "country": "RO",
        "contact_name": "Maria Ionescu",
        "contact_position": "Director",
        "contact_email": "maria@ecopack.ro",
        "contact_phone": "+40721234567",
        "services": ["mentoring", "eu_funding"],
        "themes": ["circular-economy"],
        "motivation": "Less packaging waste.",
    }
    return Step(
        f"{PACT}/registrations/{org}/edit",
        A.EDIT,
        "organisation",
        org,
        form,
        {"fields": ["contact_email", "contact_name", "organisation_name", "size"]},
    )


def delete_spam(w: World) -> Step:
    org = w.registration()
    return Step(
        f"{PACT}/registrations/{org}/delete",
        A.DELETE_SPAM,
        "organisation",
        org,
        {"confirm": "y"},
        {"people": 1, "anonymised": False},
    )


def export_registrations(fmt: str) -> Callable[[World], Step]:
    def step(w: World) -> Step:
        w.registration()
        return Step(
            f"{PACT}/registrations.{fmt}?q=Maria+Popescu&status=pending",
            A.EXPORT,
            "pact",
            w.pact,
            details={
                "export": "registrations",
                "format": fmt,
                "rows": 1,
                "filters": ["q", "status"],
            },
        )

    return step


def create_workshop(w: World) -> Step:
    return Step(
        f"{PACT}/workshops/new",
        A.CREATE_WORKSHOP,
        "workshop",
        newest(Workshop),
        workshop_form(),
    )


def edit_workshop(w: World) -> Step:
    workshop = w.workshop()
    return Step(
        f"{PACT}/workshops/{workshop}/edit",
        A.EDIT,
        "workshop",
        workshop,
        workshop_form(title="Renamed", capacity="12"),
    )


def cancel_workshop(w: World) -> Step:
    workshop = w.workshop()
    return Step(
        f"{PACT}/workshops/{workshop}/cancel",
        A.CANCEL_WORKSHOP,
        "workshop",
        workshop,
        {},
    )


def open_workshop(w: World) -> Step:
    workshop = w.workshop()
    return Step(
        f"{PACT}/workshops/{workshop}/status",
        A.SET_WORKSHOP_STATUS,
        "workshop",
        workshop,
        {"status": "open"},
        {"status": "open"},
    )


def enrol(w: World) -> Step:
    workshop, person = w.workshop(), w.person()
    return Step(
        f"{PACT}/workshops/{workshop}/enrol",
        A.ENROL,
        "workshop",
        workshop,
        {"people": [str(person)]},
        {"enrolled": 1, "waitlisted": 0, "skipped": 0},
    )


def enrol_filtered(w: World) -> Step:
    workshop = w.workshop()
    w.person()
    w.person()
    return Step(
        f"{PACT}/workshops/{workshop}/enrol-filtered",
        A.ENROL,
        "workshop",
        workshop,
        {"status": "approved"},
        {"enrolled": 2},
    )


def enrolment_action(name: str, action: AuditAction) -> Callable[[World], Step]:
    def step(w: World) -> Step:
        workshop, enrolment = w.enrolment()
        path = f"{PACT}/workshops/{workshop}/enrolments/{enrolment}/{name}"
        return Step(path, action, "enrolment", enrolment, {}, {"workshop": workshop})

    return step


def mark_attendance(w: World) -> Step:
    workshop, enrolment = w.enrolment(running=True)
    return Step(
        f"{PACT}/workshops/{workshop}/enrolments/{enrolment}/attendance",
        A.MARK_ATTENDANCE,
        "enrolment",
        enrolment,
        {"attendance": "present"},
        {"attendance": "present", "workshop": workshop},
    )


def export_attendance(w: World) -> Step:
    workshop, _enrolment = w.enrolment()
    return Step(
        f"{PACT}/workshops/{workshop}/attendance.csv",
        A.EXPORT,
        "workshop",
        workshop,
        details={"export": "attendance", "rows": 1},
    )


def export_board_summary(w: World) -> Step:
    workshop = w.workshop()
    return Step(
        f"/w/{workshop}/board/summary.csv",
        A.EXPORT,
        "workshop",
        workshop,
        details={"export": "board_summary"},
    )


def export_board_summary_workbook(w: World) -> Step:
    workshop = w.workshop()
    return Step(
        f"/w/{workshop}/board/summary.xlsx",
        A.EXPORT,
        "workshop",
        workshop,
        details={"export": "board_summary", "format": "xlsx"},
    )


def add_commitment(w: World) -> Step:
    form = commitment_form(theme_id(w.pact), w.lead())
    return Step(
        f"{PACT}/pact/commitments/new",
        A.ADD_COMMITMENT,
        "commitment",
        newest(Commitment),
        form,
    )


def edit_commitment(w: World) -> Step:
    lead = w.lead()
    commitment = new_commitment(w.official, w.pact, lead)
    form = commitment_form(theme_id(w.pact), lead, title="Renamed", version="1")
    return Step(
        f"{PACT}/pact/commitments/{commitment}/edit",
        A.EDIT,
        "commitment",
        commitment,
        form,
    )


def agree(w: World) -> Step:
    commitment = w.commitment()
    return Step(
        f"{PACT}/pact/commitments/{commitment}/agree",
        A.AGREE,
        "commitment",
        commitment,
        {},
    )


def sign(w: World) -> Step:
    commitment = w.commitment()
    agree_commitment(w.official, commitment)
    return Step(
        f"{PACT}/pact/commitments/{commitment}/sign",
        A.SIGN,
        "commitment",
        commitment,
        {},
    )


def move(w: World) -> Step:
    w.commitment()
    second = w.commitment()
    return Step(
        f"{PACT}/pact/commitments/{second}/move",
        A.MOVE,
        "commitment",
        second,
        {"direction": "up"},
        {"position": 1},
    )


def publish(w: World) -> Step:
    signed_commitment(w.official, w.pact, w.lead())
    return Step(f"{PACT}/pact/publish", A.PUBLISH, "pact", w.pact, {"confirm": "y"}, {})


def reported(w: World) -> tuple[int, int]:
    """(commitment, report) of the published pact, reported on by its lead."""
    person = w.person()
    commitment = signed_commitment(w.official, w.pact, organisation_of(person))
    publish_pact(w.official, w.pact)
    return commitment, report(person, w.pact, commitment, 5)


def review_action(name: str, action: AuditAction, **form: Any) -> Callable[..., Step]:
    def step(w: World) -> Step:
        commitment, report_id = reported(w)
        return Step(
            f"{PACT}/pact/commitments/{commitment}/reports/{report_id}/{name}",
            action,
            "progress_report",
            report_id,
            form,
            {"commitment": commitment, "from": "self-reported"},
        )

    return step


def edit_document(w: World) -> Step:
    return Step(f"{PACT}/pact/document", A.EDIT, "pact", w.pact, document_form())


def add_indicator(w: World) -> Step:
    commitment = w.commitment()
    form = {
        "name": "Green jobs",
        "unit": "jobs",
        "source": "commitments",
        "commitments": [str(commitment)],
    }
    return Step(
        f"{PACT}/pact/indicators",
        A.ADD_INDICATOR,
        "indicator",
        newest(ProgrammeIndicator),
        form,
        {"commitments": [commitment]},
    )


def delete_indicator(w: World) -> Step:
    data = IndicatorData(
        name="Served", unit="SMEs", source="service", service="mentoring"
    )
    indicator = add_programme_indicator(w.official, w.pact, data)["indicator"]
    return Step(
        f"{PACT}/pact/indicators/{indicator}/delete",
        A.DELETE_INDICATOR,
        "indicator",
        indicator,
        {},
    )


def service_action(name: str, action: AuditAction, **form: Any) -> Callable[..., Step]:
    def step(w: World) -> Step:
        organisation = asking(w.make_registration, "crowdfunding")
        if name != "assign":
            assign_expert(
                w.official, w.pact, organisation, "crowdfunding", "Ana Ionescu", None
            )
        return Step(
            f"{PACT}/services/{organisation}/crowdfunding",
            action,
            "service_request",
            organisation,
            {"action": name, **form},
            {"service": "crowdfunding"},
        )

    return step


def export_audit(w: World) -> Step:
    return Step(
        f"{PACT}/audit.csv?action=approve",
        A.EXPORT,
        "pact",
        w.pact,
        details={"export": "audit", "filters": ["action"]},
    )


STAFF_ROUTES: dict[str, Callable[[World], Step]] = {
    "approve a registration": approve,
    "reject a registration": reject,
    "approve the ticked registrations": approve_ticked,
    "edit a registration": edit_registration,
    "delete a registration as spam": delete_spam,
    "export registrations as CSV": export_registrations("csv"),
    "export registrations as XLSX": export_registrations("xlsx"),
    "schedule a workshop": create_workshop,
    "edit a workshop": edit_workshop,
    "cancel a workshop": cancel_workshop,
    "open a workshop": open_workshop,
    "enrol one person": enrol,
    "enrol the filtered registrations": enrol_filtered,
    "send a join link again": enrolment_action("resend", A.RESEND_INVITATION),
    "withdraw join links": enrolment_action("revoke", A.REVOKE_INVITATION),
    "cancel someone's place": enrolment_action("decline", A.REMOVE_FROM_WORKSHOP),
    "mark attendance": mark_attendance,
    "export attendance": export_attendance,
    "export a board's summary": export_board_summary,
    "export a board's summary as a workbook": export_board_summary_workbook,
    "add a commitment": add_commitment,
    "edit a commitment": edit_commitment,
    "agree a commitment": agree,
    "sign for the authority": sign,
    "reorder a commitment": move,
    "publish the pact": publish,
    "edit the pact document": edit_document,
    "add a programme indicator": add_indicator,
    "remove a programme indicator": delete_indicator,
    "verify a progress report": review_action("verify", A.VERIFY_REPORT),
    "return a progress report": review_action(
        "return", A.RETURN_REPORT, comment="Recount, Maria Popescu"
    ),
    "assign an expert": service_action(
        "assign", A.ASSIGN_EXPERT, expert_name="Ana Ionescu", expert_email=""
    ),
    "log a service session": service_action(
        "session", A.LOG_SESSION, held_on="2024-03-01", minutes="90", notes="Pitch"
    ),
    "record a service outcome": service_action(
        "outcome", A.RECORD_OUTCOME, status="delivered", outcome="Funded."
    ),
    "export the audit log": export_audit,
}


@pytest.mark.parametrize("name", STAFF_ROUTES)
def test_each_staff_route_leaves_exactly_one_entry_with_its_actor_pact_and_subject(
    name: str,
    client: FlaskClient,
    pact: int,
    official: int,
    login: Callable[[int], None],
    make_registration: Callable[..., dict[str, Any]],
):
    login(official)
    step = STAFF_ROUTES[name](World(pact, official, make_registration))
    before = last_entry_id()
    if step.data is None:
        response = client.get(step.path)
    else:
        token = csrf_from(client.get("/staff/").get_data(as_text=True))
        response = client.post(step.path, data={**step.data, "csrf_token": token})

    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    [entry] = entries_after(before)
    subject = step.subject if isinstance(step.subject, int) else step.subject()
    assert (entry.actor_id, entry.pact_id, entry.action) == (
        official,
        pact,
        step.action,
    )
    assert (entry.subject_type, entry.subject_id) == (step.subject_type, subject)
    assert {key: entry.details.get(key) for key in step.details} == step.details
    assert "Maria" not in json.dumps(entry.details), "no personal data in the details"
    assert entry.at.tzinfo is not None
    assert abs(entry.at - datetime.now(UTC)) < timedelta(minutes=1)


def test_an_edit_records_the_names_of_the_fields_it_changed(pact: int, official: int):
    before = last_entry_id()
    update_pact_document(official, pact, _document(licence="CC0-1.0"))

    [entry] = entries_after(before)
    assert entry.details == {
        "fields": ["authority_name", "governance", "introduction", "licence"]
    }


def _document(**overrides: Any) -> PactDocumentData:
    values = {
        "introduction": "Intro",
        "governance": "Steering group",
        "partners": "",
        "authority_name": "Ilfov County Council",
        "report_frequency": "yearly",
        "licence": "CC-BY-4.0",
    }
    return PactDocumentData(**(values | overrides))


# --- actions without a page of their own ----------------------------------------------


def test_logging_in_leaves_one_entry_for_each_pact_of_the_staff_member(
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    ilfov, torino = make_pact("ilfov"), make_pact("torino")
    official = make_staff("official", pacts=("ilfov", "torino"))
    before = last_entry_id()

    login(official)

    entries = entries_after(before)
    assert sorted((e.pact_id, e.action, e.actor_id) for e in entries) == sorted(
        [(ilfov, A.LOG_IN, official), (torino, A.LOG_IN, official)]
    )


def test_a_failed_login_leaves_no_log_in_entry(client: FlaskClient, official: int):
    before = last_entry_id()
    token = csrf_from(client.get("/login").get_data(as_text=True))

    response = client.post(
        "/login",
        data={"email": "official1@ilfov.ro", "password": "wrong", "csrf_token": token},
    )

    assert response.status_code == 200
    assert entries_after(before) == []


def test_removing_a_participant_from_the_board_leaves_one_entry(
    pact: int,
    official: int,
    make_registration: Callable[..., dict[str, Any]],
):
    workshop_id, enrolment_id = World(pact, official, make_registration).enrolment()
    workshop = db.session.get(Workshop, workshop_id)
    enrolment = db.session.get(Enrolment, enrolment_id)
    assert workshop is not None
    assert enrolment is not None
    participant = enrolment.person_id
    before = last_entry_id()

    apply_board_change(
        workshop.board.id,
        official,
        "participant:remove",
        {"cid": "remove-1", "person": participant, "reason": "Disruptive"},
    )

    [entry] = entries_after(before)
    assert (entry.actor_id, entry.pact_id, entry.action) == (
        official,
        pact,
        A.REMOVE_PARTICIPANT,
    )
    assert (entry.subject_type, entry.subject_id) == ("enrolment", enrolment_id)
    assert entry.details == {"workshop": workshop_id, "person": participant}


def test_the_operator_commands_acting_for_an_official_leave_entries_in_their_name(
    app: Flask, pact: int, official: int, tmp_path: Any
):
    before = last_entry_id()
    runner = app.test_cli_runner()

    result = runner.invoke(
        args=[
            "create-workshop",
            "--pact",
            "ilfov",
            "--title",
            "Rehearsal",
            "--starts",
            "2030-05-01T09:00+03:00",
        ]
    )

    assert result.exit_code == 0, result.output
    workshop = json.loads(result.output)["workshop"]
    [entry] = entries_after(before)
    assert (entry.actor_id, entry.action, entry.subject_type, entry.subject_id) == (
        official,
        A.CREATE_WORKSHOP,
        "workshop",
        workshop,
    )


# --- refused or rolled back: no entry -------------------------------------------------


def test_a_refused_action_leaves_no_entry(
    client: FlaskClient,
    pact: int,
    official: int,
    login: Callable[[int], None],
    make_registration: Callable[..., dict[str, Any]],
):
    org = int(make_registration(status="approved")["organisation"])
    login(official)
    before = last_entry_id()
    token = csrf_from(client.get("/staff/").get_data(as_text=True))

    # Already approved: the use case refuses (a conflict) after its checks.
    response = client.post(
        f"{PACT}/registrations/{org}/approve", data={"csrf_token": token}
    )

    assert response.status_code == 302
    assert entries_after(before) == []


def test_an_action_rolled_back_after_its_entry_was_added_leaves_no_entry(
    pact: int,
    official: int,
    make_registration: Callable[..., dict[str, Any]],
):
    org = int(make_registration()["organisation"])

    @use_case
    def approve_then_fail() -> None:
        decide_registration(official, pact, org, "approved")
        raise DomainError("conflict", "refused after the approval")

    before = last_entry_id()
    with pytest.raises(DomainError):
        approve_then_fail()

    assert entries_after(before) == []
