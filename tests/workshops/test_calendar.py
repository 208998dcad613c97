"""Calendar invites and the pact's feed parse as iCalendar and say what a calendar
needs: the method, the start in the pact's timezone, a stable UID and the sequence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from icalendar import Calendar

from tests.workshops.factories import (
    TIMEZONE,
    load_workshop,
    new_workshop,
    workshop_data,
)
from workshops.calendar import feed_ics, invite_ics
from workshops.scheduling import (
    WorkshopData,
    cancel_workshop,
    create_workshop,
    update_workshop,
)

URL = "http://localhost/me"


@pytest.fixture
def pact(make_pact: Callable[..., int]) -> int:
    return make_pact("ilfov", timezone=TIMEZONE)


@pytest.fixture
def official(pact: int, make_staff: Callable[..., int]) -> int:
    return make_staff("official")


def parsed(text: str) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_invite_starts_in_the_pact_timezone_at_the_stored_instant(
    db_app: Flask, pact: int, official: int
):
    """A winter (EET, UTC+2) and a summer (EEST, UTC+3) start, a year ahead."""
    year = datetime.now(UTC).year + 1
    for month, offset in ((1, 2), (7, 3)):
        start = datetime(year, month, 15, 7, 30, tzinfo=UTC)
        data = WorkshopData(
            title="Energy day", starts_at=start, ends_at=start + timedelta(hours=2)
        )
        workshop = load_workshop(create_workshop(official, pact, data)["workshop"])
        calendar, event = parsed(invite_ics(workshop, URL))
        assert calendar["METHOD"] == "REQUEST"
        assert event["DTSTART"].params["TZID"] == TIMEZONE
        assert event["DTSTART"].dt.astimezone(UTC) == workshop.starts_at == start
        assert event["DTEND"].dt.astimezone(UTC) == workshop.ends_at
        assert event["DTSTART"].dt.utcoffset() == timedelta(hours=offset)
        assert str(event["SUMMARY"]) == "Energy day"


def test_invite_uid_is_stable_and_names_the_workshop(
    app: Flask, pact: int, official: int
):
    first = load_workshop(new_workshop(official, pact))
    second = load_workshop(new_workshop(official, pact))
    uid = str(parsed(invite_ics(first, URL))[1]["UID"])
    assert str(parsed(invite_ics(first, URL))[1]["UID"]) == uid
    assert f"workshop-{first.id}@" in uid
    assert str(parsed(invite_ics(second, URL))[1]["UID"]) != uid


def test_invite_sequence_follows_the_workshop_changes(
    app: Flask, pact: int, official: int
):
    workshop_id = new_workshop(official, pact)
    assert parsed(invite_ics(load_workshop(workshop_id), URL))[1]["SEQUENCE"] == 0
    moved = workshop_data(place="Library")
    update_workshop(official, workshop_id, moved)
    workshop = load_workshop(workshop_id)
    assert workshop.ics_sequence == 1
    assert parsed(invite_ics(workshop, URL))[1]["SEQUENCE"] == 1


def test_invite_of_a_cancelled_workshop_cancels_the_event(
    app: Flask, pact: int, official: int
):
    workshop_id = new_workshop(official, pact)
    uid = str(parsed(invite_ics(load_workshop(workshop_id), URL))[1]["UID"])
    cancel_workshop(official, workshop_id)
    workshop = load_workshop(workshop_id)
    calendar, event = parsed(invite_ics(workshop, URL))
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == uid
    assert event["SEQUENCE"] == workshop.ics_sequence


def test_feed_publishes_one_event_per_workshop(app: Flask, pact: int, official: int):
    workshops = [
        load_workshop(new_workshop(official, pact, title=title))
        for title in ("Energy day", "Mobility day")
    ]
    urls = {w.id: f"http://localhost/w/{w.id}" for w in workshops}
    calendar = Calendar.from_ical(feed_ics(workshops, urls))
    assert calendar["METHOD"] == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == ["Energy day", "Mobility day"]
    assert len({str(e["UID"]) for e in events}) == 2
    assert len(calendar.walk("VTIMEZONE")) == 1
