"""the enterprise's acknowledgement (签收) of each round's rectification notice

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notice_receipt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('signed_by_id', sa.Integer(), nullable=False),
        sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_notice_receipt_case_id_hazard_case')),
        sa.ForeignKeyConstraint(['signed_by_id'], ['app_user.id'],
                                name=op.f('fk_notice_receipt_signed_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_receipt')),
        sa.UniqueConstraint('case_id', 'round', name=op.f('uq_notice_receipt_case_id')),
    )
    with op.batch_alter_table('notice_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_receipt_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notice_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_receipt_case_id'))
    op.drop_table('notice_receipt')
