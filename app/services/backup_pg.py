"""PostgreSQL's part of a backup (app/services/backup.py): pg_dump of the schema in use, and its restore.

A restore replaces the schema whole, in one transaction: `DROP SCHEMA … CASCADE; CREATE SCHEMA …`, then the
dump's objects and data (pg_restore writing SQL into psql --single-transaction). Dropping only the objects in the
dump (`pg_restore --clean`) would leave tables that a later migration added — and their foreign keys would stop
the drop of the tables they point to, so restoring the backup taken before an upgrade would fail exactly when it
is needed. If anything fails, psql rolls back and the database stays as it was.
"""
import os
import re
import shutil
import subprocess
import tempfile

import sqlalchemy as sa

_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA|COMMENT) - (SCHEMA )?\S+ ")  # the schema itself, its comment
# libpq settings a DATABASE_URL may carry in its query string, and their environment variables
_LIBPQ_QUERY = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT", "host": "PGHOST",
                "options": "PGOPTIONS", "application_name": "PGAPPNAME", "target_session_attrs": "PGTARGETSESSIONATTRS"}


def current_schema(engine):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT current_schema()")).scalar()


def dump(engine, target, error):
    run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--schema={current_schema(engine)}",
         f"--file={target}"], environment(engine), error)


def restore(engine, dump_file, schema, error):
    if not _SCHEMA_NAME.fullmatch(schema or ""):
        raise error(f"the archive names no usable schema ({schema!r})")
    env = environment(engine)
    listing = run(["pg_restore", "--list", str(dump_file)], env, error)
    kept = dump_file.with_suffix(".list")
    kept.write_text("\n".join(line for line in listing.splitlines() if not _SCHEMA_ENTRY.match(line)) + "\n")
    _need("psql", error)
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        psql = subprocess.Popen(["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
                                 "--file=-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors,
                                env=env)
        psql.stdin.write(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE;\nCREATE SCHEMA "{schema}";\n'.encode())
        psql.stdin.flush()
        writer = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", f"--use-list={kept}", "--file=-",
                                 str(dump_file)], stdout=psql.stdin, stderr=restore_errors, env=env)
        psql.stdin.close()
        psql.wait()
        if writer.returncode != 0 or psql.returncode != 0:
            restore_errors.seek(0)
            psql_errors.seek(0)
            detail = (restore_errors.read() + psql_errors.read()).decode(errors="replace").strip()[-2000:]
            raise error(f"the restore failed and was rolled back: {detail}")


def environment(engine):
    """The connection settings for libpq's tools, in the environment (a password on a command line would show in
    the process list)."""
    url = engine.url
    env = dict(os.environ)
    for key, value in url.query.items():
        if key in _LIBPQ_QUERY:
            env[_LIBPQ_QUERY[key]] = value if isinstance(value, str) else value[-1]
    for variable, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                            ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[variable] = str(value)
    return env


def run(command, env, error):
    _need(command[0], error)
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise error(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def _need(program, error):
    if shutil.which(program) is None:
        raise error(f"{program} is not installed (Debian: apt-get install postgresql-client)")
