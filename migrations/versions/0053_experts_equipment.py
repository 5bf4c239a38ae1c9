"""the expert pool (专家库) with the dispatches of experts to cases, and the equipment register (设备储备清单) with
its loans (借出 / 归还); at most one open loan per instrument (a partial unique index)

Revision ID: 0053
Revises: 0052
Create Date: 2026-11-30 20:56:43.206491

"""
from alembic import op
import sqlalchemy as sa


revision = '0053'
down_revision = '0052'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('instrument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('serial_no', sa.String(length=64), nullable=False),
    sa.Column('asset_no', sa.String(length=64), nullable=False),
    sa.Column('certificate_no', sa.String(length=64), nullable=False),
    sa.Column('calibrated_on', sa.Date(), nullable=True),
    sa.Column('calibration_due', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('keeper', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument')),
    sa.UniqueConstraint('asset_no', name=op.f('uq_instrument_asset_no'))
    )
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_calibration_due'), ['calibration_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_status'), ['status'], unique=False)

    op.create_table('expert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('certificate_no', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_expert_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert')),
    sa.UniqueConstraint('user_id', name=op.f('uq_expert_user_id'))
    )
    op.create_table('expert_dispatch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('dispatched_by_id', sa.Integer(), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_expert_dispatch_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['dispatched_by_id'], ['app_user.id'], name=op.f('fk_expert_dispatch_dispatched_by_id_app_user')),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_expert_dispatch_expert_id_expert')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_dispatch')),
    sa.UniqueConstraint('expert_id', 'case_id', name='uq_expert_dispatch_expert_id_case_id')
    )
    with op.batch_alter_table('expert_dispatch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_dispatch_case_id'), ['case_id'], unique=False)

    op.create_table('instrument_loan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('borrower_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('expected_return', sa.Date(), nullable=True),
    sa.Column('lent_by_id', sa.Integer(), nullable=False),
    sa.Column('lent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.Column('return_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['borrower_id'], ['app_user.id'], name=op.f('fk_instrument_loan_borrower_id_app_user')),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_instrument_loan_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_instrument_loan_instrument_id_instrument')),
    sa.ForeignKeyConstraint(['lent_by_id'], ['app_user.id'], name=op.f('fk_instrument_loan_lent_by_id_app_user')),
    sa.ForeignKeyConstraint(['returned_by_id'], ['app_user.id'], name=op.f('fk_instrument_loan_returned_by_id_app_user')),
    sa.ForeignKeyConstraint(['visit_id'], ['inspection_visit.id'], name=op.f('fk_instrument_loan_visit_id_inspection_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_loan'))
    )
    with op.batch_alter_table('instrument_loan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_loan_borrower_id'), ['borrower_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_loan_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_loan_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_loan_visit_id'), ['visit_id'], unique=False)
        batch_op.create_index('uq_instrument_loan_open', ['instrument_id'], unique=True, sqlite_where=sa.text('returned_at IS NULL'), postgresql_where=sa.text('returned_at IS NULL'))



def downgrade():
    op.drop_table('instrument_loan')  # its indexes go with it
    op.drop_table('expert_dispatch')
    op.drop_table('expert')
    op.drop_table('instrument')
