"""rectification milestones (整改节点) and the three parties of a case (整改责任人 / 技术支持人 / 监督检查人)

Revision ID: 0068
Revises: 0067
Create Date: 2026-11-30 22:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0068'
down_revision = '0067'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('criterion', sa.Text(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('late_notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_case_milestone_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                            name=op.f('fk_case_milestone_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['done_by_id'], ['app_user.id'], name=op.f('fk_case_milestone_done_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_milestone'))
    )
    with op.batch_alter_table('case_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_milestone_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_milestone_due_on'), ['due_on'], unique=False)

    op.create_table('case_parties',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('responsible_name', sa.String(length=64), nullable=False),
    sa.Column('responsible_phone', sa.String(length=32), nullable=False),
    sa.Column('technical_name', sa.String(length=64), nullable=False),
    sa.Column('technical_phone', sa.String(length=32), nullable=False),
    sa.Column('supervisor_name', sa.String(length=64), nullable=False),
    sa.Column('supervisor_phone', sa.String(length=32), nullable=False),
    sa.Column('supervisor_user_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_case_parties_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['supervisor_user_id'], ['app_user.id'],
                            name=op.f('fk_case_parties_supervisor_user_id_app_user')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_case_parties_updated_by_id_app_user')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_parties'))
    )


def downgrade():
    op.drop_table('case_parties')
    with op.batch_alter_table('case_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_milestone_due_on'))
        batch_op.drop_index(batch_op.f('ix_case_milestone_case_id'))
    op.drop_table('case_milestone')
