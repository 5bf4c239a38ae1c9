"""a hazard case names the inspection visit that found it (optional: a hazard can be registered without one)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# On SQLite the batch operation copies the table: it must keep AUTOINCREMENT, or deleted rows' ids (a completed
# task's, a case's) would be handed out again.
_KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table('hazard_case', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('inspection_visit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_hazard_case_inspection_visit_id_inspection_visit'),
                                    'inspection_visit', ['inspection_visit_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_hazard_case_inspection_visit_id'), ['inspection_visit_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('hazard_case', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_case_inspection_visit_id'))
        batch_op.drop_constraint(batch_op.f('fk_hazard_case_inspection_visit_id_inspection_visit'),
                                 type_='foreignkey')
        batch_op.drop_column('inspection_visit_id')
