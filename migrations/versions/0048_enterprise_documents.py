"""the enterprises' safety management archive (企业安全管理档案): their documents (三项制度, 应急预案, licences,
certificates) with review, retirement and expiry-notice state, and document-owned attachments

Revision ID: 0048
Revises: 0049
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0048'
down_revision = '0049'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'enterprise_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('number', sa.String(length=64), nullable=False),
        sa.Column('issuer', sa.String(length=200), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=True),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('holder_name', sa.String(length=64), nullable=False),
        sa.Column('holder_id_number', sa.String(length=18), nullable=False),
        sa.Column('category', sa.String(length=24), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('review_note', sa.Text(), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('retired_by_id', sa.Integer(), nullable=True),
        sa.Column('retire_reason', sa.Text(), nullable=False),
        sa.Column('warned_for', sa.Date(), nullable=True),
        sa.Column('expired_for', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_enterprise_document_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['app_user.id'],
                                name=op.f('fk_enterprise_document_reviewed_by_id_app_user')),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                                name=op.f('fk_enterprise_document_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'],
                                name=op.f('fk_enterprise_document_updated_by_id_app_user')),
        sa.ForeignKeyConstraint(['retired_by_id'], ['app_user.id'],
                                name=op.f('fk_enterprise_document_retired_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_document')),
    )
    with op.batch_alter_table('enterprise_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_document_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_document_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_document_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_document_valid_to'), ['valid_to'], unique=False)
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_document_id'), ['document_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_document_id_enterprise_document'),
                                    'enterprise_document', ['document_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice, an enforcement record, a check's record
        # (0039–0049) or now an archive document.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id", "follow_up_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_ONE_OWNER = _one_owner(_OWNERS_BEFORE + ("document_id",))
_ONE_OWNER_BEFORE = _one_owner(_OWNERS_BEFORE)


def downgrade():
    # The archive's files go back to their uploaders' own uploads (the rows and the stored files stay).
    op.execute("UPDATE attachment SET document_id = NULL WHERE document_id IS NOT NULL")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_document_id_enterprise_document'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_document_id'))
        batch_op.drop_column('document_id')
    op.drop_table('enterprise_document')
