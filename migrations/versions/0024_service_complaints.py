"""complaints about the inspection service (服务投诉): investigated within 24 hours, answered within 72 hours once a
project lead approved the answer; a low satisfaction rating opens one

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'service_complaint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=True),
        sa.Column('rating_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('raised_by_id', sa.Integer(), nullable=True),
        sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('investigate_due', sa.DateTime(timezone=True), nullable=False),
        sa.Column('answer_due', sa.DateTime(timezone=True), nullable=False),
        sa.Column('investigation_started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('investigated_by_id', sa.Integer(), nullable=True),
        sa.Column('investigation_note', sa.Text(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answer_drafted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answer_drafted_by_id', sa.Integer(), nullable=True),
        sa.Column('review_note', sa.Text(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('investigation_urged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answer_urged_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_service_complaint_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['visit_id'], ['inspection_visit.id'],
                                name=op.f('fk_service_complaint_visit_id_inspection_visit')),
        sa.ForeignKeyConstraint(['rating_id'], ['visit_rating.id'],
                                name=op.f('fk_service_complaint_rating_id_visit_rating')),
        sa.ForeignKeyConstraint(['raised_by_id'], ['app_user.id'],
                                name=op.f('fk_service_complaint_raised_by_id_app_user')),
        sa.ForeignKeyConstraint(['investigated_by_id'], ['app_user.id'],
                                name=op.f('fk_service_complaint_investigated_by_id_app_user')),
        sa.ForeignKeyConstraint(['answer_drafted_by_id'], ['app_user.id'],
                                name=op.f('fk_service_complaint_answer_drafted_by_id_app_user')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['app_user.id'],
                                name=op.f('fk_service_complaint_approved_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_complaint')),
        sa.UniqueConstraint('rating_id', name=op.f('uq_service_complaint_rating_id')),
    )
    with op.batch_alter_table('service_complaint', schema=None) as batch_op:
        for column in ('enterprise_id', 'visit_id', 'raised_at', 'investigate_due', 'answer_due', 'approved_at'):
            batch_op.create_index(batch_op.f(f'ix_service_complaint_{column}'), [column], unique=False)


def downgrade():
    with op.batch_alter_table('service_complaint', schema=None) as batch_op:
        for column in ('approved_at', 'answer_due', 'investigate_due', 'raised_at', 'visit_id', 'enterprise_id'):
            batch_op.drop_index(batch_op.f(f'ix_service_complaint_{column}'))
    op.drop_table('service_complaint')
