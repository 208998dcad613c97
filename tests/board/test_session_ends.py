"""An open board connection ends when the person's access ends: against two real
`python app.py` processes sharing a SQLite file and a Redis message queue, a
connection already joined to a board is sent `session_ended` with the reason and
disconnected when its person logs out (through the other process), has their
password changed, is deactivated, taken off the team or erased, or has their place in
the workshop revoked; reconnecting with the same cookie or token is refused, and the
other people on the board keep their connections and their events."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import socketio
from sqlalchemy import delete, select

from core.choices import Role
from core.errors import DomainError
from core.session_ends import session_ended
from extensions import db
from pacts.personal_data import erase_person
from stakeholders.accounts.members import deactivate_account, remove_member
from stakeholders.models import LoginSession, Person
from stakeholders.services import create_staff, set_staff_password
from tests.board.conftest import (
    NAMESPACE,
    BoardClient,
    BoardSetup,
    LiveBoard,
    LiveServers,
    served,
    watched,
)
from tests.conftest import PASSWORD, TEST_REDIS_URL, redis_available, require_service
from workshops.board.endings import RedisEndings
from workshops.identities import issue_token
from workshops.invitations import revoke_invitation
from workshops.models import Enrolment

CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServers]:
    """Two servers on one SQLite file and Redis. The use cases the seeder (this
    process) runs carry their ends to the servers as a process with the message
    queue does (workshops.board.endings.RedisEndings); the seeder's app itself has
    no queue, which the in-process Socket.IO test client of other tests in this
    process refuses. A channel of its own keeps other runs' ends out."""
    require_service(redis_available(), "Redis (TEST_REDIS_URL)")
    channel = f"greenpact:test-session-ends:{uuid.uuid4().hex}"
    carrier = RedisEndings(TEST_REDIS_URL, f"{channel}:session-ends")
    with served(
        tmp_path_factory.mktemp("session_ends"),
        count=2,
        SOCKETIO_MESSAGE_QUEUE=TEST_REDIS_URL,
        BOARD_EVENTS_CHANNEL=channel,
    ) as live:
        with session_ended.connected_to(carrier.announce):
            yield live


@pytest.fixture
def live(two_servers: LiveServers) -> Iterator[LiveBoard]:
    with watched(two_servers) as board:
        yield board


def run(live: LiveBoard, use_case: Callable[[], Any]) -> Any:
    with live.seeder.app.app_context():
        try:
            return use_case()
        finally:
            db.session.remove()


def new_staff(live: LiveBoard) -> tuple[int, str]:
    """A facilitator of the pact of its own (id, e-mail)."""
    email = f"staff-{uuid.uuid4().hex[:8]}@board-tests.example"
    made = run(
        live,
        lambda: create_staff(email, "Sam Staff", Role.FACILITATOR, PASSWORD, ["ilfov"]),
    )
    return int(made["id"]), email


def staff_token_of(live: LiveBoard, email: str) -> str:
    return str(run(live, lambda: issue_token(email, None, 3600)))


def http_login(url: str, email: str) -> requests.Session:
    http = requests.Session()
    http.trust_env = False
    page = http.get(f"{url}/login", timeout=10)
    csrf = CSRF.search(page.text)
    assert csrf, "no CSRF token on the login page"
    answer = http.post(
        f"{url}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf.group(1)},
        timeout=10,
    )
    assert answer.ok
    assert "/login" not in answer.url, "not logged in"
    return http


def http_logout(url: str, http: requests.Session) -> None:
    page = http.get(f"{url}/staff", timeout=10)
    csrf = CSRF.search(page.text)
    assert csrf, "no CSRF token on the staff page"
    answer = http.post(f"{url}/logout", data={"csrf_token": csrf.group(1)}, timeout=10)
    assert answer.ok
    assert answer.url.endswith("/login"), answer.url


def cookie_header(http: requests.Session) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in http.cookies)}


def record_ends(client: BoardClient) -> list[dict[str, Any]]:
    ended: list[dict[str, Any]] = []
    client.on("session_ended", client._recorder(ended), namespace=NAMESPACE)
    return ended


def joined_with_ends(
    live: LiveBoard, token: str | None, board: int, server: int = 1, **options: Any
) -> tuple[BoardClient, list[dict[str, Any]]]:
    client = live.client()
    ended = record_ends(client)
    client.open(live.live.servers[server].url, token, **options)
    assert client.join(board)["ok"]
    return client, ended


def assert_cut(client: BoardClient, ended: list[dict[str, Any]], reason: str) -> None:
    assert client.wait_until(lambda: bool(ended) and client.disconnects > 0)
    assert ended == [{"reason": reason}]
    assert not client.connected


def refusal(live: LiveBoard, token: str | None, **options: Any) -> dict[str, Any]:
    """The connect-error data of a new connection to the second server."""
    client = live.client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.open(live.live.servers[1].url, token, **options)
    assert client.connect_errors, "refused without data"
    return dict(client.connect_errors[0]["data"])


def rejoin_refused(live: LiveBoard, token: str, board: int) -> bool:
    """Whether the token can no longer take part in the board: refused at connect
    (an account that ended) or at join (no longer on the pact's team: the board
    is `not_found` for them)."""
    client = live.client()
    try:
        client.open(live.live.servers[1].url, token)
    except socketio.exceptions.ConnectionError:
        return client.connect_errors[0]["data"]["code"] == "unauthorized"
    ack = client.join(board)
    return not ack["ok"] and ack["error"]["code"] in ("unauthorized", "not_found")


