"""The operator CLI: names, options and JSON output as PROTOCOL.md specifies, and a
clear non-zero exit on bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.models import Pact, Theme
from extensions import db
from stakeholders.models import Organisation, Person
from workshops.models import Board, Workshop


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def test_create_pact_prints_id_and_slug_and_adds_the_default_themes(app: Flask):
    result = run(
        app,
        "create-pact",
        "--slug",
        "cluj",
        "--title",
        "Cluj Pact",
        "--territory",
        "Cluj County",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["slug"] == "cluj"
    pact = db.session.get(Pact, payload["id"])
    assert pact is not None
    assert [theme.key for theme in pact.themes] == [
        "circular-economy",
        "energy",
        "mobility",
        "green-digital",
        "value-chains",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["--slug", "Bad Slug!", "--title", "T", "--territory", "X"],
        ["--slug", "ok", "--title", " ", "--territory", "X"],
        ["--slug", "ok", "--title", "T"],
    ],
)
def test_create_pact_refuses_bad_input(app: Flask, args: list[str]):
    result = run(app, "create-pact", *args)
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(Pact)) == 0


def test_create_pact_refuses_a_duplicate_slug(app: Flask):
    run(app, "create-pact", "--slug", "cluj", "--title", "T", "--territory", "X")
    result = run(
        app, "create-pact", "--slug", "cluj", "--title", "T", "--territory", "X"
    )
    assert result.exit_code != 0
    assert "exists" in result.output


def test_create_user_prints_the_id_of_a_staff_member_of_the_pact(app: Flask):
    run(app, "create-pact", "--slug", "cluj", "--title", "T", "--territory", "X")
    result = run(
        app,
        "create-user",
        "--email",
        "Ana@Cluj.RO",
        "--name",
        "Ana",
        "--role",
        "facilitator",
        "--password",
        "a long password",
        "--pact",
        "cluj",
    )
    assert result.exit_code == 0, result.output
    person = db.session.get(Person, json.loads(result.output)["id"])
    assert person is not None
    assert (person.email, person.role_in(person.pacts[0].id)) == (
        "ana@cluj.ro",
        "facilitator",
    )
    assert [pact.slug for pact in person.pacts] == ["cluj"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "superuser"], "superuser"),
        (["--password", "short"], "password"),
        (["--pact", "atlantis"], "atlantis"),
    ],
)
def test_create_user_refuses_bad_input(app: Flask, args: list[str], message: str):
    run(app, "create-pact", "--slug", "cluj", "--title", "T", "--territory", "X")
    base = {
        "--email": "a@cluj.ro",
        "--name": "A",
        "--role": "official",
        "--password": "a long password",
        "--pact": "cluj",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = run(app, "create-user", *[item for pair in base.items() for item in pair])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_create_user_with_role_admin_creates_the_first_administrator(app: Flask):
    result = run(
        app,
        "create-user",
        "--email",
        "Admin@Judet.ro",
        "--name",
        "Ana Admin",
        "--role",
        "admin",
        "--password",
        "a long password",
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalars(select(Person)).one()
    assert (admin.email, admin.is_admin, admin.is_staff, admin.pacts) == (
        "admin@judet.ro",
        True,
        True,
        [],
    )


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Pact, Theme, Person, Organisation, Workshop, Board)
    }


def test_seed_demo_builds_a_living_demo_and_is_idempotent(app: Flask):
    first = run(app, "seed-demo")
    assert first.exit_code == 0, first.output
    payload = json.loads(first.output)
    assert payload["pact"] == "ilfov"
    assert isinstance(payload["workshop"], int)
    assert isinstance(payload["board"], int)
    roles = {(login["pact"], login["role"]) for login in payload["logins"]}
    assert roles == {
        ("ilfov", "official"),
        ("ilfov", "facilitator"),
        ("torino", "official"),
        ("torino", "facilitator"),
        ("", "admin"),
    }
    after_first = counts()
    assert after_first["Organisation"] >= 30
    statuses = set(db.session.scalars(select(Organisation.status)))
    assert statuses == {"pending", "approved", "rejected"}
    kinds = set(db.session.scalars(select(Organisation.kind)))
    assert len(kinds) >= 5

    second = run(app, "seed-demo")
    assert json.loads(second.output) == payload
    assert counts() == after_first


def test_seed_demo_logins_work(app: Flask):
    payload = json.loads(run(app, "seed-demo").output)
    from stakeholders.services import authenticate_staff

    for login in payload["logins"]:
        assert authenticate_staff(login["email"], login["password"]) is not None


def test_init_db_upgrades_an_empty_database(sqlite_url: str):
    from app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sqlite_url})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Pact)) == 0
        db.engine.dispose()
