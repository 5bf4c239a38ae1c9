"""notices from the bureau to enterprises with read receipts (通知公告 / 预警提示 / 简报, 签收回执): the notice, its
frozen recipients with their read and sign receipts, and notice-owned attachments

Revision ID: 0040
Revises: 0043
Create Date: 2026-11-30 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0040'
down_revision = '0043'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'bureau_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('target_kind', sa.String(length=16), nullable=False),
        sa.Column('target_values', sa.JSON(), nullable=False),
        sa.Column('sign_by_date', sa.Date(), nullable=True),
        sa.Column('sign_by_workdays', sa.Integer(), nullable=True),
        sa.Column('sign_due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('issuer', sa.String(length=16), nullable=True),
        sa.Column('drafted_by_id', sa.Integer(), nullable=False),
        sa.Column('drafted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_reason', sa.Text(), nullable=True),
        sa.Column('urge_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('last_urged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('auto_urged_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['drafted_by_id'], ['app_user.id'],
                                name=op.f('fk_bureau_notice_drafted_by_id_app_user')),
        sa.ForeignKeyConstraint(['published_by_id'], ['app_user.id'],
                                name=op.f('fk_bureau_notice_published_by_id_app_user')),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['app_user.id'],
                                name=op.f('fk_bureau_notice_withdrawn_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bureau_notice')),
    )
    with op.batch_alter_table('bureau_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bureau_notice_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_bureau_notice_sign_due_at'), ['sign_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_bureau_notice_published_at'), ['published_at'], unique=False)
    op.create_table(
        'bureau_notice_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('read_by_id', sa.Integer(), nullable=True),
        sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('signed_by_id', sa.Integer(), nullable=True),
        sa.Column('reply', sa.Text(), nullable=False),
        sa.Column('last_urged_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['notice_id'], ['bureau_notice.id'],
                                name=op.f('fk_bureau_notice_recipient_notice_id_bureau_notice')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_bureau_notice_recipient_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['read_by_id'], ['app_user.id'],
                                name=op.f('fk_bureau_notice_recipient_read_by_id_app_user')),
        sa.ForeignKeyConstraint(['signed_by_id'], ['app_user.id'],
                                name=op.f('fk_bureau_notice_recipient_signed_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bureau_notice_recipient')),
        sa.UniqueConstraint('notice_id', 'enterprise_id', name='uq_bureau_notice_recipient'),
    )
    with op.batch_alter_table('bureau_notice_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bureau_notice_recipient_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bureau_notice_recipient_enterprise_id'), ['enterprise_id'], unique=False)
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_notice_id'), ['notice_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_notice_id_bureau_notice'), 'bureau_notice',
                                    ['notice_id'], ['id'])
        # A file has one owner: a case, a visit, a public report (0039, 0041) or now a notice.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_ONE_OWNER = ("(CASE WHEN case_id IS NULL THEN 0 ELSE 1 END + CASE WHEN visit_id IS NULL THEN 0 ELSE 1 END + "
              "CASE WHEN report_id IS NULL THEN 0 ELSE 1 END + CASE WHEN notice_id IS NULL THEN 0 ELSE 1 END) <= 1")
_ONE_OWNER_BEFORE = ("(case_id IS NULL OR visit_id IS NULL) AND "
                     "(report_id IS NULL OR (case_id IS NULL AND visit_id IS NULL))")


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_notice_id_bureau_notice'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_notice_id'))
        batch_op.drop_column('notice_id')
    op.drop_table('bureau_notice_recipient')
    op.drop_table('bureau_notice')
