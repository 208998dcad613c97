"""A workshop's attendance list as a workbook: labels in the official's language,
the waiting list's places as numbers, the enrolment's moment as a date and time in
the pact's timezone (Bucharest)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import update

from extensions import db
from tests.workshops.factories import new_workshop
from workshops.enrolment import enrol_people
from workshops.models import Enrolment

STAFF = "/staff/p/ilfov/workshops"
# 21:45:30.5 UTC on 31 May is 00:45:30 on 1 June in Bucharest (UTC+3).
ENROLLED_AT = datetime(2026, 5, 31, 21, 45, 30, 500000, tzinfo=UTC)


def attendance_workbook(
    client: FlaskClient,
    official: int,
    pact: int,
    make_registration: Callable[..., dict[str, Any]],
    language: str,
) -> Worksheet:
    workshop = new_workshop(official, pact, capacity=1)
    people = [
        make_registration(status="approved", organisation_name=name)["person"]
        for name in ("A SRL", "B SRL", "C SRL")
    ]
    enrol_people(official, workshop, people)
    db.session.execute(update(Enrolment).values(created_at=ENROLLED_AT))
    db.session.commit()
    response = client.get(f"{STAFF}/{workshop}/attendance.xlsx?lang={language}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert isinstance(sheet, Worksheet)
    return sheet


def test_the_attendance_workbook_has_romanian_labels_and_numeric_places(
    client: FlaskClient,
    official: int,
    pact: int,
    login: Callable[[int], None],
    make_registration: Callable[..., dict[str, Any]],
):
    login(official)
    sheet = attendance_workbook(client, official, pact, make_registration, "ro")
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]

    assert sheet.title == "Prezență"
    assert [row["Stare"].value for row in rows] == [
        "Înscris",
        "Pe lista de așteptare",
        "Pe lista de așteptare",
    ]
    places = [row["Locul pe lista de așteptare"] for row in rows]
    assert [cell.value for cell in places] == [None, 1, 2]
    assert places[2].data_type == "n"
    assert {row["Mod de înscriere"].value for row in rows} == {"Invitație"}
    assert {row["Link de participare retras"].value for row in rows} == {"Nu"}
    enrolled = rows[0]["Data înscrierii"]
    assert enrolled.is_date
    assert enrolled.value == datetime(2026, 6, 1, 0, 45, 30)
    assert enrolled.number_format == "dd.mm.yyyy hh:mm"


def test_the_attendance_workbook_has_english_labels_and_a_filter(
    client: FlaskClient,
    official: int,
    pact: int,
    login: Callable[[int], None],
    make_registration: Callable[..., dict[str, Any]],
):
    login(official)
    sheet = attendance_workbook(client, official, pact, make_registration, "en")

    assert [cell.value for cell in sheet[1]][:4] == [
        "Name",
        "Organisation",
        "E-mail",
        "Status",
    ]
    assert sheet["D3"].value == "On the waiting list"
    assert sheet["H2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J4"
