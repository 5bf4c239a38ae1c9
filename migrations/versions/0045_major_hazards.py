"""major hazards' special report, treatment plan and listed supervision (重大隐患专报、治理方案与挂牌督办): one record
per case that became major or worse, and the plan's submissions with the bureau's decisions

Revision ID: 0045
Revises: 0044
Create Date: 2026-11-30 19:40:00

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


revision = '0045'
down_revision = '0044'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'major_hazard',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('opened_grade', sa.String(length=20), nullable=False),
        sa.Column('report_due', sa.DateTime(timezone=True), nullable=False),
        sa.Column('report_confirmation', sa.Text(), nullable=True),
        sa.Column('report_photos', sa.JSON(), nullable=False),
        sa.Column('report_detection', sa.Text(), nullable=True),
        sa.Column('report_analysis', sa.Text(), nullable=True),
        sa.Column('report_measures', sa.Text(), nullable=True),
        sa.Column('reported_by_id', sa.Integer(), nullable=True),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('report_urged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('plan_status', sa.String(length=12), nullable=False),
        sa.Column('plan_due', sa.DateTime(timezone=True), nullable=False),
        sa.Column('plan_urged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('listed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('listed_by_id', sa.Integer(), nullable=True),
        sa.Column('supervisor_name', sa.String(length=64), nullable=True),
        sa.Column('supervisor_unit', sa.String(length=128), nullable=True),
        sa.Column('listing_due', sa.Date(), nullable=True),
        sa.Column('listing_note', sa.Text(), nullable=True),
        sa.Column('delisted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('delisted_by_id', sa.Integer(), nullable=True),
        sa.Column('delist_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_major_hazard_case_id_hazard_case')),
        sa.ForeignKeyConstraint(['reported_by_id'], ['app_user.id'],
                                name=op.f('fk_major_hazard_reported_by_id_app_user')),
        sa.ForeignKeyConstraint(['listed_by_id'], ['app_user.id'], name=op.f('fk_major_hazard_listed_by_id_app_user')),
        sa.ForeignKeyConstraint(['delisted_by_id'], ['app_user.id'],
                                name=op.f('fk_major_hazard_delisted_by_id_app_user')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_major_hazard')),
    )
    with op.batch_alter_table('major_hazard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_major_hazard_opened_at'), ['opened_at'], unique=False)
    op.create_table(
        'major_hazard_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('goals', sa.Text(), nullable=False),
        sa.Column('methods', sa.Text(), nullable=False),
        sa.Column('funds', sa.Text(), nullable=False),
        sa.Column('organisation', sa.Text(), nullable=False),
        sa.Column('time_limits', sa.Text(), nullable=False),
        sa.Column('safety', sa.Text(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decision', sa.String(length=12), nullable=True),
        sa.Column('opinion', sa.Text(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['major_hazard.case_id'],
                                name=op.f('fk_major_hazard_plan_case_id_major_hazard')),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['app_user.id'],
                                name=op.f('fk_major_hazard_plan_submitted_by_id_app_user')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'],
                                name=op.f('fk_major_hazard_plan_decided_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_major_hazard_plan')),
        sa.UniqueConstraint('case_id', 'version', name='uq_major_hazard_plan_version'),
    )
    with op.batch_alter_table('major_hazard_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_major_hazard_plan_case_id'), ['case_id'], unique=False)
    _open_records_of_running_major_cases()


def _open_records_of_running_major_cases():
    """Open major / especially major cases of before this version get their record, with 48 hours from the upgrade
    (not from their registration: they would all be overdue and urged at once for a rule they did not know)."""
    conn = op.get_bind()
    cases = conn.execute(sa.text("SELECT id, grade FROM hazard_case WHERE grade IN ('major', 'especially_major') "
                                 "AND status != 'closed' ORDER BY id")).all()
    if not cases:
        return
    now = datetime.now(timezone.utc)
    table = sa.table('major_hazard', sa.column('case_id', sa.Integer), sa.column('opened_at', sa.DateTime(True)),
                     sa.column('opened_grade', sa.String), sa.column('report_due', sa.DateTime(True)),
                     sa.column('report_photos', sa.JSON), sa.column('plan_status', sa.String),
                     sa.column('plan_due', sa.DateTime(True)))
    due = now + timedelta(hours=48)
    op.bulk_insert(table, [{"case_id": case_id, "opened_at": now, "opened_grade": grade, "report_due": due,
                            "report_photos": [], "plan_status": "pending", "plan_due": due}
                           for case_id, grade in cases])


def downgrade():
    with op.batch_alter_table('major_hazard_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_major_hazard_plan_case_id'))
    op.drop_table('major_hazard_plan')
    with op.batch_alter_table('major_hazard', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_major_hazard_opened_at'))
    op.drop_table('major_hazard')
