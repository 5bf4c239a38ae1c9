"""`flask --app wsgi cooperation score [--month YYYY-MM]`: score every enterprise's cooperation for a month (default:
the previous month), replacing the month's scores (services/cooperation.py)."""
import sys

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from .cli_sla import ShellOperator
from .clock import clock
from .errors import ValidationFailed
from .services import cooperation
from .services.uow import UnitOfWork

cooperation_cli = AppGroup("cooperation", help="Monthly enterprise cooperation scores (企业配合情况综合评分).")


@cooperation_cli.command("score")
@click.option("--month", "month_text", help="The month to score, YYYY-MM (default: the previous month).")
def score(month_text):
    """Score every enterprise on the register for the month and rank them; the month's earlier scores are replaced.
    Exit status 0: scored; 2: the month is not YYYY-MM or has not ended; 1: scored by someone else at the same time
    (run it again)."""
    today = clock.local_now().date()
    try:
        month = cooperation.parse_month(month_text) if month_text else cooperation.previous_month(today)
    except ValidationFailed as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    if month > cooperation.previous_month(today):
        click.echo(f"error: {month:%Y-%m} has not ended yet; a month is scored once it is over", err=True)
        sys.exit(2)
    try:
        with UnitOfWork() as uow:
            rows = cooperation.score_month(uow, month, ShellOperator())
            flagged = len(cooperation.supervision_list(uow.session, month))
            uow.commit()
    except IntegrityError:
        click.echo(f"error: {month:%Y-%m} was being scored at the same time elsewhere; run the command again",
                   err=True)
        sys.exit(1)
    counts = cooperation.class_counts(rows)
    click.echo(f"{month:%Y-%m}: {len(rows)} enterprises scored, A {counts['A']}, B {counts['B']}, C {counts['C']}; "
               f"{flagged} for special supervision (class C two months running)")
