"""department users (部门用户): a user of the role `department` belongs to one department of the register
(app_user.department_id), and a referral records when its department signed for it (签收: signed_at, signed_by_id)

Revision ID: 0050
Revises: 0047
Create Date: 2026-12-05 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0050'
down_revision = '0047'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_app_user_department_id'), ['department_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_app_user_department_id_department'), 'department',
                                    ['department_id'], ['id'])
    with op.batch_alter_table('case_referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('signed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_case_referral_signed_by_id_app_user'), 'app_user',
                                    ['signed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('case_referral', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_referral_signed_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('signed_by_id')
        batch_op.drop_column('signed_at')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_app_user_department_id_department'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_app_user_department_id'))
        batch_op.drop_column('department_id')
