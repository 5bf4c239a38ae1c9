"""the register of major hazard sources (重大危险源登记: level, 备案, safety assessment with its due day, 包保责任人,
substances, safety distance) with their IoT devices, the enterprises' risk tags (企业风险标签, a join table) and the
campaigns' tag rule

Revision ID: 0057
Revises: 0059
Create Date: 2026-11-30 21:19:40.523738

"""
from alembic import op
import sqlalchemy as sa


revision = '0057'
down_revision = '0059'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enterprise_tag',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_enterprise_tag_enterprise_id_enterprise')),
    sa.PrimaryKeyConstraint('enterprise_id', 'tag', name=op.f('pk_enterprise_tag'))
    )
    with op.batch_alter_table('enterprise_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_tag_tag'), ['tag'], unique=False)

    op.create_table('hazard_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('filing_number', sa.String(length=64), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('assessed_on', sa.Date(), nullable=True),
    sa.Column('assessment_due_on', sa.Date(), nullable=True),
    sa.Column('principal_name', sa.String(length=64), nullable=False),
    sa.Column('principal_phone', sa.String(length=32), nullable=False),
    sa.Column('technical_name', sa.String(length=64), nullable=False),
    sa.Column('technical_phone', sa.String(length=32), nullable=False),
    sa.Column('operator_name', sa.String(length=64), nullable=False),
    sa.Column('operator_phone', sa.String(length=32), nullable=False),
    sa.Column('substances', sa.JSON(), nullable=False),
    sa.Column('distance_checked', sa.Boolean(), nullable=False),
    sa.Column('distance_note', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_by_id', sa.Integer(), nullable=True),
    sa.Column('retire_reason', sa.Text(), nullable=False),
    sa.Column('warned_for', sa.Date(), nullable=True),
    sa.Column('lapsed_for', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_hazard_source_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_hazard_source_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['retired_by_id'], ['app_user.id'], name=op.f('fk_hazard_source_retired_by_id_app_user')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['app_user.id'], name=op.f('fk_hazard_source_reviewed_by_id_app_user')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_hazard_source_updated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_source'))
    )
    with op.batch_alter_table('hazard_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazard_source_assessment_due_on'), ['assessment_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazard_source_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazard_source_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazard_source_status'), ['status'], unique=False)

    op.create_table('hazard_source_device',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['iot_device.id'], name=op.f('fk_hazard_source_device_device_id_iot_device')),
    sa.ForeignKeyConstraint(['source_id'], ['hazard_source.id'], name=op.f('fk_hazard_source_device_source_id_hazard_source')),
    sa.PrimaryKeyConstraint('source_id', 'device_id', name=op.f('pk_hazard_source_device'))
    )
    with op.batch_alter_table('hazard_source_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazard_source_device_device_id'), ['device_id'], unique=False)

    with op.batch_alter_table('inspection_campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_tags', sa.JSON(), server_default='[]', nullable=False))



def downgrade():
    with op.batch_alter_table('inspection_campaign', schema=None) as batch_op:
        batch_op.drop_column('target_tags')

    with op.batch_alter_table('hazard_source_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_source_device_device_id'))

    op.drop_table('hazard_source_device')
    with op.batch_alter_table('hazard_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_source_status'))
        batch_op.drop_index(batch_op.f('ix_hazard_source_level'))
        batch_op.drop_index(batch_op.f('ix_hazard_source_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_hazard_source_assessment_due_on'))

    op.drop_table('hazard_source')
    with op.batch_alter_table('enterprise_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_tag_tag'))

    op.drop_table('enterprise_tag')
