"""The import's use cases on each database backend: a file read, checked, and
written chunk by chunk to the end; asked again once finished, nothing more is
written."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, select

from core.spreadsheets import write_csv
from extensions import db
from stakeholders.exports import COLUMNS
from stakeholders.imports import services
from stakeholders.imports.models import RegistrationImport
from stakeholders.models import Organisation
from tests.stakeholders.test_imports import machine_row


def test_an_import_runs_to_its_end_in_chunks(
    db_app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
):
    pact = make_pact("ilfov")
    official = make_staff("official", pacts=("ilfov",))
    rows = [machine_row(n) for n in range(services.CHUNK_ROWS + 3)]
    rows.append(machine_row(99, kind="spaceship"))
    body = write_csv(rows, COLUMNS)
    import_id = services.upload_registrations(official, pact, "r.csv", body)["import"]
    pending = services.pending_import(official, pact, import_id)
    counts = services.map_columns(official, pact, import_id, dict(pending.mapping))
    assert counts == {
        "rows": len(rows),
        "valid": len(rows) - 1,
        "bad": 1,
        "duplicate": 0,
    }
    services.start_import(official, pact, import_id)
    steps = []
    while not (steps and steps[-1]["finished"]):
        steps.append(services.import_next_rows(official, pact, import_id))
    assert [step["done"] for step in steps] == [services.CHUNK_ROWS, len(rows) - 1]
    assert steps[-1]["imported"] == len(rows) - 1
    assert steps[-1]["skipped"] == 1
    assert db.session.scalar(select(func.count(Organisation.id))) == len(rows) - 1
    # Asked again once finished (a second tab): nothing more is written.
    again = services.import_next_rows(official, pact, import_id)
    assert again == steps[-1]
    assert db.session.scalar(select(func.count(Organisation.id))) == len(rows) - 1
    finished = db.session.get(RegistrationImport, import_id)
    assert finished is not None
    assert finished.rows == []
