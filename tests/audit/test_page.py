"""The audit log page and its CSV export, on SQLite and PostgreSQL: newest first and
paginated; filters by action, staff member and days (in the pact's timezone); actors
by name (an erased one by id); subjects linked to their pages; times shown in the
pact's timezone; English and Romanian; the CSV with the same filters, formulas
neutralised, its download recorded; officials only (facilitators 403, another pact's
officials 404, visitors to the login page)."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, update

from core.audit import AuditAction, AuditEntry, record_staff_action
from extensions import db
from stakeholders.models import Person
from stakeholders.services import create_staff
from tests.audit.conftest import entries_after, last_entry_id
from tests.conftest import PASSWORD, csrf_from

AUDIT = "/staff/p/ilfov/audit"
A = AuditAction


def entry(
    actor: int,
    pact: int,
    action: AuditAction,
    at: datetime,
    subject: tuple[str, int | None] = ("pact", None),
    **details: Any,
) -> int:
    """An entry of the pact's log, made `at` (UTC)."""
    subject_type, subject_id = subject
    entry_id = record_staff_action(
        actor, pact, action, subject_type, subject_id or pact, **details
    )["entry"]
    db.session.execute(
        update(AuditEntry).where(AuditEntry.id == entry_id).values(at=at)
    )
    db.session.commit()
    return int(entry_id)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 1, day, hour, minute, tzinfo=UTC)


def page_text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def rows_of(response: Any) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def colleague(pact: int, make_staff: Callable[..., int]) -> int:
    return make_staff("official")


@pytest.fixture
def as_official(
    client: FlaskClient, official: int, login: Callable[[int], None]
) -> int:
    login(official)
    return official


def name_of(person_id: int) -> str:
    person = db.session.get(Person, person_id)
    assert person is not None
    return person.name


# --- the page -------------------------------------------------------------------------


def test_entries_are_shown_newest_first_with_the_actor_by_name_and_the_pacts_time(
    client: FlaskClient, pact: int, official: int, colleague: int, as_official: int
):
    entry(colleague, pact, A.PUBLISH, utc(10, 9))
    entry(official, pact, A.APPROVE, utc(15, 10), ("organisation", 7))

    text = page_text(client.get(f"{AUDIT}?lang=en"))

    # Bucharest is UTC+2 in January.
    first = text.index("Approved a registration")
    second = text.index("Signed and published the pact")
    assert first < second
    assert "15 Jan 2025, 12:00" in text
    assert "10 Jan 2025, 11:00" in text
    assert name_of(colleague) in text
    assert 'href="/staff/p/ilfov/registrations/7"' in text


def test_the_filters_select_by_action_staff_member_and_days_in_the_pacts_timezone(
    client: FlaskClient, pact: int, official: int, colleague: int, as_official: int
):
    # 23:30 in Bucharest on 14 January is 21:30 UTC; 00:30 on the 15th is 22:30 UTC.
    entry(official, pact, A.APPROVE, utc(14, 21, 30), ("organisation", 1))
    entry(official, pact, A.REJECT, utc(14, 22, 30), ("organisation", 2))
    entry(colleague, pact, A.APPROVE, utc(20, 8), ("organisation", 3))

    def shown(query: str) -> set[int]:
        """The registrations whose entries the filtered page shows."""
        text = page_text(client.get(f"{AUDIT}?lang=en&{query}"))
        return {n for n in (1, 2, 3) if f'/registrations/{n}"' in text}

    assert shown("") == {1, 2, 3}
    assert shown("action=approve") == {1, 3}
    assert shown(f"actor={colleague}") == {3}
    assert shown("until=2025-01-14") == {1}
    assert shown("since=2025-01-15") == {2, 3}
    assert shown("since=2025-01-15&until=2025-01-15") == {2}
    assert shown(f"action=approve&actor={official}") == {1}
    # A malformed filter is ignored, not an error.
    assert shown("since=yesterday&actor=x&action=nonsense") == {1, 2, 3}


def test_the_filter_form_offers_the_actions_and_the_staff_members_by_name(
    client: FlaskClient, pact: int, official: int, colleague: int, as_official: int
):
    entry(colleague, pact, A.EXPORT, utc(3, 9))

    text = page_text(client.get(f"{AUDIT}?lang=en"))

    assert '<form method="get" class="filters"' in text
    assert f'<option value="{colleague}">{name_of(colleague)}</option>' in text
    assert '<option value="approve">Approved a registration</option>' in text


