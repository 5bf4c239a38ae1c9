"""enterprises' accident records and trial-operation end date (the inspection priority list)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'accident_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('occurred_on', sa.Date(), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=False),
        sa.Column('accident_type', sa.String(length=50), nullable=False),
        sa.Column('deaths', sa.Integer(), nullable=False),
        sa.Column('injuries', sa.Integer(), nullable=False),
        sa.Column('direct_loss', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_accident_record_enterprise_id_enterprise')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accident_record')),
    )
    with op.batch_alter_table('accident_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accident_record_enterprise_id'), ['enterprise_id'], unique=False)
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trial_operation_until', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('trial_operation_until')
    with op.batch_alter_table('accident_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accident_record_enterprise_id'))
    op.drop_table('accident_record')
