"""Spreadsheets every package writes and reads: CSV (UTF-8 with BOM, so Excel opens it
in the right encoding) and XLSX, both with formula-like cells neutralised, and the way
back from either file to rows of text."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

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


# Text a spreadsheet saves as CSV holds none of these (a PDF or an image does).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class NotASpreadsheet(ValueError):
    """The bytes are neither an XLSX workbook nor CSV text."""


class TooManyRows(ValueError):
    """The file has more rows than the reader was allowed to take."""


# Columns read from an uploaded file (the export has 24; the rest are ignored).
MAX_COLUMNS = 100


class Table(NamedTuple):
    """An uploaded file's header, its rows (as wide as the header) and each row's
    number in the file (1 is the first line; blank rows are skipped)."""

    header: list[str]
    rows: list[list[str]]
    numbers: list[int]


def read_table(data: bytes, max_rows: int) -> Table:
    """The header and the rows (as text) of an uploaded XLSX or CSV file, whatever
    its name says. Raises NotASpreadsheet when it is neither, TooManyRows past
    `max_rows` rows under the header."""
    if data.startswith(b"PK\x03\x04"):
        taken = _xlsx_values(data, max_rows)
    else:
        taken = _csv_values(data, max_rows)
    if not taken:
        return Table([], [], [])
    header = [cell.strip() for cell in taken[0][1]]
    width = len(header)
    rows = [
        [restore_cell(cell.strip()) for cell in (row + [""] * width)[:width]]
        for _number, row in taken[1:]
    ]
    return Table(header, rows, [number for number, _row in taken[1:]])


Numbered = list[tuple[int, list[str]]]


def _take(rows: Iterable[Sequence[str]], max_rows: int) -> Numbered:
    """The non-blank rows with their numbers: the header and at most `max_rows`
    more."""
    taken: Numbered = []
    for number, row in enumerate(rows, start=1):
        if any(cell.strip() for cell in row):
            taken.append((number, list(row[:MAX_COLUMNS])))
        if len(taken) > max_rows + 1:
            raise TooManyRows(max_rows)
    return taken


def _xlsx_values(data: bytes, max_rows: int) -> Numbered:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # zipfile, XML or openpyxl's own errors alike
        raise NotASpreadsheet("xlsx") from None
    try:
        sheet = workbook.active
        rows = (
            sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            if sheet
            else iter(())
        )
        return _take(([_cell_text(value) for value in row] for row in rows), max_rows)
    except TooManyRows:
        raise
    except Exception:
        raise NotASpreadsheet("xlsx") from None
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _csv_values(data: bytes, max_rows: int) -> Numbered:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older spreadsheets save CSV in the Windows code page of Western Europe.
        text = data.decode("cp1252", errors="replace")
    if not text.strip():
        return []
    if CONTROL_CHARACTERS.search(text):
        raise NotASpreadsheet("binary")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    try:
        return _take(csv.reader(io.StringIO(text, newline=""), dialect), max_rows)
    except csv.Error:
        raise NotASpreadsheet("csv") from None
