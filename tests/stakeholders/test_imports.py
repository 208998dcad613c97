"""Importing registrations in the browser, over HTTP: upload, map the columns,
preview (bad and duplicate rows reported before anything is written), import in
chunks; and every refusal (not a spreadsheet, empty, too big, a required field not
mapped, someone else's import, a facilitator)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from babel import Locale
from flask.testing import FlaskClient
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import func, select

from core.audit import AuditAction, AuditEntry
from core.choices import (
    DEFAULT_THEMES,
    KIND_LABELS,
    SECTOR_LABELS,
    SERVICE_LABELS,
    SIZE_LABELS,
    STATUS_LABELS,
)
from core.pacts import find_pact
from core.spreadsheets import write_csv
from extensions import db
from stakeholders.exports import COLUMNS
from stakeholders.imports import services
from stakeholders.imports.models import RegistrationImport
from stakeholders.models import Consent, Organisation
from stakeholders.workbook import HEADER
from tests.conftest import csrf_from
from tests.test_fuzz_forms import EXAMPLES, fuzz_form

UPLOAD = "/staff/p/ilfov/registrations/import"


def machine_row(n: int, **overrides: str) -> dict[str, str]:
    """A row of the machine export (codes)."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        organisation_name=f"Firma {n} SRL",
        kind="sme",
        size="small",
        sector="C",
        locality="Otopeni",
        region="Ilfov",
        country="RO",
        contact_name=f"Persoana {n}",
        contact_email=f"contact{n}@firma{n}.ro",
        services="mentoring;eu_funding",
        themes="energy;green-digital",
    )
    row.update(overrides)
    return row


def machine_csv(*rows: dict[str, str]) -> bytes:
    return write_csv(rows, COLUMNS)


def workbook(header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def token(client: FlaskClient, path: str = UPLOAD) -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


def upload(
    client: FlaskClient, body: bytes, filename: str = "registrations.csv"
) -> Any:
    return client.post(
        UPLOAD,
        data={"csrf_token": token(client), "file": (io.BytesIO(body), filename)},
        content_type="multipart/form-data",
    )


def import_id_of(response: Any) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/import/(\d+)/columns$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def guessed_mapping(client: FlaskClient, import_id: int) -> dict[str, str]:
    """The columns page's selects, as pre-filled."""
    html = client.get(f"{UPLOAD}/{import_id}/columns").get_data(as_text=True)
    mapping = {}
    for name, body in re.findall(
        r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', html, re.S
    ):
        selected = re.search(r'<option selected value="([^"]*)"', body) or re.search(
            r'<option value="([^"]*)" selected', body
        )
        mapping[name] = selected.group(1) if selected else ""
    return mapping


def map_columns(client: FlaskClient, import_id: int, **changes: str) -> Any:
    mapping = guessed_mapping(client, import_id) | changes
    path = f"{UPLOAD}/{import_id}/columns"
    return client.post(path, data={"csrf_token": token(client, path), **mapping})


def preview_text(client: FlaskClient, import_id: int) -> str:
    return unescape(client.get(f"{UPLOAD}/{import_id}").get_data(as_text=True))


def run_import(client: FlaskClient, import_id: int) -> dict[str, Any]:
    """Start it and post the next chunks as the page's script does, to the end."""
    path = f"{UPLOAD}/{import_id}"
    started = client.post(f"{path}/start", data={"csrf_token": token(client, path)})
    assert started.status_code == 302
    assert started.headers["Location"].endswith(f"{path}/progress")
    csrf = token(client, f"{path}/progress")
    for _step in range(1000):
        progress = client.post(
            f"{path}/next",
            data={"csrf_token": csrf},
            headers={"Accept": "application/json"},
        ).get_json()
        if progress["finished"]:
            return dict(progress)
    raise AssertionError("the import never finished")


def organisations(pact: str = "ilfov") -> list[Organisation]:
    found = find_pact(pact)
    assert found is not None
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.pact_id == found.id)
            .order_by(Organisation.id)
        )
    )


@pytest.fixture
def official(make_staff: Callable[..., int], login: Callable[[int], None]) -> int:
    person = make_staff("official", pacts=("ilfov",))
    login(person)
    return person


