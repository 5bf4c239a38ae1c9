"""enterprises' objections to their cases (异议) and the contractor's answers, due within three working days

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_objection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=24), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('raised_by_id', sa.Integer(), nullable=False),
        sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reply_due', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reply', sa.Text(), nullable=True),
        sa.Column('accepted', sa.Boolean(), nullable=True),
        sa.Column('replied_by_id', sa.Integer(), nullable=True),
        sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_case_objection_case_id_hazard_case')),
        sa.ForeignKeyConstraint(['raised_by_id'], ['app_user.id'],
                                name=op.f('fk_case_objection_raised_by_id_app_user')),
        sa.ForeignKeyConstraint(['replied_by_id'], ['app_user.id'],
                                name=op.f('fk_case_objection_replied_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_objection')),
    )
    with op.batch_alter_table('case_objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_objection_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_objection_reply_due'), ['reply_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_objection_replied_at'), ['replied_at'], unique=False)


def downgrade():
    with op.batch_alter_table('case_objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_objection_replied_at'))
        batch_op.drop_index(batch_op.f('ix_case_objection_reply_due'))
        batch_op.drop_index(batch_op.f('ix_case_objection_case_id'))
    op.drop_table('case_objection')
