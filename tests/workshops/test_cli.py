"""The workshop CLI of PROTOCOL.md: create-workshop, bulk-participants, token."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from extensions import db
from workshops.identities import identify_participant, identify_staff
from workshops.models import Board, Enrolment, Workshop


def run(app: Flask, *args: str) -> object:
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def pact(app: Flask, make_staff: Callable[..., int]) -> str:
    make_staff("official")
    make_staff("facilitator")
    return "ilfov"


def create(app: Flask, *extra: str) -> dict[str, int]:
    result = app.test_cli_runner().invoke(
        args=[
            "create-workshop",
            "--pact",
            "ilfov",
            "--title",
            "Energy day",
            "--starts",
            "2026-12-03T09:00+02:00",
            *extra,
        ]
    )
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def test_create_workshop_prints_workshop_and_board(app: Flask, pact: str):
    payload = create(app, "--capacity", "40", "--facilitator", "facilitator2@ilfov.ro")
    workshop = db.session.get(Workshop, payload["workshop"])
    assert workshop is not None
    assert workshop.board.id == payload["board"]
    assert workshop.starts_at == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    assert workshop.capacity == 40
    assert [p.email for p in workshop.facilitators] == ["facilitator2@ilfov.ro"]
    board = db.session.get(Board, payload["board"])
    assert board is not None
    assert (board.phase, board.vote_budget, board.seq) == ("lobby", 5, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--pact", "atlantis", "--title", "T", "--starts", "2026-12-03T09:00"],
            "atlantis",
        ),
        (["--pact", "ilfov", "--title", "T", "--starts", "next tuesday"], "ISO 8601"),
        (["--pact", "ilfov", "--title", " ", "--starts", "2026-12-03T09:00"], "title"),
        (
            [
                "--pact",
                "ilfov",
                "--title",
                "T",
                "--starts",
                "2026-12-03T09:00",
                "--capacity",
                "0",
            ],
            "capacity",
        ),
        (
            [
                "--pact",
                "ilfov",
                "--title",
                "T",
                "--starts",
                "2026-12-03T09:00",
                "--facilitator",
                "nobody@x.ro",
            ],
            "nobody@x.ro",
        ),
    ],
)
def test_create_workshop_refuses_bad_input(
    app: Flask, pact: str, args: list[str], message: str
):
    result = app.test_cli_runner().invoke(args=["create-workshop", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(Workshop)) == 0


def test_bulk_participants_prints_one_csv_line_per_enrolled_person_whose_token_works(
    app: Flask, pact: str
):
    workshop = create(app)["workshop"]
    result = app.test_cli_runner().invoke(
        args=["bulk-participants", "--workshop", str(workshop), "--count", "1000"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert len(rows) == 1000
    assert len({row[0] for row in rows}) == 1000
    assert len({row[1] for row in rows}) == 1000
    for person_id, _organisation_id, token in rows:
        assert identify_participant(token, workshop) == int(person_id)
    enrolled = db.session.scalar(
        select(func.count())
        .select_from(Enrolment)
        .where(Enrolment.workshop_id == workshop)
    )
    assert enrolled == 1000


def test_bulk_participants_for_an_unknown_workshop_fails(app: Flask, pact: str):
    result = app.test_cli_runner().invoke(
        args=["bulk-participants", "--workshop", "999", "--count", "3"]
    )
    assert result.exit_code != 0
    assert "999" in result.output


def test_token_for_staff_and_for_a_participant(app: Flask, pact: str):
    workshop = create(app)["workshop"]
    bulk = app.test_cli_runner().invoke(
        args=["bulk-participants", "--workshop", str(workshop), "--count", "1"]
    )
    person_id = int(bulk.output.split(",")[0])
    staff = app.test_cli_runner().invoke(
        args=["token", "--email", "official1@ilfov.ro"]
    )
    assert staff.exit_code == 0, staff.output
    assert identify_staff(staff.output.strip()).person_id > 0
    from stakeholders.models import Person

    person = db.session.get(Person, person_id)
    assert person is not None
    participant = app.test_cli_runner().invoke(
        args=[
            "token",
            "--email",
            person.email,
            "--workshop",
            str(workshop),
            "--ttl",
            "600",
        ]
    )
    assert participant.exit_code == 0, participant.output
    assert identify_participant(participant.output.strip(), workshop) == person_id


def test_token_for_someone_not_enrolled_fails_clearly(app: Flask, pact: str):
    workshop = create(app)["workshop"]
    result = app.test_cli_runner().invoke(
        args=["token", "--email", "stranger@x.ro", "--workshop", str(workshop)]
    )
    assert result.exit_code != 0
    assert "not enrolled" in result.output
