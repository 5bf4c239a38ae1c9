"""the typical problem case library (典型问题案例库): one write-up per hazard case — problem, causes, measures, effect,
lessons — with the hazard type and industry it is filed under

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'typical_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('problem_description', sa.Text(), nullable=False),
        sa.Column('cause_analysis', sa.Text(), nullable=False),
        sa.Column('measures', sa.Text(), nullable=False),
        sa.Column('effect', sa.Text(), nullable=False),
        sa.Column('lessons', sa.Text(), nullable=False),
        sa.Column('hazard_type', sa.String(length=64), nullable=False),
        sa.Column('industry', sa.String(length=100), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_typical_case_case_id_hazard_case')),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                                name=op.f('fk_typical_case_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'],
                                name=op.f('fk_typical_case_updated_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_typical_case')),
        sa.UniqueConstraint('case_id', name=op.f('uq_typical_case_case_id')),
    )
    with op.batch_alter_table('typical_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_typical_case_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_typical_case_hazard_type'), ['hazard_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_typical_case_industry'), ['industry'], unique=False)


def downgrade():
    with op.batch_alter_table('typical_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_typical_case_industry'))
        batch_op.drop_index(batch_op.f('ix_typical_case_hazard_type'))
        batch_op.drop_index(batch_op.f('ix_typical_case_created_at'))
    op.drop_table('typical_case')
