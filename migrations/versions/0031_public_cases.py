"""hazard cases the bureau opened to the public query (隐患整改公众查询): a public title and since when

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-30 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'public_case',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_public_case_case_id_hazard_case')),
        sa.ForeignKeyConstraint(['published_by_id'], ['app_user.id'],
                                name=op.f('fk_public_case_published_by_id_app_user')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_public_case')),
    )
    op.create_index(op.f('ix_public_case_published_at'), 'public_case', ['published_at'])


def downgrade():
    op.drop_index(op.f('ix_public_case_published_at'), table_name='public_case')
    op.drop_table('public_case')
