"""the results of a random draw of site checks published to the public (双随机一公开): when and by whom, or why a
publication was withdrawn

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-30 16:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('site_check_draw') as batch:
        batch.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=True))
        batch.create_foreign_key(batch.f('fk_site_check_draw_published_by_id_app_user'), 'app_user',
                                 ['published_by_id'], ['id'])
        batch.create_index(batch.f('ix_site_check_draw_published_at'), ['published_at'])


def downgrade():
    with op.batch_alter_table('site_check_draw') as batch:
        batch.drop_index(batch.f('ix_site_check_draw_published_at'))
        batch.drop_constraint(batch.f('fk_site_check_draw_published_by_id_app_user'), type_='foreignkey')
        batch.drop_column('withdrawn_reason')
        batch.drop_column('withdrawn_at')
        batch.drop_column('published_by_id')
        batch.drop_column('published_at')
