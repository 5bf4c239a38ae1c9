"""the online initial review of a rectification (线上初审): one record per case and verification round, due 48 clock
hours after the round's verification opened, and its entries (each review and each supplement of the enterprise)

Revision ID: 0071
Revises: 0070
Create Date: 2026-12-01 00:40:00

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


revision = '0071'
down_revision = '0070'
branch_labels = None
depends_on = None

# The verifying roles by grade, as the diagram's verification tier gives them (services/initial_reviews.py).
_ROLES = {"general": ["project_team"], "larger": ["supervision"]}
_JOINT = ["bureau", "expert"]


def upgrade():
    op.create_table(
        'initial_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('roles', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('first_reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_initial_review_case_id_hazard_case')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_initial_review')),
        sa.UniqueConstraint('case_id', 'round', name=op.f('uq_initial_review_case_id')),
    )
    with op.batch_alter_table('initial_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initial_review_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initial_review_due_at'), ['due_at'], unique=False)
    op.create_table(
        'initial_review_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('materials_complete', sa.Boolean(), nullable=True),
        sa.Column('missing_items', sa.Text(), nullable=True),
        sa.Column('consistent', sa.Boolean(), nullable=True),
        sa.Column('consistency_note', sa.Text(), nullable=True),
        sa.Column('conclusion', sa.String(length=12), nullable=True),
        sa.Column('site_check_on', sa.Date(), nullable=True),
        sa.Column('site_checkers', sa.Text(), nullable=True),
        sa.Column('site_checker_ids', sa.JSON(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('files', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                                name=op.f('fk_initial_review_entry_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['review_id'], ['initial_review.id'],
                                name=op.f('fk_initial_review_entry_review_id_initial_review')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_initial_review_entry')),
    )
    with op.batch_alter_table('initial_review_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initial_review_entry_review_id'), ['review_id'], unique=False)
    _open_records_of_cases_awaiting_verification()


def _open_records_of_cases_awaiting_verification():
    """Cases awaiting verification at the upgrade get their round's record, due 48 hours from the upgrade (not from
    when their verification opened: they would be escalated at once for a rule they did not know)."""
    conn = op.get_bind()
    cases = conn.execute(sa.text("SELECT id, round, grade FROM hazard_case WHERE status = 'verifying' ORDER BY id")).all()
    if not cases:
        return
    now = datetime.now(timezone.utc)
    table = sa.table('initial_review', sa.column('case_id', sa.Integer), sa.column('round', sa.Integer),
                     sa.column('opened_at', sa.DateTime(True)), sa.column('due_at', sa.DateTime(True)),
                     sa.column('roles', sa.JSON), sa.column('status', sa.String))
    op.bulk_insert(table, [{"case_id": case_id, "round": round_no or 1, "opened_at": now,
                            "due_at": now + timedelta(hours=48), "roles": _ROLES.get(grade, _JOINT),
                            "status": "pending"} for case_id, round_no, grade in cases])


def downgrade():
    with op.batch_alter_table('initial_review_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initial_review_entry_review_id'))
    op.drop_table('initial_review_entry')
    with op.batch_alter_table('initial_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initial_review_due_at'))
        batch_op.drop_index(batch_op.f('ix_initial_review_case_id'))
    op.drop_table('initial_review')
