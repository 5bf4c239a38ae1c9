"""enforcement outcome records (执法处置结果): one record per enforcement referral with the filing decision, the
measures decided, their execution and the closing; attachments owned by an enforcement referral (decision documents)

Revision ID: 0047
Revises: 0045
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0047'
down_revision = '0045'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'enforcement_outcome',
        sa.Column('referral_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('filing', sa.String(length=12), nullable=False),
        sa.Column('filing_date', sa.Date(), nullable=False),
        sa.Column('case_number', sa.String(length=64), nullable=False),
        sa.Column('officers', sa.String(length=200), nullable=False),
        sa.Column('not_filed_reason', sa.Text(), nullable=False),
        sa.Column('measures', sa.JSON(), nullable=False),
        sa.Column('fine_amount', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('decision_number', sa.String(length=64), nullable=False),
        sa.Column('decision_date', sa.Date(), nullable=True),
        sa.Column('fine_paid_on', sa.Date(), nullable=True),
        sa.Column('resumed_on', sa.Date(), nullable=True),
        sa.Column('execution_note', sa.Text(), nullable=False),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.Column('closing_note', sa.Text(), nullable=False),
        sa.Column('credit_record_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['referral_id'], ['enforcement_referral.id'],
                                name=op.f('fk_enforcement_outcome_referral_id_enforcement_referral')),
        sa.ForeignKeyConstraint(['credit_record_id'], ['credit_record.id'],
                                name=op.f('fk_enforcement_outcome_credit_record_id_credit_record')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'],
                                name=op.f('fk_enforcement_outcome_updated_by_id_app_user')),
        sa.PrimaryKeyConstraint('referral_id', name=op.f('pk_enforcement_outcome')),
    )
    with op.batch_alter_table('enforcement_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enforcement_outcome_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_enforcement_outcome_decision_date'), ['decision_date'], unique=False)
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enforcement_referral_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_enforcement_referral_id'), ['enforcement_referral_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_enforcement_referral_id_enforcement_referral'),
                                    'enforcement_referral', ['enforcement_referral_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice (0039, 0041, 0040) or now an enforcement
        # record.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_ONE_OWNER = ("(CASE WHEN case_id IS NULL THEN 0 ELSE 1 END + CASE WHEN visit_id IS NULL THEN 0 ELSE 1 END + "
              "CASE WHEN report_id IS NULL THEN 0 ELSE 1 END + CASE WHEN notice_id IS NULL THEN 0 ELSE 1 END + "
              "CASE WHEN enforcement_referral_id IS NULL THEN 0 ELSE 1 END) <= 1")
_ONE_OWNER_BEFORE = ("(CASE WHEN case_id IS NULL THEN 0 ELSE 1 END + CASE WHEN visit_id IS NULL THEN 0 ELSE 1 END + "
                     "CASE WHEN report_id IS NULL THEN 0 ELSE 1 END + "
                     "CASE WHEN notice_id IS NULL THEN 0 ELSE 1 END) <= 1")


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_enforcement_referral_id_enforcement_referral'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_enforcement_referral_id'))
        batch_op.drop_column('enforcement_referral_id')
    with op.batch_alter_table('enforcement_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enforcement_outcome_decision_date'))
        batch_op.drop_index(batch_op.f('ix_enforcement_outcome_status'))
    op.drop_table('enforcement_outcome')
