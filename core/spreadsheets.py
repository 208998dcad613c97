"""Spreadsheets every package writes and reads: CSV (UTF-8 with BOM, so Excel opens it
in the right encoding) and XLSX, both with formula-like cells neutralised, and the way
back from either file to rows of text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook

from core.validation import neutralise_cell, restore_cell


def csv_text(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> str:
    """CSV with a BOM; text cells a spreadsheet would run as formulas are
    neutralised (numbers are written as they are; None is an empty cell)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: neutralise_cell(value) if isinstance(value, str) else value
                for key, value in row.items()
            }
        )
    return "\ufeff" + buffer.getvalue()


def write_csv(rows: Iterable[dict[str, str]], columns: Sequence[str]) -> bytes:
    return csv_text(rows, columns).encode("utf-8")


def write_xlsx(
    rows: Iterable[dict[str, str]], title: str, columns: Sequence[str]
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in rows:
        # openpyxl stores a string starting with "=" as a formula: neutralise first.
        sheet.append([neutralise_cell(row[column]) for column in columns])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of an exported CSV or XLSX file, formula neutralisation undone."""
    if path.suffix.lower() == ".xlsx":
        # A read-only workbook keeps its file open until closed.
        workbook = load_workbook(path, read_only=True)
        try:
            sheet = workbook.active
            values = [
                ["" if v is None else str(v) for v in row]
                for row in (sheet.iter_rows(values_only=True) if sheet else ())
            ]
        finally:
            workbook.close()
        header, body = (values[0], values[1:]) if values else ([], [])
        raw = [dict(zip(header, row, strict=False)) for row in body]
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            raw = list(csv.DictReader(handle))
    return [
        {key: restore_cell(value or "") for key, value in row.items() if key}
        for row in raw
    ]
