"""stop-work orders per enterprise (停产停业整顿) and the applications for resumption with their on-site acceptance
(复工复产申请 / 复工验收); an application's files are the attachment's fifteenth owner (resumption_id)

Revision ID: 0074
Revises: 0073
Create Date: 2026-12-01 00:10:57.158067

"""
from alembic import op
import sqlalchemy as sa


revision = '0074'
down_revision = '0073'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stop_work_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('enforcement_referral_id', sa.Integer(), nullable=True),
    sa.Column('order_number', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('resumption_conditions', sa.Text(), nullable=False),
    sa.Column('effective_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("source IN ('task', 'enforcement', 'manual')", name=op.f('ck_stop_work_order_known_source')),
    sa.CheckConstraint("status IN ('active', 'lifted', 'withdrawn')", name=op.f('ck_stop_work_order_known_status')),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_stop_work_order_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['app_user.id'], name=op.f('fk_stop_work_order_ended_by_id_app_user')),
    sa.ForeignKeyConstraint(['enforcement_referral_id'], ['enforcement_referral.id'], name=op.f('fk_stop_work_order_enforcement_referral_id_enforcement_referral')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_stop_work_order_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_stop_work_order_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stop_work_order')),
    sa.UniqueConstraint('enforcement_referral_id', name=op.f('uq_stop_work_order_enforcement_referral_id'))
    )
    with op.batch_alter_table('stop_work_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stop_work_order_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stop_work_order_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stop_work_order_status'), ['status'], unique=False)

    op.create_table('resumption_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('self_check', sa.Text(), nullable=False),
    sa.Column('case_ids', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('answer_due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('urged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('inspected_on', sa.Date(), nullable=True),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('expert_ids', sa.JSON(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('next_date', sa.Date(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'agreed', 'refused')", name=op.f('ck_resumption_application_known_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_resumption_application_decided_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_resumption_application_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['order_id'], ['stop_work_order.id'], name=op.f('fk_resumption_application_order_id_stop_work_order')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['app_user.id'], name=op.f('fk_resumption_application_submitted_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resumption_application'))
    )
    with op.batch_alter_table('resumption_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resumption_application_answer_due'), ['answer_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_resumption_application_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resumption_application_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resumption_application_status'), ['status'], unique=False)
        batch_op.create_index('uq_resumption_application_pending', ['order_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resumption_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_resumption_id'), ['resumption_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_resumption_id_resumption_application'),
                                    'resumption_application', ['resumption_id'], ['id'])
        # A file has one owner: every owner before (0039–0073) or now an application for resumption.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id", "follow_up_id",
                  "document_id", "training_id", "certificate_id", "risk_plan_enterprise_id", "meeting_id",
                  "question_id", "self_check_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_ONE_OWNER = _one_owner(_OWNERS_BEFORE + ("resumption_id",))
_ONE_OWNER_BEFORE = _one_owner(_OWNERS_BEFORE)



def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_resumption_id_resumption_application'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_resumption_id'))
        batch_op.drop_column('resumption_id')

    with op.batch_alter_table('resumption_application', schema=None) as batch_op:
        batch_op.drop_index('uq_resumption_application_pending', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_resumption_application_status'))
        batch_op.drop_index(batch_op.f('ix_resumption_application_order_id'))
        batch_op.drop_index(batch_op.f('ix_resumption_application_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_resumption_application_answer_due'))

    op.drop_table('resumption_application')
    with op.batch_alter_table('stop_work_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stop_work_order_status'))
        batch_op.drop_index(batch_op.f('ix_stop_work_order_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_stop_work_order_case_id'))

    op.drop_table('stop_work_order')
