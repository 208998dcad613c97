"""What every package's operator commands share: JSON on stdout, a domain error as a
click error, the rows of a spreadsheet given on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from core.errors import DomainError
from core.spreadsheets import read_rows


def emit(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False))


def fail(exc: DomainError) -> click.ClickException:
    return click.ClickException(exc.message)


def rows_of(file: Path) -> list[dict[str, str]]:
    """The rows of an exported CSV or XLSX file; a clear error when unreadable."""
    try:
        return read_rows(file)
    except (ValueError, KeyError, OSError) as exc:
        raise click.ClickException(f"cannot read {file.name}: {exc}") from None