def test_an_official_imports_the_machine_export_as_pending_registrations(
    client: FlaskClient, official: int
):
    body = machine_csv(machine_row(1), machine_row(2), machine_row(3))
    import_id = import_id_of(upload(client, body))
    assert guessed_mapping(client, import_id)["contact_email"] == str(
        COLUMNS.index("contact_email")
    ), "the export's own headers are recognised"
    assert map_columns(client, import_id).status_code == 302
    text = preview_text(client, import_id)
    assert "Import 3 valid rows" in text
    assert "Firma 1 SRL" in text
    assert organisations() == [], "nothing is written by the preview"

    result = run_import(client, import_id)

    assert (result["imported"], result["skipped"]) == (3, 0)
    imported = organisations()
    assert [o.name for o in imported] == ["Firma 1 SRL", "Firma 2 SRL", "Firma 3 SRL"]
    assert {o.status for o in imported} == {"pending"}
    assert sorted(t.key for t in imported[0].themes) == ["energy", "green-digital"]
    consent = db.session.scalars(
        select(Consent).where(Consent.organisation_id == imported[0].id)
    ).one()
    assert consent.version == "imported"
    assert "imported" in consent.text
    page = unescape(client.get(f"{UPLOAD}/{import_id}/progress").get_data(as_text=True))
    assert "3 imported, 0 skipped." in page
    assert "/staff/p/ilfov/registrations?status=pending" in page


def test_the_file_says_the_status_when_it_has_one(client: FlaskClient, official: int):
    body = machine_csv(machine_row(1, status="approved"), machine_row(2))
    import_id = import_id_of(upload(client, body))
    map_columns(client, import_id)
    run_import(client, import_id)
    assert [o.status for o in organisations()] == ["approved", "pending"]


def test_the_peoples_workbook_in_romanian_is_read_back_into_codes(
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
    make_registration: Callable[..., dict[str, Any]],
):
    make_pact("torino", languages="ro,it,en")
    login(make_staff("official", pacts=("ilfov", "torino")))
    for n in range(3):
        make_registration(
            pact="torino",
            contact_email=f"persoana{n}@firma{n}.it",
            kind="support_organisation",
            size="medium",
            sector="J",
            services=["crowdfunding", "green_digital"],
            themes=["energy", "mobility"],
        )
    exported = client.get("/staff/p/torino/registrations.xlsx?lang=ro").data
    client.get("/staff/?lang=en")  # back to English for the pages read below

    import_id = import_id_of(upload(client, exported, "inregistrari.xlsx"))
    mapping = guessed_mapping(client, import_id)
    assert all(mapping[name] for name in services.REQUIRED_FIELDS), mapping
    map_columns(client, import_id)
    assert "Import 3 valid rows" in preview_text(client, import_id)
    run_import(client, import_id)

    imported = organisations("ilfov")
    assert len(imported) == 3
    first = imported[0]
    assert (first.kind, first.size, first.sector) == (
        "support_organisation",
        "medium",
        "J",
    )
    assert sorted(first.service_keys) == ["crowdfunding", "green_digital"]
    assert sorted(t.key for t in first.themes) == ["energy", "mobility"]


@pytest.mark.parametrize("language", ["it", "es", "ro", "en"])
def test_labels_in_each_language_map_back_to_codes(
    client: FlaskClient, official: int, language: str
):
    """A spreadsheet of the official's own, headed and filled in their language
    with the words the site itself uses."""
    with force_locale(language):
        header = [str(label) for label in HEADER]
        row = {
            "Organisation": "Cooperativa Sole",
            "Kind": str(KIND_LABELS["support_organisation"]),
            "Size": str(SIZE_LABELS["medium"]),
            "Sector": str(SECTOR_LABELS["J"]),
            "Locality": "Otopeni",
            "County / region": "Ilfov",
            "Country": Locale.parse(language).territories["RO"],
            "Contact person": "Lucia Bianchi",
            "E-mail": "lucia@sole.ro",
            "Services wanted": "; ".join(
                str(SERVICE_LABELS[key]) for key in ("mentoring", "crowdfunding")
            ),
            "Themes": str(DEFAULT_THEMES["mobility"]),
            "Status": str(STATUS_LABELS["approved"]),
        }
    with force_locale("en"):
        english = [str(label) for label in HEADER]
    cells = [row.get(name, "") for name in english]
    import_id = import_id_of(upload(client, workbook(header, [cells]), "soci.xlsx"))
    map_columns(client, import_id)
    assert "Import 1 valid row" in preview_text(client, import_id)
    run_import(client, import_id)
    [imported] = organisations()
    assert (imported.kind, imported.size, imported.sector, imported.country) == (
        "support_organisation",
        "medium",
        "J",
        "RO",
    )
    assert sorted(imported.service_keys) == ["crowdfunding", "mentoring"]
    assert [t.key for t in imported.themes] == ["mobility"]
    assert imported.status == "approved"


