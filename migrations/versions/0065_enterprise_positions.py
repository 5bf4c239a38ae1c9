"""the enterprise's position (企业位置, WGS-84 latitude and longitude, both or neither, within range) and, on each
check-in stamp, which position its distance was measured from (the enterprise's own or the median of its cases')

Revision ID: 0065
Revises: 0061
Create Date: 2026-12-08 10:12:31.204518

"""
from alembic import op
import sqlalchemy as sa


revision = '0065'
down_revision = '0061'
branch_labels = None
depends_on = None

POSITION = ("(latitude IS NULL AND longitude IS NULL) OR (latitude IS NOT NULL AND longitude IS NOT NULL "
            "AND latitude >= -90 AND latitude <= 90 AND longitude >= -180 AND longitude <= 180)")


def upgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Numeric(precision=9, scale=6, asdecimal=False), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Numeric(precision=9, scale=6, asdecimal=False), nullable=True))
        batch_op.create_check_constraint(op.f('ck_enterprise_position'), POSITION)

    with op.batch_alter_table('visit_checkin', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrival_site_source', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('departure_site_source', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('visit_checkin', schema=None) as batch_op:
        batch_op.drop_column('departure_site_source')
        batch_op.drop_column('arrival_site_source')

    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_enterprise_position'), type_='check')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
