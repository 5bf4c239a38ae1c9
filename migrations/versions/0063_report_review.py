"""report quality control: the review status of each inspection visit's report (三级审核; visits recorded before
are released, new ones begin as drafts), the review steps, the quality supervisor's sampling rounds of finished
visits with an A/B/C grade, and the A/B/C grade on closed-case samples

Revision ID: 0063
Revises: 0058
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0063'
down_revision = '0058'
branch_labels = None
depends_on = None


def upgrade():
    # Existing visits were shown to their enterprises already: released, from when they were recorded.
    with op.batch_alter_table('inspection_visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_status', sa.String(length=16), nullable=False,
                                      server_default='released'))
        batch_op.add_column(sa.Column('released_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE inspection_visit SET released_at = created_at")
    with op.batch_alter_table('inspection_visit', schema=None) as batch_op:
        batch_op.alter_column('review_status', existing_type=sa.String(length=16), existing_nullable=False,
                              server_default='draft')
        batch_op.create_index(batch_op.f('ix_inspection_visit_review_status'), ['review_status'], unique=False)

    op.create_table('visit_review_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('checks', sa.JSON(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('acted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_visit_review_step_actor_id_app_user')),
    sa.ForeignKeyConstraint(['visit_id'], ['inspection_visit.id'], name=op.f('fk_visit_review_step_visit_id_inspection_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_review_step'))
    )
    with op.batch_alter_table('visit_review_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_review_step_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_quality_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('rate', sa.Float(), nullable=False),
    sa.Column('population', sa.JSON(), nullable=False),
    sa.Column('seed', sa.String(length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_visit_quality_round_created_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_quality_round'))
    )
    op.create_table('visit_quality_sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=1), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['reviewer_id'], ['app_user.id'], name=op.f('fk_visit_quality_sample_reviewer_id_app_user')),
    sa.ForeignKeyConstraint(['round_id'], ['visit_quality_round.id'], name=op.f('fk_visit_quality_sample_round_id_visit_quality_round')),
    sa.ForeignKeyConstraint(['visit_id'], ['inspection_visit.id'], name=op.f('fk_visit_quality_sample_visit_id_inspection_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_quality_sample')),
    sa.UniqueConstraint('round_id', 'visit_id', name='uq_visit_quality_sample_round_visit')
    )
    with op.batch_alter_table('visit_quality_sample', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_quality_sample_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_quality_sample_visit_id'), ['visit_id'], unique=False)

    with op.batch_alter_table('quality_sample', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade', sa.String(length=1), nullable=True))


def downgrade():
    with op.batch_alter_table('quality_sample', schema=None) as batch_op:
        batch_op.drop_column('grade')
    with op.batch_alter_table('visit_quality_sample', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_quality_sample_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_quality_sample_round_id'))
    op.drop_table('visit_quality_sample')
    op.drop_table('visit_quality_round')
    with op.batch_alter_table('visit_review_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_review_step_visit_id'))
    op.drop_table('visit_review_step')
    with op.batch_alter_table('inspection_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_visit_review_status'))
        batch_op.drop_column('released_at')
        batch_op.drop_column('review_status')
