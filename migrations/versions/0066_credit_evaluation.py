"""the annual credit evaluation of the enterprises (企业信用评价): the years the bureau confirmed, with their rules and the
award list (最佳配合企业), and each enterprise's frozen evaluation of such a year

Revision ID: 0066
Revises: 0065
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0066'
down_revision = '0065'
branch_labels = None
depends_on = None

_MOMENT = sa.DateTime(timezone=True)


def upgrade():
    op.create_table('credit_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', _MOMENT, nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('award_confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('award_confirmed_at', _MOMENT, nullable=True),
    sa.Column('award_note', sa.Text(), nullable=False),
    sa.Column('award_notice_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['app_user.id'], name=op.f('fk_credit_year_confirmed_by_id_app_user')),
    sa.ForeignKeyConstraint(['award_confirmed_by_id'], ['app_user.id'],
                            name=op.f('fk_credit_year_award_confirmed_by_id_app_user')),
    sa.ForeignKeyConstraint(['award_notice_id'], ['bureau_notice.id'],
                            name=op.f('fk_credit_year_award_notice_id_bureau_notice')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_credit_year'))
    )
    op.create_table('credit_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('deductions', sa.Integer(), nullable=False),
    sa.Column('additions', sa.Integer(), nullable=False),
    sa.Column('cooperation_average', sa.Float(), nullable=True),
    sa.Column('cooperation_months', sa.Integer(), nullable=False),
    sa.Column('cooperation_points', sa.Float(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('grade', sa.String(length=1), nullable=False),
    sa.Column('records', sa.JSON(), nullable=False),
    sa.Column('months', sa.JSON(), nullable=False),
    sa.Column('award_place', sa.Integer(), nullable=True),
    sa.CheckConstraint("grade IN ('A', 'B', 'C', 'D')", name=op.f('ck_credit_evaluation_known_grade')),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_credit_evaluation_score_in_range')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                            name=op.f('fk_credit_evaluation_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['year'], ['credit_year.year'], name=op.f('fk_credit_evaluation_year_credit_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_evaluation')),
    sa.UniqueConstraint('year', 'enterprise_id', name=op.f('uq_credit_evaluation_year'))
    )
    with op.batch_alter_table('credit_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_evaluation_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_evaluation_year'), ['year'], unique=False)


def downgrade():
    op.drop_table('credit_evaluation')
    op.drop_table('credit_year')
