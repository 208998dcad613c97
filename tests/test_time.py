"""Dates and times as each language writes them, in the pact's timezone
(core/time.py): English the European way and 24-hour ("17 Dec 2026, 09:00"), never
the US way ("12/17/26, 9:00 AM"); pages and e-mails use the same filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from flask_babel import force_locale

from core.time import local_date, local_datetime, local_day, local_time
from tests.workshops.factories import load_person, load_workshop, new_workshop

# 13:30 UTC is 14:30 in Rome and 15:30 in Bucharest, in December.
MOMENT = datetime(2026, 12, 17, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "medium"),
    [
        ("en", "17 Dec 2026, 14:30"),
        ("ro", "17 dec. 2026, 14:30"),
        ("it", "17 dic 2026, 14:30"),
        ("es", "17 dic 2026, 14:30"),
    ],
)
def test_each_language_writes_a_time_in_the_pacts_zone_on_a_24_hour_clock(
    app: Flask, language: str, medium: str
):
    with app.test_request_context(), force_locale(language):
        assert local_datetime(MOMENT, "Europe/Rome") == medium
        assert local_time(MOMENT, "Europe/Rome") == "14:30"
        assert local_time(MOMENT, "Europe/Bucharest") == "15:30"


def test_english_dates_are_written_the_european_way(app: Flask):
    with app.test_request_context(), force_locale("en"):
        assert local_datetime(MOMENT, "Europe/Rome", "short") == "17/12/2026, 14:30"
        assert local_datetime(MOMENT, "Europe/Rome", "long") == (
            "17 December 2026, 14:30"
        )
        assert local_datetime(MOMENT, "Europe/Rome", "full") == (
            "Thursday, 17 December 2026, 14:30"
        )
        assert local_date(MOMENT, "Europe/Rome") == "17 December 2026"
        assert local_day(date(2028, 12, 31)) == "31 Dec 2028"
        assert local_day(date(2028, 12, 31), "long") == "31 December 2028"


def test_the_day_is_the_pacts_day(app: Flask):
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    with app.test_request_context(), force_locale("ro"):
        assert local_date(late, "Europe/Bucharest") == "1 ianuarie 2027"
        assert local_date(late, "UTC") == "31 decembrie 2026"


def test_an_english_page_and_e_mail_show_the_workshop_on_a_24_hour_clock(
    client: FlaskClient,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    login: Callable[[int], None],
):
    pact = make_pact("torino", languages="it,en", country="IT", timezone="Europe/Rome")
    official = make_staff("official", pacts=("torino",))
    workshop = new_workshop(official, pact, starts_at=MOMENT)
    login(official)
    page = client.get("/staff/p/torino/workshops?lang=en").get_data(as_text=True)
    assert "17/12/2026, 14:30 – 17:30" in page
    assert " PM" not in page
    with force_locale("en"):
        body = render_template(
            "email/workshop_invitation.txt",
            person=load_person(official),
            workshop=load_workshop(workshop),
            link="https://example.org/link",
        )
    assert "17 Dec 2026, 14:30 – 17:30 (Europe/Rome)" in body
    assert " PM" not in body
