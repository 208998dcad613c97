"""Operator commands of pacts (`flask --app app <command>`): the schema, pacts, the
daily progress reminders, and importing commitments from the open data's CSV.
Output is JSON on stdout."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
from flask_migrate import upgrade

from core.cli import emit, fail, rows_of
from core.errors import DomainError
from core.pacts import create_pact
from pacts import bp
from pacts.backups import BackupError, backup_instance, restore_instance
from pacts.imports import import_commitments
from pacts.monitoring import send_reminders


@bp.cli.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    upgrade()


@bp.cli.command("create-pact")
@click.option("--slug", required=True)
@click.option("--title", required=True)
@click.option("--territory", required=True)
@click.option(
    "--country", default="RO", show_default=True, help="ISO 3166 alpha-2 code."
)
@click.option("--timezone", default="Europe/Bucharest", show_default=True)
@click.option("--languages", default="en,ro", show_default=True)
def create_pact_command(
    slug: str, title: str, territory: str, country: str, timezone: str, languages: str
) -> None:
    """Create a pact with the default themes."""
    try:
        result = create_pact(
            slug,
            title,
            territory,
            country=country.upper(),
            timezone=timezone,
            languages=languages,
        )
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(json.dumps(result))


@bp.cli.command("send-reminders")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as on this day (YYYY-MM-DD); default: today in each pact's timezone.",
)
def send_reminders_command(today: datetime | None) -> None:
    """E-mail the leads whose progress report is due within a fortnight or overdue
    (once per due date; run daily)."""
    click.echo(json.dumps(send_reminders(today.date() if today else None)))


@bp.cli.command("import-commitments")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pact", "pact_slug", required=True)
@click.option(
    "--official", required=True, help="E-mail of the pact's official adding them."
)
def import_commitments_command(file: Path, pact_slug: str, official: str) -> None:
    """Add commitments from a CSV with the open data's columns (as drafts)."""
    rows = rows_of(file)
    try:
        emit(import_commitments(pact_slug, official, rows))
    except DomainError as exc:
        raise fail(exc) from None


@bp.cli.command("backup")
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write (.tar.gz); it must not exist yet.",
)
def backup_command(output: Path) -> None:
    """Back up the database and the evidence files into one archive, while the app
    keeps serving (SQLite's online backup; pg_dump for PostgreSQL)."""
    try:
        manifest = backup_instance(output)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    emit(
        {
            "output": str(output),
            "database": manifest["database"],
            "schema_revision": manifest["schema_revision"],
            "tables": manifest.get("tables"),
            "evidence_files": len(manifest["evidence"]),
        }
    )


@bp.cli.command("restore")
@click.option(
    "--input",
    "archive",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="An archive written by `backup`.",
)
@click.option("--yes", is_flag=True, help="Replace a database that holds data.")
def restore_command(archive: Path, yes: bool) -> None:
    """Check a backup archive and bring it into this instance (stop the app first)."""
    try:
        emit(restore_instance(archive, overwrite=yes))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
