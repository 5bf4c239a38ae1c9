"""CLI for administrators: `flask --app wsgi users ...`, `flask --app wsgi enterprises add ...`."""
import sys

import click
from flask.cli import AppGroup

from .cli_sla import ShellOperator
from .errors import DomainError
from .services import user_admin
from .services.uow import UnitOfWork

users_cli = AppGroup("users", help="Create users, set passwords, (de)activate.")
enterprises_cli = AppGroup("enterprises", help="The enterprise register.")


def _run(action):
    try:
        with UnitOfWork() as uow:
            result = action(uow)
            uow.commit()
        return result
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="Role code; repeat for several roles.")
@click.option("--name", default="", help="Display name.")
@click.option("--enterprise", "enterprise_code", help="Credit code of the enterprise (enterprise role).")
@click.option("--email")
@click.option("--phone")
@click.password_option(help="Asked for when not given.")
def create_user(username, roles, name, enterprise_code, email, phone, password):
    user = _run(lambda uow: user_admin.create_user(uow, ShellOperator(), username, name, roles, password,
                                                   enterprise_code, email, phone))
    click.echo(f"created {user.username} ({', '.join(sorted(user.roles))})")


@users_cli.command("set-password")
@click.argument("username")
@click.password_option()
def set_password(username, password):
    _run(lambda uow: user_admin.set_password(uow, ShellOperator(), username, password))
    click.echo(f"password of {username} changed; their API tokens are revoked")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate(username):
    _run(lambda uow: user_admin.set_active(uow, ShellOperator(), username, False))
    click.echo(f"{username} deactivated")


@enterprises_cli.command("add")
@click.option("--name", required=True)
@click.option("--credit-code", required=True, help="统一社会信用代码 (18 characters).")
@click.option("--industry", default="")
@click.option("--township", default="", help="乡镇/园区")
@click.option("--address", default="")
def add_enterprise(name, credit_code, industry, township, address):
    enterprise = _run(lambda uow: user_admin.add_enterprise(
        uow, ShellOperator(), name=name, credit_code=credit_code, industry=industry, township=township,
        address=address))
    click.echo(f"added enterprise {enterprise.id}: {enterprise.name} ({enterprise.credit_code})")
