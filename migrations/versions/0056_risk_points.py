"""the enterprises' risk registers (双控体系 风险分级管控: 风险点 with their LS assessment, colour, control measures,
check frequency, review state and place on the site plan); the site plans as attachments owned by the enterprise's
risk map; a hazard case may name the risk point it was found at

Revision ID: 0056
Revises: 0060
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0056'
down_revision = '0060'
branch_labels = None
depends_on = None

# On SQLite the batch operation copies hazard_case: it must keep AUTOINCREMENT (see 0012).
_KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade():
    op.create_table(
        'risk_point',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('unit_kind', sa.String(length=16), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('key_links', sa.JSON(), nullable=False),
        sa.Column('accident_types', sa.JSON(), nullable=False),
        sa.Column('hazard_description', sa.Text(), nullable=False),
        sa.Column('likelihood', sa.Integer(), nullable=False),
        sa.Column('severity', sa.Integer(), nullable=False),
        sa.Column('forced_major', sa.Boolean(), nullable=False),
        sa.Column('colour', sa.String(length=8), nullable=False),
        sa.Column('engineering_measures', sa.Text(), nullable=False),
        sa.Column('management_measures', sa.Text(), nullable=False),
        sa.Column('ppe_measures', sa.Text(), nullable=False),
        sa.Column('emergency_measures', sa.Text(), nullable=False),
        sa.Column('operating_rules', sa.Text(), nullable=False),
        sa.Column('responsible_person', sa.String(length=64), nullable=False),
        sa.Column('control_level', sa.String(length=16), nullable=False),
        sa.Column('check_frequency', sa.String(length=16), nullable=False),
        sa.Column('map_x', sa.Float(), nullable=True),
        sa.Column('map_y', sa.Float(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('review_note', sa.Text(), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('bureau_told_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('retired_by_id', sa.Integer(), nullable=True),
        sa.Column('retire_reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_risk_point_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['app_user.id'], name=op.f('fk_risk_point_reviewed_by_id_app_user')),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_risk_point_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_risk_point_updated_by_id_app_user')),
        sa.ForeignKeyConstraint(['retired_by_id'], ['app_user.id'], name=op.f('fk_risk_point_retired_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_point')),
    )
    with op.batch_alter_table('risk_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_point_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_point_colour'), ['colour'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_point_status'), ['status'], unique=False)
    with op.batch_alter_table('hazard_case', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('risk_point_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_hazard_case_risk_point_id_risk_point'), 'risk_point',
                                    ['risk_point_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_hazard_case_risk_point_id'), ['risk_point_id'], unique=False)
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_plan_enterprise_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_risk_plan_enterprise_id'), ['risk_plan_enterprise_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_risk_plan_enterprise_id_enterprise'), 'enterprise',
                                    ['risk_plan_enterprise_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice, an enforcement record, a check's record,
        # an archive document, a training session (0039–0052) or now an enterprise's risk map (its site plan).
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id", "follow_up_id",
                  "document_id", "training_id", "certificate_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_ONE_OWNER = _one_owner(_OWNERS_BEFORE + ("risk_plan_enterprise_id",))
_ONE_OWNER_BEFORE = _one_owner(_OWNERS_BEFORE)


def downgrade():
    # The site plans go back to their uploaders' own uploads (the rows and the stored files stay).
    op.execute("UPDATE attachment SET risk_plan_enterprise_id = NULL WHERE risk_plan_enterprise_id IS NOT NULL")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_risk_plan_enterprise_id_enterprise'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_risk_plan_enterprise_id'))
        batch_op.drop_column('risk_plan_enterprise_id')
    with op.batch_alter_table('hazard_case', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_case_risk_point_id'))
        batch_op.drop_constraint(batch_op.f('fk_hazard_case_risk_point_id_risk_point'), type_='foreignkey')
        batch_op.drop_column('risk_point_id')
    op.drop_table('risk_point')
