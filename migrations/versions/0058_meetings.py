"""the meetings register (会议管理: 联席会议, 通报会, 总结会, 座谈会, 动员会, 质量分析会, 会商会) with attendees, the cases
discussed, action items (督办事项), and meeting-owned attachments (minutes scans, slides)

Revision ID: 0058
Revises: 0056
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0058'
down_revision = '0056'
branch_labels = None
depends_on = None

_MOMENT = sa.DateTime(timezone=True)


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))


def _indexes(table, *columns):
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def _exactly_one(*columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") = 1"


def upgrade():
    op.create_table(
        'meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('starts_at', _MOMENT, nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('organiser', sa.String(length=16), nullable=False),
        sa.Column('others', sa.Text(), nullable=False),
        sa.Column('agenda', sa.Text(), nullable=False),
        sa.Column('minutes', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', _MOMENT, nullable=False),
        sa.Column('updated_at', _MOMENT, nullable=False),
        sa.Column('minutes_by_id', sa.Integer(), nullable=True),
        sa.Column('minutes_at', _MOMENT, nullable=True),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', _MOMENT, nullable=True),
        sa.Column('notice_id', sa.Integer(), nullable=True),
        _fk('meeting', 'created_by_id', 'app_user'),
        _fk('meeting', 'minutes_by_id', 'app_user'),
        _fk('meeting', 'issued_by_id', 'app_user'),
        _fk('meeting', 'notice_id', 'bureau_notice'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    )
    _indexes('meeting', 'kind', 'starts_at', 'status', 'notice_id')
    op.create_table(
        'meeting_attendee',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=True),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('read_at', _MOMENT, nullable=True),
        sa.Column('read_by_id', sa.Integer(), nullable=True),
        sa.Column('signed_at', _MOMENT, nullable=True),
        sa.Column('signed_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(_exactly_one('enterprise_id', 'department_id', 'user_id'),
                           name=op.f('ck_meeting_attendee_one_attendee')),
        _fk('meeting_attendee', 'meeting_id', 'meeting'),
        _fk('meeting_attendee', 'enterprise_id', 'enterprise'),
        _fk('meeting_attendee', 'department_id', 'department'),
        _fk('meeting_attendee', 'user_id', 'app_user'),
        _fk('meeting_attendee', 'read_by_id', 'app_user'),
        _fk('meeting_attendee', 'signed_by_id', 'app_user'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendee')),
        sa.UniqueConstraint('meeting_id', 'enterprise_id', name='uq_meeting_attendee_enterprise'),
        sa.UniqueConstraint('meeting_id', 'department_id', name='uq_meeting_attendee_department'),
        sa.UniqueConstraint('meeting_id', 'user_id', name='uq_meeting_attendee_user'),
    )
    _indexes('meeting_attendee', 'meeting_id', 'enterprise_id', 'department_id', 'user_id')
    op.create_table(
        'meeting_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        _fk('meeting_case', 'meeting_id', 'meeting'),
        _fk('meeting_case', 'case_id', 'hazard_case'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_case')),
        sa.UniqueConstraint('meeting_id', 'case_id', name='uq_meeting_case'),
    )
    _indexes('meeting_case', 'meeting_id', 'case_id')
    op.create_table(
        'meeting_action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('owner_enterprise_id', sa.Integer(), nullable=True),
        sa.Column('owner_department_id', sa.Integer(), nullable=True),
        sa.Column('owner_user_id', sa.Integer(), nullable=True),
        sa.Column('due_workdays', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', _MOMENT, nullable=True),
        sa.Column('urged_at', _MOMENT, nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', _MOMENT, nullable=False),
        sa.CheckConstraint(_exactly_one('owner_enterprise_id', 'owner_department_id', 'owner_user_id'),
                           name=op.f('ck_meeting_action_one_owner')),
        _fk('meeting_action', 'meeting_id', 'meeting'),
        _fk('meeting_action', 'owner_enterprise_id', 'enterprise'),
        _fk('meeting_action', 'owner_department_id', 'department'),
        _fk('meeting_action', 'owner_user_id', 'app_user'),
        _fk('meeting_action', 'closed_by_id', 'app_user'),
        _fk('meeting_action', 'created_by_id', 'app_user'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_action')),
    )
    _indexes('meeting_action', 'meeting_id', 'owner_enterprise_id', 'owner_department_id', 'owner_user_id', 'due_on',
             'status')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_meeting_id_meeting'), 'meeting', ['meeting_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice, an enforcement record, a check's record, an
        # archive document, a training session (0039–0052) or now a meeting.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id", "follow_up_id",
                  "document_id", "training_id", "certificate_id", "risk_plan_enterprise_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_ONE_OWNER = _one_owner(_OWNERS_BEFORE + ("meeting_id",))
_ONE_OWNER_BEFORE = _one_owner(_OWNERS_BEFORE)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_meeting_id'))
        batch_op.drop_column('meeting_id')
    for table in ('meeting_action', 'meeting_case', 'meeting_attendee', 'meeting'):
        op.drop_table(table)
