"""The use cases that used to leave half-done work in the session when refused:
`update_workshop` refused after it took the enrolment lock and changed fields, and
`join_walk_in` refused after its UPDATE. Refused, they leave the database exactly as
before, and the next use case of the same session (the walk-in page sends the known
address its link right after the refusal) commits nothing of them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask

from core.errors import DomainError
from tests.database import changed_rows, committed_rows
from tests.workshops.factories import (
    load_workshop,
    new_workshop,
    running_workshop,
    workshop_data,
)
from tests.workshops.test_services import WALK_IN, WALK_IN_CONSENT
from workshops.invitations import request_new_link
from workshops.scheduling import set_workshop_status, update_workshop
from workshops.walk_ins import join_walk_in


def test_an_edit_refused_after_the_lock_and_new_fields_changes_nothing(
    db_app: Flask, pact: int, official: int
):
    workshop_id = new_workshop(official, pact)
    other_id = new_workshop(official, pact, title="Another workshop")
    # The facilitators are checked after the title, times and place were set.
    refused = replace(
        workshop_data(title="Renamed", place="Library"), facilitator_ids=(999_999,)
    )
    before = committed_rows()

    with pytest.raises(DomainError) as error:
        update_workshop(official, workshop_id, refused)
    assert (error.value.code, error.value.field) == ("invalid", "facilitators")
    assert changed_rows(before, committed_rows()) == set()

    set_workshop_status(official, other_id, "open")
    changed = changed_rows(before, committed_rows())
    assert {row for row in changed if row[0] != "audit_entry"} == {
        ("workshop", (other_id,))
    }
    assert [table for table, _key in changed].count("audit_entry") == 1
    assert load_workshop(workshop_id).title == "Circular packaging"


def test_a_walk_in_refused_after_its_update_changes_nothing(
    db_app: Flask, pact: int, official: int
):
    workshop_id = running_workshop(official, pact)
    code = load_workshop(workshop_id).join_code
    join_walk_in(code, WALK_IN, WALK_IN_CONSENT)
    before = committed_rows()

    with pytest.raises(DomainError) as error:
        join_walk_in(code, WALK_IN, WALK_IN_CONSENT)
    assert error.value.code == "known"
    assert changed_rows(before, committed_rows()) == set()

    # What the walk-in page does next: the known address gets its link.
    request_new_link(workshop_id, WALK_IN["contact_email"])
    changed = changed_rows(before, committed_rows())
    assert {table for table, _key in changed} <= {"outbox_message", "enrolment"}
    assert ("workshop", (workshop_id,)) not in changed
