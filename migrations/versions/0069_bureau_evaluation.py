"""the bureau's quarterly evaluation of the contractor (监管部门评价) with its improvement items (专项整改), and survey
rounds (问卷调查) with their recipients' answers

Revision ID: 0069
Revises: 0068
Create Date: 2026-11-30 22:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0069'
down_revision = '0068'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contractor_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('response_speed', sa.Integer(), nullable=False),
    sa.Column('service_quality', sa.Integer(), nullable=False),
    sa.Column('data_accuracy', sa.Integer(), nullable=False),
    sa.Column('communication', sa.Integer(), nullable=False),
    sa.Column('rectification_effect', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('evaluated_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['app_user.id'],
                            name=op.f('fk_contractor_evaluation_confirmed_by_id_app_user')),
    sa.ForeignKeyConstraint(['evaluated_by_id'], ['app_user.id'],
                            name=op.f('fk_contractor_evaluation_evaluated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contractor_evaluation')),
    sa.UniqueConstraint('year', 'quarter', name=op.f('uq_contractor_evaluation_year'))
    )
    op.create_table('improvement_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_told_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'], name=op.f('fk_improvement_item_closed_by_id_app_user')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['contractor_evaluation.id'],
                            name=op.f('fk_improvement_item_evaluation_id_contractor_evaluation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_item')),
    sa.UniqueConstraint('evaluation_id', 'dimension', name=op.f('uq_improvement_item_evaluation_id'))
    )
    with op.batch_alter_table('improvement_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_improvement_item_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_item_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('survey_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('to_enterprises', sa.Boolean(), nullable=False),
    sa.Column('to_townships', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_survey_round_created_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_round'))
    )
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_round_status'), ['status'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('q_attitude', sa.Integer(), nullable=True),
    sa.Column('q_expertise', sa.Integer(), nullable=True),
    sa.Column('q_timeliness', sa.Integer(), nullable=True),
    sa.Column('q_guidance', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_survey_response_round_id_survey_round')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_survey_response_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
    sa.UniqueConstraint('round_id', 'user_id', name=op.f('uq_survey_response_round_id'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_user_id'))
        batch_op.drop_index(batch_op.f('ix_survey_response_round_id'))
    op.drop_table('survey_response')
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_round_status'))
    op.drop_table('survey_round')
    with op.batch_alter_table('improvement_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_improvement_item_evaluation_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_item_due_on'))
    op.drop_table('improvement_item')
    op.drop_table('contractor_evaluation')
