"""`flask --app wsgi checklists load [FILE...]`: load the standard inspection checklists (app/data/checklists/*.json
without FILEs) or the given files, idempotently by code (services/checklist_load.py)."""
import sys

import click
from flask.cli import AppGroup

from .cli_sla import ShellOperator
from .errors import ValidationFailed
from .services import checklist_load
from .services.uow import UnitOfWork

checklists_cli = AppGroup("checklists", help="The standard inspection checklists (标准化检查表).")


@checklists_cli.command("load")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def load(files):
    """Add or update the checklists of FILES (default: the shipped standard lists); items dropped from a file are
    deactivated. Takes effect at once; each list changed is archived as a new version approved by the file load.
    Exit status 0: loaded; 1: a file's content is wrong (each problem listed, nothing loaded);
    2: a file cannot be read."""
    paths = list(files) or checklist_load.standard_files()
    try:
        specs = checklist_load.read_files(paths)
        with UnitOfWork() as uow:
            counts = checklist_load.load(uow, ShellOperator(), specs)
            uow.commit()
    except checklist_load.ChecklistFileError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    except ValidationFailed as exc:
        click.echo("error: the checklist files have errors, nothing was loaded:", err=True)
        for where, message in exc.fields.items():
            click.echo(f"  {where}: {message}", err=True)
        sys.exit(1)
    items = sum(len(s["items"]) for s in specs)
    click.echo(f"{len(specs)} checklists, {items} items: {counts['lists_added']} lists added, "
               f"{counts['added']} items added, {counts['updated']} updated, {counts['deactivated']} deactivated")
    # A load takes effect at once (no technical lead's review): each list it changed is archived as a new version
    # signed by the file load, which the operator should know they have just put their name to.
    if counts["versions"]:
        click.echo("new versions archived, approved by the file load (no technical lead's review): " +
                   ", ".join(f"{code} v{number}" for code, number in counts["versions"].items()))
    else:
        click.echo("no list changed: no new version")
