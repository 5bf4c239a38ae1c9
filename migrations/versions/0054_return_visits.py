"""return visits to key enterprises (定期回访): the project leads' key flags (one standing flag per enterprise, a
partial unique index), the return visits with their findings per closed case and the survey, and the quarterly
summary reports to the bureau (one per quarter)

Revision ID: 0054
Revises: 0055
Create Date: 2026-11-30 21:16:17.522216

"""
from alembic import op
import sqlalchemy as sa


revision = '0054'
down_revision = '0055'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('key_enterprise_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_key_enterprise_mark_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['marked_by_id'], ['app_user.id'], name=op.f('fk_key_enterprise_mark_marked_by_id_app_user')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['app_user.id'], name=op.f('fk_key_enterprise_mark_removed_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_enterprise_mark'))
    )
    with op.batch_alter_table('key_enterprise_mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_enterprise_mark_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('uq_key_enterprise_mark_standing', ['enterprise_id'], unique=True, sqlite_where=sa.text('removed_at IS NULL'), postgresql_where=sa.text('removed_at IS NULL'))

    op.create_table('return_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('way', sa.String(length=12), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('contact_person', sa.String(length=64), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('safety_status', sa.Text(), nullable=False),
    sa.Column('safety_checks', sa.JSON(), nullable=False),
    sa.Column('opinions', sa.Text(), nullable=False),
    sa.Column('response_speed', sa.Integer(), nullable=True),
    sa.Column('service_quality', sa.Integer(), nullable=True),
    sa.Column('communication', sa.Integer(), nullable=True),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('follow_up_action', sa.Text(), nullable=False),
    sa.Column('internal_note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(response_speed IS NULL OR response_speed BETWEEN 1 AND 5) AND (service_quality IS NULL OR service_quality BETWEEN 1 AND 5) AND (communication IS NULL OR communication BETWEEN 1 AND 5)', name=op.f('ck_return_visit_survey_scores_in_range')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_return_visit_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_return_visit_recorded_by_id_app_user')),
    sa.ForeignKeyConstraint(['visitor_id'], ['app_user.id'], name=op.f('fk_return_visit_visitor_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_visit'))
    )
    with op.batch_alter_table('return_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_visit_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visit_visited_on'), ['visited_on'], unique=False)

    op.create_table('return_visit_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=True),
    sa.Column('drafted_by_id', sa.Integer(), nullable=False),
    sa.Column('drafted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_return_visit_report_decided_by_id_app_user')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['app_user.id'], name=op.f('fk_return_visit_report_drafted_by_id_app_user')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['app_user.id'], name=op.f('fk_return_visit_report_submitted_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_visit_report')),
    sa.UniqueConstraint('year', 'quarter', name='uq_return_visit_report_year_quarter')
    )
    with op.batch_alter_table('return_visit_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_visit_report_status'), ['status'], unique=False)

    op.create_table('return_visit_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('new_case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_return_visit_finding_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['new_case_id'], ['hazard_case.id'], name=op.f('fk_return_visit_finding_new_case_id_hazard_case')),
    sa.ForeignKeyConstraint(['visit_id'], ['return_visit.id'], name=op.f('fk_return_visit_finding_visit_id_return_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_visit_finding')),
    sa.UniqueConstraint('new_case_id', name=op.f('uq_return_visit_finding_new_case_id')),
    sa.UniqueConstraint('visit_id', 'case_id', name='uq_return_visit_finding_visit_id_case_id')
    )
    with op.batch_alter_table('return_visit_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_visit_finding_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visit_finding_visit_id'), ['visit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('return_visit_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_visit_finding_visit_id'))
        batch_op.drop_index(batch_op.f('ix_return_visit_finding_case_id'))

    op.drop_table('return_visit_finding')
    with op.batch_alter_table('return_visit_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_visit_report_status'))

    op.drop_table('return_visit_report')
    with op.batch_alter_table('return_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_visit_visited_on'))
        batch_op.drop_index(batch_op.f('ix_return_visit_enterprise_id'))

    op.drop_table('return_visit')
    with op.batch_alter_table('key_enterprise_mark', schema=None) as batch_op:
        batch_op.drop_index('uq_key_enterprise_mark_standing', sqlite_where=sa.text('removed_at IS NULL'), postgresql_where=sa.text('removed_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_key_enterprise_mark_enterprise_id'))

    op.drop_table('key_enterprise_mark')
