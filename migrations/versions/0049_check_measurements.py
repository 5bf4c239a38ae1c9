"""spot measurements and files on on-site checks (现场检测数据与影像): the readings taken with a supervision check of a
rectification or a re-inspection after closing, each judged against its kind's limit, and attachments owned by such
a record (two more owner columns in the attachment table's one-owner CHECK)

Revision ID: 0049
Revises: 0050
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0049'
down_revision = '0050'
branch_labels = None
depends_on = None

_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id")
_OWNERS = _OWNERS_BEFORE + ("check_id", "follow_up_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


def upgrade():
    op.create_table(
        'site_measurement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('check_id', sa.Integer(), nullable=True),
        sa.Column('follow_up_id', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('name_en', sa.String(length=64), nullable=False),
        sa.Column('unit', sa.String(length=16), nullable=False),
        sa.Column('value', sa.Numeric(precision=16, scale=4), nullable=False),
        sa.Column('limit_rule', sa.JSON(), nullable=False),
        sa.Column('verdict', sa.String(length=16), nullable=False),
        sa.Column('location', sa.String(length=200), nullable=False),
        sa.Column('instrument', sa.String(length=100), nullable=False),
        sa.Column('calibration_no', sa.String(length=64), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.CheckConstraint("(CASE WHEN check_id IS NULL THEN 0 ELSE 1 END + "
                           "CASE WHEN follow_up_id IS NULL THEN 0 ELSE 1 END) = 1",
                           name=op.f('ck_site_measurement_one_record')),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_site_measurement_case_id_hazard_case')),
        sa.ForeignKeyConstraint(['check_id'], ['rectification_check.id'],
                                name=op.f('fk_site_measurement_check_id_rectification_check')),
        sa.ForeignKeyConstraint(['follow_up_id'], ['case_follow_up.id'],
                                name=op.f('fk_site_measurement_follow_up_id_case_follow_up')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'],
                                name=op.f('fk_site_measurement_recorded_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_measurement')),
    )
    with op.batch_alter_table('site_measurement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_measurement_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_measurement_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_measurement_follow_up_id'), ['follow_up_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_measurement_verdict'), ['verdict'], unique=False)
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_follow_up_id'), ['follow_up_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_check_id_rectification_check'), 'rectification_check',
                                    ['check_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attachment_follow_up_id_case_follow_up'), 'case_follow_up',
                                    ['follow_up_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice, an enforcement record (0039–0047), or now a
        # check's record.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _one_owner(_OWNERS))


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _one_owner(_OWNERS_BEFORE))
        batch_op.drop_constraint(batch_op.f('fk_attachment_follow_up_id_case_follow_up'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attachment_check_id_rectification_check'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_follow_up_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_check_id'))
        batch_op.drop_column('follow_up_id')
        batch_op.drop_column('check_id')
    op.drop_table('site_measurement')
