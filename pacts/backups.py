"""Backups of an instance (`backup`, `restore`): one `.tar.gz` archive holding the
database, the evidence files and a manifest.

SQLite: the database is copied with SQLite's online backup API in one step, a
consistent snapshot taken while the app keeps serving and writing (WAL readers never
block the writer). The evidence files are copied after the snapshot, so every file
the copied database names is in the archive (a file is written before the report
that names it commits). PostgreSQL: `pg_dump --format=custom` makes the snapshot.
The manifest records the format, when, the database kind, the schema revision, the
rows of each table (SQLite), and the size and SHA-256 of every member.

`restore` checks the archive against its manifest (every member present, nothing
else, checksums, `PRAGMA integrity_check`, a schema revision this code knows),
refuses to overwrite a database that holds data unless told to, then copies the
database in (SQLite's backup API again, or `pg_restore`) and puts the evidence files
back."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url

from core.time import utcnow
from extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "greenpact.sqlite3"
PGDUMP_MEMBER = "greenpact.pgdump"
EVIDENCE = "evidence"
# Evidence files are stored under random hex names; nothing else is restored.
_EVIDENCE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}")
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or the restore cannot proceed; the message says why."""


# --- backup --------------------------------------------------------------------------


def backup_instance(output: Path) -> dict[str, Any]:
    """Write the archive to `output` (which must not exist yet); its manifest."""
    if output.exists():
        raise BackupError(f"{output} exists already; choose a new file")
    output.parent.mkdir(parents=True, exist_ok=True)
    url = _database_url()
    with tempfile.TemporaryDirectory(dir=output.parent) as staging:
        folder = Path(staging)
        if url.get_backend_name() == "sqlite":
            database = _snapshot_sqlite(_sqlite_path(url), folder / SQLITE_MEMBER)
        else:
            database = _dump_postgres(url, folder / PGDUMP_MEMBER)
        manifest = {
            "format": FORMAT,
            "created_at": utcnow().isoformat(),
            **database,
            "evidence": _copy_evidence(_evidence_folder(), folder / EVIDENCE),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        partial = folder / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            for member in sorted(folder.iterdir()):
                if member != partial:
                    archive.add(member, arcname=member.name)
        # Complete or absent: never a half-written archive under the asked name.
        os.replace(partial, output)
    return manifest


def _snapshot_sqlite(source: Path, copy: Path) -> dict[str, Any]:
    if not source.is_file():
        raise BackupError(f"there is no SQLite database at {source}")
    with closing(sqlite3.connect(source, timeout=30)) as live:
        with closing(sqlite3.connect(copy)) as target:
            # pages=-1: the whole database in one step, under one read snapshot.
            live.backup(target, pages=-1)
    _check_integrity(copy)
    with closing(sqlite3.connect(copy)) as connection:
        return {
            "database": "sqlite",
            "database_file": {"name": SQLITE_MEMBER, **_digest(copy)},
            "schema_revision": _sqlite_revision(connection),
            "tables": _sqlite_counts(connection),
        }


def _dump_postgres(url: URL, dump: Path) -> dict[str, Any]:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "the database is PostgreSQL and pg_dump is not installed: back it up "
            "with `pg_dump --format=custom --file=greenpact.pgdump` (see "
            "deploy/README.md) and copy EVIDENCE_FOLDER beside it"
        )
    with db.engine.connect() as connection:
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    _run([pg_dump, "--format=custom", "--no-owner", f"--file={dump}"], url)
    return {
        "database": "postgresql",
        "database_file": {"name": PGDUMP_MEMBER, **_digest(dump)},
        "schema_revision": revision,
    }


def _copy_evidence(source: Path, target: Path) -> dict[str, dict[str, Any]]:
    target.mkdir()
    copied: dict[str, dict[str, Any]] = {}
    if not source.is_dir():
        return copied
    for path in sorted(source.iterdir()):
        if path.is_file() and _EVIDENCE_NAME.fullmatch(path.name):
            shutil.copyfile(path, target / path.name)
            copied[path.name] = _digest(target / path.name)
    return copied


# --- restore -------------------------------------------------------------------------


def restore_instance(archive: Path, overwrite: bool) -> dict[str, Any]:
    """Check the archive, then bring its database and evidence into this instance;
    what was restored."""
    url = _database_url()
    with tempfile.TemporaryDirectory() as staging:
        folder = Path(staging)
        manifest = _unpack(archive, folder)
        kind = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql"
        if manifest["database"] != kind:
            raise BackupError(
                f"the archive holds a {manifest['database']} database and this "
                f"instance uses {kind}"
            )
        revision = manifest["schema_revision"]
        head = _check_revision(revision)
        database = folder / manifest["database_file"]["name"]
        if kind == "sqlite":
            _check_integrity(database)
            with closing(sqlite3.connect(database)) as connection:
                if _sqlite_counts(connection) != manifest["tables"]:
                    raise BackupError("the database does not hold the rows counted")
        if _holds_data() and not overwrite:
            raise BackupError(
                "this instance's database holds data; run again with --yes to "
                "replace it with the backup"
            )
        db.session.remove()
        db.engine.dispose()
        if kind == "sqlite":
            _restore_sqlite(database, _sqlite_path(url))
        else:
            _restore_postgres(database, url)
        _put_back_evidence(folder / EVIDENCE, _evidence_folder())
    return {
        "database": kind,
        "schema_revision": revision,
        "at_head": revision == head,
        "tables": manifest.get("tables"),
        "evidence_files": len(manifest["evidence"]),
    }


