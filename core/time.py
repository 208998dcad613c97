"""Time helpers: the database keeps timezone-aware UTC; only display localises."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from flask_babel import format_timedelta, get_locale
from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from core.models import Pact


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today_in(pact: Pact) -> date:
    """Today's date in the pact's own time zone."""
    return datetime.now(ZoneInfo(pact.timezone)).date()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite keeps no
    offset, PostgreSQL's timestamptz does; both come back the same)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use core.time.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        return (
            value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        )


def local_datetime(value: datetime, timezone: str, format: str = "medium") -> str:
    """A UTC timestamp shown in a pact's timezone, in the visitor's language."""
    return str(
        format_datetime(value, format, tzinfo=ZoneInfo(timezone), locale=_locale())
    )


def local_time(value: datetime, timezone: str, format: str = "short") -> str:
    return str(format_time(value, format, tzinfo=ZoneInfo(timezone), locale=_locale()))


def _locale() -> str:
    return str(get_locale() or "en")


def wait_in_words(seconds: int) -> str:
    """A waiting time (a Retry-After) in the visitor's language, rounded up to the
    minute beyond one: "45 seconds", "14 minutes", "90 minutes", "3 hours"."""
    if seconds > 60:
        seconds = -(-seconds // 60) * 60
    return str(format_timedelta(timedelta(seconds=max(seconds, 1)), threshold=2))
