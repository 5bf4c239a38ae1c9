"""CLI for operators: `flask --app wsgi timers run-due`, `flask --app wsgi calendar ...`."""
import getpass
import json
import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from .clock import SHANGHAI, clock
from .errors import DomainError
from .services import calendar_admin, timers
from .services.calendar import add_workdays
from .services.uow import UnitOfWork

timers_cli = AppGroup("timers", help="Fire due timers.")
calendar_cli = AppGroup("calendar", help="The working-day calendar.")


class ShellOperator:
    """Whoever runs a CLI command on the server is trusted like an administrator; audit names them."""

    id = None

    def __init__(self):
        self.username = f"cli:{getpass.getuser()}"

    def has_role(self, *codes):
        return True


def _fail(message, code=2):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@timers_cli.command("run-due")
@click.option("--now", "now_text", help="Sweep as if at this moment (needs ALLOW_CLOCK_OVERRIDE=1).")
def run_due(now_text):
    """Run one sweep of due timers and print what fired."""
    if now_text:
        if not current_app.config["ALLOW_CLOCK_OVERRIDE"]:
            _fail("--now is refused: set ALLOW_CLOCK_OVERRIDE=1 (drills, training, acceptance tests only)")
        try:
            moment = datetime.fromisoformat(now_text)
        except ValueError:
            _fail(f"--now: not an ISO 8601 date-time: {now_text}")
        if moment.tzinfo is None:
            _fail("--now needs a time zone, e.g. 2026-12-03T09:00:00+08:00")
        clock.set(moment)
    try:
        with UnitOfWork() as uow:
            fired, failures = timers.fire_due_timers(uow)
            uow.commit()
    finally:
        if now_text:
            clock.reset()
    for timer in fired:
        click.echo(f"fired {timer.case_code} {timer.bpmn_id} {timer.name} "
                   f"(due {timer.due_at.astimezone(SHANGHAI).isoformat()})")
    for case_id, error in failures:
        click.echo(f"incident case {case_id}: {error}", err=True)
    click.echo(f"{len(fired)} timer(s) fired, {len(failures)} incident(s)")
    if failures:
        sys.exit(1)


@calendar_cli.command("add-workdays")
@click.argument("start")
@click.argument("days", type=int)
def add_workdays_command(start, days):
    """Print the date DAYS working days after START (YYYY-MM-DD or an ISO date-time)."""
    try:
        deadline = add_workdays(calendar_admin.parse_moment(start), days)
    except DomainError as exc:
        _fail(exc.message)
    text = deadline.moment.date().isoformat() if len(start) == 10 else deadline.moment.isoformat()
    click.echo(f"{text} (provisional: no official schedule for that year yet)" if deadline.provisional else text)


@calendar_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Load a year's official schedule (JSON: year, source, holidays[], workdays[])."""
    try:
        with open(path, encoding="utf-8") as handle:
            payload = json.load(handle)
    except (OSError, json.JSONDecodeError) as exc:
        _fail(f"{path}: {exc}")
    try:
        with UnitOfWork() as uow:
            year, recomputed = calendar_admin.import_year(uow, ShellOperator(), payload)
            uow.commit()
    except DomainError as exc:
        _fail(f"{exc.message} {exc.fields or ''}")
    click.echo(f"imported {year}; recomputed provisional deadlines of {len(recomputed)} case(s)")
    for code, mapping in recomputed:
        for old, new in mapping.items():
            click.echo(f"  {code}: {old} -> {new}")


@calendar_cli.command("missing")
def missing_command():
    """List years that deadlines reach into without an official schedule."""
    from .extensions import db
    years = calendar_admin.missing_years(db.session)
    click.echo(", ".join(map(str, years)) if years else "no missing years")
