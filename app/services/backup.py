"""Backups of everything the system keeps: the database and the uploaded attachments, in one archive.

`hazards-backup-YYYYMMDD-HHMMSS.tar.gz` holds `manifest.json` (when, which database, the schema revision, row
counts), the database — SQLite: a consistent copy taken with SQLite's online backup API (safe while the web app and
the scheduler write; copying the file itself could catch a half-written WAL), checked with `PRAGMA
integrity_check`; PostgreSQL: `pg_dump --format=custom` of the schema in use (app/services/backup_pg.py) — and
`uploads/`, the attachments. A standard `tar xzf` opens it.

Restoring replaces the database with the archive's and puts the attachments back (files added since stay); the
web app and the scheduler must be stopped meanwhile. The scheduler makes one a day when BACKUP_DIR is set
(`scheduler/jobs.py`) and keeps the newest BACKUP_KEEP.
"""
import io
import json
import re
import shutil
import sqlite3
import tarfile
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from ..clock import clock
from . import backup_pg

FORMAT = 1
PREFIX = "hazards-backup-"
_NAME = re.compile(rf"{PREFIX}(\d{{8}}-\d{{6}})\.tar\.gz")
COUNTED = ("hazard_case", "human_task", "audit_event", "attachment", "enterprise", "app_user")
SKIPPED_UPLOADS = ("imports",)  # import files waiting for confirmation are not data


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (shown by the CLI, exit status 2)."""


def create(engine, upload_dir, destination):
    """Write a new archive into `destination` (created if missing); returns its path."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    moment = clock.local_now()
    path = destination / f"{PREFIX}{moment:%Y%m%d-%H%M%S}.tar.gz"
    if path.exists():
        raise BackupError(f"{path} exists already")
    manifest = {"format": FORMAT, "created_at": moment.isoformat(timespec="seconds"),
                "database": engine.dialect.name, "revision": _revision(engine), "counts": _counts(engine)}
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / ("database.sqlite3" if engine.dialect.name == "sqlite" else "database.pgdump")
        if engine.dialect.name == "sqlite":
            _copy_sqlite(engine, database)
        else:
            manifest["schema"] = backup_pg.current_schema(engine)
            backup_pg.dump(engine, database, BackupError)
        partial = path.with_suffix(".partial")
        try:
            with tarfile.open(partial, "w:gz", compresslevel=1) as archive:  # photos do not compress anyway
                manifest["uploads"] = _add_uploads(archive, Path(upload_dir))
                archive.add(database, arcname=database.name)
                _add_bytes(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            partial.rename(path)  # a reader never sees a half-written archive under the final name
        finally:
            partial.unlink(missing_ok=True)
    return path


def read_manifest(path):
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile("manifest.json")
            manifest = json.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"{path} is not a backup archive of this system ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    return manifest


def restore(engine, upload_dir, path):
    """Replace the database with the archive's and restore its attachments. Returns the manifest."""
    manifest = read_manifest(path)
    if manifest["database"] != engine.dialect.name:
        raise BackupError(f"the archive holds a {manifest['database']} database; this installation uses "
                          f"{engine.dialect.name}")
    with tempfile.TemporaryDirectory() as work:
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(work, filter="data")  # "data": no absolute paths, links or .. escaping `work`
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(f"{path} cannot be unpacked ({exc}); nothing was restored") from exc
        database = Path(work) / ("database.sqlite3" if engine.dialect.name == "sqlite" else "database.pgdump")
        if not database.is_file():
            raise BackupError(f"{path} holds no database; nothing was restored")
        engine.dispose()  # no pooled connection may keep the old database open
        if engine.dialect.name == "sqlite":
            _restore_sqlite(engine, database)
        else:
            backup_pg.restore(engine, database, manifest.get("schema"), BackupError)
        uploads = Path(work) / "uploads"
        if uploads.is_dir():
            shutil.copytree(uploads, upload_dir, dirs_exist_ok=True)
    return manifest


def prune(destination, keep):
    """Delete all but the newest `keep` archives in `destination` (0 or less: keep all); returns the deleted
    paths."""
    if keep <= 0:
        return []
    archives = archives_in(destination)
    doomed = archives[:-keep]
    for old in doomed:
        old.unlink()
    return doomed


def archives_in(destination):
    """This system's archives in `destination`, oldest first (by the time in their names)."""
    folder = Path(destination)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if _NAME.fullmatch(p.name)), key=lambda p: p.name)


def is_due(destination, every=timedelta(days=1), check_interval=timedelta(hours=1)):
    """Whether the newest archive in `destination` is about `every` old (or there is none). Checked every
    `check_interval`, an archive within that much of `every` counts as due, so that the daily backup keeps its
    hour instead of creeping an hour later each day."""
    archives = archives_in(destination)
    if not archives:
        return True
    taken = datetime.strptime(_NAME.fullmatch(archives[-1].name).group(1), "%Y%m%d-%H%M%S")
    return clock.local_now().replace(tzinfo=None) - taken >= every - check_interval


# ---- the database -------------------------------------------------------------------------------------------
def _revision(engine):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _counts(engine):
    with engine.connect() as conn:
        return {table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() for table in COUNTED}


def _sqlite_file(engine):
    name = engine.url.database
    if not name or name == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(name)


def _copy_sqlite(engine, target):
    source = sqlite3.connect(_sqlite_file(engine))
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # a consistent snapshot even while other connections write
        problems = copy.execute("PRAGMA integrity_check").fetchall()
        if problems != [("ok",)]:
            raise BackupError(f"the copied database fails its integrity check: {problems[:5]}")
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
    finally:
        copy.close()
        source.close()


def _restore_sqlite(engine, copy):
    target = _sqlite_file(engine)
    target.parent.mkdir(parents=True, exist_ok=True)
    source, destination = sqlite3.connect(copy), sqlite3.connect(target)
    try:
        # Through the backup API into the live file (not a file replace): the WAL and shared-memory files stay
        # consistent with it, and a process that still held the old file would see the new pages, not a ghost.
        source.backup(destination)
    finally:
        destination.close()
        source.close()


# ---- the attachments ----------------------------------------------------------------------------------------
def _add_uploads(archive, upload_dir):
    count = 0
    if not upload_dir.is_dir():
        return count
    for path in sorted(upload_dir.rglob("*")):
        relative = path.relative_to(upload_dir)
        if path.is_file() and relative.parts[0] not in SKIPPED_UPLOADS:
            archive.add(path, arcname=str(Path("uploads") / relative), recursive=False)
            count += 1
    return count


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(clock.now().timestamp())
    archive.addfile(info, io.BytesIO(data))