def test_the_log_is_paginated_and_the_pages_keep_the_filters(
    app: Flask, client: FlaskClient, pact: int, official: int, as_official: int
):
    app.config["AUDIT_ENTRIES_PER_PAGE"] = 2
    for day in range(1, 6):
        entry(official, pact, A.APPROVE, utc(day, 9), ("organisation", day))
    entry(official, pact, A.REJECT, utc(6, 9), ("organisation", 6))

    first = page_text(client.get(f"{AUDIT}?lang=en&action=approve"))
    last = page_text(client.get(f"{AUDIT}?lang=en&action=approve&page=3"))

    assert "5 entries" in first
    assert "Page 1 of 3" in first
    assert '/registrations/5"' in first
    assert '/registrations/4"' in first
    assert '/registrations/3"' not in first
    assert "page=2" in first
    assert "action=approve" in first.split('rel="next"')[1].split(">")[0]
    assert '/registrations/1"' in last
    assert '/registrations/6"' not in last


def test_an_erased_actor_is_still_shown_by_id(
    client: FlaskClient, pact: int, as_official: int
):
    gone = create_staff("gone@ilfov.ro", "Gone Person", "official", PASSWORD, ["ilfov"])
    entry(gone["id"], pact, A.EXPORT, utc(2, 9))
    db.session.execute(delete(Person).where(Person.id == gone["id"]))
    db.session.commit()

    text = page_text(client.get(f"{AUDIT}?lang=en"))

    assert f"Person #{gone['id']} (erased)" in text
    assert "Gone Person" not in text


def test_the_page_is_in_romanian(
    client: FlaskClient, pact: int, official: int, as_official: int
):
    entry(official, pact, A.PUBLISH, utc(15, 10))

    text = page_text(client.get(f"{AUDIT}?lang=ro"))

    assert "Jurnal de audit" in text
    assert "A semnat și a publicat pactul" in text
    assert "Membru al echipei" in text
    assert "15 ian. 2025, 12:00" in text


def test_the_staff_area_links_officials_to_the_log_but_not_facilitators(
    client: FlaskClient,
    official: int,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    login(official)
    assert f'href="{AUDIT}"' in client.get("/staff/").get_data(as_text=True)

    client.post("/logout", data={"csrf_token": _token(client)})
    login(make_staff("facilitator"))
    assert f'href="{AUDIT}"' not in client.get("/staff/").get_data(as_text=True)


def _token(client: FlaskClient) -> str:
    return csrf_from(client.get("/staff/").get_data(as_text=True))


# --- the CSV --------------------------------------------------------------------------


def test_the_csv_has_the_filtered_entries_neutralised_and_its_download_is_recorded(
    client: FlaskClient, pact: int, official: int, login: Callable[[int], None]
):
    formula = create_staff(
        "formula@ilfov.ro", '=HYPERLINK("http://x")', "official", PASSWORD, ["ilfov"]
    )["id"]
    entry(formula, pact, A.APPROVE, utc(15, 10), ("organisation", 7), reason=True)
    entry(formula, pact, A.REJECT, utc(16, 10), ("organisation", 8))
    entry(official, pact, A.APPROVE, utc(17, 10), ("organisation", 9))
    login(official)
    before = last_entry_id()

    response = client.get(f"{AUDIT}.csv?action=approve&actor={formula}")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    [row] = rows_of(response)
    assert row == {
        "at": "2025-01-15T12:00:00+02:00",
        "actor_id": str(formula),
        "actor": '\'=HYPERLINK("http://x")',
        "action": "approve",
        "subject_type": "organisation",
        "subject_id": "7",
        "details": json.dumps({"reason": True}),
    }
    [recorded] = entries_after(before)
    assert (recorded.actor_id, recorded.action, recorded.subject_id) == (
        official,
        A.EXPORT,
        pact,
    )
    assert recorded.details == {
        "export": "audit",
        "format": "csv",
        "rows": 1,
        "filters": ["action", "actor"],
    }


# --- who may see it -------------------------------------------------------------------


@pytest.mark.parametrize("path", [AUDIT, f"{AUDIT}.csv"])
def test_facilitators_are_refused_and_nothing_is_recorded(
    path: str,
    client: FlaskClient,
    pact: int,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    login(make_staff("facilitator"))
    before = last_entry_id()

    assert client.get(path).status_code == 403
    assert entries_after(before) == []


@pytest.mark.parametrize("path", [AUDIT, f"{AUDIT}.csv"])
def test_another_pacts_officials_get_not_found(
    path: str,
    client: FlaskClient,
    pact: int,
    official: int,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    entry(official, pact, A.PUBLISH, utc(15, 10))
    login(make_staff("official", pacts=("torino",)))

    response = client.get(path)

    assert response.status_code == 404
    assert "Signed and published" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [AUDIT, f"{AUDIT}.csv"])
def test_visitors_are_sent_to_the_login_page(path: str, client: FlaskClient, pact: int):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
