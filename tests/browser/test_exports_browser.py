"""An official downloads the registrations from the dashboard in Chromium: the Excel
file for spreadsheets (Romanian labels, the time in Bucharest) and, beside it, the
CSV with the codes for re-import."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from playwright.sync_api import Page

from core.pacts import find_pact
from extensions import db
from stakeholders.services import register_organisation
from tests.browser.conftest import LiveServer
from tests.browser.test_audit_browser import CONSENT
from tests.browser.test_workshop_browser import log_in_as_official
from tests.conftest import registration_data

# 08:05:09.25 UTC on 2 February is 10:05:09 in Bucharest (UTC+2).
REGISTERED = datetime(2026, 2, 2, 8, 5, 9, 250000, tzinfo=UTC)


def a_registration(live_server: LiveServer) -> None:
    with live_server.app.app_context():
        pact = find_pact("ilfov")
        assert pact is not None
        register_organisation(
            pact.id,
            registration_data(
                organisation_name="Verde Ambalaje SRL",
                themes=["circular-economy", "energy"],
                registered_at=REGISTERED,
            ),
            CONSENT,
            notify=False,
        )
        db.session.remove()


def test_the_official_downloads_the_excel_file_and_the_csv_beside_it(
    page: Page, live_server: LiveServer
) -> None:
    a_registration(live_server)
    log_in_as_official(page, live_server)
    page.goto(live_server.url("/staff/p/ilfov/registrations"))

    with page.expect_download() as excel:
        page.get_by_role("link", name="Excel, pentru foi de calcul").click()
    assert excel.value.suggested_filename.endswith(".xlsx")
    # The saved file has no extension, which openpyxl wants: read its bytes.
    sheet = load_workbook(io.BytesIO(excel.value.path().read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Organizație"] == "Verde Ambalaje SRL"
    assert row["Tip"] == "IMM"
    assert row["Teme"] == (
        "Economie circulară; Eficiență energetică și energie din surse regenerabile"
    )
    assert row["Data înregistrării"] == datetime(2026, 2, 2, 10, 5, 9)

    with page.expect_download() as machine:
        page.get_by_role("link", name="CSV, pentru reimport și alte programe").click()
    assert machine.value.suggested_filename.endswith(".csv")
    with machine.value.path().open(encoding="utf-8-sig", newline="") as handle:
        [record] = list(csv.DictReader(handle))
    assert (record["kind"], record["themes"]) == ("sme", "circular-economy;energy")
    assert record["registered_at"] == REGISTERED.isoformat()
