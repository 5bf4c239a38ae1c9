"""staff performance and supervision of inspectors (绩效考核, 督查排查人员): supervision records with the staff they
checked, and the quality desk's conclusion on a service complaint (投诉属实)

Revision ID: 0064
Revises: 0063
Create Date: 2026-12-04 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0064'
down_revision = '0063'
branch_labels = None
depends_on = None

_MOMENT = sa.DateTime(timezone=True)


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))


def _indexes(table, *columns):
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def upgrade():
    op.create_table(
        'staff_supervision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('checked_on', sa.Date(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=True),
        sa.Column('area', sa.String(length=100), nullable=False),
        sa.Column('checkers', sa.String(length=200), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('result', sa.String(length=8), nullable=False),
        sa.Column('measures', sa.JSON(), nullable=False),
        sa.Column('measures_note', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', _MOMENT, nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', _MOMENT, nullable=False),
        _fk('staff_supervision', 'visit_id', 'inspection_visit'),
        _fk('staff_supervision', 'created_by_id', 'app_user'),
        _fk('staff_supervision', 'updated_by_id', 'app_user'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_supervision')),
    )
    _indexes('staff_supervision', 'kind', 'checked_on', 'visit_id', 'result')
    op.create_table(
        'staff_supervision_person',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('supervision_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        _fk('staff_supervision_person', 'supervision_id', 'staff_supervision'),
        _fk('staff_supervision_person', 'user_id', 'app_user'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_supervision_person')),
        sa.UniqueConstraint('supervision_id', 'user_id', name='uq_staff_supervision_person'),
    )
    _indexes('staff_supervision_person', 'supervision_id', 'user_id')
    with op.batch_alter_table('service_complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upheld', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('service_complaint', schema=None) as batch_op:
        batch_op.drop_column('upheld')
    op.drop_table('staff_supervision_person')
    op.drop_table('staff_supervision')
