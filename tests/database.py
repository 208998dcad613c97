"""Reading the database as another client sees it: every table's rows through a
connection of its own, outside the session under test, so that only what was
committed shows."""

from __future__ import annotations

from typing import Any

from extensions import db

Snapshot = dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]


def committed_rows() -> Snapshot:
    """table name -> {primary key: row} of every table, as committed."""
    snapshot: Snapshot = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            key = [column.name for column in table.primary_key.columns]
            rows = connection.execute(table.select()).mappings()
            snapshot[table.name] = {
                tuple(row[name] for name in key): tuple(row.values()) for row in rows
            }
    return snapshot


def changed_rows(before: Snapshot, after: Snapshot) -> set[tuple[str, Any]]:
    """(table, primary key) of every row added, removed or changed."""
    return {
        (table, key)
        for table in before.keys() | after.keys()
        for key in before.get(table, {}).keys() | after.get(table, {}).keys()
        if before.get(table, {}).get(key) != after.get(table, {}).get(key)
    }
