"""enterprise scale (企业规模: 规上 / 规下 / 微型) on the register, and service projects (服务项目) with their roster of
enterprises in scope (服务对象名单), against which a project's coverage is counted

Revision ID: 0043
Revises: 0041
Create Date: 2026-11-30 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0043'
down_revision = '0041'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN and CREATE INDEX (no batch copy of the table): existing rows get "" (not given).
    op.add_column('enterprise', sa.Column('scale', sa.String(length=16), nullable=False, server_default=''))
    op.create_index(op.f('ix_enterprise_scale'), 'enterprise', ['scale'], unique=False)
    op.create_table(
        'service_project',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('contract_no', sa.String(length=64), nullable=False),
        sa.Column('start_on', sa.Date(), nullable=False),
        sa.Column('end_on', sa.Date(), nullable=False),
        sa.Column('target_percent', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                                name=op.f('fk_service_project_created_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_project')),
    )
    op.create_index(op.f('ix_service_project_start_on'), 'service_project', ['start_on'], unique=False)
    op.create_index(op.f('ix_service_project_end_on'), 'service_project', ['end_on'], unique=False)
    op.create_table(
        'service_project_enterprise',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['service_project.id'],
                                name=op.f('fk_service_project_enterprise_project_id_service_project')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_service_project_enterprise_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['added_by_id'], ['app_user.id'],
                                name=op.f('fk_service_project_enterprise_added_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_project_enterprise')),
        sa.UniqueConstraint('project_id', 'enterprise_id', name=op.f('uq_service_project_enterprise_project_id')),
    )
    op.create_index(op.f('ix_service_project_enterprise_project_id'), 'service_project_enterprise', ['project_id'],
                    unique=False)
    op.create_index(op.f('ix_service_project_enterprise_enterprise_id'), 'service_project_enterprise',
                    ['enterprise_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_service_project_enterprise_enterprise_id'), table_name='service_project_enterprise')
    op.drop_index(op.f('ix_service_project_enterprise_project_id'), table_name='service_project_enterprise')
    op.drop_table('service_project_enterprise')
    op.drop_index(op.f('ix_service_project_end_on'), table_name='service_project')
    op.drop_index(op.f('ix_service_project_start_on'), table_name='service_project')
    op.drop_table('service_project')
    op.drop_index(op.f('ix_enterprise_scale'), table_name='enterprise')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('scale')
