"""the emergency supplies stock (应急物资储备): storage points with their keepers, item kinds, batches with expiry
dates, movements (入库, 出库, 调拨, 报废, 盘点调整) with one line per batch, counts (盘点) and minimum stock levels

Revision ID: 0067
Revises: 0066
Create Date: 2026-11-30 21:54:59.982666

"""
from alembic import op
import sqlalchemy as sa


revision = '0067'
down_revision = '0066'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('supply_kind',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('shelf_life_months', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_kind')),
    sa.UniqueConstraint('name', name=op.f('uq_supply_kind_name'))
    )
    with op.batch_alter_table('supply_kind', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_kind_category'), ['category'], unique=False)

    op.create_table('supply_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('keeper_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('stock_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['keeper_id'], ['app_user.id'], name=op.f('fk_supply_point_keeper_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_point')),
    sa.UniqueConstraint('name', name=op.f('uq_supply_point_name'))
    )
    with op.batch_alter_table('supply_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_point_keeper_id'), ['keeper_id'], unique=False)

    op.create_table('supply_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('batch_no', sa.String(length=64), nullable=False),
    sa.Column('produced_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('source_batch_id', sa.Integer(), nullable=True),
    sa.Column('warned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expired_told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kind_id'], ['supply_kind.id'], name=op.f('fk_supply_batch_kind_id_supply_kind')),
    sa.ForeignKeyConstraint(['point_id'], ['supply_point.id'], name=op.f('fk_supply_batch_point_id_supply_point')),
    sa.ForeignKeyConstraint(['source_batch_id'], ['supply_batch.id'], name=op.f('fk_supply_batch_source_batch_id_supply_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_batch'))
    )
    with op.batch_alter_table('supply_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_batch_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_batch_kind_id'), ['kind_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_batch_point_id'), ['point_id'], unique=False)

    op.create_table('supply_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('counted_by_id', sa.Integer(), nullable=False),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['counted_by_id'], ['app_user.id'], name=op.f('fk_supply_count_counted_by_id_app_user')),
    sa.ForeignKeyConstraint(['point_id'], ['supply_point.id'], name=op.f('fk_supply_count_point_id_supply_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_count'))
    )
    with op.batch_alter_table('supply_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_count_counted_at'), ['counted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_count_point_id'), ['point_id'], unique=False)

    op.create_table('supply_minimum',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('minimum', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minimum >= 0', name=op.f('ck_supply_minimum_minimum_not_negative')),
    sa.ForeignKeyConstraint(['kind_id'], ['supply_kind.id'], name=op.f('fk_supply_minimum_kind_id_supply_kind')),
    sa.ForeignKeyConstraint(['point_id'], ['supply_point.id'], name=op.f('fk_supply_minimum_point_id_supply_point')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_supply_minimum_updated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_minimum')),
    sa.UniqueConstraint('point_id', 'kind_id', name='uq_supply_minimum_point_id_kind_id')
    )
    with op.batch_alter_table('supply_minimum', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_minimum_kind_id'), ['kind_id'], unique=False)

    op.create_table('supply_count_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('count_id', sa.Integer(), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['count_id'], ['supply_count.id'], name=op.f('fk_supply_count_line_count_id_supply_count')),
    sa.ForeignKeyConstraint(['kind_id'], ['supply_kind.id'], name=op.f('fk_supply_count_line_kind_id_supply_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_count_line')),
    sa.UniqueConstraint('count_id', 'kind_id', name='uq_supply_count_line_count_id_kind_id')
    )
    op.create_table('supply_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('to_point_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('emergency_event_id', sa.Integer(), nullable=True),
    sa.Column('count_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_supply_movement_quantity_positive')),
    sa.ForeignKeyConstraint(['count_id'], ['supply_count.id'], name=op.f('fk_supply_movement_count_id_supply_count')),
    sa.ForeignKeyConstraint(['emergency_event_id'], ['emergency_event.id'], name=op.f('fk_supply_movement_emergency_event_id_emergency_event')),
    sa.ForeignKeyConstraint(['kind_id'], ['supply_kind.id'], name=op.f('fk_supply_movement_kind_id_supply_kind')),
    sa.ForeignKeyConstraint(['point_id'], ['supply_point.id'], name=op.f('fk_supply_movement_point_id_supply_point')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_supply_movement_recorded_by_id_app_user')),
    sa.ForeignKeyConstraint(['to_point_id'], ['supply_point.id'], name=op.f('fk_supply_movement_to_point_id_supply_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_movement'))
    )
    with op.batch_alter_table('supply_movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_movement_count_id'), ['count_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_movement_emergency_event_id'), ['emergency_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_movement_kind_id'), ['kind_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_movement_point_id'), ['point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_movement_recorded_at'), ['recorded_at'], unique=False)

    op.create_table('supply_movement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('movement_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.CheckConstraint('delta <> 0', name=op.f('ck_supply_movement_line_delta_not_zero')),
    sa.ForeignKeyConstraint(['batch_id'], ['supply_batch.id'], name=op.f('fk_supply_movement_line_batch_id_supply_batch')),
    sa.ForeignKeyConstraint(['movement_id'], ['supply_movement.id'], name=op.f('fk_supply_movement_line_movement_id_supply_movement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_movement_line'))
    )
    with op.batch_alter_table('supply_movement_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_movement_line_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_movement_line_movement_id'), ['movement_id'], unique=False)



def downgrade():
    with op.batch_alter_table('supply_movement_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_movement_line_movement_id'))
        batch_op.drop_index(batch_op.f('ix_supply_movement_line_batch_id'))

    op.drop_table('supply_movement_line')
    with op.batch_alter_table('supply_movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_movement_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_supply_movement_point_id'))
        batch_op.drop_index(batch_op.f('ix_supply_movement_kind_id'))
        batch_op.drop_index(batch_op.f('ix_supply_movement_emergency_event_id'))
        batch_op.drop_index(batch_op.f('ix_supply_movement_count_id'))

    op.drop_table('supply_movement')
    op.drop_table('supply_count_line')
    with op.batch_alter_table('supply_minimum', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_minimum_kind_id'))

    op.drop_table('supply_minimum')
    with op.batch_alter_table('supply_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_count_point_id'))
        batch_op.drop_index(batch_op.f('ix_supply_count_counted_at'))

    op.drop_table('supply_count')
    with op.batch_alter_table('supply_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_batch_point_id'))
        batch_op.drop_index(batch_op.f('ix_supply_batch_kind_id'))
        batch_op.drop_index(batch_op.f('ix_supply_batch_expires_on'))

    op.drop_table('supply_batch')
    with op.batch_alter_table('supply_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_point_keeper_id'))

    op.drop_table('supply_point')
    with op.batch_alter_table('supply_kind', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_kind_category'))

    op.drop_table('supply_kind')
