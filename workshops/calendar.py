"""Calendar invites (RFC 5545, via icalendar): one VEVENT per workshop with a stable
UID, the start in the pact's timezone (TZID) and a SEQUENCE that grows whenever the
time or place changes; METHOD:REQUEST for invitations and updates, METHOD:CANCEL when
the workshop is cancelled, METHOD:PUBLISH for the pact's feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event, Timezone

from workshops.models import Workshop, WorkshopStatus

PRODID = "-//GreenPact//Local Green Pacts//EN"


def workshop_uid(workshop: Workshop) -> str:
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "greenpact.local"
    return f"workshop-{workshop.id}@{host}"


def _calendar(method: str, timezones: Iterable[str]) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    for name in sorted(set(timezones)):
        calendar.add_component(_timezone(name))
    return calendar


@cache
def _timezone(name: str) -> Timezone:
    """The VTIMEZONE of a zone, built once per process: building it is most of the
    cost of an invite (moving a workshop writes one per enrolled person), and the
    component is only ever read."""
    return Timezone.from_tzid(name)


def _event(workshop: Workshop, url: str, location: str, cancelled: bool) -> Event:
    zone = ZoneInfo(workshop.pact.timezone)
    event = Event()
    event.add("uid", workshop_uid(workshop))
    event.add("sequence", workshop.ics_sequence)
    event.add("dtstamp", datetime.now(ZoneInfo("UTC")))
    event.add("dtstart", workshop.starts_at.astimezone(zone))
    event.add("dtend", workshop.ends_at.astimezone(zone))
    event.add("summary", workshop.title)
    if workshop.description:
        event.add("description", workshop.description)
    event.add("location", location)
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def invite_ics(workshop: Workshop, url: str) -> str:
    """The invitation or update sent to one enrolled person."""
    cancelled = workshop.status == WorkshopStatus.CANCELLED
    calendar = _calendar("CANCEL" if cancelled else "REQUEST", [workshop.pact.timezone])
    # The personal invitation may carry the online meeting link.
    location = workshop.place or workshop.online_url or url
    calendar.add_component(_event(workshop, url, location, cancelled))
    return str(calendar.to_ical().decode())


def feed_ics(workshops: list[Workshop], url_for_workshop: dict[int, str]) -> str:
    """A pact's workshop calendar, to subscribe to."""
    calendar = _calendar("PUBLISH", [w.pact.timezone for w in workshops])
    for workshop in workshops:
        cancelled = workshop.status == WorkshopStatus.CANCELLED
        url = url_for_workshop[workshop.id]
        # The public feed never shows the meeting link: only invitees get it.
        location = workshop.place or "Online"
        calendar.add_component(_event(workshop, url, location, cancelled))
    return str(calendar.to_ical().decode())
