"""Backups (app/services/backup.py, `flask --app wsgi backup ...`, the scheduler's daily job): an archive of the
database (SQLite through its online backup API, PostgreSQL through pg_dump — whichever the suite runs on) and
the attachments, restored over a changed database."""
import io
import json
import os
import shutil
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.clock import clock
from app.extensions import db
from app.models import Enterprise, HazardCase, SchedulerHeartbeat
from app.services import attachments, backup
from app.services.demo import PNG_1X1
from app.services.uow import UnitOfWork
from scheduler import jobs
from test_lifecycle_service import register

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")
needs_pg_tools = pytest.mark.skipif(ON_POSTGRES and shutil.which("pg_dump") is None,
                                    reason="pg_dump is not installed (apt-get install postgresql-client)")


@pytest.fixture
def backup_dir(tmp_path):
    return tmp_path / "backups"


@pytest.fixture
def backups_on(app, backup_dir):
    app.config.update(BACKUP_DIR=str(backup_dir), BACKUP_KEEP=2)
    yield backup_dir
    app.config.update(BACKUP_DIR=None, BACKUP_KEEP=14)


def archive_names(path):
    with tarfile.open(path, "r:gz") as archive:
        return archive.getnames()


@needs_pg_tools
def test_create_then_restore_brings_back_the_cases_and_their_photos(app, people, backup_dir):
    first = register(people)
    with UnitOfWork() as uow:
        photo = attachments.store_upload(uow, people.inspector, "p.png", io.BytesIO(PNG_1X1),
                                         app.config["UPLOAD_DIR"], 100_000)
        uow.commit()
    photo_file = Path(app.config["UPLOAD_DIR"]) / photo.stored_name
    db.session.remove()
    path = backup.create(db.engine, app.config["UPLOAD_DIR"], backup_dir)

    manifest = backup.read_manifest(path)
    assert manifest["database"] == db.engine.dialect.name and manifest["counts"]["hazard_case"] == 1
    assert manifest["revision"] and manifest["uploads"] >= 1
    names = archive_names(path)
    assert "manifest.json" in names and f"uploads/{photo.stored_name}" in names
    assert ("database.sqlite3" if db.engine.dialect.name == "sqlite" else "database.pgdump") in names

    register(people)  # after the backup: gone again once it is restored
    photo_file.unlink()
    db.session.remove()
    backup.restore(db.engine, app.config["UPLOAD_DIR"], path)
    assert [c.id for c in db.session.query(HazardCase)] == [first]
    assert photo_file.is_file()


def test_cli_create_list_restore_and_their_refusals(app, people, backup_dir, tmp_path):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["backup", "create"])
    assert missing.exit_code == 2 and "BACKUP_DIR" in missing.output
    if ON_POSTGRES and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    created = runner.invoke(args=["backup", "create", "--dest", str(backup_dir)])
    assert created.exit_code == 0, created.output
    path = backup.archives_in(backup_dir)[-1]
    assert str(path) in created.output
    assert path.name in runner.invoke(args=["backup", "list", "--dest", str(backup_dir)]).output

    unconfirmed = runner.invoke(args=["backup", "restore", str(path)])
    assert unconfirmed.exit_code == 2 and "--yes" in unconfirmed.output
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    refused = runner.invoke(args=["backup", "restore", str(junk), "--yes"])
    assert refused.exit_code == 2 and "not a backup archive" in refused.output
    done = runner.invoke(args=["backup", "restore", str(path), "--yes"])
    assert done.exit_code == 0 and "restored the backup" in done.output


