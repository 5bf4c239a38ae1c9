"""enterprises rate each inspection visit (满意度评价): four scores 1-5, a comment, anonymous or not

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

SCORES = ('service_quality', 'professional_level', 'communication', 'response_speed')


def upgrade():
    op.create_table(
        'visit_rating',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in SCORES],
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('anonymous', sa.Boolean(), nullable=False),
        sa.Column('rater_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(' AND '.join(f'{name} BETWEEN 1 AND 5' for name in SCORES),
                           name=op.f('ck_visit_rating_scores_in_range')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_visit_rating_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['rater_id'], ['app_user.id'], name=op.f('fk_visit_rating_rater_id_app_user')),
        sa.ForeignKeyConstraint(['visit_id'], ['inspection_visit.id'],
                                name=op.f('fk_visit_rating_visit_id_inspection_visit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_rating')),
        sa.UniqueConstraint('visit_id', 'rater_id', name=op.f('uq_visit_rating_visit_id')),
    )
    with op.batch_alter_table('visit_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_rating_enterprise_id'), ['enterprise_id'], unique=False)


def downgrade():
    with op.batch_alter_table('visit_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_rating_enterprise_id'))
    op.drop_table('visit_rating')
