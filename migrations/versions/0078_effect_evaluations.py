"""independent evaluation of the rectification effect of closed major hazards (整改效果评估): the register of
third-party evaluation bodies, one evaluation per closed major / especially major case with its experts and visits;
an evaluation's files are the attachment's eighteenth owner (effect_evaluation_id). Major cases closed before this
revision get their evaluation, counted from their closing day.

Revision ID: 0078
Revises: 0079
Create Date: 2026-12-01 00:11:43.946868

"""
import calendar
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0078'
down_revision = '0079'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_body',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('qualification', sa.String(length=200), nullable=False),
    sa.Column('contact_person', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_body')),
    sa.UniqueConstraint('name', name=op.f('uq_evaluation_body_name'))
    )
    op.create_table('effect_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('earliest_on', sa.Date(), nullable=False),
    sa.Column('latest_on', sa.Date(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('commissioned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('commissioned_by_id', sa.Integer(), nullable=True),
    sa.Column('commission_note', sa.Text(), nullable=False),
    sa.Column('quality_score', sa.Integer(), nullable=True),
    sa.Column('equipment_score', sa.Integer(), nullable=True),
    sa.Column('system_score', sa.Integer(), nullable=True),
    sa.Column('risk_control_score', sa.Integer(), nullable=True),
    sa.Column('conclusion', sa.String(length=24), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('internal_note', sa.Text(), nullable=False),
    sa.Column('recurrence_case_ids', sa.JSON(), nullable=True),
    sa.Column('satisfaction', sa.JSON(), nullable=True),
    sa.Column('concluded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('concluded_by_id', sa.Integer(), nullable=True),
    sa.Column('overdue_notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("conclusion IS NULL OR conclusion IN ('effective', 'basically_effective', 'ineffective')", name=op.f('ck_effect_evaluation_known_conclusion')),
    sa.CheckConstraint('(quality_score IS NULL OR quality_score BETWEEN 0 AND 100) AND (equipment_score IS NULL OR equipment_score BETWEEN 0 AND 100) AND (system_score IS NULL OR system_score BETWEEN 0 AND 100) AND (risk_control_score IS NULL OR risk_control_score BETWEEN 0 AND 100)', name=op.f('ck_effect_evaluation_scores_in_range')),
    sa.ForeignKeyConstraint(['body_id'], ['evaluation_body.id'], name=op.f('fk_effect_evaluation_body_id_evaluation_body')),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_effect_evaluation_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['commissioned_by_id'], ['app_user.id'], name=op.f('fk_effect_evaluation_commissioned_by_id_app_user')),
    sa.ForeignKeyConstraint(['concluded_by_id'], ['app_user.id'], name=op.f('fk_effect_evaluation_concluded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_effect_evaluation')),
    sa.UniqueConstraint('case_id', name=op.f('uq_effect_evaluation_case_id'))
    )
    with op.batch_alter_table('effect_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_effect_evaluation_earliest_on'), ['earliest_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_effect_evaluation_latest_on'), ['latest_on'], unique=False)

    op.create_table('effect_evaluation_expert',
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['effect_evaluation.id'], name=op.f('fk_effect_evaluation_expert_evaluation_id_effect_evaluation')),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_effect_evaluation_expert_expert_id_expert')),
    sa.PrimaryKeyConstraint('evaluation_id', 'expert_id', name=op.f('pk_effect_evaluation_expert'))
    )
    with op.batch_alter_table('effect_evaluation_expert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_effect_evaluation_expert_expert_id'), ['expert_id'], unique=False)

    op.create_table('effect_evaluation_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['effect_evaluation.id'], name=op.f('fk_effect_evaluation_visit_evaluation_id_effect_evaluation')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_effect_evaluation_visit_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_effect_evaluation_visit'))
    )
    with op.batch_alter_table('effect_evaluation_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_effect_evaluation_visit_evaluation_id'), ['evaluation_id'], unique=False)

    owners_before = _owner_columns()
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effect_evaluation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_effect_evaluation_id'), ['effect_evaluation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_effect_evaluation_id_effect_evaluation'), 'effect_evaluation', ['effect_evaluation_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice, an enforcement record, a check's record, an
        # archive document, a training session, a certificate, a risk map, a meeting, a question (0039–0061), whatever
        # owners the revisions before this one added, or now an effect evaluation.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'),
                                         _one_owner(owners_before + ("effect_evaluation_id",)))

    _open_for_closed_major_cases()


