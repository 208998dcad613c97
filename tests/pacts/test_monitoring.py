"""Progress reports by a commitment's lead, through "My commitments": a report with
its value (decimal comma accepted), date, narrative and a PDF stored under a random
name; every kind of bad input refused beside its field with a 400, leaving no report
and no file; an over-sized request refused whole (413); and only the lead reports,
once the pact is published."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from core.errors import DomainError
from core.models import Pact
from core.time import today_in
from extensions import db
from pacts.models import ProgressReport
from pacts.monitoring import Evidence, ProgressData, report_progress
from tests.pacts.factories import (
    World,
    agreed,
    load_commitment,
    open_member_session,
    published,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
MB = 1024 * 1024
CSRF = re.compile(r'name="(?:c\d+-)?csrf_token"[^>]*value="([^"]+)"')


def pact_today(world: World) -> Any:
    pact = db.session.get(Pact, world.pact)
    assert pact is not None
    return today_in(pact)


def evidence_files(app: Flask) -> list[Path]:
    folder = Path(app.config["EVIDENCE_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def reports() -> int:
    return int(db.session.scalar(select(func.count()).select_from(ProgressReport)) or 0)


def post_report(
    client: FlaskClient, world: World, commitment_id: int, **overrides: Any
) -> Any:
    """Submit the report form as a browser would (multipart), with valid values
    unless overridden; `evidence=(bytes, filename)` attaches a file."""
    page = client.get("/me/commitments").get_data(as_text=True)
    token = CSRF.search(page)
    assert token is not None
    values: dict[str, Any] = {
        "csrf_token": token.group(1),
        "reported_on": pact_today(world).isoformat(),
        "value": "12,5",
        "narrative": "Twelve clients and a half-year trial with a thirteenth.",
        "status": "in progress",
        "status_reason": "",
        "evidence_url": "",
    }
    evidence = overrides.pop("evidence", None)
    values.update(overrides)
    if evidence is not None:
        content, filename = evidence
        values["evidence_file"] = FileStorage(io.BytesIO(content), filename)
    # Encoded in memory: the test client would spool a large body to a temporary
    # file that it never closes.
    boundary, body = encode_multipart(
        MultiDict({f"c{commitment_id}-{k}": v for k, v in values.items()})
    )
    return client.post(
        f"/me/commitments/{commitment_id}/progress",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def field_error(response: Any, commitment_id: int, field: str) -> str:
    text = response.get_data(as_text=True)
    found = re.search(
        rf'<ul class="errors" id="c{commitment_id}-{field}-error">(.*?)</ul>',
        text,
        re.DOTALL,
    )
    return html.unescape(found.group(1)) if found else ""


def test_the_lead_reports_progress_with_a_pdf_as_evidence(
    app: Flask, client: FlaskClient, world: World
):
    commitment_id = published(world)
    open_member_session(client, world.lead.person)
    page = client.get("/me/commitments").get_data(as_text=True)
    assert "Next progress report due by" in page
    assert "PDF, PNG, JPG, JPEG, DOCX, XLSX, ODT, ODS, CSV, TXT; at most 5 MB." in page

    response = post_report(
        client,
        world,
        commitment_id,
        evidence_url="https://ecopack.example.ro/crates-2026",
        evidence=(PDF, "crates report.pdf"),
    )

    assert response.status_code == 303
    [report] = db.session.scalars(select(ProgressReport)).all()
    assert report.value == 12.5
    assert report.reported_on == pact_today(world)
    assert report.narrative.startswith("Twelve clients")
    assert report.status == "in progress"
    assert report.reported_by_id == world.lead.person
    assert report.evidence_url == "https://ecopack.example.ro/crates-2026"
    assert report.evidence_name == "crates report.pdf"
    assert report.evidence_type == "application/pdf"
    assert report.evidence_size == len(PDF)
    assert report.evidence_file is not None
    assert re.fullmatch(r"[0-9a-f]{32}", report.evidence_file)
    [stored] = evidence_files(app)
    assert stored.name == report.evidence_file
    assert stored.read_bytes() == PDF
    commitment = load_commitment(commitment_id)
    assert commitment.status == "in progress"
    assert commitment.pact.status == "monitoring"
    page = html.unescape(client.get("/me/commitments").get_data(as_text=True))
    assert "Thank you: your progress report is recorded." in page
    assert "12.5 clients" in page
    assert "crates report.pdf" in page


def tomorrow_in_the_pact(world: World) -> dict[str, Any]:
    return {"reported_on": (pact_today(world) + timedelta(days=1)).isoformat()}


def attached(content: bytes, filename: str) -> dict[str, Any]:
    return {"evidence": (content, filename)}


NOT_A_NUMBER = "Please enter a number"
NOT_ALLOWED = "Please attach a PDF, image (PNG, JPEG), office document or CSV file."


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"value": "abc"}, "value", NOT_A_NUMBER),
        ({"value": ""}, "value", "This field is required."),
        ({"value": "nan"}, "value", NOT_A_NUMBER),
        ({"value": "inf"}, "value", NOT_A_NUMBER),
        ({"value": "1e999"}, "value", NOT_A_NUMBER),
        ({"value": "1.250,5"}, "value", NOT_A_NUMBER),
        ({"reported_on": "31/12/2026"}, "reported_on", "Not a valid date value."),
        (tomorrow_in_the_pact, "reported_on", "The date cannot be in the future."),
        ({"narrative": ""}, "narrative", "This field is required."),
        ({"narrative": "x" * 2001}, "narrative", "Please use at most 2000"),
        ({"status": "signed"}, "status", "Not a valid choice."),
        (
            {"status": "dropped", "status_reason": ""},
            "status_reason",
            "Please say why the commitment is dropped.",
        ),
        (
            {"evidence_url": "javascript:alert(1)"},
            "evidence_url",
            "Start the address with http:// or https://.",
        ),
        (
            attached(PDF + b"0" * (5 * MB), "big.pdf"),
            "evidence_file",
            "The file is larger than 5 MB.",
        ),
        (attached(b"MZ\x90\x00" + PDF, "setup.exe"), "evidence_file", NOT_ALLOWED),
        (attached(b"<html>hi</html>", "page.html"), "evidence_file", NOT_ALLOWED),
        (attached(b"<html>%PDF-</html>", "fake.pdf"), "evidence_file", NOT_ALLOWED),
    ],
    ids=[
        "text-value",
        "empty-value",
        "nan",
        "inf",
        "1e999",
        "thousands-separator",
        "bad-date",
        "tomorrow-in-the-pact",
        "no-narrative",
        "long-narrative",
        "status-not-reported",
        "dropped-without-reason",
        "javascript-url",
        "file-over-5-mb",
        "exe",
        "html",
        "pdf-that-is-not",
    ],
)
def test_a_bad_report_is_refused_beside_its_field_and_stores_nothing(
    app: Flask,
    client: FlaskClient,
    world: World,
    overrides: dict[str, Any] | Callable[[World], dict[str, Any]],
    field: str,
    message: str,
):
    commitment_id = published(world)
    open_member_session(client, world.lead.person)
    values = overrides(world) if callable(overrides) else dict(overrides)

    response = post_report(client, world, commitment_id, **values)

    assert response.status_code == 400
    assert message in field_error(response, commitment_id, field)
    assert reports() == 0
    assert evidence_files(app) == []
    commitment = load_commitment(commitment_id)
    assert commitment.status == "signed"
    assert commitment.pact.status == "published"


def test_a_request_over_the_size_limit_gets_the_error_page(
    app: Flask, client: FlaskClient, world: World
):
    commitment_id = published(world)
    open_member_session(client, world.lead.person)
    response = post_report(
        client, world, commitment_id, evidence=(PDF + b"0" * (6 * MB), "huge.pdf")
    )
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "What you sent is too large" in text
    assert "at most 5 MB" in text
    assert reports() == 0
    assert evidence_files(app) == []


def test_a_co_signer_cannot_report(client: FlaskClient, world: World):
    commitment_id = published(world)
    open_member_session(client, world.co_signer.person)
    page = client.get("/me/commitments").get_data(as_text=True)
    assert "Report progress" not in page
    response = post_report(client, world, commitment_id)
    assert response.status_code == 403
    assert "Only the commitment&#39;s lead organisation reports its progress." in (
        response.get_data(as_text=True)
    )
    assert reports() == 0


def test_no_report_before_the_pact_is_published(client: FlaskClient, world: World):
    commitment_id = agreed(world)
    open_member_session(client, world.lead.person)
    page = html.unescape(client.get("/me/commitments").get_data(as_text=True))
    assert "You can report progress once the pact is published." in page
    response = post_report(client, world, commitment_id)
    assert response.status_code == 409
    assert reports() == 0


# --- the use case on both databases ------------------------------------------------


def progress(world: World, **overrides: Any) -> ProgressData:
    values: dict[str, Any] = {
        "reported_on": pact_today(world),
        "value": 40.0,
        "narrative": "All forty clients use the crates.",
        "status": "done",
    }
    return ProgressData(**(values | overrides))


def test_a_done_report_finishes_the_commitment(db_app: Flask, world: World):
    commitment_id = published(world)
    result = report_progress(
        world.lead.person,
        world.pact,
        commitment_id,
        progress(world, evidence=Evidence("crates.csv", b"client,crates\nA,10\n")),
    )
    assert result["status"] == "done"
    commitment = load_commitment(commitment_id)
    assert commitment.status == "done"
    assert commitment.pact.status == "monitoring"
    [report] = commitment.reports
    assert report.evidence_type == "text/csv"
    assert [path.name for path in evidence_files(db_app)] == [report.evidence_file]


def test_a_refused_file_leaves_nothing_pending(db_app: Flask, world: World):
    commitment_id = published(world)
    with pytest.raises(DomainError) as refused:
        report_progress(
            world.lead.person,
            world.pact,
            commitment_id,
            progress(world, evidence=Evidence("fake.pdf", b"not a pdf")),
        )
    assert refused.value.field == "evidence_file"
    assert not db.session.new, "nothing waits in the session to be flushed later"
    db.session.commit()
    assert reports() == 0
    assert load_commitment(commitment_id).status == "signed"
    assert evidence_files(db_app) == []