def assert_others_untouched(
    live: LiveBoard, setup: BoardSetup, others: list[BoardClient]
) -> None:
    """The others are still connected and see a change made after the cut."""
    facilitator = live.joined(setup.facilitator, setup.board)
    ack = facilitator.change(setup.board, "board:phase", phase="ideas")
    assert ack["ok"], ack
    for other in others:
        assert other.connected
        assert other.wait_for_seq(setup.board, ack["seq"])


def test_a_logout_through_one_process_cuts_the_board_held_through_the_other(
    live: LiveBoard,
):
    setup = live.new_board(participants=1)
    _, email = new_staff(live)
    first = live.live.servers[0].url
    http = http_login(first, email)
    board, ended = joined_with_ends(
        live, None, setup.board, headers=cookie_header(http)
    )
    other = live.joined(setup.participants[0].token, setup.board, server=1)

    http_logout(first, http)

    assert_cut(board, ended, "logged_out")
    assert refusal(live, None, headers=cookie_header(http))["reason"] == "login"
    assert_others_untouched(live, setup, [other])


def test_a_password_change_cuts_the_staff_token_and_refuses_it_after(
    live: LiveBoard,
):
    setup = live.new_board(participants=1)
    _, email = new_staff(live)
    token = staff_token_of(live, email)
    board, ended = joined_with_ends(live, token, setup.board)
    other = live.joined(setup.participants[0].token, setup.board, server=1)

    run(live, lambda: set_staff_password(email, PASSWORD + " again"))

    assert_cut(board, ended, "password_changed")
    refused = refusal(live, token)
    assert (refused["code"], refused["reason"]) == ("unauthorized", "logged_out")
    assert_others_untouched(live, setup, [other])


@pytest.mark.parametrize(
    ("reason", "end_access"),
    [
        (
            "deactivated",
            lambda seeder, person, email: deactivate_account(
                seeder.official, seeder.pact, person
            ),
        ),
        (
            "removed_from_team",
            lambda seeder, person, email: remove_member(
                seeder.official, seeder.pact, person
            ),
        ),
        ("erased", lambda seeder, person, email: erase_person(email)),
    ],
)
def test_an_ended_account_cuts_every_board_connection_of_the_person(
    live: LiveBoard, reason: str, end_access: Callable[..., Any]
):
    setup = live.new_board(participants=1)
    person, email = new_staff(live)
    token = staff_token_of(live, email)
    on_second, ended = joined_with_ends(live, token, setup.board, server=1)
    on_first, ended_first = joined_with_ends(live, token, setup.board, server=0)
    other = live.joined(setup.participants[0].token, setup.board, server=1)

    run(live, lambda: end_access(live.seeder, person, email))

    assert_cut(on_second, ended, reason)
    assert_cut(on_first, ended_first, reason)
    assert rejoin_refused(live, token, setup.board)
    assert_others_untouched(live, setup, [other])


def test_a_revoked_enrolment_cuts_the_participant_and_refuses_their_token(
    live: LiveBoard,
):
    setup = live.new_board(participants=2)
    revoked, stays = setup.participants
    board, ended = joined_with_ends(live, revoked.token, setup.board)
    other = live.joined(stays.token, setup.board, server=1)
    enrolment = run(
        live,
        lambda: db.session.scalar(
            select(Enrolment.id).where(
                Enrolment.workshop_id == setup.workshop,
                Enrolment.person_id == revoked.person,
            )
        ),
    )

    run(live, lambda: revoke_invitation(live.seeder.official, enrolment))

    assert_cut(board, ended, "revoked")
    assert refusal(live, revoked.token)["reason"] == "revoked"
    assert_others_untouched(live, setup, [other])


def test_nothing_is_cut_when_the_use_case_fails(live: LiveBoard):
    """Deactivating the pact's last official is refused: nothing committed, so the
    official's connection stays."""
    setup = live.new_board(participants=1)
    official_email = "official@board-tests.example"
    token = staff_token_of(live, official_email)
    board, ended = joined_with_ends(live, token, setup.board)
    seeder = live.seeder
    with pytest.raises(DomainError):
        run(
            live,
            lambda: deactivate_account(seeder.official, seeder.pact, seeder.official),
        )
    assert_others_untouched(live, setup, [board])
    assert ended == []


def test_a_login_that_ended_unannounced_can_join_no_board_after(live: LiveBoard):
    """The cut may be lost (Redis down, a process not yet listening): the next join
    on the connection still finds the login gone."""
    setup = live.new_board(participants=1)
    elsewhere = live.new_board(participants=1)
    _, email = new_staff(live)
    token = staff_token_of(live, email)
    board, ended = joined_with_ends(live, token, setup.board)

    run(live, lambda: _end_logins_quietly(email))

    again = board.join(elsewhere.board)
    assert not again["ok"]
    assert again["error"]["code"] == "unauthorized"
    assert ended == []


def _end_logins_quietly(email: str) -> None:
    """The person's login sessions deleted with no announcement of it."""
    person = db.session.scalar(select(Person).where(Person.email == email))
    assert person is not None
    db.session.execute(delete(LoginSession).where(LoginSession.person_id == person.id))
    db.session.commit()
