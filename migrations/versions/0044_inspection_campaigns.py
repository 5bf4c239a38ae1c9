"""special inspection campaigns (专项行动) with their targets frozen at start, and the kind (检查方式: 常规 / 专项 / 夜查 /
四不两直 / 联合检查) and campaign of inspection visits and plans; a visit's time of day (夜查)

Revision ID: 0044
Revises: 0046
Create Date: 2026-11-30 19:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0044'
down_revision = '0046'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inspection_campaign',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('theme', sa.String(length=16), nullable=False),
        sa.Column('start_on', sa.Date(), nullable=False),
        sa.Column('end_on', sa.Date(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('checklist_id', sa.Integer(), nullable=True),
        sa.Column('target_industries', sa.JSON(), nullable=False),
        sa.Column('target_townships', sa.JSON(), nullable=False),
        sa.Column('target_scales', sa.JSON(), nullable=False),
        sa.Column('target_project_id', sa.Integer(), nullable=True),
        sa.Column('target_enterprise_ids', sa.JSON(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['checklist_id'], ['checklist.id'],
                                name=op.f('fk_inspection_campaign_checklist_id_checklist')),
        sa.ForeignKeyConstraint(['target_project_id'], ['service_project.id'],
                                name=op.f('fk_inspection_campaign_target_project_id_service_project')),
        sa.ForeignKeyConstraint(['started_by_id'], ['app_user.id'],
                                name=op.f('fk_inspection_campaign_started_by_id_app_user')),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                                name=op.f('fk_inspection_campaign_created_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_campaign')),
    )
    for column in ('theme', 'start_on', 'end_on'):
        op.create_index(op.f(f'ix_inspection_campaign_{column}'), 'inspection_campaign', [column], unique=False)
    op.create_table(
        'inspection_campaign_target',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['inspection_campaign.id'],
                                name=op.f('fk_inspection_campaign_target_campaign_id_inspection_campaign')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_inspection_campaign_target_enterprise_id_enterprise')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_campaign_target')),
        sa.UniqueConstraint('campaign_id', 'enterprise_id', name=op.f('uq_inspection_campaign_target_campaign_id')),
    )
    op.create_index(op.f('ix_inspection_campaign_target_campaign_id'), 'inspection_campaign_target', ['campaign_id'],
                    unique=False)
    op.create_index(op.f('ix_inspection_campaign_target_enterprise_id'), 'inspection_campaign_target',
                    ['enterprise_id'], unique=False)
    for table in ('inspection_visit', 'inspection_plan'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='routine'))
            batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
            if table == 'inspection_visit':
                batch_op.add_column(sa.Column('visit_time', sa.Time(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_campaign_id_inspection_campaign'),
                                        'inspection_campaign', ['campaign_id'], ['id'])
            batch_op.create_index(batch_op.f(f'ix_{table}_kind'), ['kind'], unique=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_campaign_id'), ['campaign_id'], unique=False)


def downgrade():
    for table in ('inspection_plan', 'inspection_visit'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_campaign_id'))
            batch_op.drop_index(batch_op.f(f'ix_{table}_kind'))
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_campaign_id_inspection_campaign'), type_='foreignkey')
            if table == 'inspection_visit':
                batch_op.drop_column('visit_time')
            batch_op.drop_column('campaign_id')
            batch_op.drop_column('kind')
    op.drop_index(op.f('ix_inspection_campaign_target_enterprise_id'), table_name='inspection_campaign_target')
    op.drop_index(op.f('ix_inspection_campaign_target_campaign_id'), table_name='inspection_campaign_target')
    op.drop_table('inspection_campaign_target')
    for column in ('end_on', 'start_on', 'theme'):
        op.drop_index(op.f(f'ix_inspection_campaign_{column}'), table_name='inspection_campaign')
    op.drop_table('inspection_campaign')
