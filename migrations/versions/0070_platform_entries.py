"""data entry into the provincial and municipal supervision platforms (平台录入跟踪): per enterprise, platform and
item, its status, who entered it and when, who checked it and when

Revision ID: 0070
Revises: 0069
Create Date: 2026-11-30 22:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0070'
down_revision = '0069'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('platform_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('item', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('entered_on', sa.Date(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['app_user.id'], name=op.f('fk_platform_entry_checked_by_id_app_user')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['app_user.id'], name=op.f('fk_platform_entry_entered_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_platform_entry_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_platform_entry_updated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_entry')),
    sa.UniqueConstraint('enterprise_id', 'platform', 'item', name=op.f('uq_platform_entry_enterprise_id'))
    )
    with op.batch_alter_table('platform_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_entry_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_platform_entry_platform'), ['platform'], unique=False)


def downgrade():
    with op.batch_alter_table('platform_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_entry_platform'))
        batch_op.drop_index(batch_op.f('ix_platform_entry_enterprise_id'))

    op.drop_table('platform_entry')
