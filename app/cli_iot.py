"""`flask --app wsgi iot prune [--keep-days N]`: roll up the IoT readings per day and delete those past the retention
limit, as the scheduler does every night (services/iot_retention.py)."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .errors import ValidationFailed
from .services import iot_retention

iot_cli = AppGroup("iot", help="IoT monitoring (物联网监测): readings' retention.")


@iot_cli.command("prune")
@click.option("--keep-days", type=int, help="Full days of readings to keep before today (default: "
              "IOT_READINGS_KEEP_DAYS, 90).")
def prune(keep_days):
    """Roll up the readings per device, parameter and Shanghai day, make the days past the limit final and delete
    their readings in chunks; print what was done. Exit status 0: done (also when there was nothing to do); 2: the
    number of days is not a whole number from 31 to 3650."""
    keep_days = current_app.config["IOT_READINGS_KEEP_DAYS"] if keep_days is None else keep_days
    try:
        iot_retention.check_keep_days(keep_days)
    except ValidationFailed as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    outcome = iot_retention.roll_up_and_prune(keep_days)
    click.echo(outcome.summary())
