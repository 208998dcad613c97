"""Operator commands for personal-data rights (`flask --app app <command>`): export
everything held about a person, erase (anonymise) them, and apply the retention
periods (`purge-expired`, for cron). Output is JSON on stdout."""

from __future__ import annotations

import click
from flask import current_app

from core.cli import emit
from pacts import bp
from pacts.personal_data import erase_person, export_person, purge_expired


@bp.cli.command("export-person")
@click.option("--email", required=True, help="The person's e-mail address.")
def export_person_command(email: str) -> None:
    """Print everything held about the people with this e-mail address."""
    export = export_person(email)
    if not export["people"]:
        raise click.ClickException(f"nobody has the address {email!r}")
    emit(export)


@bp.cli.command("erase-person")
@click.option("--email", required=True, help="The person's e-mail address.")
@click.option("--yes", is_flag=True, help="Erase without asking.")
def erase_person_command(email: str, yes: bool) -> None:
    """Anonymise the people with this e-mail address, in every pact; their
    organisations, commitments and the boards' history stay. Idempotent."""
    if not yes and not click.confirm(
        "Erase every person with this address? This cannot be undone", err=True
    ):
        raise click.ClickException("nothing erased (confirm, or pass --yes)")
    emit(erase_person(email))


@bp.cli.command("purge-expired")
def purge_expired_command() -> None:
    """Delete registrations never approved after REGISTRATION_RETENTION_DAYS and
    blank delivered e-mails after OUTBOX_RETENTION_DAYS (run it daily)."""
    config = current_app.config
    emit(
        purge_expired(
            int(config["REGISTRATION_RETENTION_DAYS"]),
            int(config["OUTBOX_RETENTION_DAYS"]),
        )
    )
