"""One unit of work per use case: commit on success and only then the after-commit
queue; on any exception a rollback that leaves the database as it was and runs none
of the queue; a use case called from another joins the outer unit."""

from __future__ import annotations

import pytest
from flask import Flask

from core.errors import DomainError
from core.mail import OutboxMessage
from core.transactions import (
    NestedUseCaseFailed,
    after_commit,
    unit_of_work,
    use_case,
)
from extensions import db
from tests.database import changed_rows, committed_rows


def committed_subjects() -> list[str]:
    return sorted(str(row[2]) for row in committed_rows()["outbox_message"].values())


def add_row(subject: str) -> None:
    db.session.add(OutboxMessage(recipient="a@example.ro", subject=subject, body="-"))
    db.session.flush()


@use_case
def write(subject: str, seen: list[list[str]]) -> str:
    add_row(subject)
    after_commit(lambda: seen.append(committed_subjects()))
    return subject


@use_case
def write_then_refuse(subject: str, seen: list[list[str]]) -> None:
    write(subject, seen)
    raise DomainError("conflict", "refused after changing rows")


def test_a_domain_error_after_changing_rows_leaves_the_database_unchanged(
    app: Flask,
):
    seen: list[list[str]] = []
    before = committed_rows()
    with pytest.raises(DomainError):
        write_then_refuse("half done", seen)
    assert changed_rows(before, committed_rows()) == set()
    assert seen == [], "no after-commit callback runs after a rollback"
    assert db.session.scalars(db.select(OutboxMessage)).all() == []
    assert "after_commit" not in db.session.info


def test_an_unexpected_exception_rolls_back_as_well(app: Flask):
    seen: list[list[str]] = []

    @use_case
    def crash() -> None:
        write("half done", seen)
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        crash()
    assert committed_subjects() == []
    assert seen == []


def test_success_commits_then_runs_the_callbacks_which_see_the_committed_data(
    app: Flask,
):
    seen: list[list[str]] = []
    assert write("done", seen) == "done"
    assert seen == [["done"]]
    assert committed_subjects() == ["done"]


def test_a_nested_use_case_joins_the_outer_unit_and_only_the_outermost_commits(
    app: Flask,
):
    seen: list[list[str]] = []
    during: list[list[str]] = []

    @use_case
    def outer() -> None:
        write("inner", seen)
        during.append(committed_subjects())
        assert seen == [], "the inner use case's callbacks wait for the outer commit"
        write("outer", seen)

    outer()
    assert during == [[]], "nothing was committed when the inner use case returned"
    assert seen == [["inner", "outer"], ["inner", "outer"]]
    assert committed_subjects() == ["inner", "outer"]


def test_an_outer_failure_undoes_what_the_inner_use_case_did(app: Flask):
    seen: list[list[str]] = []

    @use_case
    def outer() -> None:
        write("inner", seen)
        raise DomainError("conflict", "refused")

    with pytest.raises(DomainError):
        outer()
    assert committed_subjects() == []
    assert seen == []


def test_an_inner_failure_the_caller_swallows_still_commits_nothing(app: Flask):
    seen: list[list[str]] = []

    @use_case
    def outer() -> None:
        write("before", seen)
        try:
            write_then_refuse("half done", seen)
        except DomainError:
            pass  # carrying on would commit the half-done rows

    with pytest.raises(NestedUseCaseFailed):
        outer()
    assert committed_subjects() == []
    assert seen == []
    # The session is clean for the next use case.
    write("next", seen)
    assert committed_subjects() == ["next"]


def test_a_failing_callback_neither_undoes_the_commit_nor_stops_the_others(
    app: Flask, caplog: pytest.LogCaptureFixture
):
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("personal data in here")

    with unit_of_work():
        add_row("stored")
        after_commit(broken)
        after_commit(lambda: ran.append("second"))
    assert committed_subjects() == ["stored"]
    assert ran == ["second"]
    assert "RuntimeError" in caplog.text
    assert "personal data" not in caplog.text
