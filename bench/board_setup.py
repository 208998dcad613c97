"""The product's data for `make bench-board`, made with the operator commands of
PROTOCOL.md (`init-db`, `create-pact`, `create-user`, `create-workshop`,
`bulk-participants`, `token`), run in one process through the app's CLI runner: a
`flask --app app` start costs 2 s a command, and the cluster's 40 boards need 80.

Run with the target's environment (DATABASE_URL, SECRET_KEY: the tokens must verify
on the server); prints one JSON object: {"pact", "staff": {"id", "email", "token"},
"boards": [{"board", "workshop", "participants": [{"person", "token"}, ...]}, ...]}.

usage: python -m bench.board_setup [--tag TAG] SIZE [SIZE ...]   (a board per SIZE)"""

from __future__ import annotations

import argparse
import csv
import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway account of a throwaway database


def command(app: Flask, *args: str) -> str:
    """One operator command, as `flask --app app ARGS` would run it; its stdout."""
    result = app.test_cli_runner().invoke(args=list(args))
    if result.exit_code != 0:
        detail = result.output.strip() or repr(result.exception)
        raise RuntimeError(f"flask {args[0]} failed: {detail}")
    return result.stdout


def create_boards(app: Flask, sizes: Sequence[int], tag: str) -> dict[str, Any]:
    """A pact with an official, and one workshop (started an hour ago) per size with
    that many participants enrolled, each with a token."""
    slug = f"bench-{tag}"
    email = f"official-{tag}@bench-demo.ro"
    command(app, "init-db")
    command(app, "create-pact", "--slug", slug, "--title", slug, "--territory", "B")
    staff = json.loads(
        command(
            app,
            "create-user",
            "--email",
            email,
            "--name",
            "Bench Official",
            "--role",
            "official",
            "--password",
            PASSWORD,
            "--pact",
            slug,
        )
    )
    starts = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="minutes")
    boards = []
    for n, size in enumerate(sizes, start=1):
        created = json.loads(
            command(
                app,
                "create-workshop",
                "--pact",
                slug,
                "--title",
                f"Board {n}",
                "--starts",
                starts,
                "--hours",
                "24",
            )
        )
        rows = command(
            app,
            "bulk-participants",
            "--workshop",
            str(created["workshop"]),
            "--count",
            str(size),
        )
        participants = [
            {"person": int(row[0]), "token": row[2]}
            for row in csv.reader(rows.splitlines())
        ]
        boards.append({**created, "participants": participants})
    token = command(app, "token", "--email", email).strip()
    return {
        "pact": slug,
        "staff": {"id": staff["id"], "email": email, "token": token},
        "boards": boards,
    }


def default_tag() -> str:
    return f"{datetime.now(UTC):%Y%m%d%H%M%S}-{os.getpid()}"


def main() -> None:
    from app import create_app

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--tag", default=default_tag())
    options = parser.parse_args()
    print(json.dumps(create_boards(create_app(), options.sizes, options.tag)))


if __name__ == "__main__":
    main()
