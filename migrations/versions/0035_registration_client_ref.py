"""a registration's client reference (离线登记): the UUID the reporter's device gave the hazard when it was captured,
unique per reporter, so that a retry of a registration whose answer was lost returns the case it made

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-04 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN and CREATE INDEX (no batch copy of the table): SQLite keeps hazard_case's AUTOINCREMENT.
    op.add_column('hazard_case', sa.Column('client_ref', sa.String(length=64), nullable=True))
    op.create_index('uq_hazard_case_inspector_id_client_ref', 'hazard_case', ['inspector_id', 'client_ref'],
                    unique=True)


def downgrade():
    op.drop_index('uq_hazard_case_inspector_id_client_ref', table_name='hazard_case')
    # SQLite before 3.35 cannot drop a column: the batch copy then must keep AUTOINCREMENT.
    with op.batch_alter_table('hazard_case', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column('client_ref')