_OWNERS_AT_0070 = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id",
                   "follow_up_id", "document_id", "training_id", "certificate_id", "risk_plan_enterprise_id", "meeting_id",
                   "question_id")


def _owner_columns():
    """The attachment's owner columns as the database has them now: every column with a foreign key but the
    uploader's, in the table's order (at 0070 exactly _OWNERS_AT_0070). Read rather than listed, so that this
    revision keeps the owners of the revisions merged before it, whatever their order."""
    inspector = sa.inspect(op.get_bind())
    keyed = {c for fk in inspector.get_foreign_keys("attachment") for c in fk["constrained_columns"]}
    return tuple(c["name"] for c in inspector.get_columns("attachment")
                 if c["name"] in keyed and c["name"] != "uploader_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_SHANGHAI = ZoneInfo("Asia/Shanghai")


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _open_for_closed_major_cases():
    """The evaluation of every major case closed before this revision, as closing would have opened it (three
    months and 30 days from its closing day; no notices: the bureau finds them on the list)."""
    case = sa.table("hazard_case", sa.column("id"), sa.column("grade"), sa.column("status"),
                    sa.column("closed_at", sa.DateTime(timezone=True)))
    evaluation = sa.table("effect_evaluation", sa.column("case_id"), sa.column("opened_at", sa.DateTime(timezone=True)),
                          sa.column("closed_on", sa.Date), sa.column("earliest_on", sa.Date),
                          sa.column("latest_on", sa.Date), sa.column("commission_note"), sa.column("summary"),
                          sa.column("internal_note"))
    connection = op.get_bind()
    closed = connection.execute(sa.select(case.c.id, case.c.closed_at).where(
        case.c.status == "closed", case.c.grade.in_(("major", "especially_major")))).all()
    now = datetime.now(timezone.utc)  # a migration runs outside the app's clock
    rows = []
    for case_id, closed_at in closed:
        moment = closed_at or now
        if moment.tzinfo is None:  # SQLite hands back the stored UTC moment without its zone
            moment = moment.replace(tzinfo=timezone.utc)
        closed_on = moment.astimezone(_SHANGHAI).date()
        earliest = _add_months(closed_on, 3)
        rows.append({"case_id": case_id, "opened_at": moment, "closed_on": closed_on, "earliest_on": earliest,
                     "latest_on": earliest + timedelta(days=30), "commission_note": "", "summary": "",
                     "internal_note": ""})
    if rows:
        op.bulk_insert(evaluation, rows)



def downgrade():
    owners_before = tuple(c for c in _owner_columns() if c != "effect_evaluation_id")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _one_owner(owners_before))
        batch_op.drop_constraint(batch_op.f('fk_attachment_effect_evaluation_id_effect_evaluation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_effect_evaluation_id'))
        batch_op.drop_column('effect_evaluation_id')

    with op.batch_alter_table('effect_evaluation_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_effect_evaluation_visit_evaluation_id'))

    op.drop_table('effect_evaluation_visit')
    with op.batch_alter_table('effect_evaluation_expert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_effect_evaluation_expert_expert_id'))

    op.drop_table('effect_evaluation_expert')
    with op.batch_alter_table('effect_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_effect_evaluation_latest_on'))
        batch_op.drop_index(batch_op.f('ix_effect_evaluation_earliest_on'))

    op.drop_table('effect_evaluation')
    op.drop_table('evaluation_body')
