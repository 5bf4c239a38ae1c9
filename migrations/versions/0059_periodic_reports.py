"""the contractor's written periodic reports to the bureau (周报 / 月度综合评估简报 / 阶段报告 / 年度总结报告): one
report per kind and period, each issued version kept with its frozen figures and text and the bureau's answer
(签收 / 退回), and the public annual edition (白皮书) published from a signed annual report

Revision ID: 0059
Revises: 0054
Create Date: 2026-11-30 21:22:15.828409

"""
from alembic import op
import sqlalchemy as sa


revision = '0059'
down_revision = '0054'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('periodic_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('typical_case_ids', sa.JSON(), nullable=False),
    sa.Column('versions_issued', sa.Integer(), nullable=False),
    sa.Column('first_issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('drafted_by_id', sa.Integer(), nullable=False),
    sa.Column('drafted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['app_user.id'], name=op.f('fk_periodic_report_drafted_by_id_app_user')),
    sa.ForeignKeyConstraint(['published_by_id'], ['app_user.id'], name=op.f('fk_periodic_report_published_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_periodic_report')),
    sa.UniqueConstraint('kind', 'period_start', 'period_end', name=op.f('uq_periodic_report_kind'))
    )
    with op.batch_alter_table('periodic_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periodic_report_first_issued_at'), ['first_issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_periodic_report_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_periodic_report_period_end'), ['period_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_periodic_report_period_start'), ['period_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_periodic_report_status'), ['status'], unique=False)

    op.create_table('periodic_report_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('return_comments', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['app_user.id'], name=op.f('fk_periodic_report_version_issued_by_id_app_user')),
    sa.ForeignKeyConstraint(['report_id'], ['periodic_report.id'], name=op.f('fk_periodic_report_version_report_id_periodic_report')),
    sa.ForeignKeyConstraint(['returned_by_id'], ['app_user.id'], name=op.f('fk_periodic_report_version_returned_by_id_app_user')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['app_user.id'], name=op.f('fk_periodic_report_version_signed_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_periodic_report_version')),
    sa.UniqueConstraint('report_id', 'number', name=op.f('uq_periodic_report_version_report_id'))
    )
    with op.batch_alter_table('periodic_report_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periodic_report_version_report_id'), ['report_id'], unique=False)



def downgrade():
    with op.batch_alter_table('periodic_report_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_periodic_report_version_report_id'))

    op.drop_table('periodic_report_version')
    with op.batch_alter_table('periodic_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_periodic_report_status'))
        batch_op.drop_index(batch_op.f('ix_periodic_report_period_start'))
        batch_op.drop_index(batch_op.f('ix_periodic_report_period_end'))
        batch_op.drop_index(batch_op.f('ix_periodic_report_kind'))
        batch_op.drop_index(batch_op.f('ix_periodic_report_first_issued_at'))

    op.drop_table('periodic_report')
