"""planned inspections (排查计划), announced to the enterprise at least five working days ahead

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inspection_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('planned_on', sa.Date(), nullable=False),
        sa.Column('areas', sa.Text(), nullable=False),
        sa.Column('team', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cancel_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                                name=op.f('fk_inspection_plan_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_inspection_plan_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['visit_id'], ['inspection_visit.id'],
                                name=op.f('fk_inspection_plan_visit_id_inspection_visit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_plan')),
    )
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_plan_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plan_planned_on'), ['planned_on'], unique=False)


def downgrade():
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_plan_planned_on'))
        batch_op.drop_index(batch_op.f('ix_inspection_plan_enterprise_id'))
    op.drop_table('inspection_plan')
