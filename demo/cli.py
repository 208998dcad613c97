"""The demo's operator command (`flask --app app seed-demo`); output is JSON on
stdout."""

from __future__ import annotations

import json

import click
from flask import Blueprint

from demo.seed import seed_demo

bp = Blueprint("demo_commands", __name__, cli_group=None)


@bp.cli.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo pacts, staff, registrations and a workshop (idempotent)."""
    click.echo(json.dumps(seed_demo(), ensure_ascii=False))
