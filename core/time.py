"""Time helpers: the database keeps timezone-aware UTC; only display localises."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
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


# Lengths a date is written at; with a time, the time is hours and minutes and the
# locale says how the two are joined. Any other format is a CLDR pattern.
LENGTHS = ("short", "medium", "long", "full")
# English is written the European way ("17 Dec 2026, 09:00", 24-hour), as the
# pacts' English readers, in Europe and Latin America, expect; not the US way.
DISPLAY_LOCALES = {"en": "en_GB"}


def display_locale() -> Locale:
    """The visitor's language, as dates, times and numbers are written in it."""
    code = str(get_locale() or "en")
    return Locale.parse(DISPLAY_LOCALES.get(code, code))


def local_datetime(value: datetime, timezone: str, format: str = "medium") -> str:
    """A UTC timestamp in a pact's timezone, in the visitor's language: a date at
    one of `LENGTHS` with the time ("17 Dec 2026, 09:00"), or a CLDR pattern."""
    zone = ZoneInfo(timezone)
    locale = display_locale()
    if format not in LENGTHS:
        return str(format_datetime(value, format, tzinfo=zone, locale=locale))
    day = format_date(value.astimezone(zone), format, locale=locale)
    hour = format_time(value, "short", tzinfo=zone, locale=locale)
    pattern = str(locale.datetime_formats[format])
    return pattern.replace("{1}", day).replace("{0}", hour)


def local_date(value: datetime, timezone: str, format: str = "long") -> str:
    """The day of a UTC timestamp in a pact's timezone ("17 December 2026")."""
    return local_day(value.astimezone(ZoneInfo(timezone)).date(), format)


def local_day(value: date, format: str = "medium") -> str:
    """A calendar day (a deadline, a report's date) in the visitor's language."""
    return str(format_date(value, format, locale=display_locale()))


def local_time(value: datetime, timezone: str, format: str = "short") -> str:
    zone = ZoneInfo(timezone)
    return str(format_time(value, format, tzinfo=zone, locale=display_locale()))


MINUTE = 60
HOUR = 3600


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
