"""Operator commands of stakeholders (`flask --app app <command>`): staff accounts and
their passwords, importing registrations, retrying the e-mail outbox, the officials'
daily digest of waiting registrations. Output is JSON
on stdout."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from core.cli import emit, fail, rows_of
from core.errors import DomainError
from core.mail import deliver_pending
from stakeholders import bp
from stakeholders.digests import send_digests
from stakeholders.exports import import_stakeholders
from stakeholders.services import create_staff, set_staff_password


@bp.cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["official", "facilitator", "admin"]),
    help="Their role in the pacts given; admin: creates pacts and invites staff.",
)
@click.option("--password", required=True)
@click.option(
    "--pact", "pacts", multiple=True, help="Slug of a pact the user works on."
)
@click.option(
    "--language",
    default="",
    help="Their language (en, ro, it, es); else the one of their first login.",
)
def create_user_command(
    email: str,
    name: str,
    role: str,
    password: str,
    pacts: tuple[str, ...],
    language: str,
) -> None:
    """Create a staff member (official or facilitator of the pacts given) or an
    administrator (the first one; the next are invited from the browser)."""
    try:
        emit(create_staff(email, name, role, password, list(pacts), language))
    except DomainError as exc:
        raise fail(exc) from None


@bp.cli.command("set-password")
@click.option("--email", required=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given (so it stays out of the shell history).",
)
def set_password_command(email: str, password: str) -> None:
    """Set a staff member's password; every session of theirs ends."""
    try:
        emit(set_staff_password(email, password))
    except DomainError as exc:
        raise fail(exc) from None


@bp.cli.command("import-stakeholders")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pact", "pact_slug", required=True)
def import_stakeholders_command(file: Path, pact_slug: str) -> None:
    """Import registrations from a CSV or XLSX file with the export's columns."""
    rows = rows_of(file)
    try:
        emit(import_stakeholders(pact_slug, rows))
    except DomainError as exc:
        raise fail(exc) from None


@bp.cli.command("send-outbox")
def send_outbox_command() -> None:
    """Retry every e-mail still waiting in the outbox."""
    emit(deliver_pending())


@bp.cli.command("send-digests")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as on this day (YYYY-MM-DD); default: today in each pact's timezone.",
)
def send_digests_command(today: datetime | None) -> None:
    """E-mail each pact's officials when registrations wait for a decision (once a
    day each; run daily)."""
    emit(send_digests(today.date() if today else None))
