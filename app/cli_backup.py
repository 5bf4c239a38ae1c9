"""CLI: `flask --app wsgi backup create|list|restore` (app/services/backup.py). Exit status 2 with a message when
a backup or restore cannot be done."""
import sqlite3
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .extensions import db
from .services import backup

backup_cli = AppGroup("backup", help="Back up and restore the database and the attachments.")


def _destination(dest):
    folder = dest or current_app.config.get("BACKUP_DIR")
    if not folder:
        _fail("give --dest DIR or set BACKUP_DIR")
    return Path(folder)


def _fail(message):
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@backup_cli.command("create")
@click.option("--dest", type=click.Path(file_okay=False), help="Directory for the archive (default: BACKUP_DIR).")
@click.option("--keep", type=click.IntRange(min=0), default=None,
              help="Then delete all but the newest N archives there (default: BACKUP_KEEP; 0 keeps all).")
def create(dest, keep):
    """Write hazards-backup-<time>.tar.gz: the database (a consistent copy) and the attachments."""
    folder = _destination(dest)
    db.session.remove()
    try:
        path = backup.create(db.engine, current_app.config["UPLOAD_DIR"], folder)
    except (backup.BackupError, OSError, sqlite3.Error) as exc:  # a full disk, a read-only directory …
        _fail(str(exc))
    manifest = backup.read_manifest(path)
    click.echo(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MB): {manifest['counts']['hazard_case']} cases, "
               f"{manifest['uploads']} attachment files, schema {manifest['revision']}")
    keep = current_app.config["BACKUP_KEEP"] if keep is None else keep
    if keep:
        for old in backup.prune(folder, keep):
            click.echo(f"deleted {old}")


@backup_cli.command("list")
@click.option("--dest", type=click.Path(file_okay=False), help="Directory of the archives (default: BACKUP_DIR).")
def list_archives(dest):
    """The archives in the directory, oldest first, with what each holds."""
    for path in backup.archives_in(_destination(dest)):
        try:
            manifest = backup.read_manifest(path)
        except backup.BackupError as exc:
            click.echo(f"{path.name}  unreadable: {exc}")
            continue
        click.echo(f"{path.name}  {manifest['database']}  {manifest['counts']['hazard_case']} cases  "
                   f"{manifest['uploads']} files  {path.stat().st_size / 2**20:.1f} MB")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Confirm: the database is replaced by the archive's.")
def restore(archive, yes):
    """Replace the database with ARCHIVE's and put its attachments back. Stop the web app and the scheduler
    first."""
    try:
        manifest = backup.read_manifest(archive)
    except backup.BackupError as exc:
        _fail(str(exc))
    if not yes:
        _fail(f"this replaces the whole database with the archive of {manifest['created_at']} "
              f"({manifest['counts']['hazard_case']} cases); stop the web app and the scheduler, then add --yes")
    db.session.remove()
    try:
        backup.restore(db.engine, current_app.config["UPLOAD_DIR"], archive)
    except (backup.BackupError, OSError, sqlite3.Error) as exc:
        _fail(str(exc))
    click.echo(f"restored the backup of {manifest['created_at']}: {manifest['counts']['hazard_case']} cases, "
               f"{manifest['uploads']} attachment files; run `flask --app wsgi db upgrade` if the code is newer "
               f"than schema {manifest['revision']}")
