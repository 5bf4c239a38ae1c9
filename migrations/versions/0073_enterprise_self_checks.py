"""enterprise self-checks (企业自查) against the standard checklists: the self-check with its frozen list version and
its items (result, note, whether to report a nonconforming one, the case it became); a self-check's item photos are
the attachment's next owner (self_check_id)

Revision ID: 0073
Revises: 0072
Create Date: 2026-12-01 00:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0073'
down_revision = '0072'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('self_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('checklist_id', sa.Integer(), nullable=False),
    sa.Column('checklist_version', sa.Integer(), nullable=False),
    sa.Column('checklist_name', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_self_check_known_status')),
    sa.ForeignKeyConstraint(['checklist_id'], ['checklist.id'], name=op.f('fk_self_check_checklist_id_checklist')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_self_check_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['started_by_id'], ['app_user.id'], name=op.f('fk_self_check_started_by_id_app_user')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['app_user.id'], name=op.f('fk_self_check_submitted_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_check'))
    )
    with op.batch_alter_table('self_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_check_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_check_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_check_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('self_check_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('self_check_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('report', sa.Boolean(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('hazard_type', sa.String(length=32), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("result IS NULL OR result IN ('conform', 'nonconform', 'not_applicable')",
                       name=op.f('ck_self_check_item_known_result')),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_self_check_item_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['item_id'], ['checklist_item.id'], name=op.f('fk_self_check_item_item_id_checklist_item')),
    sa.ForeignKeyConstraint(['self_check_id'], ['self_check.id'], name=op.f('fk_self_check_item_self_check_id_self_check')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_check_item')),
    sa.UniqueConstraint('self_check_id', 'code', name=op.f('uq_self_check_item_self_check_id'))
    )
    with op.batch_alter_table('self_check_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_check_item_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_check_item_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_check_item_self_check_id'), ['self_check_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('self_check_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_self_check_id'), ['self_check_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_self_check_id_self_check'), 'self_check',
                                    ['self_check_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice, an enforcement record, a check's record, an
        # archive document, a training session, a certificate, a risk map, a meeting, a question (0039–0061) or now
        # an enterprise's self-check.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id", "follow_up_id",
                  "document_id", "training_id", "certificate_id", "risk_plan_enterprise_id", "meeting_id",
                  "question_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_ONE_OWNER = _one_owner(_OWNERS_BEFORE + ("self_check_id",))
_ONE_OWNER_BEFORE = _one_owner(_OWNERS_BEFORE)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_self_check_id_self_check'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_self_check_id'))
        batch_op.drop_column('self_check_id')

    with op.batch_alter_table('self_check_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_check_item_self_check_id'))
        batch_op.drop_index(batch_op.f('ix_self_check_item_item_id'))
        batch_op.drop_index(batch_op.f('ix_self_check_item_case_id'))

    op.drop_table('self_check_item')
    with op.batch_alter_table('self_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_check_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_self_check_status'))
        batch_op.drop_index(batch_op.f('ix_self_check_enterprise_id'))

    op.drop_table('self_check')