def test_bad_rows_are_listed_with_their_row_number_and_error_before_anything_is_written(
    client: FlaskClient, official: int
):
    body = machine_csv(
        machine_row(1),
        machine_row(2, contact_email="not an e-mail"),
        machine_row(3),
        machine_row(4, kind="spaceship"),
    )
    import_id = import_id_of(upload(client, body))
    map_columns(client, import_id)
    text = preview_text(client, import_id)
    assert re.search(r"Row 3</td><td>E-mail</td><td>[^<]+", text)
    assert re.search(r"Row 5</td><td>Kind</td><td>[^<]+", text)
    assert "Import 2 valid rows" in text
    assert organisations() == []
    result = run_import(client, import_id)
    assert (result["imported"], result["skipped"]) == (2, 2)
    assert [o.name for o in organisations()] == ["Firma 1 SRL", "Firma 3 SRL"]


def test_duplicates_in_the_pact_and_in_the_file_are_reported_and_imported_once(
    client: FlaskClient,
    official: int,
    make_registration: Callable[..., dict[str, Any]],
):
    make_registration(contact_email="taken@firma.ro", registration_number="J23/1/2020")
    body = machine_csv(
        machine_row(1, contact_email="taken@firma.ro"),
        machine_row(2, registration_number="J23/1/2020"),
        machine_row(3),
        machine_row(4, contact_email="CONTACT3@firma3.ro"),
        machine_row(5, registration_number="J23/9/2021"),
        machine_row(6, registration_number="J23/9/2021"),
    )
    import_id = import_id_of(upload(client, body))
    map_columns(client, import_id)
    text = preview_text(client, import_id)
    assert "This e-mail address is already registered in this pact." in text
    assert "This registration number is already registered in this pact." in text
    assert re.search(r"Row 5</td><td>E-mail</td><td>Row 4 has the same e-mail", text)
    assert re.search(
        r"Row 7</td><td>[^<]+</td><td>Row 6 has the same registration", text
    )
    assert "Import 2 valid rows" in text
    result = run_import(client, import_id)
    assert (result["imported"], result["skipped"]) == (2, 4)
    assert len(organisations()) == 3


def test_a_registration_arriving_after_the_preview_is_skipped_not_doubled(
    client: FlaskClient,
    official: int,
    make_registration: Callable[..., dict[str, Any]],
):
    import_id = import_id_of(
        upload(client, machine_csv(machine_row(1), machine_row(2)))
    )
    map_columns(client, import_id)
    make_registration(contact_email="contact2@firma2.ro")
    result = run_import(client, import_id)
    assert (result["imported"], result["skipped"]) == (1, 1)
    assert len(organisations()) == 2


def test_many_rows_are_written_in_chunks_with_the_progress_counted(
    client: FlaskClient, official: int
):
    rows = [machine_row(n) for n in range(1, services.CHUNK_ROWS * 2 + 4)]
    import_id = import_id_of(upload(client, machine_csv(*rows)))
    map_columns(client, import_id)
    path = f"{UPLOAD}/{import_id}"
    client.post(f"{path}/start", data={"csrf_token": token(client, path)})
    csrf = token(client, f"{path}/progress")
    first = client.post(
        f"{path}/next",
        data={"csrf_token": csrf},
        headers={"Accept": "application/json"},
    ).get_json()
    assert first["done"] == services.CHUNK_ROWS
    assert first["total"] == len(rows)
    assert not first["finished"]
    assert first["status"] == f"{services.CHUNK_ROWS} of {len(rows)} rows processed"
    assert len(organisations()) == services.CHUNK_ROWS
    html = client.get(f"{path}/progress").get_data(as_text=True)
    assert f'max="{len(rows)}" value="{services.CHUNK_ROWS}"' in html
    # Without the script, the button posts a chunk and comes back to the page.
    by_hand = client.post(f"{path}/next", data={"csrf_token": csrf})
    assert by_hand.status_code == 302
    assert by_hand.headers["Location"].endswith(f"{path}/progress")
    assert len(organisations()) == 2 * services.CHUNK_ROWS


def test_the_finished_import_is_audited_and_forgets_its_rows(
    client: FlaskClient, official: int
):
    import_id = import_id_of(
        upload(client, machine_csv(machine_row(1), machine_row(2, kind="x")))
    )
    map_columns(client, import_id)
    run_import(client, import_id)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT_REGISTRATIONS)
    ).one()
    assert entry.actor_id == official
    assert entry.details == {"rows": 2, "imported": 1, "skipped": 1}
    pending = db.session.get(RegistrationImport, import_id)
    assert pending is not None
    assert pending.rows == []


