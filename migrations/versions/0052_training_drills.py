"""training sessions (内部培训 / 企业现场培训) with attendees, assessment and materials, the annual training plan, and the
emergency drills of enterprises (应急演练) with the problems registered as hazards

Revision ID: 0052
Revises: 0051
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0052'
down_revision = '0051'
branch_labels = None
depends_on = None

_MOMENT = sa.DateTime(timezone=True)


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))


def _indexes(table, *columns, unique=()):
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=column in unique)


def upgrade():
    op.create_table(
        'training_plan_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('topic', sa.String(length=200), nullable=False),
        sa.Column('hours', sa.Float(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', _MOMENT, nullable=False),
        _fk('training_plan_item', 'created_by_id', 'app_user'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_plan_item')),
    )
    _indexes('training_plan_item', 'year')
    op.create_table(
        'training_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('held_at', _MOMENT, nullable=False),
        sa.Column('hours', sa.Float(), nullable=False),
        sa.Column('topic', sa.String(length=200), nullable=False),
        sa.Column('modules', sa.JSON(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('trainer', sa.String(length=100), nullable=False),
        sa.Column('location', sa.String(length=200), nullable=False),
        sa.Column('attendee_count', sa.Integer(), nullable=False),
        sa.Column('plan_item_id', sa.Integer(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', _MOMENT, nullable=False),
        sa.Column('updated_at', _MOMENT, nullable=False),
        _fk('training_session', 'plan_item_id', 'training_plan_item'),
        _fk('training_session', 'recorded_by_id', 'app_user'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_session')),
    )
    _indexes('training_session', 'kind', 'held_at', 'plan_item_id')
    op.create_table(
        'training_enterprise',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('training_id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        _fk('training_enterprise', 'training_id', 'training_session'),
        _fk('training_enterprise', 'enterprise_id', 'enterprise'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_enterprise')),
        sa.UniqueConstraint('training_id', 'enterprise_id', name=op.f('uq_training_enterprise_training_id')),
    )
    _indexes('training_enterprise', 'training_id', 'enterprise_id')
    op.create_table(
        'training_attendee',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('training_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('position', sa.String(length=64), nullable=False),
        sa.Column('result', sa.String(length=8), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
        _fk('training_attendee', 'training_id', 'training_session'),
        _fk('training_attendee', 'user_id', 'app_user'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attendee')),
    )
    _indexes('training_attendee', 'training_id', 'user_id')
    op.create_table(
        'drill',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('scenario', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('participants', sa.Integer(), nullable=False),
        sa.Column('evaluation', sa.Text(), nullable=False),
        sa.Column('problems', sa.Text(), nullable=False),
        sa.Column('improvements', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', _MOMENT, nullable=False),
        sa.Column('updated_at', _MOMENT, nullable=False),
        _fk('drill', 'enterprise_id', 'enterprise'),
        _fk('drill', 'recorded_by_id', 'app_user'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_drill')),
    )
    _indexes('drill', 'enterprise_id', 'held_on')
    op.create_table(
        'drill_hazard',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('drill_id', sa.Integer(), nullable=False),
        sa.Column('problem', sa.Text(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('created_at', _MOMENT, nullable=False),
        _fk('drill_hazard', 'drill_id', 'drill'),
        _fk('drill_hazard', 'case_id', 'hazard_case'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_hazard')),
        sa.UniqueConstraint('case_id', name=op.f('uq_drill_hazard_case_id')),
    )
    _indexes('drill_hazard', 'drill_id')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('training_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_training_id'), ['training_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_training_id_training_session'), 'training_session',
                                    ['training_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice, an enforcement record, a check's record, an
        # archive document (0039–0048) or now a training session.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id", "follow_up_id",
                  "document_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_ONE_OWNER = _one_owner(_OWNERS_BEFORE + ("training_id",))
_ONE_OWNER_BEFORE = _one_owner(_OWNERS_BEFORE)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_training_id_training_session'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_training_id'))
        batch_op.drop_column('training_id')
    for table in ('drill_hazard', 'drill', 'training_attendee', 'training_enterprise', 'training_session',
                  'training_plan_item'):
        op.drop_table(table)
