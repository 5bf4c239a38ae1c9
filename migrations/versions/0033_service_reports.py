"""the enterprise service report with a conclusion (企业服务情况报告和结论性意见): one per enterprise and service period,
drafted and issued by the contractor's project lead, its facts frozen as JSON when issued

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'service_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('grade', sa.String(length=24), nullable=False),
        sa.Column('conclusion', sa.Text(), nullable=False),
        sa.Column('recommendations', sa.Text(), nullable=False),
        sa.Column('facts', sa.JSON(), nullable=True),
        sa.Column('drafted_by_id', sa.Integer(), nullable=False),
        sa.Column('drafted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_service_report_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['drafted_by_id'], ['app_user.id'],
                                name=op.f('fk_service_report_drafted_by_id_app_user')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['app_user.id'],
                                name=op.f('fk_service_report_issued_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_report')),
    )
    with op.batch_alter_table('service_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_report_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_report_grade'), ['grade'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_report_issued_at'), ['issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_report_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('service_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_report_status'))
        batch_op.drop_index(batch_op.f('ix_service_report_issued_at'))
        batch_op.drop_index(batch_op.f('ix_service_report_grade'))
        batch_op.drop_index(batch_op.f('ix_service_report_enterprise_id'))
    op.drop_table('service_report')
