"""a task's saved draft (保存草稿): the form's values so far, who saved them and when; gone with the task

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# On SQLite the batch operation copies the table: it must keep AUTOINCREMENT, or deleted rows' ids (a completed
# task's, a case's) would be handed out again.
_KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table('human_task', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column('draft', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('draft_saved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('draft_saved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_human_task_draft_saved_by_id_app_user'), 'app_user',
                                    ['draft_saved_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('human_task', schema=None, table_kwargs=_KEEP_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_human_task_draft_saved_by_id_app_user'), type_='foreignkey')
        batch_op.drop_column('draft_saved_by_id')
        batch_op.drop_column('draft_saved_at')
        batch_op.drop_column('draft')
