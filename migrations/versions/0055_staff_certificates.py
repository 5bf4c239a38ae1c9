"""staff certificates (人员资质证书) with their scans as attachments (a tenth owner in the one-owner CHECK) and their
expiry notices; the register's instrument a spot measurement was taken with (site_measurement.instrument_id)

Revision ID: 0055
Revises: 0053
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0055'
down_revision = '0053'
branch_labels = None
depends_on = None

_MOMENT = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'staff_certificate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('number', sa.String(length=64), nullable=False),
        sa.Column('issuer', sa.String(length=200), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=True),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', _MOMENT, nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', _MOMENT, nullable=False),
        sa.Column('warned_for', sa.Date(), nullable=True),
        sa.Column('expired_for', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_staff_certificate_user_id_app_user')),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                                name=op.f('fk_staff_certificate_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'],
                                name=op.f('fk_staff_certificate_updated_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_certificate')),
        sa.UniqueConstraint('user_id', 'kind', 'number', name='uq_staff_certificate_user_kind_number'),
    )
    with op.batch_alter_table('staff_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_certificate_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_certificate_valid_to'), ['valid_to'], unique=False)
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_certificate_id_staff_certificate'), 'staff_certificate',
                                    ['certificate_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice, an enforcement record, a check's record, an
        # archive document, a training session (0039–0052) or now a staff certificate.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)
    with op.batch_alter_table('site_measurement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instrument_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_site_measurement_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_site_measurement_instrument_id_instrument'), 'instrument',
                                    ['instrument_id'], ['id'])


_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id",
                  "follow_up_id", "document_id", "training_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_ONE_OWNER = _one_owner(_OWNERS_BEFORE + ("certificate_id",))
_ONE_OWNER_BEFORE = _one_owner(_OWNERS_BEFORE)


def downgrade():
    with op.batch_alter_table('site_measurement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_site_measurement_instrument_id_instrument'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_site_measurement_instrument_id'))
        batch_op.drop_column('instrument_id')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_certificate_id_staff_certificate'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_certificate_id'))
        batch_op.drop_column('certificate_id')
    op.drop_table('staff_certificate')
