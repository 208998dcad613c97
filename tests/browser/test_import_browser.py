"""An official imports registrations in Chromium: a workbook of 52 rows, two of
them bad, whose errors (with their row numbers) show before anything is written;
then the import runs behind a progress bar to "50 imported", and the list shows 50
registrations waiting. Each step's page passes axe, and fits a 360 px screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from core.pacts import find_pact
from extensions import db
from stakeholders.models import Organisation
from tests.browser.axe import axe_violations
from tests.browser.conftest import LiveServer, fits_the_screen
from tests.browser.imports import (
    accept_columns,
    import_registrations,
    run_import,
    upload_file,
    write_registrations_xlsx,
)
from tests.browser.test_workshop_browser import log_in_as_official

pytestmark = pytest.mark.browser


def registrations(live_server: LiveServer, status: str | None = None) -> int:
    with live_server.app.app_context():
        pact = find_pact("ilfov")
        assert pact is not None
        query = select(func.count(Organisation.id)).where(
            Organisation.pact_id == pact.id
        )
        if status:
            query = query.where(Organisation.status == status)
        count = db.session.scalar(query)
        db.session.remove()
    return int(count or 0)


def test_an_official_imports_52_rows_sees_2_bad_ones_first_and_gets_50_pending(
    page: Page, live_server: LiveServer, tmp_path: Path
):
    workbook = write_registrations_xlsx(
        tmp_path / "inregistrari.xlsx", 52, bad={7: "E-mail", 31: "Kind"}
    )
    log_in_as_official(page, live_server)
    page.goto(live_server.url("/staff/?lang=en"))
    seen_before_import: list[int] = []

    def check_preview(problems: list[str]) -> None:
        seen_before_import.append(registrations(live_server))
        assert len(problems) == 2, problems
        assert problems[0].startswith("Row 8 E-mail "), problems
        assert problems[1].startswith("Row 32 Kind "), problems
        expect(page.locator("form[action$='/start'] button")).to_have_text(
            "Import 50 valid rows"
        )

    outcome = import_registrations(
        page, live_server.base_url, "ilfov", workbook, before_import=check_preview
    )

    assert seen_before_import == [0], "nothing was written before the confirmation"
    assert outcome.summary == "50 imported, 2 skipped."
    page.get_by_role("link", name="See the pending registrations").click()
    expect(page.locator("p.summary")).to_contain_text("50 registrations")
    assert registrations(live_server, "pending") == 50


@pytest.mark.parametrize("width", [1280, 360])
def test_each_step_of_an_import_passes_axe_and_fits_the_screen(
    page: Page, live_server: LiveServer, tmp_path: Path, width: int
):
    """In Romanian, as the official reads it."""
    workbook = write_registrations_xlsx(tmp_path / "mic.xlsx", 3, bad={2: "Kind"})
    page.set_viewport_size({"width": width, "height": 800})
    log_in_as_official(page, live_server)

    def checked() -> None:
        violations = axe_violations(page)
        assert violations == [], f"{page.url}:\n" + "\n".join(violations)
        assert fits_the_screen(page), page.url

    page.goto(live_server.url("/staff/p/ilfov/registrations/import"))
    checked()
    upload_file(page, live_server.base_url, "ilfov", workbook)
    checked()
    assert len(accept_columns(page)) == 1
    checked()
    run_import(page)
    checked()
