"""`backup` and `restore` as an operator runs them: a backup restored into an empty
instance brings back every row and every evidence file (SQLite and PostgreSQL); a
database that holds data is replaced only with `--yes`; an archive that does not
match its manifest, or carries anything unexpected, is refused before anything is
touched; an existing file is never overwritten; without pg_dump the command says
what to run. The running-instance test is tests/board/test_backup_live.py."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import inspect

from app import create_app
from extensions import db
from pacts.monitoring import Evidence
from tests.conftest import throwaway_postgres_database
from tests.database import Snapshot, committed_rows
from tests.pacts.factories import (
    World,
    approved_party,
    load_pact,
    published,
    report,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def migrated_app(url: str, evidence: Path) -> Flask:
    """An instance as `init-db` leaves it: the schema the migrations build."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "EVIDENCE_FOLDER": str(evidence),
        }
    )
    with app.app_context():
        upgrade()
        db.session.remove()
    return app


def bare_app(url: str, evidence: Path) -> Flask:
    """A new instance whose database was never created."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "EVIDENCE_FOLDER": str(evidence),
        }
    )


def run(app: Flask, *args: str) -> Any:
    with app.app_context():
        try:
            return app.test_cli_runner().invoke(args=list(args))
        finally:
            db.session.remove()
            db.engine.dispose()


def rows(app: Flask) -> Snapshot:
    with app.app_context():
        try:
            return committed_rows()
        finally:
            db.engine.dispose()


def files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def fill(
    app: Flask,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    """A published commitment with two reports carrying evidence files."""
    with app.app_context():
        try:
            official = make_staff("official")
            lead = approved_party(make_registration, "EcoPack Ambalaje SRL")
            other = approved_party(make_registration, "Verde Logistic SRL")
            world = World(load_pact("ilfov").id, official, lead, other, other)
            commitment = published(world)
            for n in range(2):
                evidence = Evidence(f"r{n}.pdf", PDF + bytes([n]) * 1000)
                report(lead.person, world.pact, commitment, n, evidence=evidence)
        finally:
            db.session.remove()


@pytest.fixture
def source(
    tmp_path: Path,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
) -> Iterator[Flask]:
    app = migrated_app(f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path / "ev1")
    fill(app, make_staff, make_registration)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def archive(source: Flask, tmp_path: Path) -> Path:
    path = tmp_path / "backup.tar.gz"
    result = run(source, "backup", "--output", str(path))
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["evidence_files"] == 2
    assert printed["tables"]["progress_report"] == 2
    return path


def test_a_backup_restored_into_a_new_instance_brings_back_every_row_and_file(
    source: Flask, archive: Path, tmp_path: Path
):
    target = bare_app(f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path / "ev2")

    result = run(target, "restore", "--input", str(archive))

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["at_head"] is True
    assert rows(target) == rows(source)
    assert files(tmp_path / "ev2") == files(tmp_path / "ev1")
    assert len(files(tmp_path / "ev2")) == 2


def test_the_archive_holds_the_database_the_evidence_and_a_manifest(
    archive: Path, tmp_path: Path
):
    with tarfile.open(archive, "r:gz") as tar:
        names = sorted(tar.getnames())
        content = tar.extractfile("manifest.json")
        assert content is not None
        manifest = json.loads(content.read())
    evidence = sorted(f"evidence/{name}" for name in files(tmp_path / "ev1"))
    assert names == sorted(
        ["evidence", "greenpact.sqlite3", "manifest.json", *evidence]
    )
    assert manifest["format"] == 1
    assert manifest["database"] == "sqlite"
    assert manifest["schema_revision"]
    assert manifest["created_at"]
    assert set(manifest["evidence"]) == set(files(tmp_path / "ev1"))


def test_restore_replaces_a_database_that_holds_data_only_with_yes(
    source: Flask, archive: Path, tmp_path: Path
):
    before = rows(source)
    with source.app_context():
        db.session.execute(db.text("DELETE FROM progress_report"))
        db.session.commit()
        db.session.remove()

    refused = run(source, "restore", "--input", str(archive))
    assert refused.exit_code == 1
    assert "holds data" in refused.output
    assert rows(source)["progress_report"] == {}, "nothing was touched"

    replaced = run(source, "restore", "--input", str(archive), "--yes")
    assert replaced.exit_code == 0, replaced.output
    assert rows(source) == before


def rewrite(archive: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of the archive with each member's bytes passed through `change`
    (None drops the member)."""
    changed = archive.with_name("changed.tar.gz")
    with tarfile.open(archive, "r:gz") as old, tarfile.open(changed, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member)
            if data is None:
                new.addfile(member)
                continue
            content = change(member.name, data.read())
            if content is not None:
                member.size = len(content)
                new.addfile(member, io.BytesIO(content))
    return changed


