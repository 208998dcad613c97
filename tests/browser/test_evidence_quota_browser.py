"""The evidence quota in Chromium: a lead whose commitment already holds most of its
quota opens their personal link, fills in a progress report with a file that does
not fit, and sees the quota's error beside the file field, in Romanian; nothing is
stored. Then a file that fits goes through."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.models import Pact
from core.time import today_in
from extensions import db
from pacts.models import ProgressReport
from pacts.monitoring import Evidence
from tests.browser.conftest import LiveServer, ilfov_world
from tests.pacts.factories import (
    link_path,
    load_pact,
    published,
    report,
)

pytestmark = pytest.mark.browser

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
TITLE = "Lăzi reutilizabile pentru legume și fructe"


def pdf_of(size: int) -> bytes:
    return PDF + b"0" * (size - len(PDF))


def lead_with_a_full_commitment(
    live_server: LiveServer, make_registration: Callable[..., dict[str, Any]]
) -> tuple[int, int, str]:
    """The lead's person, their commitment (2 MB of its 3 MB quota used) and the
    path of their personal link."""
    with live_server.app.app_context():
        try:
            world = ilfov_world(live_server, make_registration)
            commitment = published(world, title=TITLE)
            report(
                world.lead.person,
                world.pact,
                commitment,
                1,
                evidence=Evidence("first.pdf", pdf_of(2 * MB)),
            )
            return world.lead.person, commitment, link_path(world.lead.person)
        finally:
            db.session.remove()


def fill_report(page: Page, ro: Callable[..., str], day: str, file: bytes) -> None:
    card = page.get_by_role("article", name=TITLE)
    date = card.get_by_label(ro("Date of the value"))
    if not date.is_visible():  # a refused report comes back with its form open
        card.get_by_text(ro("Report progress")).click()
    date.fill(day)
    card.get_by_label(ro("Value of the indicator")).fill("3,5")
    card.get_by_label(ro("What happened")).fill("Am adăugat raportul anual.")
    card.get_by_label(ro("Evidence file (optional)")).set_input_files(
        {"name": "raport.pdf", "mimeType": "application/pdf", "buffer": file}
    )
    card.get_by_role("button", name=ro("Send the report")).click()


def test_a_file_past_the_quota_shows_the_error_beside_the_field_in_chromium(
    live_server: LiveServer,
    page: Page,
    make_registration: Callable[..., dict[str, Any]],
):
    live_server.app.config["EVIDENCE_QUOTA_PER_COMMITMENT"] = 3 * MB
    _lead, commitment, link = lead_with_a_full_commitment(
        live_server, make_registration
    )

    def ro(text: str, **values: Any) -> str:
        with live_server.app.test_request_context(), force_locale("ro"):
            return str(gettext(text, **values))

    def stored() -> list[int | None]:
        with live_server.app.app_context():
            try:
                query = select(ProgressReport.evidence_size).where(
                    ProgressReport.commitment_id == commitment
                )
                return list(db.session.scalars(query.order_by(ProgressReport.id)))
            finally:
                db.session.remove()

    with live_server.app.app_context():
        pact = db.session.get(Pact, load_pact("ilfov").id)
        assert pact is not None
        day = (today_in(pact) - timedelta(days=1)).isoformat()
        db.session.remove()

    page.goto(live_server.url(link))
    page.wait_for_url(re.compile(r"/me/commitments$"))
    fill_report(page, ro, day, pdf_of(2 * MB))

    error = page.locator(f"#c{commitment}-evidence_file-error")
    expect(error).to_contain_text("pot ocupa cel mult 3 MB în total")
    expect(error).to_contain_text("2 MB sunt deja stocați")
    assert stored() == [2 * MB], "the refused file stored nothing"

    fill_report(page, ro, day, pdf_of(MB // 2))
    page.wait_for_url(re.compile(rf"/me/commitments#commitment-{commitment}$"))
    expect(page.locator(".flash--success")).to_have_text(
        ro("Thank you: your progress report is recorded.")
    )
    assert stored() == [2 * MB, MB // 2]
