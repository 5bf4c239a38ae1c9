"""CLI for administrators: `flask --app wsgi users ...`, `enterprises add|import ...`, `accidents import ...`."""
import sys

import click
from flask.cli import AppGroup

from .cli_sla import ShellOperator
from .errors import DomainError
from .services import user_admin
from .services.uow import UnitOfWork

users_cli = AppGroup("users", help="Create users, set passwords, (de)activate.")
enterprises_cli = AppGroup("enterprises", help="The enterprise register.")
accidents_cli = AppGroup("accidents", help="Enterprises' accident records (the inspection priority list).")


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
@click.option("--township", "townships", multiple=True,
              help="乡镇/园区 the user covers (township role); repeat for several.")
@click.option("--department", help="The department's name as on the register (部门名录; department role).")
@click.option("--email")
@click.option("--phone")
@click.password_option(help="Asked for when not given.")
def create_user(username, roles, name, enterprise_code, townships, department, email, phone, password):
    user = _run(lambda uow: user_admin.create_user(uow, ShellOperator(), username, name, roles, password,
                                                   enterprise_code, email, phone, townships, department))
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


@enterprises_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report what it would do; write nothing.")
def import_enterprises(path, dry_run):
    """Add or update enterprises from an .xlsx or .csv file (one per row, headers as in the admin page's export).

    Exit status 0: imported (or, with --dry-run, nothing wrong); 1: rows with errors, nothing imported;
    2: the file cannot be read."""
    from pathlib import Path

    from .services import enterprise_import
    name = Path(path).name
    data = Path(path).read_bytes()

    def run(uow):
        plan = enterprise_import.plan_import(uow, name, data)
        if not plan.errors and not dry_run:
            enterprise_import.apply_import(uow, ShellOperator(), name, plan)
        return plan
    plan = _run(run)
    for row in plan.errors:
        for field, message in row.errors.items():
            click.echo(f"line {row.line} ({enterprise_import.HEADERS[field][0]}): {message}", err=True)
    if plan.ignored_columns:
        click.echo("ignored columns: " + ", ".join(plan.ignored_columns))
    added, updated, unchanged = plan.count("add"), plan.count("update"), plan.count("unchanged")
    if plan.errors:
        click.echo(f"{len(plan.errors)} row(s) with errors; nothing imported", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"checked, nothing written: {added} to add, {updated} to update, {unchanged} unchanged")
    else:
        click.echo(f"imported: {added} added, {updated} updated, {unchanged} unchanged")


@accidents_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report what it would do; write nothing.")
def import_accidents(path, dry_run):
    """Add the county's accident history from an .xlsx or .csv file: one accident per row, the enterprise by its
    统一社会信用代码, then 事故日期, 事故等级 (一般/较大/重大/特别重大) and optionally 事故类别, 死亡人数, 重伤人数,
    直接经济损失（万元）, 事故简况. A row already on record (same enterprise, date, level and type) is skipped.

    Exit status 0: imported (or, with --dry-run, nothing wrong); 1: rows with errors, nothing imported;
    2: the file cannot be read."""
    from pathlib import Path

    from .services import accidents
    name, data = Path(path).name, Path(path).read_bytes()

    def run(uow):
        plan = accidents.plan_import(uow, name, data)
        if not dry_run and not any(action == "error" for _, action, _ in plan):
            accidents.apply_import(uow, ShellOperator(), name, plan)
        return plan
    plan = _run(run)
    errors = [(line, fields) for line, action, fields in plan if action == "error"]
    for line, fields in errors:
        for field, message in fields.items():
            click.echo(f"line {line} ({accidents.IMPORT_HEADERS[field][0]}): {message}", err=True)
    if errors:
        click.echo(f"{len(errors)} row(s) with errors; nothing imported", err=True)
        sys.exit(1)
    new = sum(1 for _, action, _ in plan if action == "add")
    verb = f"checked, nothing written: {new} to add" if dry_run else f"imported: {new} added"
    click.echo(f"{verb}, {len(plan) - new} already on record")
