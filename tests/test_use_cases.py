"""No use case can leave a partial change: every public function of the service
modules that writes runs in a unit of work of its own (`@use_case`), nothing else in
the app packages commits or rolls back, and a refusal after a change (or a use case
composed of others, one of which is refused) leaves the database as it was, seen
through a connection of its own."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from flask import Flask

from core.errors import DomainError
from core.pacts import create_pact
from core.transactions import use_case
from tests.database import changed_rows, committed_rows
from tests.packages import APP_PACKAGES, ROOT
from tests.workshops.factories import approved_people, new_workshop
from workshops.enrolment import enrol_self

# Every use case, by module: the public functions that change data.
USE_CASES = {
    "core.pacts": {"create_pact"},
    "core.audit": {"record_staff_action", "record_staff_login"},
    "stakeholders.services": {
        "register_organisation",
        "decide_registration",
        "create_staff",
        "set_staff_password",
        "set_preferred_language",
    },
    "stakeholders.registrations": {"decide_registrations", "edit_registration"},
    "stakeholders.digests": {"send_digests", "set_daily_digest"},
    "stakeholders.logins": {
        "open_login_session",
        "end_login_session",
        "request_login_link",
        "use_login_link",
    },
    "stakeholders.delivery.services": {
        "assign_expert",
        "log_session",
        "record_outcome",
    },
    "commitments.operations": {
        "add_commitment",
        "edit_commitment",
        "agree_commitment",
        "move_commitment",
        "request_member_link",
        "sign_commitment",
    },
    "workshops.enrolment": {
        "enrol_people",
        "enrol_self",
        "decline_enrolment",
        "decline_for",
    },
    "workshops.identities": {"bulk_participants"},
    "workshops.invitations": {
        "resend_invitation",
        "revoke_invitation",
        "request_new_link",
        "mark_attendance",
    },
    "workshops.scheduling": {
        "create_workshop",
        "update_workshop",
        "cancel_workshop",
        "set_workshop_status",
    },
    "workshops.walk_ins": {"join_walk_in"},
    "pacts.monitoring": {"report_progress", "send_reminders"},
    "pacts.publishing": {"update_pact_document", "publish_pact"},
    "pacts.indicators": {"add_programme_indicator", "delete_programme_indicator"},
    "pacts.reviews": {
        "verify_progress_report",
        "return_progress_report",
        "correct_progress_report",
    },
}

# Public functions of those modules with a writing verb in their name that are not
# use cases themselves, and why.
NOT_USE_CASES = {
    # Pieces of a use case, taking ORM objects: they run inside their caller's unit.
    "commitments.operations": {"add_signature", "revise_commitment", "record_revision"},
    "workshops.enrolment": {"lock_enrolments", "promote_waitlisted"},
    "stakeholders.services": {"apply_decision"},
    "pacts.monitoring": {"add_report"},
    "workshops.invitations": {
        "email_invitation",
        "join_link",  # (reads)
        "revoke_enrolment_links",
    },
    # Batches: each row is a use case of its own, so a refused row leaves nothing
    # and does not undo the rows before it.
    "pacts.imports": {"import_commitments"},
    "stakeholders.exports": {"import_stakeholders"},
    # Holds the board's lock around its unit of work (`_apply_change`) and answers a
    # raced duplicate cid once that unit has rolled back; joining only reads.
    "workshops.board.path": {"apply_board_change", "join_board"},
}

WRITING_VERB = re.compile(
    r"^(add|agree|apply|assign|bulk|cancel|correct|create|decide|decline|delete|edit|"
    r"enrol|import|join|lock|log|mark|move|promote|publish|record|register|report|"
    r"request|resend|return|revise|revoke|send|set|sign|update|verify)_"
)

# The only places that may end a transaction themselves.
MAY_COMMIT = {
    "core/transactions.py",  # the unit of work
    "core/mail.py",  # the outbox sender: its own session, outside any use case
}
MAY_ROLL_BACK = MAY_COMMIT | {
    "workshops/board/events.py",  # on_error cleans the session it throws away
}


def public_functions(module: ModuleType) -> dict[str, Callable[..., Any]]:
    return {
        name: function
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and function.__module__ == module.__name__
    }


def is_use_case(function: Callable[..., Any]) -> bool:
    return getattr(function, "__use_case__", False) is True


@pytest.mark.parametrize("module_name", sorted(USE_CASES.keys() | NOT_USE_CASES.keys()))
def test_every_writing_service_function_is_a_use_case(module_name: str):
    functions = public_functions(importlib.import_module(module_name))
    expected = USE_CASES.get(module_name, set())
    exempt = NOT_USE_CASES.get(module_name, set())
    assert expected | exempt <= functions.keys(), "the lists name real functions"
    decorated = {name for name, function in functions.items() if is_use_case(function)}
    assert decorated == expected
    writers = {name for name in functions if WRITING_VERB.match(name)}
    assert writers - exempt <= decorated, "a new writer is a use case, or exempt"


def test_the_board_change_runs_in_one_unit_of_work():
    from workshops.board import path

    assert is_use_case(path._apply_change)


def test_nothing_else_in_the_app_packages_commits_or_rolls_back():
    offenders = []
    for package in APP_PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            relative = file.relative_to(ROOT).as_posix()
            text = file.read_text(encoding="utf-8")
            if re.search(r"\bcommit\(\)", text) and relative not in MAY_COMMIT:
                offenders.append(f"{relative}: commit()")
            if re.search(r"\brollback\(\)", text) and relative not in MAY_ROLL_BACK:
                offenders.append(f"{relative}: rollback()")
    assert offenders == []


def test_an_enrolment_refused_after_the_lock_changes_nothing(
    db_app: Flask,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., Any],
):
    official = make_staff("official")
    [person_id] = approved_people(make_registration, 1)
    workshop_id = new_workshop(official, make_pact("ilfov"))
    enrol_self(person_id, workshop_id)
    before = committed_rows()

    # Refused after it bumped the workshop's enrolment lock (an UPDATE).
    with pytest.raises(DomainError) as error:
        enrol_self(person_id, workshop_id)
    assert error.value.code == "conflict"
    assert changed_rows(before, committed_rows()) == set()

    # Nor does the next use case of the same session commit the refused one's lock.
    create_pact("torino", "Torino pact", "Piemonte")
    changed = {table for table, _key in changed_rows(before, committed_rows())}
    assert changed == {"pact", "theme"}


def test_a_use_case_made_of_use_cases_commits_all_of_them_or_none(db_app: Flask):
    @use_case
    def create_two_pacts(second_slug: str) -> None:
        create_pact("first", "First pact", "Ilfov")
        create_pact(second_slug, "Second pact", "Ilfov")

    before = committed_rows()
    with pytest.raises(DomainError) as error:
        create_two_pacts("first")  # the second is refused: the slug is taken
    assert error.value.code == "duplicate"
    assert changed_rows(before, committed_rows()) == set()

    create_two_pacts("second")
    added = {table for table, _key in changed_rows(before, committed_rows())}
    assert added == {"pact", "theme"}
