"""hazard cases indexed by enterprise, hazard type and registration time: the recurrence rule (the same type again at
the same enterprise within six months) reads each case's predecessor with a window partitioned by enterprise and type
in time order; with this index the database reads the rows in that order instead of sorting the period

Revision ID: 0084
Revises: 0082
Create Date: 2026-12-01 01:45:00

"""
from alembic import op


revision = '0084'
down_revision = '0082'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_hazard_case_enterprise_type_registered', 'hazard_case',
                    ['enterprise_id', 'hazard_type', 'registered_at', 'id'])


def downgrade():
    op.drop_index('ix_hazard_case_enterprise_type_registered', table_name='hazard_case')