def _unpack(archive: Path, folder: Path) -> dict[str, Any]:
    """Extract the expected members only, each checked against the manifest."""
    if not archive.is_file():
        raise BackupError(f"there is no archive at {archive}")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = _read_manifest(tar)
            expected = _expected_members(manifest)
            for member in tar.getmembers():
                if member.name in (MANIFEST, EVIDENCE):
                    continue
                if member.name not in expected or not member.isfile():
                    raise BackupError(f"unexpected member {member.name!r}")
                _extract(tar, member, folder / member.name)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"cannot read {archive.name}: {exc}") from None
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file() or _digest(path) != digest:
            raise BackupError(f"{name} is missing or does not match the manifest")
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        content = tar.extractfile(member)
        manifest = json.loads(content.read() if content else b"")
    except (KeyError, ValueError):
        raise BackupError("the archive has no readable manifest") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("the archive is not a GreenPact backup of a known format")
    return manifest


def _expected_members(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    database = manifest["database_file"]
    expected = {
        database["name"]: {"size": database["size"], "sha256": database["sha256"]}
    }
    if database["name"] not in (SQLITE_MEMBER, PGDUMP_MEMBER):
        raise BackupError("the manifest names an unexpected database file")
    for name, digest in manifest["evidence"].items():
        if not _EVIDENCE_NAME.fullmatch(name):
            raise BackupError(f"the manifest names an unexpected file {name!r}")
        expected[f"{EVIDENCE}/{name}"] = digest
    return expected


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, path: Path) -> None:
    source = tar.extractfile(member)
    if source is None:
        raise BackupError(f"cannot read {member.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with source, path.open("wb") as target:
        shutil.copyfileobj(source, target, _CHUNK)


def _check_revision(revision: str | None) -> str | None:
    """The head revision of this code's migrations; the archive's must be known."""
    config = current_app.extensions["migrate"].migrate.get_config()
    scripts = ScriptDirectory.from_config(config)
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"the archive's schema revision {revision!r} is unknown to this version "
            "of GreenPact (a newer one made it?)"
        )
    return scripts.get_current_head()


def _holds_data() -> bool:
    """Whether any table but Alembic's own has a row."""
    with db.engine.connect() as connection:
        names = inspect(connection).get_table_names()
        return any(
            connection.scalar(select(func.count()).select_from(table(name)))
            for name in names
            if name != "alembic_version"
        )


def _restore_sqlite(copy: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(copy)) as source:
        with closing(sqlite3.connect(target, timeout=30)) as live:
            source.backup(live, pages=-1)
    _check_integrity(target)


def _restore_postgres(dump: Path, url: URL) -> None:
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise BackupError("pg_restore is not installed")
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={url.database}",
            str(dump),
        ],
        url,
    )


def _put_back_evidence(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    if not source.is_dir():
        return
    for path in source.iterdir():
        partial = target / f".{path.name}.restoring"
        shutil.copyfile(path, partial)
        os.replace(partial, target / path.name)


# --- shared --------------------------------------------------------------------------


def _database_url() -> URL:
    url = make_url(str(current_app.config["SQLALCHEMY_DATABASE_URI"]))
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {url.get_backend_name()} database")
    return url


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory: there is nothing to back up")
    return Path(url.database)


def _evidence_folder() -> Path:
    folder = str(current_app.config["EVIDENCE_FOLDER"])
    if not folder:
        raise BackupError("EVIDENCE_FOLDER is not configured")
    return Path(folder)


def _check_integrity(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise BackupError(f"the SQLite integrity check failed: {result[:3]}")


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return str(row[0]) if row else None


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        str(row[0])
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {
        name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # noqa: S608 - names from sqlite_master
        for name in names
    }


def _digest(path: Path) -> dict[str, Any]:
    sha = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            sha.update(chunk)
    return {"size": path.stat().st_size, "sha256": sha.hexdigest()}


def _run(command: list[str], url: URL) -> None:
    """A PostgreSQL client program, its connection in the environment (libpq's
    PG* variables): the password never shows in the process list."""
    settings = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    env = {**os.environ, **{k: v for k, v in settings.items() if v}}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - a fixed program, no shell
    if done.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed: {done.stderr.strip()[-500:]}"
        )
