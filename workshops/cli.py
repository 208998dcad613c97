"""Operator commands of workshops (`flask --app app <command>`): scheduling a workshop,
creating many participants for a rehearsal or a load test, and issuing tokens for
other clients. Output as PROTOCOL.md specifies."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime, timedelta

import click
from flask import Blueprint

from core.errors import DomainError
from core.pacts import find_pact
from extensions import db
from stakeholders.services import find_staff
from workshops.identities import bulk_participants, issue_token
from workshops.scheduling import WorkshopData, create_workshop, pact_staff_members

bp = Blueprint("workshop_commands", __name__, cli_group=None)

DEFAULT_TTL = 7 * 24 * 3600


def _parse_start(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-03T09:00+02:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@bp.cli.command("create-workshop")
@click.option("--pact", "pact_slug", required=True)
@click.option("--title", required=True)
@click.option("--starts", required=True, help="ISO 8601 start (UTC when no offset).")
@click.option(
    "--hours", default=3.0, show_default=True, type=click.FloatRange(0.25, 24)
)
@click.option("--capacity", type=click.IntRange(1, 100_000))
@click.option("--facilitator", "facilitators", multiple=True, help="E-mail of a lead.")
def create_workshop_command(
    pact_slug: str,
    title: str,
    starts: str,
    hours: float,
    capacity: int | None,
    facilitators: tuple[str, ...],
) -> None:
    """Create a workshop and its board."""
    pact = find_pact(pact_slug)
    if pact is None:
        raise click.ClickException(f"no pact {pact_slug!r}")
    officials = [p for p in pact_staff_members(pact) if p.is_official_of(pact.id)]
    if not officials:
        raise click.ClickException(
            f"pact {pact_slug!r} has no official yet (create-user)"
        )
    leads = []
    for email in facilitators:
        person = find_staff(email)
        if person is None:
            raise click.ClickException(f"no staff member {email}")
        leads.append(person.id)
    start = _parse_start(starts)
    data = WorkshopData(
        title=title.strip(),
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        capacity=capacity,
        language=pact.language_list[0] if pact.language_list else "en",
        facilitator_ids=tuple(leads),
    )
    if not data.title:
        raise click.ClickException("the title is required")
    try:
        click.echo(json.dumps(create_workshop(officials[0].id, pact.id, data)))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None


@bp.cli.command("bulk-participants")
@click.option("--workshop", "workshop_id", required=True, type=int)
@click.option("--count", required=True, type=click.IntRange(1, 100_000))
@click.option("--ttl", default=DEFAULT_TTL, show_default=True, type=click.IntRange(60))
def bulk_participants_command(workshop_id: int, count: int, ttl: int) -> None:
    """Create COUNT approved participants and enrol them; print CSV lines
    person_id,organisation_id,token."""
    try:
        rows = bulk_participants(workshop_id, count, ttl)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerows(rows)


@bp.cli.command("token")
@click.option("--email", required=True)
@click.option("--workshop", "workshop_id", type=int)
@click.option("--ttl", default=DEFAULT_TTL, show_default=True, type=click.IntRange(1))
def token_command(email: str, workshop_id: int | None, ttl: int) -> None:
    """A signed token for Socket.IO `auth.token` (staff, or a participant)."""
    try:
        click.echo(issue_token(email, workshop_id, ttl))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        db.session.remove()
