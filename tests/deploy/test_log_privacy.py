"""No personal data in any log, over a whole journey against the app served for
real: `python app.py` alone (its stdout and stderr), and the production set-up
(nginx's access and error logs in front of two gunicorn processes, their stdout and
stderr). An organisation registers, the official logs in, approves it and enrols its
contact in a workshop; the contact opens the join link and a personal link, asks for
a new link, a login is rate-limited with an e-mail address in it, an error is
caused, and a card is posted on the live board. Then every log is read: no e-mail
address, name, phone number, password or token of the test persons is in it.

The masking under test: core/redaction.py (every log record), the nginx site's
masked access log (deploy/nginx-site.conf), the limiter line without its key."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from commitments.operations import member_link
from core.mail import OutboxMessage
from extensions import db
from stakeholders.models import Organisation, Person
from tests.board.conftest import (
    OFFICIAL_EMAIL,
    BoardClient,
    Seeder,
    server_env,
    start_server,
    stop_server,
)
from tests.conftest import PASSWORD, csrf_from, form_data
from tests.deploy.conftest import running_cluster
from workshops.board.path import apply_board_change

JOIN_LINK = re.compile(r"https?://[^\s/]+(/w/\d+/join/([A-Za-z0-9_.\-]+))")
NEW_LINK_LIMIT = 5  # NEW_LINK_EMAIL_LIMIT, per hour
LOGIN_LIMIT = 5


@dataclass
class Served:
    """A served app: where visitors go, the seeder on its database, and the files
    that hold everything it logged."""

    url: str
    seeder: Seeder
    logs: list[Path]


@contextmanager
def app_py(folder: Path) -> Iterator[Served]:
    database_url = f"sqlite:///{folder / 'journey.sqlite3'}"
    seeder = Seeder(database_url)
    server = start_server(server_env(database_url), folder / "server.log")
    try:
        yield Served(server.url, seeder, [server.log])
    finally:
        stop_server(server)
        seeder.close()


@contextmanager
def cluster(folder: Path) -> Iterator[Served]:
    with running_cluster(folder) as live:
        logs = [node.process.log for node in live.cluster.nodes]
        logs += [folder / "nginx-access.log", folder / "nginx.log"]
        try:
            yield Served(live.url, live.seeder, logs)
        finally:
            live.cluster.stop()  # flush and close every log before it is read


TOPOLOGIES = {"app.py": app_py, "nginx+gunicorn": cluster}


@dataclass(frozen=True)
class JourneyPerson:
    name: str
    email: str
    phone: str
    organisation: str


def new_test_person() -> JourneyPerson:
    n = uuid.uuid4().hex[:6]
    return JourneyPerson(
        name=f"Zamfira Quellenbach{n}",
        email=f"zamfira.{n}@verde-unic.example.ro",
        phone="0722 987 654",
        organisation=f"Quellenbach Verde {n} SRL",
    )


def http_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return csrf_from(page.text)


def in_app(seeder: Seeder, work: Any) -> Any:
    with seeder.app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def run_journey(served: Served, person: JourneyPerson) -> list[str]:
    """The journey; returns the secrets it handled (tokens) beside the person's
    data."""
    url, seeder = served.url, served.seeder
    visitor = http_session()
    register = url + "/p/ilfov/register"
    data = form_data(
        organisation_name=person.organisation,
        contact_name=person.name,
        contact_email=person.email,
        contact_phone=person.phone,
        registration_number=f"J23/{uuid.uuid4().hex[:6]}/2020",
    )
    data["csrf_token"] = csrf(visitor, register)
    registered = visitor.post(register, data=data, allow_redirects=False, timeout=30)
    assert registered.status_code == 302, registered.text[:2000]

    # The official logs in, approves the registration, enrols its contact.
    official = http_session()
    login = {"email": OFFICIAL_EMAIL, "password": PASSWORD}
    login["csrf_token"] = csrf(official, url + "/login")
    assert official.post(url + "/login", data=login, timeout=30).status_code == 200
    organisation, person_id = in_app(
        seeder,
        lambda: db.session.execute(
            select(Organisation.id, Person.id)
            .join(Person, Person.organisation_id == Organisation.id)
            .where(Person.email == person.email)
        ).one(),
    )
    page = f"{url}/staff/p/ilfov/registrations/{organisation}"
    approve = {"csrf_token": csrf(official, page)}
    decided = official.post(f"{page}/approve", data=approve, timeout=30)
    assert decided.status_code == 200, decided.status_code
    setup = seeder.new_board(participants=1)
    workshop_page = f"{url}/staff/p/ilfov/workshops/{setup.workshop}"
    enrol = {"csrf_token": csrf(official, workshop_page), "people": str(person_id)}
    enrolled = official.post(f"{workshop_page}/enrol", data=enrol, timeout=30)
    assert enrolled.status_code == 200

    # The contact opens the join link of the invitation, then a personal link.
    bodies = in_app(
        seeder,
        lambda: list(
            db.session.scalars(
                select(OutboxMessage.body).where(
                    OutboxMessage.recipient == person.email
                )
            )
        ),
    )
    [(join_path, join_token)] = {
        m.groups() for b in bodies for m in JOIN_LINK.finditer(b)
    }
    participant = http_session()
    joined = participant.get(url + join_path, timeout=30)
    assert joined.status_code == 200
    assert joined.url.endswith("/me"), joined.url
    link = in_app(
        seeder,
        lambda: member_link(db.session.get(Person, person_id)),  # type: ignore[arg-type]
    )
    member_token = link.rsplit("/", 1)[1]
    opened = http_session().get(url + "/me/link/" + member_token, timeout=30)
    assert opened.status_code in (200, 403)  # a party or not, the link was opened
    asked = {"email": person.email, "csrf_token": csrf(visitor, url + "/me/link/new")}
    assert visitor.post(url + "/me/link/new", data=asked, timeout=30).status_code == 200
    assert participant.get(f"{url}/w/{setup.workshop}/board", timeout=30).ok

    # A login limit hit with the person's e-mail address in the key.
    guesser = http_session()
    wrong = {"email": person.email, "password": "not the password"}
    statuses = []
    for _attempt in range(LOGIN_LIMIT + 1):
        wrong["csrf_token"] = csrf(guesser, url + "/login")
        statuses.append(
            guesser.post(url + "/login", data=wrong, timeout=30).status_code
        )
    assert statuses[-1] == 429, statuses
    # And a limit of Flask-Limiter's, keyed on the e-mail: "send me a new link" (one
    # was asked for above).
    for _attempt in range(NEW_LINK_LIMIT):
        asked["csrf_token"] = csrf(visitor, url + "/me/link/new")
        last = visitor.post(url + "/me/link/new", data=asked, timeout=30)
    assert last.status_code == 429, last.status_code

    # An error: an id out of range, with the e-mail address in the query string.
    official.get(f"{page}00000000000000000000?email={person.email}", timeout=30)

    # A card on the live board, posted with the join link's token.
    in_app(
        seeder,
        lambda: apply_board_change(
            setup.board, seeder.official, "board:phase", {"cid": "p1", "phase": "ideas"}
        ),
    )
    client = BoardClient()
    try:
        client.open(url, join_token)
        assert client.join(setup.board)["ok"]
        ack = client.change(
            setup.board,
            "card:create",
            theme=setup.themes[0],
            text=f"Call {person.name} on {person.phone} or {person.email}",
        )
        assert ack["ok"], ack
    finally:
        client.disconnect()
    return [join_token, member_token, setup.participants[0].token]


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_a_whole_journey_leaves_no_personal_data_in_any_log(
    tmp_path: Path, topology: str
):
    person = new_test_person()
    with TOPOLOGIES[topology](tmp_path) as served:
        tokens = run_journey(served, person)
        logs = served.logs
    text = "\n".join(log.read_text(errors="replace") for log in logs if log.exists())

    secrets = {
        "e-mail": person.email,
        "e-mail, URL-encoded": person.email.replace("@", "%40"),
        "official's e-mail": OFFICIAL_EMAIL,
        "password": PASSWORD,
        "name": person.name,
        "surname": person.name.split()[1],
        "phone": person.phone,
        "phone, digits": person.phone.replace(" ", ""),
        "phone, international": "+40" + person.phone.replace(" ", "")[1:],
        **{f"token {n}": token for n, token in enumerate(tokens)},
    }
    leaked = {what for what, value in secrets.items() if value.lower() in text.lower()}
    assert leaked == set(), text[-5000:]
    assert "key withheld" in text, "the rate limit hit is logged, without its key"
    if topology == "nginx+gunicorn":
        assert re.search(r'"GET /w/\d+/join/\[token\] HTTP/1.1" 302', text)
