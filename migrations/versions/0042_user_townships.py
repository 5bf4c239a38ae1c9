"""township / park safety offices (属地监管): the townships / parks each user of the role `township` covers, one row
per user and township (a user may cover several; a table rather than a text column so that the scoping is one
indexed join and a rename of a township is one UPDATE)

Revision ID: 0042
Revises: 0040
Create Date: 2026-11-30 19:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0042'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_township',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('township', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_township_user_id_app_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'township', name=op.f('pk_user_township'))
    )


def downgrade():
    op.drop_table('user_township')
