"""Verified progress over HTTP, as the browser uses it: an official verifies a report
or returns it with a comment (the lead is e-mailed in their language), the lead sees
the comment on "My commitments" and answers with a correction that supersedes the
returned report (both stay in the history); each step leaves an audit entry; nobody
acts across pacts or outside their role; the public page, the open data and the
programme indicators show each figure's state, its date and the verified share."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.audit import AuditAction, AuditEntry
from core.errors import DomainError
from extensions import db
from pacts.documents import pact_html
from pacts.indicators import IndicatorData, add_programme_indicator
from pacts.models import ProgressReport
from pacts.queries import latest_report
from pacts.reviews import verify_progress_report
from tests.conftest import csrf_from
from tests.pacts.factories import (
    World,
    approved_party,
    in_language_of,
    load_commitment,
    load_pact,
    open_member_session,
    page_text,
    post_form,
    published,
    report,
)
from tests.workshops.factories import outbox

COMPILE = "/staff/p/ilfov/pact"


def load_report(report_id: int) -> ProgressReport:
    db.session.expire_all()
    found = db.session.get(ProgressReport, report_id)
    assert found is not None
    return found


def reported(world: World, value: float = 1200, **fields: Any) -> tuple[int, int]:
    """A published commitment of the world and a report on it by its lead."""
    commitment = published(world)
    return commitment, report(
        world.lead.person, world.pact, commitment, value, **fields
    )


def url(commitment: int, report_id: int, action: str) -> str:
    return f"{COMPILE}/commitments/{commitment}/reports/{report_id}/{action}"


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None) -> Any:
    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def audit_entries(action: AuditAction) -> list[AuditEntry]:
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == action))
    )


def correction_form(report_id: int, **fields: Any) -> dict[str, Any]:
    """The correction of a report, measured on the same day as the report."""
    values = {
        "reported_on": load_report(report_id).reported_on.isoformat(),
        "value": "1100",
        "narrative": "Counted again: 1 100 crates.",
        "status": "in progress",
        "status_reason": "",
        "evidence_url": "https://ecopack.example.ro/count.pdf",
    } | fields
    return {f"r{report_id}-{name}": value for name, value in values.items()}


def test_an_official_verifies_a_report_and_the_page_says_who_and_when(
    client: FlaskClient, world: World, login: Callable[[int], None]
):
    commitment, report_id = reported(world)
    login(world.official)

    response = post(client, url(commitment, report_id, "verify"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#report-{report_id}")
    found = load_report(report_id)
    assert found.verification == "verified"
    assert found.reviewed_by_id == world.official
    assert found.reviewed_at is not None
    [entry] = audit_entries(AuditAction.VERIFY_REPORT)
    assert (entry.actor_id, entry.pact_id, entry.subject_id) == (
        world.official,
        world.pact,
        report_id,
    )
    assert entry.details == {
        "commitment": commitment,
        "from": "self-reported",
        "to": "verified",
    }
    page = page_text(client.get(f"{COMPILE}/commitments/{commitment}"))
    assert "Verified by the public authority" in page
    assert "by Test official" in page


def test_a_settled_report_is_not_verified_or_returned_again(
    client: FlaskClient, world: World, login: Callable[[int], None]
):
    commitment, report_id = reported(world)
    login(world.official)
    post(client, url(commitment, report_id, "verify"))

    again = post(client, url(commitment, report_id, "verify"))
    refusal = page_text(client.get(again.headers["Location"]))
    back = post(client, url(commitment, report_id, "return"), {"comment": "Recount."})

    assert again.status_code == 302
    assert "This report is verified already." in refusal
    assert back.status_code == 409
    assert "This report is verified already." in page_text(back)
    assert load_report(report_id).verification == "verified"
    assert len(audit_entries(AuditAction.VERIFY_REPORT)) == 1
    assert audit_entries(AuditAction.RETURN_REPORT) == []


def test_returning_asks_for_a_comment_then_emails_the_lead_in_their_language(
    client: FlaskClient, world: World, login: Callable[[int], None]
):
    commitment, report_id = reported(world, evidence_url="https://x.example.ro/a")
    login(world.official)
    page = client.get(url(commitment, report_id, "return"))
    assert page.status_code == 200
    assert "Return the report for correction" in page_text(page)
    sent_before = len(outbox())

    empty = post_form(client, url(commitment, report_id, "return"), {"comment": " "})
    assert empty.status_code == 400
    assert load_report(report_id).verification == "evidence attached"

    comment = "The invoice shows 1 100 crates, not 1 200."
    response = post_form(
        client, url(commitment, report_id, "return"), {"comment": comment}
    )

    assert response.status_code == 302
    found = load_report(report_id)
    assert (found.verification, found.review_comment) == ("returned", comment)
    [message] = outbox()[sent_before:]
    lead = load_commitment(commitment).lead_organisation.contact
    assert lead is not None
    assert message.recipient == lead.email
    title = load_commitment(commitment).title
    assert message.subject == in_language_of(
        lead.email, "Progress report returned for correction: %(title)s", title=title
    )
    assert comment in message.body
    assert "/me/link/" in message.body
    [entry] = audit_entries(AuditAction.RETURN_REPORT)
    assert entry.details["to"] == "returned"
    assert comment not in str(entry.details), "no free text in the audit log"


def test_the_lead_corrects_a_returned_report_and_both_stay_in_the_history(
    client: FlaskClient, world: World, login: Callable[[int], None]
):
    commitment, report_id = reported(world)
    login(world.official)
    post(client, url(commitment, report_id, "return"), {"comment": "Recount please."})
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/staff/").text)})
    open_member_session(client, world.lead.person)
    mine = page_text(client.get("/me/commitments"))
    assert "Recount please." in mine
    assert "was returned for correction" in mine

    # The value was measured the day before: the correction says so too.
    day_before = load_report(report_id).reported_on - timedelta(days=1)
    response = post_form(
        client,
        f"/me/commitments/{commitment}/reports/{report_id}/correct",
        correction_form(report_id, reported_on=day_before.isoformat()),
        page="/me/commitments",
    )

    assert response.status_code == 303
    old = load_report(report_id)
    latest = latest_report(load_commitment(commitment))
    assert latest is not None
    assert old.verification == "superseded"
    assert (latest.supersedes_id, latest.value) == (report_id, 1100)
    assert latest.verification == "evidence attached"
    assert {r.id for r in load_commitment(commitment).reports} == {report_id, latest.id}
    [entry] = audit_entries(AuditAction.CORRECT_REPORT)
    assert (entry.actor_id, entry.subject_id) == (world.lead.person, latest.id)
    assert entry.details == {"commitment": commitment, "supersedes": report_id}
    [record] = client.get("/p/ilfov/open-data/commitments.json").get_json()[
        "commitments"
    ]
    assert record["latest"]["value"] == 1100, "the superseded figure no longer counts"
    assert [r["verification"] for r in record["reports"]] == [
        "evidence attached",
        "superseded",
    ]
    public = page_text(client.get(f"/p/ilfov/commitments/{commitment}"))
    assert "Superseded by a correction" in public
    assert "Corrects an earlier report." in public


def test_a_correction_is_refused_unless_the_report_was_returned(
    client: FlaskClient, world: World
):
    commitment, report_id = reported(world)
    open_member_session(client, world.lead.person)

    response = post_form(
        client,
        f"/me/commitments/{commitment}/reports/{report_id}/correct",
        correction_form(report_id),
        page="/me/commitments",
    )

    assert response.status_code == 409
    assert load_report(report_id).verification == "self-reported"
    assert len(load_commitment(commitment).reports) == 1


def test_only_the_lead_corrects_and_only_officials_verify_or_return(
    client: FlaskClient,
    world: World,
    login: Callable[[int], None],
    make_staff: Callable[..., int],
):
    commitment, report_id = reported(world)
    login(world.official)
    post(client, url(commitment, report_id, "return"), {"comment": "Recount."})
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/staff/").text)})

    open_member_session(client, world.co_signer.person)
    refused = post_form(
        client,
        f"/me/commitments/{commitment}/reports/{report_id}/correct",
        correction_form(report_id),
        page="/me/commitments",
    )
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})

    login(make_staff("facilitator"))
    assert post(client, url(commitment, report_id, "verify")).status_code == 403
    assert client.get(url(commitment, report_id, "return")).status_code == 403
    assert load_report(report_id).verification == "returned"


def test_nobody_reviews_or_corrects_across_pacts(
    client: FlaskClient,
    world: World,
    login: Callable[[int], None],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
):
    commitment, report_id = reported(world)
    other = published(world, title="Another commitment")
    torino_official = make_staff("official", pacts=("torino",))
    login(torino_official)

    assert post(client, url(commitment, report_id, "verify")).status_code == 404
    torino = url(commitment, report_id, "verify").replace("ilfov", "torino")
    assert post(client, torino).status_code == 404
    assert client.get(torino.replace("verify", "return")).status_code == 404
    with pytest.raises(DomainError) as refused:
        verify_progress_report(torino_official, world.pact, commitment, report_id)
    assert refused.value.code == "forbidden"
    # The pact's own official, with a report named under another commitment.
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/staff/").text)})
    login(world.official)
    assert post(client, url(other, report_id, "verify")).status_code == 404
    post(client, url(commitment, report_id, "return"), {"comment": "Recount."})
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/staff/").text)})

    stranger = approved_party(make_registration, "Torino Verde SRL", pact="torino")
    open_member_session(client, stranger.person)
    response = post_form(
        client,
        f"/me/commitments/{commitment}/reports/{report_id}/correct",
        correction_form(report_id),
        page="/me/commitments",
    )
    assert response.status_code == 404
    assert load_report(report_id).verification == "returned"


def test_public_page_and_open_data_show_each_figures_state_and_date(
    client: FlaskClient, world: World
):
    commitment, report_id = reported(world)
    verify_progress_report(world.official, world.pact, commitment, report_id)
    day = load_report(report_id).reported_on.isoformat()

    page = page_text(client.get("/p/ilfov"))
    document = client.get("/p/ilfov/open-data/commitments.json").get_json()
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/p/ilfov/open-data/progress.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )

    assert "Verified by the public authority" in page
    assert "as of" in page
    [record] = document["commitments"]
    assert record["latest"] == {"date": day, "value": 1200, "verification": "verified"}
    [entry] = record["reports"]
    assert entry["verification"] == "verified"
    assert entry["verified_at"] is not None
    assert entry["supersedes"] is None
    assert (rows[0]["verification"], rows[0]["date"]) == ("verified", day)
    assert rows[0]["verified_at"]


def test_a_programme_indicator_reports_its_verified_share_on_the_page_and_the_pdf(
    client: FlaskClient, world: World, login: Callable[[int], None]
):
    first, checked = reported(world, 42)
    second = published(world, title="Second line of crates")
    report(world.lead.person, world.pact, second, 58)
    verify_progress_report(world.official, world.pact, first, checked)
    add_programme_indicator(
        world.official,
        world.pact,
        IndicatorData("Crates in use", "crates", "commitments", (first, second)),
    )

    page = page_text(client.get("/p/ilfov"))
    with client.application.test_request_context():
        printed = html.unescape(pact_html(load_pact("ilfov")))

    for shown in (page, printed):
        assert "42% of this total is verified" in shown
        assert "As of " in shown
    assert "Verified by the public authority" in printed
    assert "Self-reported" in printed
    login(world.official)
    staff = page_text(client.get(f"{COMPILE}/indicators"))
    assert "42% of this total is verified" in staff
