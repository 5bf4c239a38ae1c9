"""where a hazard came from: the contractor's inspection, or the enterprise's own self-check report (企业自查上报)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (not a batch copy): SQLite keeps the table, and its AUTOINCREMENT, as it is.
    op.add_column('hazard_case', sa.Column('source', sa.String(length=16), nullable=False,
                                           server_default='inspection'))


def downgrade():
    with op.batch_alter_table('hazard_case', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column('source')
