"""The audit log as a workbook for spreadsheets: actions and subjects as labels in
the official's language, times as dates in the pact's timezone, ids as numbers; the
download is recorded like the CSV's."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.audit import AuditAction
from tests.audit.conftest import entries_after, last_entry_id
from tests.audit.test_page import AUDIT, entry, utc


def test_the_audit_workbook_has_labels_local_times_and_numbers(
    client: FlaskClient, pact: int, official: int, login: Callable[[int], None]
):
    entry(official, pact, AuditAction.APPROVE, utc(15, 10), ("organisation", 7))
    login(official)
    before = last_entry_id()

    response = client.get(f"{AUDIT}.xlsx?action=approve&lang=ro")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert isinstance(sheet, Worksheet)
    assert sheet.title == "Jurnal de audit"
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Data și ora", "Membru al echipei", "Acțiune", "Obiect"]
    when, _actor, action, subject, number, _details = sheet[2]
    assert when.value == datetime(2025, 1, 15, 12, 0)  # Bucharest, UTC+2
    assert when.number_format == "dd.mm.yyyy hh:mm"
    assert (action.value, subject.value) == ("A aprobat o înregistrare", "Înregistrare")
    assert number.value == 7
    assert sheet.max_row == 2
    [recorded] = entries_after(before)
    assert recorded.details["format"] == "xlsx"
    assert recorded.details["rows"] == 1
