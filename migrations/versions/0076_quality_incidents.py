"""quality incidents of the contractor's own service (质量事故分类分级处置) with their responsible staff and investigation
group; an incident's recordings are the attachment's seventeenth owner (quality_incident_id)

Revision ID: 0076
Revises: 0075
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0076'
down_revision = '0075'
branch_labels = None
depends_on = None

_INDEXED = ('registered_at', 'quality_sample_id', 'visit_quality_sample_id', 'complaint_id', 'evaluation_id',
            'supervision_id', 'grade', 'due_at', 'status', 'training_id')


def _fk(column, target):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_quality_incident_{column}_{target}'))


def upgrade():
    op.create_table('quality_incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('quality_sample_id', sa.Integer(), nullable=True),
    sa.Column('visit_quality_sample_id', sa.Integer(), nullable=True),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('evaluation_id', sa.Integer(), nullable=True),
    sa.Column('supervision_id', sa.Integer(), nullable=True),
    sa.Column('case_ids', sa.JSON(), nullable=False),
    sa.Column('visit_ids', sa.JSON(), nullable=False),
    sa.Column('grade', sa.String(length=8), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('investigation_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('remedy', sa.Text(), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('lesson', sa.Text(), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notified_by_id', sa.Integer(), nullable=True),
    sa.Column('notice_count', sa.Integer(), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('overdue_told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('bureau_told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    _fk('quality_sample_id', 'quality_sample'),
    _fk('visit_quality_sample_id', 'visit_quality_sample'),
    _fk('complaint_id', 'service_complaint'),
    _fk('evaluation_id', 'contractor_evaluation'),
    _fk('supervision_id', 'staff_supervision'),
    _fk('training_id', 'training_session'),
    _fk('handled_by_id', 'app_user'),
    _fk('notified_by_id', 'app_user'),
    _fk('closed_by_id', 'app_user'),
    _fk('created_by_id', 'app_user'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_incident'))
    )
    with op.batch_alter_table('quality_incident', schema=None) as batch_op:
        for column in _INDEXED:
            batch_op.create_index(batch_op.f(f'ix_quality_incident_{column}'), [column], unique=False)

    op.create_table('quality_incident_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=16), nullable=False),
    sa.Column('measures', sa.JSON(), nullable=False),
    sa.Column('measure_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['quality_incident.id'],
                            name=op.f('fk_quality_incident_person_incident_id_quality_incident')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_quality_incident_person_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_incident_person')),
    sa.UniqueConstraint('incident_id', 'user_id', 'part', name='uq_quality_incident_person')
    )
    with op.batch_alter_table('quality_incident_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_incident_person_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_incident_person_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quality_incident_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_quality_incident_id'), ['quality_incident_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_quality_incident_id_quality_incident'),
                                    'quality_incident', ['quality_incident_id'], ['id'])
        # A file has one owner: the sixteen before (0039–0075) or now a quality incident.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id", "follow_up_id",
                  "document_id", "training_id", "certificate_id", "risk_plan_enterprise_id", "meeting_id",
                  "question_id", "self_check_id", "resumption_id", "knowledge_entry_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_ONE_OWNER = _one_owner(_OWNERS_BEFORE + ("quality_incident_id",))
_ONE_OWNER_BEFORE = _one_owner(_OWNERS_BEFORE)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_quality_incident_id_quality_incident'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_quality_incident_id'))
        batch_op.drop_column('quality_incident_id')

    with op.batch_alter_table('quality_incident_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_incident_person_user_id'))
        batch_op.drop_index(batch_op.f('ix_quality_incident_person_incident_id'))
    op.drop_table('quality_incident_person')
    with op.batch_alter_table('quality_incident', schema=None) as batch_op:
        for column in reversed(_INDEXED):
            batch_op.drop_index(batch_op.f(f'ix_quality_incident_{column}'))
    op.drop_table('quality_incident')