@pytest.mark.parametrize(
    ("body", "filename", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.xlsx", "not a spreadsheet"),
        (b"PK\x03\x04 not really a workbook", "broken.xlsx", "not a spreadsheet"),
        (b"%PDF-1.4\n\x01\x02\x03 stream", "document.csv", "not a spreadsheet"),
        (b"organisation_name,kind\n", "registrations.csv", "no rows"),
        (b"", "registrations.csv", "no rows"),
        (b"a,b\n1,2\n", "notes.txt", "Please choose a CSV or XLSX file."),
    ],
    ids=["image", "broken-xlsx", "pdf", "header-only", "empty", "wrong-extension"],
)
def test_a_file_that_cannot_be_imported_is_refused_clearly(
    client: FlaskClient, official: int, body: bytes, filename: str, message: str
):
    response = upload(client, body, filename)
    assert response.status_code == 200
    assert message in unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count(RegistrationImport.id))) == 0


def test_an_empty_workbook_is_refused(client: FlaskClient, official: int):
    response = upload(client, workbook(["organisation_name"], []), "empty.xlsx")
    assert "no rows" in response.get_data(as_text=True)


def test_no_file_chosen_is_refused(client: FlaskClient, official: int):
    response = client.post(UPLOAD, data={"csrf_token": token(client)})
    assert response.status_code == 200
    assert "Please choose a file." in response.get_data(as_text=True)


def test_too_many_rows_or_bytes_are_refused(
    client: FlaskClient, official: int, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(services, "MAX_ROWS", 3)
    body = machine_csv(*(machine_row(n) for n in range(4)))
    assert "more than 3 rows" in upload(client, body).get_data(as_text=True)
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    assert "larger than" in upload(client, body).get_data(as_text=True)


def test_a_required_field_left_unmapped_is_refused(client: FlaskClient, official: int):
    import_id = import_id_of(upload(client, machine_csv(machine_row(1))))
    response = map_columns(client, import_id, contact_email="")
    assert response.status_code == 200
    assert "Choose the column that holds this field." in response.get_data(as_text=True)
    # The preview is not reachable before the columns are mapped.
    assert "Choose the file's columns first." in preview_text(client, import_id)


def test_a_column_index_outside_the_file_is_refused(client: FlaskClient, official: int):
    import_id = import_id_of(upload(client, machine_csv(machine_row(1))))
    response = map_columns(client, import_id, contact_email="999")
    assert response.status_code == 200
    assert organisations() == []


def test_headers_that_name_no_field_leave_the_required_ones_to_choose(
    client: FlaskClient, official: int
):
    body = workbook(["A", "B"], [["x", "y"]])
    import_id = import_id_of(upload(client, body, "odd.xlsx"))
    assert set(guessed_mapping(client, import_id).values()) == {""}
    response = map_columns(client, import_id)
    assert response.status_code == 200
    assert organisations() == []


def test_another_pacts_import_is_404_and_another_officials_too(
    client: FlaskClient,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    both = make_staff("official", pacts=("ilfov", "torino"))
    login(both)
    import_id = import_id_of(upload(client, machine_csv(machine_row(1))))
    mine = f"{UPLOAD}/{import_id}/columns"
    assert client.get(mine).status_code == 200
    through_torino = mine.replace("/ilfov/", "/torino/")
    assert client.get(through_torino).status_code == 404
    for colleague in (("ilfov",), ("torino",)):
        client.post("/logout", data={"csrf_token": token(client, "/staff/")})
        login(make_staff("official", pacts=colleague))
        assert client.get(mine).status_code == 404
        assert client.get(f"{UPLOAD}/{import_id}").status_code == 404


def test_an_expired_import_is_gone(client: FlaskClient, official: int):
    import_id = import_id_of(upload(client, machine_csv(machine_row(1))))
    pending = db.session.get(RegistrationImport, import_id)
    assert pending is not None
    pending.created_at = pending.created_at - services.KEPT_FOR - timedelta(minutes=1)
    db.session.commit()
    assert client.get(f"{UPLOAD}/{import_id}/columns").status_code == 404
    assert upload(client, machine_csv(machine_row(2))).status_code == 302
    db.session.expire_all()
    [kept] = db.session.scalars(select(RegistrationImport)).all()
    assert "Firma 2 SRL" in kept.rows[0], "the expired one is forgotten"


def test_a_facilitator_may_not_import(
    client: FlaskClient, make_staff: Callable[..., int], login: Callable[[int], None]
):
    login(make_staff("facilitator", pacts=("ilfov",)))
    assert client.get(UPLOAD).status_code == 403


def test_the_registrations_list_links_officials_to_the_import(
    client: FlaskClient, official: int
):
    html = client.get("/staff/p/ilfov/registrations").get_data(as_text=True)
    assert f'href="{UPLOAD}"' in html


def test_the_columns_form_never_answers_500_whatever_is_sent(
    client: FlaskClient, official: int
):
    import_id = import_id_of(upload(client, machine_csv(machine_row(1))))
    assert fuzz_form(client, f"{UPLOAD}/{import_id}/columns") == EXAMPLES
