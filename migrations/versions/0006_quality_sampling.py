"""quality sampling rounds and their sampled cases

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 06:00:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'quality_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('percent', sa.Integer(), nullable=False),
        sa.Column('closed_count', sa.Integer(), nullable=False),
        sa.Column('seed', sa.String(length=32), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'))
    op.create_table(
        'quality_sample',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('result', sa.String(length=16), nullable=True),
        sa.Column('opinion', sa.Text(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id']),
        sa.ForeignKeyConstraint(['reviewer_id'], ['app_user.id']),
        sa.ForeignKeyConstraint(['round_id'], ['quality_round.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('round_id', 'case_id', name='uq_quality_sample_round_case'))
    with op.batch_alter_table('quality_sample', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_sample_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_sample_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('quality_sample', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_sample_case_id'))
        batch_op.drop_index(batch_op.f('ix_quality_sample_round_id'))
    op.drop_table('quality_sample')
    op.drop_table('quality_round')
