"""the enterprise confirms an inspection visit's results online (排查结果企业确认): who, when, and its remarks

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 13:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspection_visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('enterprise_remarks', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_inspection_visit_acknowledged_by_id_app_user'), 'app_user',
                                    ['acknowledged_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('inspection_visit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_inspection_visit_acknowledged_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('enterprise_remarks')
        batch_op.drop_column('acknowledged_by_id')
        batch_op.drop_column('acknowledged_at')
