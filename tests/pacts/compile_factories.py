"""Helpers of the officials' pact page tests: the commitment form as a browser sends
it, commitments made through the use cases (draft, agreed, signed), and the page
text with its HTML entities read back. Plain functions, beside the root fixtures."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from extensions import db
from pacts.commitments import (
    CommitmentData,
    add_commitment,
    agree_commitment,
    sign_commitment,
)
from pacts.models import Commitment, Theme
from stakeholders.models import Person
from tests.conftest import csrf_from

COMPILE = "/staff/p/ilfov/pact"


def theme_id(pact_id: int, key: str = "circular-economy") -> int:
    return int(
        db.session.scalars(
            select(Theme.id).where(Theme.pact_id == pact_id, Theme.key == key)
        ).one()
    )


def organisation_of(person_id: int) -> int:
    person = db.session.get(Person, person_id)
    assert person is not None
    assert person.organisation_id is not None
    return person.organisation_id


def commitment_form(theme: int, lead: int, /, **overrides: Any) -> dict[str, Any]:
    """A valid submission of the commitment form, typed as a Romanian official
    would (a decimal comma)."""
    data: dict[str, Any] = {
        "title": "Reusable crates for fresh produce",
        "action": "Replace single-use boxes with a deposit crate system.",
        "theme": str(theme),
        "lead": str(lead),
        "indicator_name": "Single-use boxes avoided",
        "indicator_unit": "thousand boxes",
        "indicator_baseline": "0",
        "indicator_target": "12,5",
        "deadline": "2030-12-31",
        "support_requested": "A depot in the county's logistics park.",
        "support_promised": "",
    }
    data.update(overrides)
    return data


def commitment_data(theme: int, lead: int, **overrides: Any) -> CommitmentData:
    data = CommitmentData(
        title="Reusable crates for fresh produce",
        action="Replace single-use boxes with a deposit crate system.",
        theme_id=theme,
        lead_id=lead,
        co_signer_ids=(),
        indicator_name="Single-use boxes avoided",
        indicator_unit="thousand boxes",
        indicator_baseline=0.0,
        indicator_target=12.5,
        deadline=date(2030, 12, 31),
        support_requested="",
        support_promised="",
    )
    return replace(data, **overrides)


def new_commitment(official: int, pact_id: int, lead: int, **overrides: Any) -> int:
    """A draft, added by the official outside a workshop."""
    theme = overrides.pop("theme_id", theme_id(pact_id))
    data = commitment_data(theme, lead, **overrides)
    return int(add_commitment(official, pact_id, data)["commitment"])


def signed_commitment(
    official: int, pact_id: int, lead_person: int, **overrides: Any
) -> int:
    """A commitment agreed by the official and signed by its lead's contact."""
    lead = organisation_of(lead_person)
    commitment = new_commitment(official, pact_id, lead, **overrides)
    agree_commitment(official, commitment)
    sign_commitment(lead_person, commitment, lead)
    return commitment


def load_commitment(commitment_id: int) -> Commitment:
    db.session.expire_all()
    found = db.session.get(Commitment, commitment_id)
    assert found is not None
    return found


def count_of(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def page_text(response: Any) -> str:
    """The page's HTML with entities read back (`pact&#39;s` is `pact's`)."""
    return html.unescape(response.get_data(as_text=True))


def switch_to(client: FlaskClient, login: Callable[[int], None], person: int) -> None:
    """Log out whoever is logged in, then log `person` in."""
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/staff/").text)})
    login(person)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], page: str | None = None
) -> Any:
    """Submit a form as the browser would: with the CSRF token of a page it shows."""
    token = csrf_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})
