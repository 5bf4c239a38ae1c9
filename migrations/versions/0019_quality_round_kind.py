"""sampling rounds of two kinds: the contractor's own quality checks, and the bureau's acceptance spot checks
(局方抽查验收), which are due within 20 working days

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('quality_round', sa.Column('kind', sa.String(length=16), nullable=False,
                                             server_default='internal'))
    op.add_column('quality_round', sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('quality_round', schema=None) as batch_op:
        batch_op.drop_column('due_at')
        batch_op.drop_column('kind')
