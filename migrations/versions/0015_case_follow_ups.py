"""re-inspections of closed cases (销号后复查): the first within a week of closing, the second a month after

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_follow_up',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('not_before', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('result', sa.String(length=16), nullable=True),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_case_follow_up_case_id_hazard_case')),
        sa.ForeignKeyConstraint(['done_by_id'], ['app_user.id'], name=op.f('fk_case_follow_up_done_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_follow_up')),
        sa.UniqueConstraint('case_id', 'sequence', name=op.f('uq_case_follow_up_case_id')),
    )
    with op.batch_alter_table('case_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_follow_up_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_follow_up_due_on'), ['due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('case_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_follow_up_due_on'))
        batch_op.drop_index(batch_op.f('ix_case_follow_up_case_id'))
    op.drop_table('case_follow_up')
