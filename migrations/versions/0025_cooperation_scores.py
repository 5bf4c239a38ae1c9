"""enterprises' monthly cooperation scores (企业配合情况综合评分): score, class A/B/C, rank and the factors with their
inputs, one row per enterprise and month

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cooperation_score',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('cooperation_class', sa.String(length=1), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('profile_score', sa.Float(), nullable=False),
        sa.Column('feedback_score', sa.Float(), nullable=False),
        sa.Column('rectification_score', sa.Float(), nullable=False),
        sa.Column('factors', sa.JSON(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_cooperation_score_score_in_range')),
        sa.CheckConstraint("cooperation_class IN ('A', 'B', 'C')", name=op.f('ck_cooperation_score_known_class')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_cooperation_score_enterprise_id_enterprise')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_score')),
        sa.UniqueConstraint('enterprise_id', 'month', name=op.f('uq_cooperation_score_enterprise_id')),
    )
    with op.batch_alter_table('cooperation_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_score_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperation_score_month'), ['month'], unique=False)


def downgrade():
    with op.batch_alter_table('cooperation_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperation_score_month'))
        batch_op.drop_index(batch_op.f('ix_cooperation_score_enterprise_id'))
    op.drop_table('cooperation_score')
