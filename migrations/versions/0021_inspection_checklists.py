"""standard inspection checklists (标准化检查表): lists by industry, their items, and each visit's result per item

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'checklist',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('name_en', sa.String(length=100), nullable=False),
        sa.Column('industries', sa.JSON(), nullable=False),
        sa.Column('applies_to_all', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist')),
        sa.UniqueConstraint('code', name=op.f('uq_checklist_code')),
    )
    op.create_table(
        'checklist_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checklist_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('dimension', sa.String(length=20), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('basis', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('source_hash', sa.String(length=64), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['checklist_id'], ['checklist.id'],
                                name=op.f('fk_checklist_item_checklist_id_checklist')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_item')),
        sa.UniqueConstraint('code', name=op.f('uq_checklist_item_code')),
    )
    with op.batch_alter_table('checklist_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_item_checklist_id'), ['checklist_id'], unique=False)
    op.create_table(
        'checklist_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('result', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_checklist_result_case_id_hazard_case')),
        sa.ForeignKeyConstraint(['item_id'], ['checklist_item.id'],
                                name=op.f('fk_checklist_result_item_id_checklist_item')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'],
                                name=op.f('fk_checklist_result_recorded_by_id_app_user')),
        sa.ForeignKeyConstraint(['visit_id'], ['inspection_visit.id'],
                                name=op.f('fk_checklist_result_visit_id_inspection_visit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_result')),
        sa.UniqueConstraint('visit_id', 'item_id', name=op.f('uq_checklist_result_visit_id')),
    )
    with op.batch_alter_table('checklist_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_result_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checklist_result_item_id'), ['item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('checklist_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_result_item_id'))
        batch_op.drop_index(batch_op.f('ix_checklist_result_case_id'))
    op.drop_table('checklist_result')
    with op.batch_alter_table('checklist_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_item_checklist_id'))
    op.drop_table('checklist_item')
    op.drop_table('checklist')
