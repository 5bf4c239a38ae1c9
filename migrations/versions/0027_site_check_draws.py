"""random draws of site checks (双随机抽查): which cases under rectification were drawn, which checker each was given,
the seed that reproduces the draw

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-30 14:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_check_draw',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('drawn_by_id', sa.Integer(), nullable=False),
        sa.Column('seed', sa.String(length=32), nullable=False),
        sa.Column('requested', sa.Integer(), nullable=False),
        sa.Column('population', sa.Integer(), nullable=False),
        sa.Column('picks', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['drawn_by_id'], ['app_user.id'], name=op.f('fk_site_check_draw_drawn_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_check_draw')),
    )
    with op.batch_alter_table('site_check_draw', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_check_draw_drawn_at'), ['drawn_at'], unique=False)


def downgrade():
    with op.batch_alter_table('site_check_draw', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_check_draw_drawn_at'))
    op.drop_table('site_check_draw')
