"""The open data of a published pact: JSON valid against the JSON Schema the site
serves (and a schema that does reject wrong data), CSVs safe for spreadsheets, the
CSV re-imported into another pact by `import-commitments` giving the same
commitments, CORS for other sites, and 404 for a pact that is not published."""

from __future__ import annotations

import copy
import csv
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from sqlalchemy import select

from commitments.models import PACT_STATUSES, REPORTED_STATUSES, Commitment
from core.models import PactStatus, ReportFrequency
from extensions import db
from pacts.documents import COMMITMENT_COLUMNS, PROGRESS_COLUMNS
from pacts.queries import commitment_record, pact_commitments, published_commitments
from stakeholders.models import Person
from tests.pacts.factories import (
    approved_party,
    load_pact,
    signed_commitment,
    theme_id,
    write_document,
)
from tests.stakeholders.test_exports import csv_rows

SCHEMA = "/open-data/commitments.schema.json"
JSON = "/p/{slug}/open-data/commitments.json"
COMMITMENTS_CSV = "/p/{slug}/open-data/commitments.csv"
PROGRESS_CSV = "/p/{slug}/open-data/progress.csv"
PDF = "/p/{slug}/pact.pdf"
OPEN_DATA = [JSON, COMMITMENTS_CSV, PROGRESS_CSV]


def served_schema(client: FlaskClient) -> dict[str, Any]:
    response = client.get(SCHEMA)
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    schema: dict[str, Any] = json.loads(response.data)
    Draft202012Validator.check_schema(schema)
    return schema


