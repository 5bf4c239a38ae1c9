"""an issued service report withdrawn by a project lead with a reason (status "withdrawn"): who, when and why, so
that a corrected report may be issued for the same period

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_service_report_withdrawn_by_id_app_user'), 'app_user',
                                    ['withdrawn_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('service_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_service_report_withdrawn_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('withdrawn_by_id')
