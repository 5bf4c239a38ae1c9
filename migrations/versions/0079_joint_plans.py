"""joint inspection plans (联合检查计划): a plan's participating units with their participants, division of work and
signature, the instruments it brings, and when the plan was sent to the units

Revision ID: 0079
Revises: 0076
Create Date: 2026-12-01 01:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0079'
down_revision = '0076'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sent_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_inspection_plan_sent_by_id_app_user'), 'app_user',
                                    ['sent_by_id'], ['id'])
    op.create_table(
        'inspection_plan_unit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('participant_ids', sa.JSON(), nullable=False),
        sa.Column('participant_names', sa.String(length=500), nullable=False),
        sa.Column('duties', sa.Text(), nullable=False),
        sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('signed_by_id', sa.Integer(), nullable=True),
        sa.Column('sign_remark', sa.Text(), nullable=False),
        sa.Column('urged_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                                name=op.f('fk_inspection_plan_unit_department_id_department')),
        sa.ForeignKeyConstraint(['plan_id'], ['inspection_plan.id'],
                                name=op.f('fk_inspection_plan_unit_plan_id_inspection_plan')),
        sa.ForeignKeyConstraint(['signed_by_id'], ['app_user.id'],
                                name=op.f('fk_inspection_plan_unit_signed_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_plan_unit')),
    )
    with op.batch_alter_table('inspection_plan_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_plan_unit_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plan_unit_department_id'), ['department_id'], unique=False)
    op.create_table(
        'inspection_plan_instrument',
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('instrument_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'],
                                name=op.f('fk_inspection_plan_instrument_instrument_id_instrument')),
        sa.ForeignKeyConstraint(['plan_id'], ['inspection_plan.id'],
                                name=op.f('fk_inspection_plan_instrument_plan_id_inspection_plan')),
        sa.PrimaryKeyConstraint('plan_id', 'instrument_id', name=op.f('pk_inspection_plan_instrument')),
    )
    with op.batch_alter_table('inspection_plan_instrument', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_plan_instrument_instrument_id'), ['instrument_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('inspection_plan_instrument', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_plan_instrument_instrument_id'))
    op.drop_table('inspection_plan_instrument')
    with op.batch_alter_table('inspection_plan_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_plan_unit_department_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_plan_unit_plan_id'))
    op.drop_table('inspection_plan_unit')
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_inspection_plan_sent_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('sent_by_id')
        batch_op.drop_column('sent_at')
