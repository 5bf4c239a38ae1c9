"""hazard cases indexed by registration time: the case list's order and the statistics' period

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 05:40:00

"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_hazard_case_registered_at', 'hazard_case', ['registered_at'], unique=False)


def downgrade():
    op.drop_index('ix_hazard_case_registered_at', table_name='hazard_case')
