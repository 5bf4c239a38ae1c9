"""the emergency incident log (突发状况接报与处置): incidents with their stage times and analysis report, the staff
and instruments (loans of the equipment register) sent to them, and the duty roster (值班表)

Revision ID: 0060
Revises: 0057
Create Date: 2026-11-30 21:22:21.712845

"""
from alembic import op
import sqlalchemy as sa


revision = '0060'
down_revision = '0057'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('emergency_duty',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_emergency_duty_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_emergency_duty_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_duty'))
    )
    with op.batch_alter_table('emergency_duty', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_duty_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_emergency_duty_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_emergency_duty_user_id'), ['user_id'], unique=False)

    op.create_table('emergency_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=False),
    sa.Column('reporter', sa.String(length=64), nullable=False),
    sa.Column('reporter_contact', sa.String(length=64), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('township', sa.String(length=64), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handling_note', sa.Text(), nullable=False),
    sa.Column('internal_note', sa.Text(), nullable=False),
    sa.Column('report_cause', sa.Text(), nullable=False),
    sa.Column('report_handling', sa.Text(), nullable=False),
    sa.Column('report_lessons', sa.Text(), nullable=False),
    sa.Column('report_improvements', sa.Text(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_emergency_event_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_emergency_event_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['received_by_id'], ['app_user.id'], name=op.f('fk_emergency_event_received_by_id_app_user')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_emergency_event_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_event')),
    sa.UniqueConstraint('case_id', name=op.f('uq_emergency_event_case_id')),
    sa.UniqueConstraint('code', name=op.f('uq_emergency_event_code'))
    )
    with op.batch_alter_table('emergency_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_event_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_emergency_event_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_emergency_event_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_emergency_event_township'), ['township'], unique=False)

    op.create_table('emergency_instrument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['app_user.id'], name=op.f('fk_emergency_instrument_added_by_id_app_user')),
    sa.ForeignKeyConstraint(['event_id'], ['emergency_event.id'], name=op.f('fk_emergency_instrument_event_id_emergency_event')),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_emergency_instrument_instrument_id_instrument')),
    sa.ForeignKeyConstraint(['loan_id'], ['instrument_loan.id'], name=op.f('fk_emergency_instrument_loan_id_instrument_loan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_instrument')),
    sa.UniqueConstraint('loan_id', name=op.f('uq_emergency_instrument_loan_id'))
    )
    with op.batch_alter_table('emergency_instrument', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_instrument_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_emergency_instrument_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('emergency_responder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['app_user.id'], name=op.f('fk_emergency_responder_added_by_id_app_user')),
    sa.ForeignKeyConstraint(['event_id'], ['emergency_event.id'], name=op.f('fk_emergency_responder_event_id_emergency_event')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_emergency_responder_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_responder')),
    sa.UniqueConstraint('event_id', 'user_id', name='uq_emergency_responder_event_id_user_id')
    )
    with op.batch_alter_table('emergency_responder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_responder_event_id'), ['event_id'], unique=False)



def downgrade():
    op.drop_table('emergency_responder')  # their indexes go with them
    op.drop_table('emergency_instrument')
    op.drop_table('emergency_event')
    op.drop_table('emergency_duty')
