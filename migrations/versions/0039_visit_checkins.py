"""on-site check-in for inspection visits and evidence files on visits (排查打卡与现场留痕): a check-in row per
inspector per visit (arrival and departure with the device's position, the distance from the enterprise and the time
on site), and an attachment's visit (a file belongs to a case or a visit, not both)

Revision ID: 0039
Revises: 0037
Create Date: 2026-11-30 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0039'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit_checkin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('arrival_latitude', sa.Float(), nullable=True),
    sa.Column('arrival_longitude', sa.Float(), nullable=True),
    sa.Column('arrival_accuracy_m', sa.Float(), nullable=True),
    sa.Column('arrival_distance_m', sa.Float(), nullable=True),
    sa.Column('departed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('departure_latitude', sa.Float(), nullable=True),
    sa.Column('departure_longitude', sa.Float(), nullable=True),
    sa.Column('departure_accuracy_m', sa.Float(), nullable=True),
    sa.Column('departure_distance_m', sa.Float(), nullable=True),
    sa.Column('minutes_on_site', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_visit_checkin_user_id_app_user')),
    sa.ForeignKeyConstraint(['visit_id'], ['inspection_visit.id'],
                            name=op.f('fk_visit_checkin_visit_id_inspection_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_checkin')),
    sa.UniqueConstraint('visit_id', 'user_id', name=op.f('uq_visit_checkin_visit_id'))
    )
    with op.batch_alter_table('visit_checkin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_checkin_arrived_at'), ['arrived_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_checkin_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_checkin_visit_id'), ['visit_id'], unique=False)

    # A batch copy on SQLite (it cannot add a foreign key or a table CHECK to a table in place); plain ALTERs on
    # PostgreSQL.
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_visit_id'), ['visit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_visit_id_inspection_visit'), 'inspection_visit',
                                    ['visit_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), 'case_id IS NULL OR visit_id IS NULL')


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.drop_constraint(op.f('fk_attachment_visit_id_inspection_visit'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_visit_id'))
        batch_op.drop_column('visit_id')
    with op.batch_alter_table('visit_checkin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_checkin_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_checkin_user_id'))
        batch_op.drop_index(batch_op.f('ix_visit_checkin_arrived_at'))
    op.drop_table('visit_checkin')