def add_member(archive: Path, name: str, content: bytes) -> Path:
    changed = rewrite(archive, lambda _name, data: data)
    with tarfile.open(changed, "r:gz") as tar:
        members = [(m, tar.extractfile(m)) for m in tar.getmembers()]
        kept = [(m, f.read() if f else None) for m, f in members]
    with tarfile.open(changed, "w:gz") as tar:
        for member, data in kept:
            tar.addfile(member, io.BytesIO(data) if data is not None else None)
        extra = tarfile.TarInfo(name)
        extra.size = len(content)
        tar.addfile(extra, io.BytesIO(content))
    return changed


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda archive: rewrite(
                archive,
                lambda name, data: (
                    data + b"x" if name.startswith("evidence/") else data
                ),
            ),
            "does not match the manifest",
        ),
        (
            lambda archive: rewrite(
                archive,
                lambda name, data: None if name.startswith("evidence/") else data,
            ),
            "missing or does not match",
        ),
        (
            lambda archive: rewrite(
                archive, lambda name, data: None if name == "manifest.json" else data
            ),
            "no readable manifest",
        ),
        (
            lambda archive: add_member(archive, "../../escaped", b"x"),
            "unexpected member",
        ),
    ],
    ids=["changed-file", "missing-file", "no-manifest", "path-outside"],
)
def test_an_archive_that_does_not_match_its_manifest_is_refused_and_nothing_changes(
    archive: Path,
    tmp_path: Path,
    damage: Callable[[Path], Path],
    message: str,
):
    target = bare_app(f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path / "ev2")

    result = run(target, "restore", "--input", str(damage(archive)))

    assert result.exit_code == 1
    assert message in result.output
    assert files(tmp_path / "ev2") == {}
    assert not (tmp_path.parent / "escaped").exists()
    assert tables_in(target) == []


def tables_in(app: Flask) -> list[str]:
    with app.app_context():
        try:
            return list(inspect(db.engine).get_table_names())
        finally:
            db.engine.dispose()


def test_backup_never_overwrites_an_existing_file(source: Flask, tmp_path: Path):
    existing = tmp_path / "precious.tar.gz"
    existing.write_bytes(b"keep me")
    result = run(source, "backup", "--output", str(existing))
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert existing.read_bytes() == b"keep me"


def test_postgresql_is_backed_up_with_pg_dump_and_restored_with_pg_restore(
    postgres_url: str,
    tmp_path: Path,
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
):
    source = migrated_app(postgres_url, tmp_path / "ev1")
    fill(source, make_staff, make_registration)
    archive = tmp_path / "pg.tar.gz"
    made = run(source, "backup", "--output", str(archive))
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["database"] == "postgresql"

    with throwaway_postgres_database() as other:
        target = migrated_app(other, tmp_path / "ev2")  # as after `init-db`
        result = run(target, "restore", "--input", str(archive))
        assert result.exit_code == 0, result.output
        assert rows(target) == rows(source)
        assert files(tmp_path / "ev2") == files(tmp_path / "ev1")
    with source.app_context():
        db.engine.dispose()


def test_without_pg_dump_the_backup_says_what_to_run(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("pacts.backups.shutil.which", lambda _name: None)
    app = migrated_app(postgres_url, tmp_path / "ev")
    result = run(app, "backup", "--output", str(tmp_path / "pg.tar.gz"))
    assert result.exit_code == 1
    assert "pg_dump --format=custom" in result.output
    assert not (tmp_path / "pg.tar.gz").exists()
