"""the enterprises' safety training register of their people (从业人员安全培训台账): per enterprise the people who
matter for safety, with a special-operations worker's certificate dates, and each person's trainings with their hours

Revision ID: 0072
Revises: 0071
Create Date: 2026-12-01 00:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0072'
down_revision = '0071'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roster_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('hired_on', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('operation_kind', sa.String(length=24), nullable=False),
    sa.Column('certificate_number', sa.String(length=64), nullable=False),
    sa.Column('certificate_issued_on', sa.Date(), nullable=True),
    sa.Column('certificate_review_due', sa.Date(), nullable=True),
    sa.Column('certificate_expires_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expiry_warned_for', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_roster_person_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_roster_person_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_roster_person_updated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_person'))
    )
    with op.batch_alter_table('roster_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_person_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_person_certificate_expires_on'), ['certificate_expires_on'],
                              unique=False)

    op.create_table('roster_training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('trained_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=5, scale=1, asdecimal=False), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('certificate', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('hours > 0', name=op.f('ck_roster_training_hours_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_roster_training_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['person_id'], ['roster_person.id'], name=op.f('fk_roster_training_person_id_roster_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_training'))
    )
    with op.batch_alter_table('roster_training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_training_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_training_trained_on'), ['trained_on'], unique=False)


def downgrade():
    with op.batch_alter_table('roster_training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_training_trained_on'))
        batch_op.drop_index(batch_op.f('ix_roster_training_person_id'))
    op.drop_table('roster_training')
    with op.batch_alter_table('roster_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_person_certificate_expires_on'))
        batch_op.drop_index(batch_op.f('ix_roster_person_enterprise_id'))
    op.drop_table('roster_person')
