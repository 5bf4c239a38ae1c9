"""IoT monitoring and threshold alarms (物联网监测预警): monitoring devices per enterprise with their parameters and
thresholds, edge gateways, readings (keyed by device, parameter and time, so a re-sent reading stores nothing new),
alarms and the maintenance ledger (设备维护台账)

Revision ID: 0036
Revises: 0035
Create Date: 2026-11-30 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('iot_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('key_hint', sa.String(length=16), nullable=False),
    sa.Column('key_issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('battery_percent', sa.Integer(), nullable=True),
    sa.Column('battery_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('battery_replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_calibrated_on', sa.Date(), nullable=True),
    sa.Column('calibration_interval_days', sa.Integer(), nullable=True),
    sa.Column('calibration_due_on', sa.Date(), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('offline_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_iot_device_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_iot_device_enterprise_id_enterprise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iot_device')),
    sa.UniqueConstraint('code', name=op.f('uq_iot_device_code')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_iot_device_key_hash'))
    )
    with op.batch_alter_table('iot_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iot_device_calibration_due_on'), ['calibration_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_iot_device_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iot_device_last_seen_at'), ['last_seen_at'], unique=False)

    op.create_table('iot_gateway',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('key_hint', sa.String(length=16), nullable=False),
    sa.Column('key_issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_iot_gateway_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_iot_gateway_enterprise_id_enterprise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iot_gateway')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_iot_gateway_key_hash'))
    )
    with op.batch_alter_table('iot_gateway', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iot_gateway_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('iot_maintenance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('performed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('performed_by', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['iot_device.id'], name=op.f('fk_iot_maintenance_device_id_iot_device')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_iot_maintenance_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iot_maintenance'))
    )
    with op.batch_alter_table('iot_maintenance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iot_maintenance_device_id'), ['device_id'], unique=False)

    op.create_table('iot_parameter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('parameter', sa.String(length=24), nullable=False),
    sa.Column('warn_high', sa.Float(), nullable=True),
    sa.Column('alarm_high', sa.Float(), nullable=True),
    sa.Column('warn_low', sa.Float(), nullable=True),
    sa.Column('alarm_low', sa.Float(), nullable=True),
    sa.Column('latest_value', sa.Float(), nullable=True),
    sa.Column('latest_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['iot_device.id'], name=op.f('fk_iot_parameter_device_id_iot_device')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iot_parameter')),
    sa.UniqueConstraint('device_id', 'parameter', name=op.f('uq_iot_parameter_device_id'))
    )
    op.create_table('iot_reading',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('parameter', sa.String(length=24), nullable=False),
    sa.Column('measured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['iot_device.id'], name=op.f('fk_iot_reading_device_id_iot_device')),
    sa.PrimaryKeyConstraint('device_id', 'parameter', 'measured_at', name=op.f('pk_iot_reading'))
    )
    op.create_table('iot_alarm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('parameter', sa.String(length=24), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('first_value', sa.Float(), nullable=True),
    sa.Column('peak_value', sa.Float(), nullable=True),
    sa.Column('peak_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_exceeded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('exceed_count', sa.Integer(), nullable=False),
    sa.Column('normal_streak', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('alarm_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recovered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledge_note', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('handling_note', sa.Text(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['app_user.id'], name=op.f('fk_iot_alarm_acknowledged_by_id_app_user')),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_iot_alarm_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'], name=op.f('fk_iot_alarm_closed_by_id_app_user')),
    sa.ForeignKeyConstraint(['device_id'], ['iot_device.id'], name=op.f('fk_iot_alarm_device_id_iot_device')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_iot_alarm_enterprise_id_enterprise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iot_alarm'))
    )
    with op.batch_alter_table('iot_alarm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iot_alarm_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_iot_alarm_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iot_alarm_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iot_alarm_opened_at'), ['opened_at'], unique=False)


def downgrade():
    with op.batch_alter_table('iot_alarm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iot_alarm_opened_at'))
        batch_op.drop_index(batch_op.f('ix_iot_alarm_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_iot_alarm_device_id'))
        batch_op.drop_index(batch_op.f('ix_iot_alarm_closed_at'))

    op.drop_table('iot_alarm')
    op.drop_table('iot_reading')
    op.drop_table('iot_parameter')
    with op.batch_alter_table('iot_maintenance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iot_maintenance_device_id'))

    op.drop_table('iot_maintenance')
    with op.batch_alter_table('iot_gateway', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iot_gateway_enterprise_id'))

    op.drop_table('iot_gateway')
    with op.batch_alter_table('iot_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iot_device_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_iot_device_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_iot_device_calibration_due_on'))

    op.drop_table('iot_device')
