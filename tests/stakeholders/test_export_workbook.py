"""The registrations' XLSX for people: labels in the official's language, real
dates in the pact's timezone, a sheet ready to filter."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

EXPORT = "/staff/p/torino/registrations.xlsx"
# 22:30:15.123456 UTC on 14 March is 23:30:15 on the same day in Turin (UTC+1).
REGISTERED = datetime(2026, 3, 14, 22, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def registered(
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    # A pact's pages speak its languages: this one speaks Italian and Romanian.
    make_pact("torino", timezone="Europe/Rome", languages="it,ro,en", country="IT")
    login(make_staff("official", pacts=("torino",)))
    make_registration(
        pact="torino",
        organisation_name="Riciclo Po S.r.l.",
        kind="sme",
        size="small",
        sector="C",
        country="IT",
        services=["mentoring", "eu_funding"],
        themes=["circular-economy", "energy"],
        registered_at=REGISTERED,
    )


def sheet_of(client: FlaskClient, language: str) -> Worksheet:
    response = client.get(f"{EXPORT}?lang={language}")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert isinstance(sheet, Worksheet)
    return sheet


def row_by_header(sheet: Worksheet) -> dict[str, Any]:
    header = [cell.value for cell in sheet[1]]
    return dict(zip(header, sheet[2], strict=True))


def test_the_workbook_speaks_italian_to_an_italian_official(
    client: FlaskClient, registered: None
):
    sheet = sheet_of(client, "it")
    row = {header: cell.value for header, cell in row_by_header(sheet).items()}

    assert sheet.title == "Iscrizioni"
    assert row["Organizzazione"] == "Riciclo Po S.r.l."
    assert row["Tipo"] == "PMI"
    assert row["Dimensione"] == "Piccola (da 10 a 49 dipendenti)"
    assert row["Settore"] == "C: Attività manifatturiere"
    assert row["Paese"] == "Italia"
    assert row["Temi"] == "Economia circolare; Efficienza energetica e rinnovabili"
    assert row["Servizi richiesti"] == (
        "Orientamento sui finanziamenti UE; Mentoring nella gestione dell'innovazione"
    )
    assert row["Stato"] == "In attesa"
    assert row["Consenso revocato"] == "No"


def test_the_workbook_speaks_romanian_to_a_romanian_official(
    client: FlaskClient, registered: None
):
    sheet = sheet_of(client, "ro")
    row = {header: cell.value for header, cell in row_by_header(sheet).items()}

    assert sheet.title == "Înregistrări"
    assert row["Organizație"] == "Riciclo Po S.r.l."
    assert row["Tip"] == "IMM"
    assert row["Sector"] == "C: Industria prelucrătoare"
    assert row["Țara"] == "Italia"
    assert row["Teme"] == (
        "Economie circulară; Eficiență energetică și energie din surse regenerabile"
    )
    assert row["Stare"] == "În așteptare"
    assert row["Consimțământ retras"] == "Nu"


def test_dates_are_real_dates_in_the_pacts_timezone_to_the_second(
    client: FlaskClient, registered: None
):
    cells = row_by_header(sheet_of(client, "it"))

    registered_cell = cells["Data di iscrizione"]
    assert registered_cell.is_date
    assert registered_cell.value == datetime(2026, 3, 14, 23, 30, 15)
    assert registered_cell.number_format == "dd/mm/yyyy hh:mm"
    assert cells["Data del consenso"].is_date
    assert cells["Data della decisione"].value is None  # pending: nobody decided yet


def test_the_sheet_has_a_frozen_header_a_filter_and_readable_widths(
    client: FlaskClient, registered: None
):
    sheet = sheet_of(client, "en")

    assert sheet.freeze_panes == "A2"
    last_column = sheet.cell(1, sheet.max_column).column_letter
    assert sheet.auto_filter.ref == f"A1:{last_column}2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width >= len("Riciclo Po S.r.l.")
    assert sheet.column_dimensions["P"].width <= 60  # the motivation, however long
    registered_cell = row_by_header(sheet)["Registered"]
    assert registered_cell.number_format == "yyyy-mm-dd hh:mm"