def validator(client: FlaskClient) -> Draft202012Validator:
    return Draft202012Validator(
        served_schema(client), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def open_json(client: FlaskClient) -> dict[str, Any]:
    response = client.get(JSON.format(slug="ilfov"))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document: dict[str, Any] = response.get_json()
    return document


# --- JSON and its schema -------------------------------------------------------------


def test_json_validates_against_the_served_schema(
    client: FlaskClient, published_pact: dict[str, Any]
):
    document = open_json(client)
    errors = [error.message for error in validator(client).iter_errors(document)]
    assert errors == []
    assert document["schema"] == served_schema(client)["$id"]
    assert document["schema"] == "http://localhost/open-data/commitments.schema.json"
    assert document["publisher"] == "Consiliul Județean Ilfov"
    assert document["licence"] == "CC-BY-4.0"
    assert datetime.fromisoformat(document["generated_at"]).utcoffset() is not None


def test_json_says_the_language_of_each_text_and_gives_the_others_beside_it(
    client: FlaskClient, published_pact: dict[str, Any]
):
    write_document(
        published_pact["official"],
        load_pact("ilfov").id,
        title="Pactul Verde Local Ilfov",
        texts={
            "ro": {"theme:energy": "Energie curată"},
            "en": {
                "title": "Ilfov Local Green Pact",
                "governance": "A steering group.",
            },
        },
    )

    document = open_json(client)

    assert [e.message for e in validator(client).iter_errors(document)] == []
    pact = document["pact"]
    assert (pact["language"], pact["languages"]) == ("ro", ["ro", "en"])
    assert pact["title"] == "Pactul Verde Local Ilfov"
    assert pact["governance"] == "A steering group meets twice a year."
    assert pact["texts"] == {
        "ro": {
            "title": "Pactul Verde Local Ilfov",
            "introduction": "Ilfov își asumă o economie verde.\n\nSecond paragraph.",
            "governance": "A steering group meets twice a year.",
        },
        "en": {"title": "Ilfov Local Green Pact", "governance": "A steering group."},
    }
    themes = {c["theme"]["key"]: c["theme"] for c in document["commitments"]}
    assert themes["circular-economy"] == {
        "key": "circular-economy",
        "name": "Economie circulară",
        "language": "ro",
        "names": {"ro": "Economie circulară", "en": "Circular economy"},
    }
    assert themes["energy"]["name"] == "Energie curată"
    assert themes["energy"]["names"] == {
        "ro": "Energie curată",
        "en": "Energy efficiency and renewables",
    }
    # Whoever asks, in whichever language: the same data.
    english = client.get(JSON.format(slug="ilfov") + "?lang=en").get_json()
    assert english["pact"]["title"] == "Pactul Verde Local Ilfov"


def test_json_lists_the_signed_commitments_by_stable_id_and_url(
    client: FlaskClient, published_pact: dict[str, Any]
):
    commitments = open_json(client)["commitments"]
    ids = [c["id"] for c in commitments]
    assert ids == published_pact["commitments"]
    assert published_pact["draft"] not in ids
    for commitment in commitments:
        expected = f"http://localhost/p/ilfov/commitments/{commitment['id']}"
        assert commitment["url"] == expected


def test_json_has_nulls_before_the_first_report_and_a_cut_below_baseline(
    client: FlaskClient, published_pact: dict[str, Any]
):
    solar = open_json(client)["commitments"][2]
    assert solar["title"] == 'Panouri solare, "Ștefănești" pe acoperișul fabricii'
    assert (solar["latest"], solar["progress_percent"], solar["reports"]) == (
        None,
        None,
        [],
    )
    assert solar["indicator"]["target"] < solar["indicator"]["baseline"]


def test_json_reports_the_latest_value_and_share_of_the_way(
    client: FlaskClient, published_pact: dict[str, Any]
):
    bikes = open_json(client)["commitments"][3]
    assert bikes["latest"] == {
        "date": "2025-09-03",
        "value": -12.5,
        "verification": "evidence attached",
    }
    assert bikes["progress_percent"] == 42
    assert [r["value"] for r in bikes["reports"]] == [-10, -12.5]
    assert bikes["reports"][1]["evidence_url"] == (
        "https://velo.example.ro/report-2025.pdf"
    )


def _parent(document: dict[str, Any], path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        document = document[key]
    return document


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        _parent(document, path)[path[-1]] = value

    return change


def _drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        del _parent(document, path)[path[-1]]

    return change


@pytest.mark.parametrize(
    "change",
    [
        _set(("commitments", 0, "status"), "finished"),
        _set(("commitments", 0, "status"), "draft"),
        _set(("commitments", 0, "reports", 0, "status"), "signed"),
        _set(("commitments", 0, "deadline"), "31/12/2027"),
        _set(("commitments", 0, "indicator", "target"), "5000"),
        _set(("commitments", 0, "latest"), {"date": "2025-03-01"}),
        _set(("commitments", 0, "progress_percent"), 49.5),
        _set(("commitments", 0, "surprise"), 1),
        _drop(("commitments", 0, "lead")),
        _drop(("pact", "published_at")),
        _set(("licence",), None),
    ],
    ids=[
        "status outside the enum",
        "draft is not part of a pact",
        "report status outside its enum",
        "deadline not a date",
        "target not a number",
        "latest without value",
        "percent not whole",
        "unknown field",
        "no lead",
        "no publication date",
        "licence null",
    ],
)
def test_schema_rejects_wrong_data(
    client: FlaskClient,
    published_pact: dict[str, Any],
    change: Callable[[dict[str, Any]], None],
):
    document = open_json(client)
    check = validator(client)
    assert check.is_valid(document)
    wrong = copy.deepcopy(document)
    change(wrong)
    assert not check.is_valid(wrong)


def test_schema_enums_follow_the_models(client: FlaskClient):
    schema = served_schema(client)
    defs = schema["$defs"]
    assert defs["commitment"]["properties"]["status"]["enum"] == list(PACT_STATUSES)
    assert defs["report"]["properties"]["status"]["enum"] == list(REPORTED_STATUSES)
    frequency = defs["pact"]["properties"]["report_frequency"]["enum"]
    assert frequency == list(ReportFrequency)
    assert set(defs["pact"]["properties"]["status"]["enum"]) < set(PactStatus)


def test_schema_documents_every_field_and_csv_column(client: FlaskClient):
    schema = served_schema(client)
    for name, definition in schema["$defs"].items():
        for field, spec in definition.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"
    columns = schema["csv_columns"]
    assert list(columns["commitments.csv"]) == COMMITMENT_COLUMNS
    assert list(columns["progress.csv"]) == PROGRESS_COLUMNS


# --- CSV -----------------------------------------------------------------------------


def test_commitments_csv_has_one_row_per_commitment_with_formulas_neutralised(
    client: FlaskClient, published_pact: dict[str, Any]
):
    response = client.get(COMMITMENTS_CSV.format(slug="ilfov"))
    assert response.mimetype == "text/csv"
    assert 'filename="ilfov-commitments.csv"' in response.headers["Content-Disposition"]
    rows = csv_rows(response.data)
    assert list(rows[0]) == COMMITMENT_COLUMNS
    assert [int(row["id"]) for row in rows] == published_pact["commitments"]
    packaging, _compost, solar, bikes = rows
    assert bikes["title"] == "'=Biciclete electrice pentru livrări\nîn Voluntari"
    assert bikes["support_requested"] == "'-2+3 parking spaces"
    assert (bikes["baseline"], bikes["target"], bikes["latest_value"]) == (
        "0",
        "-30",
        "-12.5",
    )
    assert bikes["co_signers"] == "EcoPack Ambalaje, SRL; Măgurele Photonics Lab SRL"
    assert (packaging["latest_date"], packaging["progress_percent"]) == (
        "2025-03-01",
        "50",
    )
    assert (solar["latest_date"], solar["latest_value"], solar["progress_percent"]) == (
        "",
        "",
        "",
    )
    assert {row["licence"] for row in rows} == {"CC-BY-4.0"}
    assert packaging["theme_name"] == "Economie circulară"  # the pact's language
    assert {row["language"] for row in rows} == {"ro"}


def test_progress_csv_has_one_row_per_report(
    client: FlaskClient, published_pact: dict[str, Any]
):
    response = client.get(PROGRESS_CSV.format(slug="ilfov"))
    rows = csv_rows(response.data)
    assert list(rows[0]) == PROGRESS_COLUMNS
    assert [int(row["report_id"]) for row in rows] == published_pact["reports"]
    packaging, compost, _solar, bikes = published_pact["commitments"]
    assert [
        (int(r["commitment_id"]), r["date"], r["value"], r["status"]) for r in rows
    ] == [
        (packaging, "2025-03-01", "2500", "in progress"),
        (compost, "2025-03-02", "3", "at risk"),
        (bikes, "2025-03-03", "-10", "in progress"),
        (bikes, "2025-09-03", "-12.5", "in progress"),
    ]
    assert rows[3]["evidence_url"] == "https://velo.example.ro/report-2025.pdf"


# --- access --------------------------------------------------------------------------


@pytest.mark.parametrize("route", [*OPEN_DATA, SCHEMA])
def test_open_data_may_be_read_by_any_site(
    client: FlaskClient, published_pact: dict[str, Any], route: str
):
    response = client.get(route.format(slug="ilfov"))
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("route", [*OPEN_DATA, PDF])
def test_an_unpublished_or_unknown_pact_has_no_documents(
    client: FlaskClient,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    route: str,
):
    official = make_staff("official")
    lead = approved_party(make_registration, "EcoPack Ambalaje, SRL")
    pact = load_pact("ilfov").id
    signed_commitment(
        official, pact, lead.organisation, theme_id=theme_id(pact, "energy")
    )
    assert client.get(route.format(slug="ilfov")).status_code == 404
    assert client.get(route.format(slug="atlantis")).status_code == 404


# --- the way back: import-commitments -------------------------------------------------


@pytest.fixture
def torino(
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    published_pact: dict[str, Any],
) -> str:
    """Pact B: an official, and approved organisations named as Ilfov's."""
    official = make_staff("official", pacts=("torino",))
    for party in published_pact["parties"]:
        approved_party(make_registration, party.name, pact="torino")
    person = db.session.get(Person, official)
    assert person is not None
    return str(person.email)


@pytest.fixture
def exported(
    client: FlaskClient, tmp_path: Path, published_pact: dict[str, Any]
) -> Path:
    path = tmp_path / "ilfov-commitments.csv"
    path.write_bytes(client.get(COMMITMENTS_CSV.format(slug="ilfov")).data)
    return path


def import_commitments(app: Flask, path: Path, email: str, pact: str = "torino") -> Any:
    result = app.test_cli_runner().invoke(
        args=["import-commitments", str(path), "--pact", pact, "--official", email]
    )
    db.session.expire_all()
    return result


def content(record: dict[str, Any]) -> tuple[Any, ...]:
    """What a commitment says, whichever pact holds it."""
    return (
        record["title"],
        record["action"],
        record["theme"]["key"],
        record["lead"]["name"],
        tuple(org["name"] for org in record["co_signers"]),
        record["indicator"],
        record["deadline"],
        record["support_requested"],
        record["support_promised"],
    )


def records_of(slug: str) -> list[dict[str, Any]]:
    return [commitment_record(c) for c in pact_commitments(load_pact(slug).id, {})]


def test_exported_csv_reimports_into_another_pact_as_the_same_commitments(
    app: Flask, exported: Path, torino: str
):
    result = import_commitments(app, exported, torino)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"created": 4, "skipped": 0, "errors": []}
    ilfov = [
        content(commitment_record(c))
        for c in published_commitments(load_pact("ilfov").id)
    ]
    assert [content(r) for r in records_of("torino")] == ilfov
    titles = [r["title"] for r in records_of("torino")]
    assert "=Biciclete electrice pentru livrări\nîn Voluntari" in titles
    assert {r["status"] for r in records_of("torino")} == {"draft"}


def test_importing_twice_skips_what_is_there(app: Flask, exported: Path, torino: str):
    import_commitments(app, exported, torino)
    again = import_commitments(app, exported, torino)
    assert again.exit_code == 0, again.output
    assert json.loads(again.output) == {"created": 0, "skipped": 4, "errors": []}
    assert len(records_of("torino")) == 4


def test_a_malformed_row_is_reported_with_its_fields_and_creates_nothing(
    app: Flask, exported: Path, torino: str
):
    with exported.open("a", encoding="utf-8", newline="") as handle:
        bad = dict.fromkeys(COMMITMENT_COLUMNS, "")
        bad |= {
            "title": "Rând greșit",
            "theme_key": "space-travel",
            "lead_name": "Nobody SRL",
            "co_signers": "EcoPack Ambalaje, SRL; Ghost SRL",
            "indicator_name": "Rockets",
            "unit": "rockets",
            "baseline": "lots",
            "target": "nan",
            "deadline": "31/12/2027",
        }
        csv.DictWriter(handle, COMMITMENT_COLUMNS, lineterminator="\r\n").writerow(bad)
    result = import_commitments(app, exported, torino)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert (payload["created"], payload["skipped"]) == (4, 0)
    [error] = payload["errors"]
    assert error["row"] == 6  # the header is row 1, then four commitments
    assert set(error["fields"]) == {
        "theme_key",
        "lead_name",
        "co_signers",
        "baseline",
        "target",
        "deadline",
    }
    assert "Ghost SRL" in error["fields"]["co_signers"][0]
    created = db.session.scalars(select(Commitment.title))
    assert "Rând greșit" not in set(created)


@pytest.mark.parametrize(
    ("pact", "official", "message"),
    [
        ("atlantis", None, "atlantis"),
        ("torino", "nobody@example.ro", "nobody@example.ro"),
        ("ilfov", None, "official"),
    ],
)
def test_import_refuses_an_unknown_pact_or_an_official_of_another(
    app: Flask,
    exported: Path,
    torino: str,
    pact: str,
    official: str | None,
    message: str,
):
    result = import_commitments(app, exported, official or torino, pact=pact)
    assert result.exit_code != 0
    assert message in result.output
    assert records_of("torino") == []
