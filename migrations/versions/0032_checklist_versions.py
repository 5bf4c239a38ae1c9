"""standards version management (标准版本管理) of the inspection checklists: proposed changes of items waiting for the
technical lead, the archive of each list's versions, and each list's current version number

Every list already in the database becomes version 1 here, archived with its items as they stand (source
"initial"), so that each list has its current version in the archive from the start and the first approved change
makes version 2 with a "what changed" against it. Doing it here rather than on first use keeps reading pages free
of writes and makes the baseline's time the upgrade's.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-01 12:00:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checklist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.create_table(
        'checklist_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checklist_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('item_code', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('proposed', sa.JSON(), nullable=False),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('pending_key', sa.String(length=20), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['checklist_id'], ['checklist.id'],
                                name=op.f('fk_checklist_change_checklist_id_checklist')),
        sa.ForeignKeyConstraint(['item_id'], ['checklist_item.id'],
                                name=op.f('fk_checklist_change_item_id_checklist_item')),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['app_user.id'],
                                name=op.f('fk_checklist_change_proposed_by_id_app_user')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'],
                                name=op.f('fk_checklist_change_decided_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_change')),
        sa.UniqueConstraint('pending_key', name=op.f('uq_checklist_change_pending_key')),
    )
    with op.batch_alter_table('checklist_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_change_checklist_id'), ['checklist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checklist_change_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checklist_change_status'), ['status'], unique=False)
    op.create_table(
        'checklist_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checklist_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('header', sa.JSON(), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('change_id', sa.Integer(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('signed_name', sa.String(length=128), nullable=False),
        sa.Column('signed_role', sa.String(length=32), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['approved_by_id'], ['app_user.id'],
                                name=op.f('fk_checklist_version_approved_by_id_app_user')),
        sa.ForeignKeyConstraint(['change_id'], ['checklist_change.id'],
                                name=op.f('fk_checklist_version_change_id_checklist_change')),
        sa.ForeignKeyConstraint(['checklist_id'], ['checklist.id'],
                                name=op.f('fk_checklist_version_checklist_id_checklist')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_version')),
        sa.UniqueConstraint('checklist_id', 'version', name=op.f('uq_checklist_version_checklist_id')),
    )
    _archive_existing_lists()


def _archive_existing_lists():
    """Version 1 of every list in the database: its header and items as they stand now."""
    checklist = sa.table('checklist', sa.column('id'), sa.column('name'), sa.column('name_en'),
                         sa.column('industries', sa.JSON), sa.column('applies_to_all', sa.Boolean))
    item = sa.table('checklist_item', sa.column('checklist_id'), sa.column('code'), sa.column('dimension'),
                    sa.column('content'), sa.column('basis'), sa.column('position'),
                    sa.column('active', sa.Boolean))
    version = sa.table('checklist_version', sa.column('checklist_id'), sa.column('version'),
                       sa.column('header', sa.JSON), sa.column('items', sa.JSON), sa.column('changes', sa.JSON),
                       sa.column('source'), sa.column('approved_at', sa.DateTime(timezone=True)),
                       sa.column('signed_name'), sa.column('signed_role'), sa.column('note'))
    conn = op.get_bind()
    lists = conn.execute(sa.select(checklist).order_by(checklist.c.id)).all()
    if not lists:
        return
    items = {}
    for row in conn.execute(sa.select(item).order_by(item.c.checklist_id, item.c.position, item.c.code)):
        items.setdefault(row.checklist_id, []).append({
            "code": row.code, "dimension": row.dimension, "content": row.content, "basis": row.basis,
            "position": row.position, "active": bool(row.active)})
    now = datetime.now(timezone.utc)
    conn.execute(version.insert(), [{
        "checklist_id": row.id, "version": 1, "changes": [], "source": "initial", "approved_at": now,
        "signed_name": "migration 0032", "signed_role": "initial", "note": "",
        "header": {"name": row.name, "name_en": row.name_en, "industries": list(row.industries or []),
                   "applies_to_all": bool(row.applies_to_all)},
        "items": items.get(row.id, [])} for row in lists])


def downgrade():
    op.drop_table('checklist_version')
    with op.batch_alter_table('checklist_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_change_status'))
        batch_op.drop_index(batch_op.f('ix_checklist_change_item_id'))
        batch_op.drop_index(batch_op.f('ix_checklist_change_checklist_id'))
    op.drop_table('checklist_change')
    # Not a batch: on SQLite a batch copies the table and drops the original, which the items' foreign keys refuse
    # once there are items; SQLite (3.35+) drops a plain column in place.
    op.drop_column('checklist', 'version')
