"""The evidence quota per commitment (EVIDENCE_QUOTA_PER_COMMITMENT): uploads that
fit are stored; the one that would take a commitment's evidence past the quota is
refused beside the file field, in the visitor's language, before anything is
written, while another commitment still has its own room. Over HTTP here; in
Chromium in tests/browser/test_evidence_quota_browser.py."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from config import Config
from extensions import db
from pacts.models import ProgressReport
from tests.pacts.factories import World, open_member_session, published
from tests.pacts.test_monitoring import (
    MB,
    PDF,
    evidence_files,
    field_error,
    post_report,
)

QUOTA = 3 * MB


def pdf_of(size: int) -> bytes:
    return PDF + b"0" * (size - len(PDF))


@pytest.fixture
def small_quota(app: Flask) -> None:
    app.config["EVIDENCE_QUOTA_PER_COMMITMENT"] = QUOTA


def stored_sizes(commitment_id: int) -> list[int | None]:
    return list(
        db.session.scalars(
            select(ProgressReport.evidence_size)
            .where(ProgressReport.commitment_id == commitment_id)
            .order_by(ProgressReport.id)
        )
    )


def test_an_upload_past_the_commitments_quota_is_refused_beside_the_file_field(
    app: Flask, client: FlaskClient, world: World, small_quota: None
):
    commitment_id = published(world)
    open_member_session(client, world.lead.person)
    first = post_report(
        client, world, commitment_id, evidence=(pdf_of(2 * MB), "a.pdf")
    )
    assert first.status_code == 303
    files_before = evidence_files(app)

    refused = post_report(
        client, world, commitment_id, evidence=(pdf_of(2 * MB), "b.pdf")
    )

    assert refused.status_code == 400
    assert (
        "evidence files may take 3 MB in all, and 2 MB are stored already"
        in field_error(refused, commitment_id, "evidence_file")
    )
    assert stored_sizes(commitment_id) == [2 * MB], "no report for the refused file"
    assert evidence_files(app) == files_before, "nothing written for it"

    fits = post_report(client, world, commitment_id, evidence=(pdf_of(MB), "c.pdf"))
    assert fits.status_code == 303, "what still fits is accepted"
    assert stored_sizes(commitment_id) == [2 * MB, MB]


def test_each_commitment_has_its_own_quota(
    app: Flask, client: FlaskClient, world: World, small_quota: None
):
    full = published(world)
    other = published(world, title="Solar roof on the depot")
    open_member_session(client, world.lead.person)
    assert (
        post_report(client, world, full, evidence=(pdf_of(3 * MB), "a.pdf")).status_code
        == 303
    )
    assert (
        post_report(client, world, full, evidence=(pdf_of(MB), "b.pdf")).status_code
        == 400
    )
    assert (
        post_report(
            client, world, other, evidence=(pdf_of(2 * MB), "c.pdf")
        ).status_code
        == 303
    )
    assert len(evidence_files(app)) == 2


def test_the_quota_error_is_in_romanian_for_a_romanian_visitor(
    client: FlaskClient, world: World, small_quota: None
):
    commitment_id = published(world)
    open_member_session(client, world.lead.person)
    client.get("/me/commitments?lang=ro")
    post_report(client, world, commitment_id, evidence=(pdf_of(2 * MB), "a.pdf"))

    refused = post_report(
        client, world, commitment_id, evidence=(pdf_of(2 * MB), "b.pdf")
    )

    assert refused.status_code == 400
    message = html.unescape(field_error(refused, commitment_id, "evidence_file"))
    assert "pot ocupa cel mult 3 MB în total, iar 2 MB sunt deja stocați" in message


def test_the_quota_is_25_mb_by_default_and_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    assert Config.EVIDENCE_QUOTA_PER_COMMITMENT == 25 * MB
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("EVIDENCE_QUOTA_PER_COMMITMENT", str(40 * MB))
    assert Config.from_environment()["EVIDENCE_QUOTA_PER_COMMITMENT"] == 40 * MB
