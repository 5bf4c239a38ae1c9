"""reports from the public (隐患举报 / 有奖举报): the report with its handling and reward; a public report's photos are
attachments owned by the report (no uploader)

Revision ID: 0041
Revises: 0039
Create Date: 2026-11-30 20:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0041'
down_revision = '0039'
branch_labels = None
depends_on = None

_USER_COLUMNS = ('decided_by_id', 'verifier_id', 'assigned_by_id', 'verified_by_id', 'case_linked_by_id',
                 'reward_proposed_by_id', 'reward_approved_by_id', 'reward_paid_by_id')
_INDEXED = ('enterprise_id', 'township', 'ip_hash', 'received_at', 'status', 'verifier_id', 'verify_due', 'case_id')


def upgrade():
    when = sa.DateTime(timezone=True)
    op.create_table(
        'public_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=True),
        sa.Column('township', sa.String(length=100), nullable=True),
        sa.Column('anonymous', sa.Boolean(), nullable=False),
        sa.Column('reporter_name', sa.String(length=64), nullable=True),
        sa.Column('reporter_phone', sa.String(length=32), nullable=True),
        sa.Column('consented_at', when, nullable=False),
        sa.Column('ip_hash', sa.String(length=64), nullable=False),
        sa.Column('received_at', when, nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('public_reply', sa.Text(), nullable=True),
        sa.Column('decided_at', when, nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('verifier_id', sa.Integer(), nullable=True),
        sa.Column('assigned_at', when, nullable=True),
        sa.Column('assigned_by_id', sa.Integer(), nullable=True),
        sa.Column('verify_due', when, nullable=True),
        sa.Column('verified_at', when, nullable=True),
        sa.Column('verified_by_id', sa.Integer(), nullable=True),
        sa.Column('verification_note', sa.Text(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('case_linked_at', when, nullable=True),
        sa.Column('case_linked_by_id', sa.Integer(), nullable=True),
        sa.Column('reward_amount', sa.Integer(), nullable=True),
        sa.Column('reward_note', sa.Text(), nullable=True),
        sa.Column('reward_proposed_at', when, nullable=True),
        sa.Column('reward_proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('reward_approved_at', when, nullable=True),
        sa.Column('reward_approved_by_id', sa.Integer(), nullable=True),
        sa.Column('reward_paid_on', sa.Date(), nullable=True),
        sa.Column('reward_paid_recorded_at', when, nullable=True),
        sa.Column('reward_paid_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_public_report_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_public_report_case_id_hazard_case')),
        *[sa.ForeignKeyConstraint([column], ['app_user.id'], name=op.f(f'fk_public_report_{column}_app_user'))
          for column in _USER_COLUMNS],
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_report')),
        sa.UniqueConstraint('code', name=op.f('uq_public_report_code')),
    )
    for column in _INDEXED:
        op.create_index(op.f(f'ix_public_report_{column}'), 'public_report', [column])
    with op.batch_alter_table('attachment') as batch:
        batch.alter_column('uploader_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_attachment_report_id_public_report'), 'public_report', ['report_id'], ['id'])
        batch.create_index(op.f('ix_attachment_report_id'), ['report_id'])
        # A file has one owner: a case, a visit (0039) or now a public report.
        batch.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_ONE_OWNER = ("(case_id IS NULL OR visit_id IS NULL) AND "
              "(report_id IS NULL OR (case_id IS NULL AND visit_id IS NULL))")


def downgrade():
    op.execute("DELETE FROM attachment WHERE report_id IS NOT NULL")
    with op.batch_alter_table('attachment') as batch:
        batch.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch.create_check_constraint(op.f('ck_attachment_one_owner'), 'case_id IS NULL OR visit_id IS NULL')
        batch.drop_index(op.f('ix_attachment_report_id'))
        batch.drop_constraint(op.f('fk_attachment_report_id_public_report'), type_='foreignkey')
        batch.drop_column('report_id')
        batch.alter_column('uploader_id', existing_type=sa.Integer(), nullable=False)
    for column in _INDEXED:
        op.drop_index(op.f(f'ix_public_report_{column}'), table_name='public_report')
    op.drop_table('public_report')
