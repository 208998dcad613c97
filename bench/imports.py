"""The import preview of 2,000 registrations (`make bench`): an XLSX workbook of
2,000 rows in the machine export's columns, uploaded and mapped (every row checked
as the public form checks a registration, duplicates found), against the baseline of
reading the same workbook alone (core.spreadsheets.read_table). Alone:
`.venv/bin/python -m bench.imports`."""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from core.pacts import create_pact, find_pact
from core.spreadsheets import read_table
from extensions import db
from stakeholders.exports import COLUMNS
from stakeholders.imports.services import (
    MAX_ROWS,
    map_columns,
    pending_import,
    upload_registrations,
)
from stakeholders.services import create_staff

ROWS = 2000
ROUNDS = 3
PACT = "imports"


def row(n: int) -> list[str]:
    """A valid row of the machine export (codes), a new organisation each."""
    values = dict.fromkeys(COLUMNS, "")
    values.update(
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
    return [values[name] for name in COLUMNS]


def workbook(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(COLUMNS)
    for n in range(rows):
        sheet.append(row(n))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(action: Callable[[], Any], rounds: int) -> float:
    """Median seconds of `rounds` runs."""
    samples = []
    for _round in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def preview(official: int, pact_id: int, data: bytes) -> dict[str, int]:
    """Upload the workbook, then map its guessed columns: every row checked."""
    made = upload_registrations(official, pact_id, "bench.xlsx", data)
    mapping: dict[str, int | None] = dict(
        pending_import(official, pact_id, made["import"]).mapping
    )
    return map_columns(official, pact_id, made["import"], mapping)


def bench_import_preview(
    app: Any, rows: int = ROWS, rounds: int = ROUNDS
) -> tuple[float, float]:
    """(preview, reading alone), median seconds; every row must be valid."""
    data = workbook(rows)
    with app.app_context():
        if find_pact(PACT) is None:
            create_pact(PACT, "Imports Bench Pact", "Ilfov")
        pact_id = find_pact(PACT).id  # type: ignore[union-attr]
        official = create_staff(
            f"imports-{time.monotonic_ns()}@bench-demo.ro",
            "Bench",
            "official",
            "bench-password",
            [PACT],
        )["id"]
        counted = preview(official, pact_id, data)
        assert counted["valid"] == rows, counted
        baseline = timed(lambda: read_table(data, MAX_ROWS), rounds)
        measured = timed(lambda: preview(official, pact_id, data), rounds)
        db.session.remove()
    return measured, baseline


def main() -> None:
    from bench.__main__ import build

    with tempfile.TemporaryDirectory() as folder:
        measured, baseline = bench_import_preview(build(Path(folder)))
    print(
        f"import preview, {ROWS} rows: {measured:.2f} s; "
        f"reading the workbook alone: {baseline:.2f} s"
    )


if __name__ == "__main__":
    main()
