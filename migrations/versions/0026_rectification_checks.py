"""supervision checks of rectifications on site (整改过程督导检查): progress, findings and conclusion per visit

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30 14:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rectification_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('checkers', sa.String(length=200), nullable=False),
        sa.Column('progress_percent', sa.Integer(), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('conclusion', sa.String(length=16), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'],
                                name=op.f('fk_rectification_check_case_id_hazard_case')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'],
                                name=op.f('fk_rectification_check_recorded_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_check')),
    )
    with op.batch_alter_table('rectification_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_check_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_check_checked_at'), ['checked_at'], unique=False)


def downgrade():
    with op.batch_alter_table('rectification_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_check_checked_at'))
        batch_op.drop_index(batch_op.f('ix_rectification_check_case_id'))
    op.drop_table('rectification_check')
