"""Removing a person's identifying values (name, e-mail address, phone) from wherever
free text may quote them: every text column of every table, and the strings inside
every JSON column (board events, commitment revisions), rewritten in place. Rows are
never deleted here, so histories keep their shape (a board's `seq` keeps no gap).

Columns that are identifiers of other records are left alone (`KEPT`): another
pact's person may share the e-mail address, and the organisation keeps its name."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, String, Table, Text, cast, func, or_, select, update
from sqlalchemy.sql.schema import Column

from core.downloads import rowcount
from extensions import db

# What replaces a person's name and identifying values.
ERASED_NAME = "Erased participant"
# Values shorter than this are not searched for: they would match ordinary words.
SHORTEST_VALUE = 4
# (table, column) never rewritten: identifiers of other rows, and what stays public.
KEPT = {
    ("person", "email"),
    ("person", "name"),
    ("person", "phone"),
    ("outbox_message", "recipient"),
    ("organisation", "name"),
    ("pact", "slug"),
    ("theme", "key"),
    ("alembic_version", "version_num"),
}


def identifying_values(*values: str | None) -> list[str]:
    """The values worth searching for, longest first (a name inside an e-mail
    address is replaced as part of the address)."""
    kept = {value.strip() for value in values if value and value.strip()}
    return sorted(
        (value for value in kept if len(value) >= SHORTEST_VALUE),
        key=len,
        reverse=True,
    )


def scrub_values(values: list[str]) -> dict[str, int]:
    """Replace every occurrence of the values by ERASED_NAME in text and JSON
    columns, in the current transaction. Returns the rows changed per table."""
    changed: dict[str, int] = {}
    if not values:
        return changed
    for table in db.metadata.sorted_tables:
        count = _scrub_text(table, values) + _scrub_json(table, values)
        if count:
            changed[table.name] = count
    return changed


def _text_columns(table: Table) -> Iterable[Column[Any]]:
    for column in table.columns:
        if (table.name, column.name) in KEPT or column.foreign_keys:
            continue
        if isinstance(column.type, String | Text) and not column.primary_key:
            yield column


def _scrub_text(table: Table, values: list[str]) -> int:
    count = 0
    for column in _text_columns(table):
        for value in values:
            replaced: Any = func.replace(column, value, ERASED_NAME)
            length = getattr(column.type, "length", None)
            if length:
                # A varchar(n) refuses a longer value on PostgreSQL.
                replaced = func.substr(replaced, 1, length)
            result = db.session.execute(
                update(table)
                .where(column.contains(value, autoescape=True))
                .values({column.name: replaced})
                .execution_options(synchronize_session=False)
            )
            count += rowcount(result)
    return count


def _json_forms(value: str) -> list[str]:
    """How the value may appear in a JSON document as stored: escaped as Python's
    json writes it (ASCII only), and as is."""
    escaped = json.dumps(value)[1:-1]
    return list({escaped, value})


def _scrub_json(table: Table, values: list[str]) -> int:
    keys = list(table.primary_key.columns)
    columns = [c for c in table.columns if isinstance(c.type, JSON)]
    if not columns or len(keys) != 1:
        return 0
    key = keys[0]
    count = 0
    for column in columns:
        found = or_(
            *(
                cast(column, Text).contains(form, autoescape=True)
                for value in values
                for form in _json_forms(value)
            )
        )
        rows = db.session.execute(select(key, column).where(found)).all()
        for row_key, document in rows:
            db.session.execute(
                update(table)
                .where(key == row_key)
                .values({column.name: scrub_document(document, values)})
                .execution_options(synchronize_session=False)
            )
            count += 1
    return count


def scrub_document(document: Any, values: list[str]) -> Any:
    """The JSON document with every value replaced in its strings (keys too)."""
    if isinstance(document, str):
        for value in values:
            document = document.replace(value, ERASED_NAME)
        return document
    if isinstance(document, list):
        return [scrub_document(item, values) for item in document]
    if isinstance(document, dict):
        return {
            scrub_document(k, values): scrub_document(v, values)
            for k, v in document.items()
        }
    return document
