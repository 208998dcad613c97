"""Workbooks a person opens in their spreadsheet program (the "for spreadsheets"
exports, beside the CSV kept for re-import and other programs): headers and values
already in the reader's language, dates and times as real Excel dates in the pact's
timezone (local, without microseconds, with a date format of that language), numbers
as numbers, columns as wide as their contents, a frozen header row and a filter on
it. Text a spreadsheet would run as a formula is neutralised, as in every export.

A `Sheet` is plain data built in the request (labels translated there); writing it
is CPU work that runs off the event loop (core.offload)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.models import current_language
from core.offload import off_the_event_loop
from core.validation import neutralise_cell

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Value = str | int | float | datetime | date | None

# Excel's number formats for a date and a date with a time, by language: the order
# a reader of that language expects, in digits (month names would follow Excel's
# own language, not the export's).
DATE_FORMATS = {
    "en": "yyyy-mm-dd",
    "ro": "dd.mm.yyyy",
    "it": "dd/mm/yyyy",
    "es": "dd/mm/yyyy",
}
TIME_SUFFIX = " hh:mm"

# Column widths, in characters: room for the filter's arrow, and a ceiling so that
# a long motivation does not make a column wider than the screen.
WIDTH_MIN = 8
WIDTH_MAX = 60
FILTER_ARROW = 3
SHEET_TITLE_MAX = 31
# Characters Excel refuses in a sheet's name.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its title, the header row and the rows, all in the reader's
    language already; aware datetimes are shown in `timezone`."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Value]]
    timezone: str
    date_format: str = DATE_FORMATS["en"]


def date_format() -> str:
    """The date format of the request's language."""
    language = (current_language() or "en").split("_")[0]
    return DATE_FORMATS.get(language, DATE_FORMATS["en"])


def yes_no(flag: bool) -> str:
    return str(_("Yes") if flag else _("No"))


def labelled(labels: Mapping[Any, Any], key: str | None) -> str | None:
    """A code's label (an empty cell for none; an unknown code as it is, never a
    failed export)."""
    return str(labels.get(key, key)) if key else None


def listed(labels: Sequence[str]) -> str | None:
    """Several labels in one cell (an empty cell for none)."""
    return "; ".join(labels) or None


def write_workbook(*sheets: Sheet) -> bytes:
    """The sheets as one XLSX file, written off the event loop."""
    return off_the_event_loop(workbook_bytes, *sheets)


def workbook_bytes(*sheets: Sheet) -> bytes:
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(workbook: Workbook, sheet: Sheet) -> None:
    zone = ZoneInfo(sheet.timezone)
    rows = [[_local(value, zone) for value in row] for row in sheet.rows]
    worksheet = workbook.create_sheet(_sheet_title(sheet.title))
    for index, width in enumerate(_widths(sheet.header, rows), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    last = get_column_letter(max(len(sheet.header), 1))
    worksheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    worksheet.append([_header_cell(worksheet, label) for label in sheet.header])
    for row in rows:
        worksheet.append([_cell(worksheet, value, sheet.date_format) for value in row])


def _local(value: Value, zone: ZoneInfo) -> Value:
    """An aware datetime as the wall-clock time of the pact (Excel has no time
    zones), to the second."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        return value.replace(microsecond=0)
    return value


def _header_cell(worksheet: WriteOnlyWorksheet, label: str) -> Cell:
    cell = WriteOnlyCell(worksheet, value=neutralise_cell(label))
    cell.font = Font(bold=True)
    cell.alignment = Alignment(vertical="top")
    return cell


def _cell(worksheet: WriteOnlyWorksheet, value: Value, day: str) -> Cell:
    if isinstance(value, str):
        # openpyxl stores a string starting with "=" as a formula: neutralise first.
        return WriteOnlyCell(worksheet, value=neutralise_cell(value))
    cell = WriteOnlyCell(worksheet)
    cell.value = value
    if isinstance(value, datetime):
        cell.number_format = day + TIME_SUFFIX
    elif isinstance(value, date):
        cell.number_format = day
    return cell


def _widths(header: Sequence[str], rows: Sequence[Sequence[Value]]) -> list[int]:
    widths = [len(label) + FILTER_ARROW for label in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _shown_length(value))
    return [min(max(width, WIDTH_MIN), WIDTH_MAX) for width in widths]


def _shown_length(value: Value) -> int:
    if isinstance(value, datetime):
        return len("2026-12-31 23:59") + 1
    if isinstance(value, date):
        return len("2026-12-31") + 1
    if value is None:
        return 0
    longest_line = max(str(value).splitlines() or [""], key=len)
    return len(longest_line) + 1


def _sheet_title(title: str) -> str:
    return SHEET_TITLE_FORBIDDEN.sub("-", title).strip()[:SHEET_TITLE_MAX] or "Sheet"
