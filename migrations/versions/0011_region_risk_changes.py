"""regional risk level changes (区域安全风险分级: why an area's level changed, recorded)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'region_risk_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('township', sa.String(length=100), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('level_before', sa.String(length=10), nullable=True),
        sa.Column('level_after', sa.String(length=10), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('factors', sa.JSON(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_region_risk_change')),
        sa.UniqueConstraint('township', 'sequence', name=op.f('uq_region_risk_change_township')),
    )
    with op.batch_alter_table('region_risk_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_risk_change_township'), ['township'], unique=False)


def downgrade():
    with op.batch_alter_table('region_risk_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_risk_change_township'))
    op.drop_table('region_risk_change')