def test_an_archive_escaping_its_directory_or_of_another_database_is_refused(app, tmp_path):
    evil = tmp_path / "hazards-backup-20261130-010000.tar.gz"
    manifest = json.dumps({"format": backup.FORMAT, "database": db.engine.dialect.name, "counts": {}}).encode()
    with tarfile.open(evil, "w:gz") as archive:
        for name, data in (("manifest.json", manifest), ("../../escaped.txt", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    with pytest.raises(backup.BackupError, match="cannot be unpacked"):
        backup.restore(db.engine, app.config["UPLOAD_DIR"], evil)
    assert not (tmp_path.parent / "escaped.txt").exists()

    other = tmp_path / "other.tar.gz"
    manifest = json.dumps({"format": backup.FORMAT, "database": "oracle", "counts": {}}).encode()
    with tarfile.open(other, "w:gz") as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    with pytest.raises(backup.BackupError, match="oracle"):
        backup.restore(db.engine, app.config["UPLOAD_DIR"], other)


@needs_pg_tools
def test_the_scheduler_backs_up_once_a_day_keeps_the_newest_and_reports_on_healthz(app, people, client, backups_on):
    assert client.get("/healthz").get_json()["backup"]["ok"] is False  # none yet: degraded until the first
    assert "backup_database" in [job["id"] for job in jobs.job_table(app.config)]
    start = clock.now()
    try:
        written = [jobs.backup_database()]
        clock.set(start + timedelta(hours=1))
        assert jobs.backup_database() is None  # not due yet
        for day in (1, 2):  # checked hourly, a backup 23 h 30 min old is due: the hour of day stays put
            clock.set(start + timedelta(days=day, minutes=-30))
            written.append(jobs.backup_database())
    finally:
        clock.set(start)
    assert all(written) and [p.name for p in backup.archives_in(backups_on)] == [p.name for p in written[1:]]
    beat = db.session.get(SchedulerHeartbeat, "backup_database")
    assert beat.ok and written[-1].name in beat.message
    health = client.get("/healthz").get_json()
    assert health["backup"]["ok"] is True and health["status"] in ("ok", "degraded")


def test_a_failing_backup_is_reported_not_raised(app, people, client, backups_on):
    backups_on.parent.mkdir(parents=True, exist_ok=True)
    backups_on.write_text("a file where the directory should be")
    assert jobs.backup_database() is None
    db.session.expire_all()
    beat = db.session.get(SchedulerHeartbeat, "backup_database")
    assert not beat.ok and beat.message.startswith("backup failed")
    health = client.get("/healthz").get_json()
    assert health["backup"] == {"ok": False, "last_check_at": health["backup"]["last_check_at"],
                                "message": "the last backup failed"}  # the details are for the admin page only
    assert health["status"] == "degraded"


def test_without_backup_dir_there_is_no_backup_job_or_finding(app, client, people):
    assert "backup_database" not in [job["id"] for job in jobs.job_table(app.config)]
    assert "backup" not in client.get("/healthz").get_json()


def test_keep_zero_keeps_every_archive(app, people, backups_on):
    app.config["BACKUP_KEEP"] = 0
    start = clock.now()
    try:
        for day in range(3):
            clock.set(start + timedelta(days=day))
            assert jobs.backup_database() is not None
    finally:
        clock.set(start)
    assert len(backup.archives_in(backups_on)) == 3
    assert backup.prune(backups_on, 0) == [] and backup.prune(backups_on, -1) == []
    newest = backup.archives_in(backups_on)[-1]
    assert len(backup.prune(backups_on, 1)) == 2 and backup.archives_in(backups_on) == [newest]


def test_cli_create_into_an_unusable_directory_is_a_message_not_a_traceback(app, people, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = app.test_cli_runner().invoke(args=["backup", "create", "--dest", str(blocker / "sub")])
    assert result.exit_code == 2 and result.output.startswith("error:")
    negative = app.test_cli_runner().invoke(args=["backup", "create", "--dest", str(tmp_path), "--keep", "-1"])
    assert negative.exit_code == 2 and not backup.archives_in(tmp_path)


@needs_pg_tools
def test_restoring_a_backup_from_before_an_upgrade_drops_what_the_upgrade_added(app, people, backup_dir):
    db.session.remove()
    path = backup.create(db.engine, app.config["UPLOAD_DIR"], backup_dir)
    with db.engine.begin() as conn:  # a later migration's table, pointing at a table the backup holds
        conn.execute(sa.text("CREATE TABLE later_table (id INTEGER PRIMARY KEY, "
                             "enterprise_id INTEGER REFERENCES enterprise (id))"))
        conn.execute(sa.text(f"INSERT INTO later_table VALUES (1, {people.enterprise_a.id})"))
    db.session.remove()
    backup.restore(db.engine, app.config["UPLOAD_DIR"], path)
    assert "later_table" not in sa.inspect(db.engine).get_table_names()
    assert db.session.query(Enterprise).count() == 2
