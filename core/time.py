"""Time helpers: the database keeps timezone-aware UTC; only display localises."""

from __future__ import annotations

import math
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


MINUTE = 60
HOUR = 3600


def _locale() -> str:
    return str(get_locale() or "en")


def wait_in_words(seconds: int) -> str:
    """A waiting time (a Retry-After) in the visitor's language, never shorter than
    the real one: seconds under a minute, then minutes up to two hours, then hours
    (rounded up): "45 seconds", "14 minutes", "90 minutes", "3 hours"."""
    if seconds < MINUTE:
        return _in_unit(timedelta(seconds=max(seconds, 1)), "second")
    if seconds < 2 * HOUR:
        return _in_unit(timedelta(minutes=math.ceil(seconds / MINUTE)), "minute")
    return _in_unit(timedelta(hours=math.ceil(seconds / HOUR)), "hour")


def _in_unit(duration: timedelta, unit: str) -> str:
    # A threshold no larger unit reaches: Babel then speaks in `unit` itself.
    return str(format_timedelta(duration, granularity=unit, threshold=10**9))
