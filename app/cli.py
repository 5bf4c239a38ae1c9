"""Flask CLI commands: deploy the shipped diagrams, seed demo data."""
import sys

import click
from flask import current_app

from .errors import DomainError
from .services import processes
from .services.uow import UnitOfWork


def register(app):
    from .cli_backup import backup_cli
    from .cli_checklists import checklists_cli
    from .cli_cooperation import cooperation_cli
    from .cli_iot import iot_cli
    from .cli_sla import calendar_cli, timers_cli
    from .cli_users import accidents_cli, enterprises_cli, users_cli
    app.cli.add_command(deploy_processes)
    app.cli.add_command(seed_demo)
    app.cli.add_command(timers_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(enterprises_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(accidents_cli)
    app.cli.add_command(checklists_cli)
    app.cli.add_command(cooperation_cli)
    app.cli.add_command(iot_cli)


@click.command("deploy-processes")
@click.option("--comment", default="shipped diagrams", help="Comment recorded on the new version.")
def deploy_processes(comment):
    """Deploy bpmn/ and forms/ as a new process version (no-op when unchanged)."""
    try:
        with UnitOfWork() as uow:
            files, forms = processes.read_directory(current_app.config["BPMN_DIR"], current_app.config["FORMS_DIR"])
            version, created = processes.deploy(uow, files, forms, comment=comment)
            uow.commit()
    except DomainError as exc:
        click.echo(f"error: {exc.message} {exc.fields or ''}", err=True)
        sys.exit(2)
    click.echo(f"{'deployed' if created else 'unchanged'}: hazard_case version {version.version} "
               f"({version.content_hash[:12]})")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when users already exist.")
def seed_demo(if_empty):
    """Create demo users (one per role), enterprises and cases at different steps."""
    from .services.demo import seed
    with UnitOfWork() as uow:
        created = seed(uow, current_app.config["DEMO_PASSWORD"], only_if_empty=if_empty)
        uow.commit()
    click.echo("seeded demo data" if created else "database not empty: demo data not seeded")
