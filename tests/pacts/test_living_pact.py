"""A living pact after its publication: a commitment signed later joins it and is shown
with its joining date (public page, PDF, open data), the pact keeps a public change
log (publication, joining, withdrawal with its reason, document changes), and an
official withdraws a published commitment with a reason through a confirmation page:
it leaves the totals and the list, stays in the history, and the action is audited.
Officials of another pact, facilitators and the public are refused."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from commitments.models import PactChange
from commitments.operations import sign_commitment
from core.audit import AuditAction, AuditEntry
from core.choices import CommitmentStatus
from core.errors import DomainError
from extensions import db
from pacts.living import withdraw_commitment
from pacts.monitoring import ProgressData, report_progress
from pacts.queries import pact_overview
from tests.conftest import csrf_from
from tests.pacts.factories import (
    load_commitment,
    load_pact,
    page_text,
    post_form,
    sign_for,
    write_document,
)
from tests.pacts.test_open_data import COMMITMENTS_CSV, open_json, validator
from tests.stakeholders.test_exports import csv_rows

CHANGES = "/p/ilfov/changes"
WITHDRAW = "/staff/p/ilfov/pact/commitments/{id}/withdraw"
REASON = "The company closed its Otopeni site; the crates went to the county depot."


def kinds() -> list[str]:
    return list(
        db.session.scalars(
            select(PactChange.kind).order_by(PactChange.at, PactChange.id)
        )
    )


def join_later(published_pact: dict[str, Any]) -> int:
    """The agreed commitment nobody had signed is signed by its lead after the
    publication."""
    late = published_pact["draft"]
    sign_for(late, load_commitment(late).lead_organisation_id)
    return int(late)


# --- joining -------------------------------------------------------------------------


def test_publishing_dates_every_commitment_and_opens_the_change_log(
    app: Any, published_pact: dict[str, Any]
):
    pact = load_pact("ilfov")
    for commitment_id in published_pact["commitments"]:
        assert load_commitment(commitment_id).joined_at == pact.published_at
    assert load_commitment(published_pact["draft"]).joined_at is None
    assert kinds() == ["published"]
    change = db.session.scalars(select(PactChange)).one()
    assert change.details == {"commitments": 4}


def test_a_commitment_signed_after_the_publication_joins_with_its_date_once(
    app: Any, published_pact: dict[str, Any]
):
    late = join_later(published_pact)
    commitment = load_commitment(late)
    assert commitment.status == CommitmentStatus.SIGNED
    joined = commitment.joined_at
    assert joined is not None
    assert joined > load_pact("ilfov").published_at
    assert kinds() == ["published", "joined"]
    # Signed again (here by the authority) it does not join twice.
    sign_commitment(published_pact["official"], late, None)
    assert load_commitment(late).joined_at == joined
    assert kinds() == ["published", "joined"]
    record = next(
        r for r in pact_overview(load_pact("ilfov"))["commitments"] if r["id"] == late
    )
    assert record["joined_later"] is True
    assert record["joined_on"] == joined.date().isoformat()


def test_the_public_page_and_open_data_show_the_joining_date(
    client: FlaskClient, published_pact: dict[str, Any]
):
    late = join_later(published_pact)
    joined_on = load_commitment(late).joined_at.date().isoformat()
    page = page_text(client.get("/p/ilfov"))
    assert f'<time datetime="{joined_on}">' in page
    assert page.count("Joined the pact") == 1
    document = open_json(client)
    assert [e.message for e in validator(client).iter_errors(document)] == []
    records = {r["id"]: r for r in document["commitments"]}
    assert records[late]["joined_later"] is True
    assert records[late]["joined_on"] == joined_on
    first = records[published_pact["commitments"][0]]
    assert first["joined_later"] is False
    assert [c["kind"] for c in document["changes"]] == ["joined", "published"]
    assert document["changes"][0]["commitment"]["id"] == late
    rows = {
        int(r["id"]): r
        for r in csv_rows(client.get(COMMITMENTS_CSV.format(slug="ilfov")).data)
    }
    assert rows[late]["joined_on"] == joined_on


def test_the_pdf_shows_the_joining_date(
    client: FlaskClient, published_pact: dict[str, Any]
):
    join_later(published_pact)
    response = client.get("/p/ilfov/pact.pdf?lang=en")
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages
    )
    assert "Joined the pact" in text


# --- withdrawal (use case) ---------------------------------------------------------


def test_withdrawing_closes_the_commitment_and_takes_it_out_of_the_totals(
    app: Any, published_pact: dict[str, Any]
):
    official = published_pact["official"]
    packaging = published_pact["commitments"][0]
    pact = load_pact("ilfov")
    before = pact_overview(pact)
    withdraw_commitment(official, pact.id, packaging, f"  {REASON}  ")
    commitment = load_commitment(packaging)
    assert commitment.status == CommitmentStatus.WITHDRAWN
    assert commitment.status_reason == REASON
    assert commitment.withdrawn_at is not None
    after = pact_overview(load_pact("ilfov"))
    assert packaging not in [r["id"] for r in after["commitments"]]
    assert len(after["commitments"]) == len(before["commitments"]) - 1
    assert sum(after["counts"].values()) == sum(before["counts"].values()) - 1
    change = db.session.scalars(
        select(PactChange).where(PactChange.kind == "withdrawn")
    ).one()
    assert (change.commitment_id, change.reason) == (packaging, REASON)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.WITHDRAW_COMMITMENT)
    ).one()
    assert (entry.actor_id, entry.subject_id) == (official, packaging)
    assert entry.details == {"status": "in progress"}
    # Closed: no more signatures, edits or reports.
    lead = published_pact["parties"][0]
    with pytest.raises(DomainError) as refused:
        sign_commitment(official, packaging, None)
    assert refused.value.code == "conflict"
    data = ProgressData(
        reported_on=commitment.deadline.replace(year=2025),
        value=1,
        narrative="",
        status="in progress",
    )
    with pytest.raises(DomainError):
        report_progress(lead.person, pact.id, packaging, data)


@pytest.mark.parametrize(
    ("which", "reason", "code"),
    [
        ("draft", REASON, "conflict"),  # agreed, never in the pact
        ("packaging", "   ", "invalid"),
        ("packaging", "x" * 1001, "invalid"),
    ],
)
def test_withdrawing_needs_a_commitment_of_the_pact_and_a_reason(
    app: Any, published_pact: dict[str, Any], which: str, reason: str, code: str
):
    target = (
        published_pact["draft"]
        if which == "draft"
        else published_pact["commitments"][0]
    )
    with pytest.raises(DomainError) as refused:
        withdraw_commitment(
            published_pact["official"], load_pact("ilfov").id, target, reason
        )
    assert refused.value.code == code
    assert load_commitment(target).status != CommitmentStatus.WITHDRAWN
    assert "withdrawn" not in kinds()


def test_a_document_change_after_the_publication_is_logged_before_it_is_not(
    app: Any, published_pact: dict[str, Any]
):
    official = published_pact["official"]
    pact_id = load_pact("ilfov").id
    write_document(official, pact_id, governance="A new steering group, yearly.")
    change = db.session.scalars(
        select(PactChange).where(PactChange.kind == "document")
    ).one()
    assert change.details == {"fields": ["governance"]}


# --- over HTTP ---------------------------------------------------------------------


@pytest.fixture
def official_client(
    client: FlaskClient, published_pact: dict[str, Any], login: Callable[[int], None]
) -> FlaskClient:
    login(published_pact["official"])
    return client


def test_an_official_withdraws_through_a_confirmation_page(
    official_client: FlaskClient, published_pact: dict[str, Any]
):
    packaging = published_pact["commitments"][0]
    staff_page = page_text(
        official_client.get(f"/staff/p/ilfov/pact/commitments/{packaging}")
    )
    assert WITHDRAW.format(id=packaging) in staff_page
    confirm = page_text(official_client.get(WITHDRAW.format(id=packaging)))
    assert "This cannot be undone." in confirm
    assert load_commitment(packaging).status != CommitmentStatus.WITHDRAWN

    empty = post_form(official_client, WITHDRAW.format(id=packaging), {"reason": ""})
    assert empty.status_code == 200
    assert "This field is required." in page_text(empty)
    assert load_commitment(packaging).status != CommitmentStatus.WITHDRAWN

    done = post_form(official_client, WITHDRAW.format(id=packaging), {"reason": REASON})
    assert done.status_code == 302
    assert load_commitment(packaging).status == CommitmentStatus.WITHDRAWN

    public = page_text(official_client.get("/p/ilfov"))
    assert f'/p/ilfov/commitments/{packaging}"' not in public
    commitment_page = official_client.get(f"/p/ilfov/commitments/{packaging}")
    assert commitment_page.status_code == 200
    assert REASON in page_text(commitment_page)
    log = page_text(official_client.get(CHANGES))
    assert REASON in log
    assert f"/p/ilfov/commitments/{packaging}" in log

    again = post_form(
        official_client,
        WITHDRAW.format(id=packaging),
        {"reason": REASON},
        page=WITHDRAW.format(id=published_pact["commitments"][1]),
    )
    assert again.status_code == 409


def test_the_change_log_lists_publication_joining_and_document_changes(
    client: FlaskClient, published_pact: dict[str, Any]
):
    late = join_later(published_pact)
    pact = load_pact("ilfov")
    write_document(
        published_pact["official"], pact.id, introduction="A new introduction."
    )
    response = client.get(CHANGES + "?lang=en")
    assert response.status_code == 200
    page = page_text(response)
    assert "The pact was signed and published with 4 commitments." in page
    assert "A commitment joined the pact:" in page
    assert f"/p/ilfov/commitments/{late}" in page
    assert "The pact document was changed: Introduction" in page
    assert page.index("The pact document was changed") < page.index("joined the pact")
    assert "What changed since the publication" in page_text(client.get("/p/ilfov"))


def test_an_unpublished_pact_has_no_change_log(
    client: FlaskClient, make_pact: Callable[..., int]
):
    make_pact("torino")
    assert client.get("/p/torino/changes").status_code == 404
    assert client.get("/p/nowhere/changes").status_code == 404


def test_nobody_but_an_official_of_the_pact_withdraws(
    client: FlaskClient,
    published_pact: dict[str, Any],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    packaging = published_pact["commitments"][0]
    url = WITHDRAW.format(id=packaging)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]
    login(make_staff("official", pacts=("torino",)))
    assert client.get(url).status_code == 404
    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    refused = client.post(url, data={"reason": REASON, "csrf_token": token})
    assert refused.status_code == 404
    # Their own pact's address with another pact's commitment is not found either.
    assert (
        client.get(f"/staff/p/torino/pact/commitments/{packaging}/withdraw").status_code
        == 404
    )
    assert load_commitment(packaging).status != CommitmentStatus.WITHDRAWN
    assert "withdrawn" not in kinds()


def test_a_facilitator_of_the_pact_may_not_withdraw(
    client: FlaskClient,
    published_pact: dict[str, Any],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    packaging = published_pact["commitments"][0]
    login(make_staff("facilitator"))
    assert client.get(WITHDRAW.format(id=packaging)).status_code == 403
    assert load_commitment(packaging).status != CommitmentStatus.WITHDRAWN
