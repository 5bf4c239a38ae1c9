"""inspection visits (排查记录), so that a visit without hazards is on record too

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inspection_visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('visited_on', sa.Date(), nullable=False),
        sa.Column('inspectors', sa.String(length=200), nullable=False),
        sa.Column('scope', sa.Text(), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                                name=op.f('fk_inspection_visit_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_inspection_visit_enterprise_id_enterprise')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_visit')),
    )
    with op.batch_alter_table('inspection_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_visit_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_visit_visited_on'), ['visited_on'], unique=False)


def downgrade():
    with op.batch_alter_table('inspection_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_visit_visited_on'))
        batch_op.drop_index(batch_op.f('ix_inspection_visit_enterprise_id'))
    op.drop_table('inspection_visit')
