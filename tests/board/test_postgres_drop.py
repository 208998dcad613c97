"""PostgreSQL connections dropped under a served app: while a board is written over
Socket.IO and registrations arrive over HTTP, every connection of the app to its
database is terminated (`pg_terminate_backend`), twice. The service recovers by
itself: requests made after a drop succeed at once (the pool checks a connection
before lending it), and nothing is half-applied: every acknowledged change and
every registration answered with a redirect is stored once, every change refused
is not, and the board's seqs stay gap-free."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from extensions import db
from stakeholders.models import Consent, Organisation, Person
from tests.board.conftest import (
    LiveBoard,
    LiveServers,
    Seeder,
    consecutive,
    server_env,
    start_server,
    stop_server,
)
from tests.board.test_redis_restart import Writer, stored_events
from tests.conftest import TEST_DATABASE_URL, csrf_from, form_data


@pytest.fixture
def on_postgres(postgres_url: str, tmp_path: Path) -> Iterator[LiveServers]:
    seeder = Seeder(postgres_url)
    try:
        plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
        server = start_server(server_env(plain), tmp_path / "server.log")
        try:
            yield LiveServers([server], seeder)
        finally:
            stop_server(server)
    finally:
        seeder.close()


def drop_connections(database_url: str) -> int:
    """Terminate every connection to the database; how many there were."""
    name = make_url(database_url).database
    admin = TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


@dataclass
class Registrations:
    """Registers organisations one after the other, keeping the e-mail of each
    one answered with a redirect (stored) and of each one that failed."""

    url: str
    stored: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with requests.Session() as http:
            http.trust_env = False
            while not self.stop.is_set():
                self.register(http)

    def register(self, http: requests.Session) -> int:
        n = len(self.stored) + len(self.failed) + 1
        email = f"contact{n}@org{n}.ro"
        page = http.get(self.url + "/p/ilfov/register", timeout=30)
        if page.status_code != 200:
            self.failed.append(email)
            return page.status_code
        data = form_data(
            contact_email=email,
            organisation_name=f"Organisation {n} SRL",
            registration_number=f"J23/{n}/2020",
        )
        data["csrf_token"] = csrf_from(page.text)
        answer = http.post(
            self.url + "/p/ilfov/register",
            data=data,
            allow_redirects=False,
            timeout=30,
        )
        (self.stored if answer.status_code == 302 else self.failed).append(email)
        return answer.status_code


def people_by_email(live: LiveServers) -> dict[str, int]:
    with live.seeder.app.app_context():
        try:
            query = select(Person.email, func.count()).group_by(Person.email)
            return {str(email): int(n) for email, n in db.session.execute(query)}
        finally:
            db.session.remove()


def whole_registrations(live: LiveServers) -> set[str]:
    """The e-mails of registrations stored whole: the person, their organisation
    and the consent they gave."""
    with live.seeder.app.app_context():
        try:
            query = (
                select(Person.email)
                .join(Organisation, Organisation.id == Person.organisation_id)
                .join(Consent, Consent.person_id == Person.id)
            )
            return {str(email) for email in db.session.scalars(query)}
        finally:
            db.session.remove()


def test_dropped_postgresql_connections_are_replaced_and_nothing_is_half_applied(
    on_postgres: LiveServers, postgres_url: str
):
    board = LiveBoard(on_postgres)
    url = on_postgres.servers[0].url
    try:
        setup = board.new_board(2)
        board.set_phase(setup, "ideas")
        writer = Writer(
            board.joined(setup.participants[0].token, setup.board),
            setup.board,
            setup.themes[0],
        )
        registrations = Registrations(url)
        workers = [
            threading.Thread(target=writer.run),
            threading.Thread(target=registrations.run),
        ]
        for worker in workers:
            worker.start()
        try:
            while len(writer.acked) < 10 or len(registrations.stored) < 3:
                time.sleep(0.05)
            dropped = [drop_connections(postgres_url)]
            time.sleep(0.5)
            dropped.append(drop_connections(postgres_url))
            time.sleep(1.5)
        finally:
            writer.stop.set()
            registrations.stop.set()
            for worker in workers:
                worker.join(timeout=60)

        # Idle pool, every connection dropped: the very next requests succeed.
        dropped.append(drop_connections(postgres_url))
        started = time.monotonic()
        with requests.Session() as http:
            http.trust_env = False
            pages = [
                http.get(url + "/p/ilfov/register", timeout=30).status_code
                for _n in range(6)
            ]
            after = [registrations.register(http) for _n in range(2)]
        cards = [
            writer.client.change(
                setup.board, "card:create", theme=setup.themes[0], text=f"after {n}"
            )
            for n in range(3)
        ]
        recovered_in = time.monotonic() - started
    finally:
        board.close()

    assert all(n > 0 for n in dropped), dropped
    assert pages == [200] * 6
    assert after == [302, 302]
    assert [card["ok"] for card in cards] == [True] * 3
    stored = stored_events(on_postgres, setup.board)
    assert [seq for seq, _cid in stored] == consecutive(1, len(stored))
    by_cid = {cid: seq for seq, cid in stored}
    assert len(by_cid) == len(stored), "no change applied twice"
    for cid, (seq, _at) in writer.acked.items():
        assert by_cid.get(cid) == seq, "an acknowledged change is stored"
    applied = set(writer.refused) & set(by_cid)
    assert not applied, f"{len(applied)} changes refused (internal) were applied"
    people = people_by_email(on_postgres)
    assert all(people.get(email) == 1 for email in registrations.stored)
    # A registration is all there or not at all. One whose COMMIT reached the
    # database just before its connection was killed is stored although the visitor
    # saw an error page (sending it again answers "already registered").
    assert set(registrations.stored) | (set(registrations.failed) & set(people)) <= (
        whole_registrations(on_postgres)
    ), "a registration was half-applied"
    print(  # the figures of the report (pytest -s)
        f"dropped {dropped} connections; board acked {len(writer.acked)}, "
        f"refused {len(writer.refused)}; registrations {len(registrations.stored)} "
        f"stored, {len(registrations.failed)} failed; 6 pages, 2 registrations and "
        f"3 cards after an idle drop in {recovered_in:.2f} s"
    )
