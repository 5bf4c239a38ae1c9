"""PostgreSQL keeps a case's stored workflow state in its row (toast_tuple_target 8160) and never tries to compress it
again (storage EXTERNAL): the state is already zstd-compressed, 3-4 KB; over the default 2 KB threshold every save
wrote it to the TOAST table (chunks, their index, the old chunks left dead) after a futile pglz attempt. Nothing
changes on SQLite.

Revision ID: 0037
Revises: 0036
Create Date: 2026-11-30 19:00:00

"""
from alembic import op


revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE workflow_state SET (toast_tuple_target = 8160)")
        op.execute("ALTER TABLE workflow_state ALTER COLUMN state SET STORAGE EXTERNAL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE workflow_state RESET (toast_tuple_target)")
        op.execute("ALTER TABLE workflow_state ALTER COLUMN state SET STORAGE EXTENDED")
