"""audit rows name their subject (an enterprise or a user) so its page can show its history

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:20:00

"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The administration rows written before this revision carry their subject's id in `details`.
SUBJECT_OF_ACTION = {"enterprise_added": ("enterprise", "enterprise_id"),
                     "enterprise_updated": ("enterprise", "enterprise_id"),
                     "user_created": ("user", "user_id"), "user_updated": ("user", "user_id"),
                     "password_set": ("user", "user_id"), "user_activated": ("user", "user_id"),
                     "user_deactivated": ("user", "user_id")}


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_type', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_audit_event_subject', ['subject_type', 'subject_id'], unique=False,
                              sqlite_where=sa.text('subject_type IS NOT NULL'),
                              postgresql_where=sa.text('subject_type IS NOT NULL'))
    audit = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('action', sa.String),
                     sa.column('details', sa.JSON), sa.column('subject_type', sa.String),
                     sa.column('subject_id', sa.Integer))
    bind = op.get_bind()
    rows = bind.execute(sa.select(audit.c.id, audit.c.action, audit.c.details)
                        .where(audit.c.action.in_(list(SUBJECT_OF_ACTION)))).all()
    for row_id, action, details in rows:
        details = json.loads(details) if isinstance(details, str) else (details or {})
        subject_type, key = SUBJECT_OF_ACTION[action]
        if isinstance(details.get(key), int):
            bind.execute(audit.update().where(audit.c.id == row_id)
                         .values(subject_type=subject_type, subject_id=details[key]))


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_subject')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_type')
