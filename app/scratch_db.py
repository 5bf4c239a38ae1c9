"""A throwaway database for the test suite and the benchmarks.

SQLite: a file in the given directory. PostgreSQL (when `url` says so): a fresh schema in that database, which
every connection gets as its search path, dropped again by the returned `drop()`.
"""
import uuid
from pathlib import Path

import sqlalchemy as sa


def throwaway_database(url, sqlite_dir, prefix):
    """(SQLAlchemy URL, engine options, drop function)."""
    if url.startswith("postgresql"):
        schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

        def drop():
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        return url, {"connect_args": {"options": f"-csearch_path={schema}"}}, drop
    return f"sqlite:///{Path(sqlite_dir) / f'{prefix}.sqlite3'}", {}, lambda: None
