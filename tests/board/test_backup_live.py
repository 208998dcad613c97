"""A backup of a RUNNING instance: `python app.py` serves a live board whose client
keeps writing cards (acknowledged one by one) while `flask --app app backup` runs
beside it, after evidence files were uploaded over HTTP. The archive's database
passes SQLite's integrity check; `restore` brings it into a new instance, which is
served, and there every event acknowledged before the backup began is found, the
log is gap-free and agrees with every ack it holds, and every evidence file comes
back byte for byte (on disk and downloaded)."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from core.models import Pact
from core.time import today_in
from extensions import db
from pacts.models import ProgressReport
from tests.board.conftest import (
    REPO,
    BoardClient,
    LiveServers,
    consecutive,
    new_cid,
    served,
    server_env,
    start_server,
    stop_server,
    watched,
)
from tests.pacts.factories import World, approved_party, link_path, published

CSRF = re.compile(r'name="(?:c\d+-)?csrf_token"[^>]*value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
UPLOADS = 3


@dataclass
class Writer:
    """Writes cards one after the other until stopped, keeping each ack's seq, card
    id and when it came."""

    client: BoardClient
    board: int
    theme: int
    acked: list[tuple[float, int, int]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            payload = {
                "board": self.board,
                "cid": new_cid(),
                "theme": self.theme,
                "text": f"card {len(self.acked)}",
            }
            ack = self.client.ack("card:create", payload)
            while not ack["ok"] and ack["error"]["code"] == "rate_limited":
                time.sleep(0.05)
                ack = self.client.ack("card:create", payload)
            assert ack["ok"], ack
            self.acked.append((time.monotonic(), ack["seq"], ack["card"]["id"]))
            time.sleep(0.02)

    def acked_by(self, moment: float) -> dict[int, int]:
        return {seq: card for at, seq, card in self.acked if at <= moment}


def in_seeder(live: LiveServers, work: Callable[[], Any]) -> Any:
    with live.seeder.app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def upload_evidence(
    live: LiveServers, make_registration: Callable[..., dict[str, Any]]
) -> tuple[int, dict[int, bytes]]:
    """A published commitment whose lead uploads UPLOADS evidence files through the
    served app's form; the commitment and report id -> the file's bytes."""

    def world() -> tuple[int, str, str]:
        lead = approved_party(make_registration, "EcoPack Ambalaje SRL")
        other = approved_party(make_registration, "Verde Logistic SRL")
        commitment = published(
            World(live.seeder.pact, live.seeder.official, lead, other, other)
        )
        pact = db.session.get(Pact, live.seeder.pact)
        assert pact is not None
        return commitment, link_path(lead.person), today_in(pact).isoformat()

    commitment, link, today = in_seeder(live, world)
    url = live.servers[0].url
    files = [PDF + bytes([n]) * (200_000 + n) for n in range(UPLOADS)]
    with requests.Session() as http:
        http.trust_env = False
        assert http.get(url + link, timeout=10).url.endswith("/me/commitments")
        for n, content in enumerate(files):
            token = CSRF.search(http.get(url + "/me/commitments", timeout=10).text)
            assert token is not None
            fields = {
                "csrf_token": token.group(1),
                "reported_on": today,
                "value": str(n + 1),
                "narrative": f"Report {n}",
                "status": "in progress",
            }
            response = http.post(
                f"{url}/me/commitments/{commitment}/progress",
                data={f"c{commitment}-{k}": v for k, v in fields.items()},
                files={f"c{commitment}-evidence_file": (f"r{n}.pdf", content)},
                allow_redirects=False,
                timeout=10,
            )
            assert response.status_code == 303, response.text[:500]

    def reports() -> list[int]:
        query = (
            db.session.query(ProgressReport.id)
            .filter(ProgressReport.commitment_id == commitment)
            .order_by(ProgressReport.id)
        )
        return [row[0] for row in query]

    return commitment, dict(zip(in_seeder(live, reports), files, strict=True))


def flask_command(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def integrity_of_the_archived_database(archive: Path) -> list[Any]:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("greenpact.sqlite3")
        assert member is not None
        content = member.read()
    copy = archive.with_name("checked.sqlite3")
    copy.write_bytes(content)
    with closing(sqlite3.connect(copy)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchall()


def test_a_backup_taken_while_the_board_is_written_restores_every_acknowledged_event_and_file(  # noqa: E501
    tmp_path: Path, make_registration: Callable[..., dict[str, Any]]
):
    source, restored = tmp_path / "source", tmp_path / "restored"
    source.mkdir()
    restored.mkdir()
    archive = tmp_path / "greenpact-backup.tar.gz"
    settings = {"EVIDENCE_FOLDER": str(source / "evidence")}
    with served(source, **settings) as live, watched(live) as board:
        setup = board.new_board(2)
        commitment, uploads = upload_evidence(live, make_registration)
        board.set_phase(setup, "ideas")
        writer = Writer(
            board.joined(setup.participants[0].token, setup.board),
            setup.board,
            setup.themes[0],
        )
        thread = threading.Thread(target=writer.run)
        thread.start()
        try:
            while len(writer.acked) < 10:
                time.sleep(0.05)
            began = time.monotonic()
            env = server_env(f"sqlite:///{source / 'board.sqlite3'}", **settings)
            summary = flask_command(env, "backup", "--output", str(archive))
            ended = time.monotonic()
            while len(writer.acked) < len(writer.acked_by(ended)) + 5:
                time.sleep(0.05)
        finally:
            writer.stop.set()
            thread.join(timeout=30)
    acked_before = writer.acked_by(began)
    during = [seq for at, seq, _card in writer.acked if began < at < ended]
    assert during, "the board was written while the backup ran"
    assert summary["evidence_files"] == UPLOADS
    assert integrity_of_the_archived_database(archive) == [("ok",)]

    target = {"EVIDENCE_FOLDER": str(restored / "evidence")}
    target_env = server_env(f"sqlite:///{restored / 'board.sqlite3'}", **target)
    restored_summary = flask_command(target_env, "restore", "--input", str(archive))
    assert restored_summary["evidence_files"] == UPLOADS
    server = start_server(target_env, restored / "server.log")
    try:
        client = BoardClient()
        try:
            client.open(server.url, setup.facilitator)
            ack = client.join(setup.board, since=0)
            assert ack["ok"], ack
            events = ack["events"]
            after = client.change(
                setup.board, "card:create", theme=setup.themes[0], text="after"
            )
        finally:
            client.disconnect()
            client.shutdown()
        with requests.Session() as http:
            http.trust_env = False
            downloaded = {
                report: http.get(
                    f"{server.url}/p/ilfov/commitments/{commitment}/evidence/{report}",
                    timeout=10,
                ).content
                for report in uploads
            }
    finally:
        stop_server(server)

    seqs = [event["seq"] for event in events]
    assert seqs == consecutive(1, ack["seq"]), "the restored log is gap-free"
    assert max(acked_before) <= ack["seq"], "everything acked before the backup"
    assert summary["tables"]["board_event"] == ack["seq"], "the manifest's count"
    restored_cards = {
        event["seq"]: event["data"]["card"]["id"]
        for event in events
        if event["type"] == "card:create"
    }
    acked = {seq: card for _at, seq, card in writer.acked}
    assert {s: c for s, c in acked.items() if s <= ack["seq"]} == {
        s: c for s, c in restored_cards.items() if s in acked
    }, "every acked event the backup holds is the acked one"
    assert (after["ok"], after["seq"]) == (True, ack["seq"] + 1), "it serves on"
    assert downloaded == uploads, "every evidence file, byte for byte"
    print(  # the figures of the report (pytest -s)
        f"backup took {ended - began:.2f} s with {len(during)} cards acked meanwhile; "
        f"restored {ack['seq']} events (acked before: {max(acked_before)}), "
        f"{len(uploads)} evidence files"
    )
    on_disk = {
        path.name: path.read_bytes() for path in (restored / "evidence").iterdir()
    }
    assert sorted(on_disk.values()) == sorted(uploads.values())
