"""key parts under tag management and their electronic patrol cards (重点部位挂牌管理, 电子巡检卡): the tagged key parts
of an enterprise, the cards filled per part at a visit or as a daily patrol, with their items; a card's photos make
the attachment's patrol_card_id owner.

Revision ID: 0082
Revises: 0081
Create Date: 2026-12-08 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0082'
down_revision = '0081'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('key_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('responsible_name', sa.String(length=64), nullable=False),
    sa.Column('responsible_phone', sa.String(length=32), nullable=False),
    sa.Column('responsible_user_id', sa.Integer(), nullable=True),
    sa.Column('risk_point_id', sa.Integer(), nullable=True),
    sa.Column('check_items', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_by_id', sa.Integer(), nullable=True),
    sa.Column('retire_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_key_part_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_key_part_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['responsible_user_id'], ['app_user.id'], name=op.f('fk_key_part_responsible_user_id_app_user')),
    sa.ForeignKeyConstraint(['retired_by_id'], ['app_user.id'], name=op.f('fk_key_part_retired_by_id_app_user')),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_point.id'], name=op.f('fk_key_part_risk_point_id_risk_point')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_key_part_updated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_part'))
    )
    with op.batch_alter_table('key_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_part_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_part_risk_point_id'), ['risk_point_id'], unique=False)

    op.create_table('patrol_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_part_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('abnormal_count', sa.Integer(), nullable=False),
    sa.Column('filled_by_id', sa.Integer(), nullable=False),
    sa.Column('filled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scanned', sa.Boolean(), nullable=False),
    sa.CheckConstraint("(kind = 'visit') = (visit_id IS NOT NULL)", name=op.f('ck_patrol_card_visit_card_has_visit')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_patrol_card_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['filled_by_id'], ['app_user.id'], name=op.f('fk_patrol_card_filled_by_id_app_user')),
    sa.ForeignKeyConstraint(['key_part_id'], ['key_part.id'], name=op.f('fk_patrol_card_key_part_id_key_part')),
    sa.ForeignKeyConstraint(['visit_id'], ['inspection_visit.id'], name=op.f('fk_patrol_card_visit_id_inspection_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_card')),
    sa.UniqueConstraint('visit_id', 'key_part_id', name=op.f('uq_patrol_card_visit_id'))
    )
    with op.batch_alter_table('patrol_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_card_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_card_key_part_id'), ['key_part_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_card_visit_id'), ['visit_id'], unique=False)

    op.create_table('patrol_card_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('content', sa.String(length=200), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['patrol_card.id'], name=op.f('fk_patrol_card_item_card_id_patrol_card')),
    sa.ForeignKeyConstraint(['case_id'], ['hazard_case.id'], name=op.f('fk_patrol_card_item_case_id_hazard_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_card_item')),
    sa.UniqueConstraint('case_id', name=op.f('uq_patrol_card_item_case_id'))
    )
    with op.batch_alter_table('patrol_card_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_card_item_card_id'), ['card_id'], unique=False)

    owners_before = _owner_columns()
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('patrol_card_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_patrol_card_id'), ['patrol_card_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_patrol_card_id_patrol_card'), 'patrol_card',
                                    ['patrol_card_id'], ['id'])
        # A file has one owner: whatever owners the revisions before this one added (read from the database, so
        # that none is lost whatever order the branches were merged in), or now a patrol card.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'),
                                         _one_owner(owners_before + ("patrol_card_id",)))


def _owner_columns():
    """The attachment's owner columns as the database has them now: every column with a foreign key but the
    uploader's, in the table's order."""
    inspector = sa.inspect(op.get_bind())
    keyed = {c for fk in inspector.get_foreign_keys("attachment") for c in fk["constrained_columns"]}
    return tuple(c["name"] for c in inspector.get_columns("attachment")
                 if c["name"] in keyed and c["name"] != "uploader_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


def downgrade():
    owners_before = tuple(c for c in _owner_columns() if c != "patrol_card_id")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _one_owner(owners_before))
        batch_op.drop_constraint(batch_op.f('fk_attachment_patrol_card_id_patrol_card'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_patrol_card_id'))
        batch_op.drop_column('patrol_card_id')

    with op.batch_alter_table('patrol_card_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_card_item_card_id'))
    op.drop_table('patrol_card_item')
    with op.batch_alter_table('patrol_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_card_visit_id'))
        batch_op.drop_index(batch_op.f('ix_patrol_card_key_part_id'))
        batch_op.drop_index(batch_op.f('ix_patrol_card_enterprise_id'))
    op.drop_table('patrol_card')
    with op.batch_alter_table('key_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_part_risk_point_id'))
        batch_op.drop_index(batch_op.f('ix_key_part_enterprise_id'))
    op.drop_table('key_part')
