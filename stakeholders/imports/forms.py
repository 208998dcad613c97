"""Forms of the import pages: the file to upload, and which column of the file holds
each field of a registration (a select per field, listing the file's headers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from openpyxl.utils import get_column_letter
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import InputRequired, Optional

from core.forms import CHOOSE
from stakeholders.imports.columns import FIELDS

ACCEPT = (
    ".csv,.xlsx,text/csv,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
NOT_IN_THE_FILE = SelectChoice("", _l("Not in the file"))


class UploadForm(FlaskForm):
    file = FileField(
        _l("Spreadsheet (CSV or XLSX)"),
        validators=[
            FileRequired(message=_l("Please choose a file.")),
            FileAllowed(
                ["csv", "xlsx"], message=_l("Please choose a CSV or XLSX file.")
            ),
        ],
        render_kw={"accept": ACCEPT},
    )


class ColumnsForm(FlaskForm):
    """One select per field; its options are the file's columns (set per file)."""

    def mapping(self) -> dict[str, int | None]:
        return {
            field.name: int(self[field.name].data) if self[field.name].data else None
            for field in FIELDS
        }


def _column_select(required: bool, label: Any) -> SelectField:
    if required:
        return SelectField(
            label,
            validators=[
                InputRequired(message=_l("Choose the column that holds this field."))
            ],
        )
    return SelectField(label, validators=[Optional()])


for _field in FIELDS:
    setattr(ColumnsForm, _field.name, _column_select(_field.required, _field.label))


def columns_form(
    header: Sequence[str], mapping: dict[str, int], **kwargs: Any
) -> ColumnsForm:
    """The form for a file with this header, pre-filled with `mapping`."""
    data = {name: str(index) for name, index in mapping.items()}
    form = ColumnsForm(data=data, **kwargs)
    columns = [
        SelectChoice(str(index), column_title(index, title))
        for index, title in enumerate(header)
    ]
    for field in FIELDS:
        empty = CHOOSE if field.required else NOT_IN_THE_FILE
        form[field.name].choices = [empty, *columns]
    return form


def column_title(index: int, title: str) -> str:
    letter = get_column_letter(index + 1)
    if not title:
        return str(_("Column %(letter)s", letter=letter))
    return str(_("Column %(letter)s: %(title)s", letter=letter, title=title[:80]))
