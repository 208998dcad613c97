"""Enrolments racing for the last places on PostgreSQL, each in its own thread, app
context, session and connection: the capacity holds and the waitlist stays a queue."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from extensions import db
from tests.conftest import build_app
from tests.workshops.factories import (
    TIMEZONE,
    approved_people,
    new_workshop,
    people_with,
    statuses,
)
from workshops.enrolment import decline_enrolment, enrol_people, enrol_self
from workshops.models import Enrolment

CAPACITY = 5


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[Flask]:
    """The app on its own PostgreSQL database, with a connection for every thread."""
    app = build_app(
        postgres_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 25, "max_overflow": 0},
    )
    try:
        with app.app_context():
            yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def official_and_pact(
    pg_app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
) -> tuple[int, int]:
    pact = make_pact("ilfov", timezone=TIMEZONE)
    return make_staff("official"), pact


def race(app: Flask, calls: list[Callable[[], Any]]) -> list[BaseException]:
    """Run every call at once, each in its own thread and app context; return what
    they raised."""
    barrier = threading.Barrier(len(calls))
    raised: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                call()
            except Exception as exc:  # collected: the test asserts there is none
                with lock:
                    raised.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    db.session.expire_all()
    return raised


def test_twenty_people_enrolling_at_once_fill_five_places_and_queue_the_rest(
    pg_app: Flask,
    official_and_pact: tuple[int, int],
    make_registration: Callable[..., Any],
):
    official, pact = official_and_pact
    people = approved_people(make_registration, 20)
    workshop_id = new_workshop(official, pact, capacity=CAPACITY)

    raised = race(pg_app, [partial(enrol_self, p, workshop_id) for p in people])

    assert raised == []
    assert len(people_with(workshop_id, "enrolled")) == CAPACITY
    waiting = people_with(workshop_id, "waitlisted")
    assert len(waiting) == len(people) - CAPACITY
    positions = [position for _status, position in statuses(workshop_id).values()]
    assert len(set(positions)) == len(people)


def test_declines_racing_enrolments_hand_places_to_the_waitlist_in_order(
    pg_app: Flask,
    official_and_pact: tuple[int, int],
    make_registration: Callable[..., Any],
):
    official, pact = official_and_pact
    first = approved_people(make_registration, 2 * CAPACITY)
    newcomers = approved_people(make_registration, 10)
    workshop_id = new_workshop(official, pact, capacity=CAPACITY)
    enrol_people(official, workshop_id, first)
    seated = people_with(workshop_id, "enrolled")
    queued = people_with(workshop_id, "waitlisted")
    enrolment_ids = dict(
        db.session.execute(
            select(Enrolment.person_id, Enrolment.id).where(
                Enrolment.workshop_id == workshop_id
            )
        ).all()
    )

    declines = [partial(decline_enrolment, p, enrolment_ids[p]) for p in seated]
    enrols = [partial(enrol_self, p, workshop_id) for p in newcomers]
    raised = race(pg_app, [*declines, *enrols])

    assert raised == []
    assert people_with(workshop_id, "enrolled") == queued
    assert len(queued) == CAPACITY
    assert sorted(people_with(workshop_id, "waitlisted")) == sorted(newcomers)
    assert sorted(people_with(workshop_id, "declined")) == sorted(seated)
    positions = [position for _status, position in statuses(workshop_id).values()]
    assert len(set(positions)) == len(first) + len(newcomers)
