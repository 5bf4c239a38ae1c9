"""referrals of cases to other departments (跨部门移送 / 抄告): the department register, the referrals with their
reply deadline, the replies the bureau records and the joint meetings (联席会议 / 会商) of a case

Revision ID: 0046
Revises: 0038
Create Date: 2026-11-30 19:24:16.681013

"""
from alembic import op
import sqlalchemy as sa


revision = '0046'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('contact_person', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('name', name=op.f('uq_department_name'))
    )
    op.create_table('case_referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('request', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('internal_note', sa.Text(), nullable=False),
    sa.Column('reply_days', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('referred_by_id', sa.Integer(), nullable=False),
    sa.Column('referred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reply_due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_reply_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('urged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('close_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_case_referral_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'], name=op.f('fk_case_referral_closed_by_id_app_user')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_case_referral_department_id_department')),
    sa.ForeignKeyConstraint(['referred_by_id'], ['app_user.id'], name=op.f('fk_case_referral_referred_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_referral')),
    sa.UniqueConstraint('number', name=op.f('uq_case_referral_number'))
    )
    with op.batch_alter_table('case_referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_referral_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_referral_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_referral_referred_at'), ['referred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_referral_reply_due'), ['reply_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_referral_status'), ['status'], unique=False)

    op.create_table('joint_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('department_ids', sa.JSON(), nullable=False),
    sa.Column('referral_ids', sa.JSON(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_joint_meeting_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_joint_meeting_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_meeting'))
    )
    with op.batch_alter_table('joint_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_meeting_case_id'), ['case_id'], unique=False)

    op.create_table('referral_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_referral_reply_recorded_by_id_app_user')),
    sa.ForeignKeyConstraint(['referral_id'], ['case_referral.id'], name=op.f('fk_referral_reply_referral_id_case_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_reply'))
    )
    with op.batch_alter_table('referral_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_reply_referral_id'), ['referral_id'], unique=False)



def downgrade():
    with op.batch_alter_table('referral_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_reply_referral_id'))

    op.drop_table('referral_reply')
    with op.batch_alter_table('joint_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_joint_meeting_case_id'))

    op.drop_table('joint_meeting')
    with op.batch_alter_table('case_referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_referral_status'))
        batch_op.drop_index(batch_op.f('ix_case_referral_reply_due'))
        batch_op.drop_index(batch_op.f('ix_case_referral_referred_at'))
        batch_op.drop_index(batch_op.f('ix_case_referral_department_id'))
        batch_op.drop_index(batch_op.f('ix_case_referral_case_id'))

    op.drop_table('case_referral')
    op.drop_table('department')
