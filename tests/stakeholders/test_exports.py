"""CSV and XLSX exports of registrations, and the CSV's way back through
`import-stakeholders` (as it is, or saved as XLSX by a spreadsheet program). The XLSX
for people (labels, dates) is tested in test_export_workbook.py."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from core.spreadsheets import write_xlsx
from core.validation import restore_cell
from stakeholders.exports import COLUMNS

EXPORT = "/staff/p/{pact}/registrations.{fmt}"


@pytest.fixture
def official(
    client: FlaskClient, make_staff: Callable[..., int], login: Callable[[int], None]
) -> int:
    person = make_staff("official", pacts=("ilfov", "empty"))
    login(person)
    return person


@pytest.fixture
def registrations(make_registration: Callable[..., dict[str, Any]]) -> None:
    make_registration(
        organisation_name='=HYPERLINK("http://evil.example","click")',
        motivation="@SUM(A1:A9) and -2+3",
        registration_number="J23/1/2020",
        website="https://ecopack.example.ro",
        themes=["circular-economy", "energy"],
        services=["mentoring", "workshops"],
    )
    make_registration(
        organisation_name="Măgurele Photonics Lab SRL",
        status="approved",
        contact_phone=None,
        motivation="Diacritice: ăâîșț ĂÂÎȘȚ, and a\nsecond line",
    )
    make_registration(organisation_name="Rejected SRL", status="rejected", kind="ngo")


def csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_is_utf8_with_bom_and_has_every_column(
    client: FlaskClient, official: int, registrations: None
):
    response = client.get(EXPORT.format(pact="ilfov", fmt="csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response.data)
    assert list(rows[0]) == COLUMNS
    assert {row["organisation_name"] for row in rows} >= {"Măgurele Photonics Lab SRL"}


def test_csv_export_neutralises_formulas(
    client: FlaskClient, official: int, registrations: None
):
    rows = csv_rows(client.get(EXPORT.format(pact="ilfov", fmt="csv")).data)
    evil = next(row for row in rows if "HYPERLINK" in row["organisation_name"])
    assert evil["organisation_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert evil["motivation"].startswith("'@SUM")
    assert evil["contact_phone"] == "'+40721234567"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))


def test_xlsx_export_neutralises_formulas_and_keeps_text(
    client: FlaskClient, official: int, registrations: None, tmp_path: Path
):
    response = client.get(EXPORT.format(pact="ilfov", fmt="xlsx") + "?lang=en")
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.data)
    sheet = load_workbook(path).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Organisation", "Kind", "Size"]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells), "no cell may be a formula"
    values = [cell.value for cell in cells]
    assert '\'=HYPERLINK("http://evil.example","click")' in values
    assert "'@SUM(A1:A9) and -2+3" in values
    assert "Măgurele Photonics Lab SRL" in values


def test_export_follows_the_dashboard_filters(
    client: FlaskClient, official: int, registrations: None
):
    rows = csv_rows(
        client.get(EXPORT.format(pact="ilfov", fmt="csv") + "?status=approved").data
    )
    assert [row["organisation_name"] for row in rows] == ["Măgurele Photonics Lab SRL"]


def import_file(app: Flask, path: Path, pact: str) -> dict[str, Any]:
    result = app.test_cli_runner().invoke(
        args=["import-stakeholders", str(path), "--pact", pact]
    )
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def comparable(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(rows, key=lambda row: row["contact_email"])


def machine_xlsx(csv_body: bytes) -> bytes:
    """The CSV export as a spreadsheet program saves it as XLSX: codes kept."""
    rows = [
        {key: restore_cell(value) for key, value in row.items()}
        for row in csv_rows(csv_body)
    ]
    return write_xlsx(rows, "registrations", COLUMNS)


@pytest.mark.parametrize("fmt", ["csv", "csv saved as xlsx"])
def test_export_then_import_into_an_empty_pact_gives_the_same_data(
    app: Flask,
    client: FlaskClient,
    official: int,
    registrations: None,
    tmp_path: Path,
    fmt: str,
):
    original = client.get(EXPORT.format(pact="ilfov", fmt="csv")).data
    path = tmp_path / ("ilfov.csv" if fmt == "csv" else "ilfov.xlsx")
    path.write_bytes(original if fmt == "csv" else machine_xlsx(original))
    assert import_file(app, path, "empty") == {"created": 3, "skipped": 0, "errors": []}
    reexported = client.get(EXPORT.format(pact="empty", fmt="csv")).data
    assert comparable(csv_rows(reexported)) == comparable(csv_rows(original))


def test_importing_twice_skips_what_is_already_there(
    app: Flask, client: FlaskClient, official: int, registrations: None, tmp_path: Path
):
    path = tmp_path / "ilfov.csv"
    path.write_bytes(client.get(EXPORT.format(pact="ilfov", fmt="csv")).data)
    import_file(app, path, "empty")
    assert import_file(app, path, "empty") == {"created": 0, "skipped": 3, "errors": []}


def test_import_reports_invalid_rows_by_number_and_imports_the_rest(
    app: Flask, official: int, tmp_path: Path
):
    good = {column: "" for column in COLUMNS} | {
        "organisation_name": "Good SRL",
        "kind": "sme",
        "size": "micro",
        "sector": "C",
        "locality": "Otopeni",
        "region": "Ilfov",
        "country": "RO",
        "contact_name": "Ana",
        "contact_email": "ana@good.ro",
        "services": "mentoring",
        "themes": "energy",
        "status": "approved",
    }
    bad = good | {
        "contact_email": "nope",
        "kind": "alien",
        "organisation_name": "<b>x</b>",
    }
    path = tmp_path / "in.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows([good, bad])
    result = import_file(app, path, "empty")
    assert result["created"] == 1
    assert result["errors"][0]["row"] == 3
    assert set(result["errors"][0]["fields"]) == {
        "contact_email",
        "kind",
        "organisation_name",
    }


def test_import_into_unknown_pact_fails_clearly(
    app: Flask, official: int, tmp_path: Path
):
    path = tmp_path / "in.csv"
    path.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["import-stakeholders", str(path), "--pact", "atlantis"]
    )
    assert result.exit_code != 0
    assert "atlantis" in result.output


def test_import_of_a_file_that_is_not_utf8_fails_clearly(
    app: Flask, official: int, tmp_path: Path
):
    path = tmp_path / "latin1.csv"
    path.write_bytes("organisation_name\nMăgurele\n".encode("utf-16"))
    result = app.test_cli_runner().invoke(
        args=["import-stakeholders", str(path), "--pact", "empty"]
    )
    assert result.exit_code != 0
    assert "cannot read" in result.output
