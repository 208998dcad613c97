"""Public pages of pacts: the home page listing the installation's pacts, a pact's
public page (while it is co-created, an invitation to join; once published, the
signed pact with its commitments and progress charts), its change log since the
publication, one commitment's page with its reports (also once withdrawn, with the
reason), and the download of a report's evidence file. No login needed."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, render_template, send_from_directory
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from commitments.models import PACT_STATUSES, Commitment
from commitments.operations import pact_commitment
from core.choices import (
    COMMITMENT_STATUS_LABELS,
    PROGRESS_BUCKET_LABELS,
    CommitmentStatus,
)
from core.errors import DomainError
from core.headers import public_page
from core.models import Pact
from core.pacts import find_pact, list_pacts
from core.time import local_datetime, local_day
from pacts import bp
from pacts.charts import bucket_bar, meter
from pacts.living import change_log
from pacts.monitoring import evidence_folder, evidence_of
from pacts.queries import commitment_chart, commitment_record, pact_overview
from pacts.verification import VERIFICATION_LABELS


@bp.record_once
def _template_globals(state: BlueprintSetupState) -> None:
    """What the pact templates (and their macros, imported without context) use:
    the status and bucket labels, and the chart builders."""
    state.app.jinja_env.globals.update(
        commitment_status_labels=COMMITMENT_STATUS_LABELS,
        bucket_labels=PROGRESS_BUCKET_LABELS,
        bucket_bar=bucket_bar,
        meter=meter,
        verification_labels=VERIFICATION_LABELS,
    )


@bp.app_template_filter("paragraphs")
def paragraphs(text: str) -> list[str]:
    """Plain text cut into paragraphs at blank lines (escaped when rendered)."""
    blocks = "\n".join(line.rstrip() for line in text.splitlines()).split("\n\n")
    return [block.strip("\n") for block in blocks if block.strip()]


@bp.app_template_filter("iso_date")
def iso_date(value: str, format: str = "medium") -> str:
    """An ISO date of a public record (`2026-12-31`) in the visitor's language."""
    return local_day(date.fromisoformat(value), format)


@bp.app_template_filter("iso_day")
def iso_day(value: str, timezone: str) -> str:
    """An ISO moment of a public record (`2026-12-31T09:00:00+00:00`) as its day in
    the pact's timezone, in the visitor's language."""
    return local_datetime(datetime.fromisoformat(value), timezone, "d MMMM y")


@bp.get("/")
@public_page
def home() -> str:
    return render_template("pacts/home.html", pacts=list_pacts())


def _pact(slug: str) -> Pact:
    pact = find_pact(slug)
    if pact is None:
        abort(404)
    return pact


# A withdrawn commitment keeps its public page (its address is stable), with its reason.
PUBLIC_STATUSES = (*PACT_STATUSES, CommitmentStatus.WITHDRAWN)


def _public_commitment(slug: str, commitment_id: int) -> Commitment:
    """A commitment that is (or was, until withdrawn) part of a published pact; 404
    for anything else."""
    pact = _pact(slug)
    try:
        commitment = pact_commitment(pact.id, commitment_id)
    except DomainError:
        abort(404)
    if pact.published_at is None or commitment.status not in PUBLIC_STATUSES:
        abort(404)
    return commitment


@bp.get("/p/<slug>")
@public_page
def pact_page(slug: str) -> str:
    pact = _pact(slug)
    if pact.published_at is None:
        return render_template("pacts/co_creation.html", pact=pact)
    return render_template("pacts/pact.html", pact=pact, overview=pact_overview(pact))


@bp.get("/p/<slug>/changes")
@public_page
def changes(slug: str) -> str:
    """What changed in the published pact since its publication, newest first."""
    pact = _pact(slug)
    if pact.published_at is None:
        abort(404)
    return render_template("pacts/changes.html", pact=pact, changes=change_log(pact))


@bp.get("/p/<slug>/commitments/<int:commitment_id>")
@public_page
def commitment_page(slug: str, commitment_id: int) -> str:
    commitment = _public_commitment(slug, commitment_id)
    chart = commitment_chart(commitment)
    return render_template(
        "pacts/commitment.html",
        pact=commitment.pact,
        commitment=commitment_record(commitment),
        signatures=commitment.signatures,
        chart=chart,
        withdrawn_at=commitment.withdrawn_at,
    )


@bp.get("/p/<slug>/commitments/<int:commitment_id>/evidence/<int:report_id>")
def evidence(slug: str, commitment_id: int, report_id: int) -> Response:
    """A report's evidence file, always as a download of its checked type."""
    commitment = _public_commitment(slug, commitment_id)
    try:
        report = evidence_of(commitment.pact_id, commitment.id, report_id)
    except DomainError:
        abort(404)
    response = send_from_directory(
        evidence_folder(),
        str(report.evidence_file),
        mimetype=report.evidence_type,
        as_attachment=True,
        download_name=report.evidence_name or report.evidence_file,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
