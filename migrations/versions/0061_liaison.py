"""enterprise liaison officers (企业联络专员) with their assignment history, the contact log (沟通记录) with the
enterprises' commitments, and the enterprises' questions (线上咨询反馈) with their messages; a question's files are
the attachment's tenth owner (question_id)

Revision ID: 0061
Revises: 0064
Create Date: 2026-11-30 21:28:18.380370

"""
from alembic import op
import sqlalchemy as sa


revision = '0061'
down_revision = '0064'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('contacted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('way', sa.String(length=16), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('counterpart', sa.String(length=100), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.Text(), nullable=False),
    sa.Column('refused', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_contact_entry_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['staff_id'], ['app_user.id'], name=op.f('fk_contact_entry_staff_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_entry'))
    )
    with op.batch_alter_table('contact_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_entry_contacted_at'), ['contacted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_entry_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('liaison_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('liaison_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['app_user.id'], name=op.f('fk_liaison_assignment_assigned_by_id_app_user')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['app_user.id'], name=op.f('fk_liaison_assignment_ended_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_liaison_assignment_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['liaison_id'], ['app_user.id'], name=op.f('fk_liaison_assignment_liaison_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_liaison_assignment'))
    )
    with op.batch_alter_table('liaison_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_liaison_assignment_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_assignment_liaison_id'), ['liaison_id'], unique=False)
        batch_op.create_index('uq_liaison_assignment_current', ['enterprise_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('contact_commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.Column('settle_note', sa.String(length=500), nullable=False),
    sa.CheckConstraint("status IN ('open', 'kept', 'broken')", name=op.f('ck_contact_commitment_known_status')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_contact_commitment_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['entry_id'], ['contact_entry.id'], name=op.f('fk_contact_commitment_entry_id_contact_entry')),
    sa.ForeignKeyConstraint(['settled_by_id'], ['app_user.id'], name=op.f('fk_contact_commitment_settled_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_commitment'))
    )
    with op.batch_alter_table('contact_commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_commitment_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_commitment_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_commitment_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_commitment_status'), ['status'], unique=False)

    op.create_table('enterprise_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_response_by_id', sa.Integer(), nullable=True),
    sa.Column('awaiting_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('respond_due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('urged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_enterprise_question_known_status')),
    sa.CheckConstraint("urgency IN ('normal', 'urgent')", name=op.f('ck_enterprise_question_known_urgency')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['app_user.id'], name=op.f('fk_enterprise_question_asked_by_id_app_user')),
    sa.ForeignKeyConstraint(['assignee_id'], ['app_user.id'], name=op.f('fk_enterprise_question_assignee_id_app_user')),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_enterprise_question_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'], name=op.f('fk_enterprise_question_closed_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_enterprise_question_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['first_response_by_id'], ['app_user.id'], name=op.f('fk_enterprise_question_first_response_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_question'))
    )
    with op.batch_alter_table('enterprise_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_question_asked_at'), ['asked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_question_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_question_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_question_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_question_respond_due'), ['respond_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_question_status'), ['status'], unique=False)

    op.create_table('question_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('from_staff', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('waited_seconds', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_question_message_author_id_app_user')),
    sa.ForeignKeyConstraint(['question_id'], ['enterprise_question.id'], name=op.f('fk_question_message_question_id_enterprise_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_message'))
    )
    with op.batch_alter_table('question_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_message_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_question_id'), ['question_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_question_id_enterprise_question'), 'enterprise_question',
                                    ['question_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice, an enforcement record, a check's record, an
        # archive document, a training session (0039–0052) or now an enterprise's question.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)



_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id", "follow_up_id",
                  "document_id", "training_id", "certificate_id", "risk_plan_enterprise_id", "meeting_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_ONE_OWNER = _one_owner(_OWNERS_BEFORE + ("question_id",))
_ONE_OWNER_BEFORE = _one_owner(_OWNERS_BEFORE)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_question_id_enterprise_question'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_question_id'))
        batch_op.drop_column('question_id')

    with op.batch_alter_table('question_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_message_question_id'))

    op.drop_table('question_message')
    with op.batch_alter_table('enterprise_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_question_status'))
        batch_op.drop_index(batch_op.f('ix_enterprise_question_respond_due'))
        batch_op.drop_index(batch_op.f('ix_enterprise_question_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_question_case_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_question_assignee_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_question_asked_at'))

    op.drop_table('enterprise_question')
    with op.batch_alter_table('contact_commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_commitment_status'))
        batch_op.drop_index(batch_op.f('ix_contact_commitment_entry_id'))
        batch_op.drop_index(batch_op.f('ix_contact_commitment_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_contact_commitment_due_on'))

    op.drop_table('contact_commitment')
    with op.batch_alter_table('liaison_assignment', schema=None) as batch_op:
        batch_op.drop_index('uq_liaison_assignment_current', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_liaison_assignment_liaison_id'))
        batch_op.drop_index(batch_op.f('ix_liaison_assignment_enterprise_id'))

    op.drop_table('liaison_assignment')
    with op.batch_alter_table('contact_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_entry_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_contact_entry_contacted_at'))

    op.drop_table('contact_entry')
