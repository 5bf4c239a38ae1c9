"""where and when a photo was taken (照片定位与拍摄时间): from its EXIF tags, or the device's position sent with the
upload, so verifiers can see whether it shows the hazard's place and time

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-30 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachment') as batch:
        batch.add_column(sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch.add_column(sa.Column('location_source', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('attachment') as batch:
        batch.drop_column('location_source')
        batch.drop_column('longitude')
        batch.drop_column('latitude')
        batch.drop_column('taken_at')
