"""Fixtures of the audit log tests: every test here runs on SQLite and PostgreSQL
(`app` is the root `db_app`), in a pact "ilfov" in Europe/Bucharest with an official,
and readers of the entries committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.audit import AuditEntry
from extensions import db
from tests.workshops.factories import TIMEZONE


@pytest.fixture
def app(db_app: Flask) -> Flask:
    return db_app


@pytest.fixture
def pact(app: Flask, make_pact: Callable[..., int]) -> int:
    return make_pact("ilfov", timezone=TIMEZONE)


@pytest.fixture
def official(pact: int, make_staff: Callable[..., int]) -> int:
    return make_staff("official")


def entries_after(last_id: int) -> list[AuditEntry]:
    """The entries committed since `last_id`, oldest first (read afresh)."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)
        )
    )


def last_entry_id() -> int:
    db.session.expire_all()
    found: Any = db.session.scalar(select(db.func.max(AuditEntry.id)))
    return int(found or 0)
