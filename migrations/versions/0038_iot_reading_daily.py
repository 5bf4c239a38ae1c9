"""IoT readings rolled up per device, parameter and Shanghai day (iot_reading_daily): min, max, sum and count, first
and last time, readings beyond the warning and alarm thresholds (with the thresholds counted against), and whether
the day is final (its raw readings pruned past IOT_READINGS_KEEP_DAYS)

Revision ID: 0038
Revises: 0042
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0038'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('iot_reading_daily',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('parameter', sa.String(length=24), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reading_count', sa.Integer(), nullable=False),
    sa.Column('value_sum', sa.Float(), nullable=False),
    sa.Column('value_min', sa.Float(), nullable=False),
    sa.Column('value_max', sa.Float(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('warn_high', sa.Float(), nullable=True),
    sa.Column('alarm_high', sa.Float(), nullable=True),
    sa.Column('warn_low', sa.Float(), nullable=True),
    sa.Column('alarm_low', sa.Float(), nullable=True),
    sa.Column('warning_count', sa.Integer(), nullable=False),
    sa.Column('alarm_count', sa.Integer(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('rolled_up_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['iot_device.id'], name=op.f('fk_iot_reading_daily_device_id_iot_device')),
    sa.PrimaryKeyConstraint('device_id', 'parameter', 'day', name=op.f('pk_iot_reading_daily'))
    )


def downgrade():
    op.drop_table('iot_reading_daily')
