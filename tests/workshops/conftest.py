"""Fixtures of the workshop page tests: the pact "ilfov" in Europe/Bucharest with an
official, and helpers that open a participant session through a real join link."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import current_app
from flask.testing import FlaskClient

from tests.workshops.factories import TIMEZONE, enrolment_of
from workshops.invitations import join_link


@pytest.fixture
def pact(make_pact: Callable[..., int]) -> int:
    return make_pact("ilfov", timezone=TIMEZONE)


@pytest.fixture
def official(pact: int, make_staff: Callable[..., int]) -> int:
    return make_staff("official")


def join_path(workshop_id: int, person_id: int) -> str:
    """The path of the person's current join link (what the e-mail carries)."""
    link = join_link(enrolment_of(workshop_id, person_id))
    return link.removeprefix(str(current_app.config["PUBLIC_URL"]).rstrip("/"))


def open_participant_session(
    client: FlaskClient, workshop_id: int, person_id: int
) -> None:
    response = client.get(join_path(workshop_id, person_id))
    assert response.status_code == 302
    assert response.headers["Location"] == "/me"
