"""the knowledge base (专家知识库 / 法规标准库): entries of handling advice per hazard type and of laws and standards,
their hazard type and industry tags and their kept versions; a law's or standard's PDF is the attachment's sixteenth
owner (knowledge_entry_id)

Revision ID: 0075
Revises: 0074
Create Date: 2026-12-01 00:11:08.005583

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0075'
down_revision = '0074'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('knowledge_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('references', sa.Text(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=True),
    sa.Column('issuer', sa.String(length=200), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('regulation_status', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('advice', 'regulation')", name=op.f('ck_knowledge_entry_known_kind')),
    sa.CheckConstraint("regulation_status IS NULL OR regulation_status IN ('current', 'repealed', 'revised')", name=op.f('ck_knowledge_entry_known_regulation_status')),
    sa.CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name=op.f('ck_knowledge_entry_known_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_knowledge_entry_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['published_by_id'], ['app_user.id'], name=op.f('fk_knowledge_entry_published_by_id_app_user')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['app_user.id'], name=op.f('fk_knowledge_entry_reviewed_by_id_app_user')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_knowledge_entry_updated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_entry'))
    )
    with op.batch_alter_table('knowledge_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_entry_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_entry_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_entry_reviewed_at'), ['reviewed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_entry_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_entry_updated_at'), ['updated_at'], unique=False)

    op.create_table('knowledge_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=100), nullable=False),
    sa.CheckConstraint("kind IN ('hazard_type', 'industry')", name=op.f('ck_knowledge_tag_known_kind')),
    sa.ForeignKeyConstraint(['entry_id'], ['knowledge_entry.id'], name=op.f('fk_knowledge_tag_entry_id_knowledge_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_tag')),
    sa.UniqueConstraint('entry_id', 'kind', 'value', name=op.f('uq_knowledge_tag_entry_id'))
    )
    with op.batch_alter_table('knowledge_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_tag_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index('ix_knowledge_tag_kind_value', ['kind', 'value'], unique=False)

    op.create_table('knowledge_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['knowledge_entry.id'], name=op.f('fk_knowledge_version_entry_id_knowledge_entry')),
    sa.ForeignKeyConstraint(['saved_by_id'], ['app_user.id'], name=op.f('fk_knowledge_version_saved_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_version')),
    sa.UniqueConstraint('entry_id', 'version', name=op.f('uq_knowledge_version_entry_id'))
    )
    with op.batch_alter_table('knowledge_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_version_entry_id'), ['entry_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('knowledge_entry_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_knowledge_entry_id'), ['knowledge_entry_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_knowledge_entry_id_knowledge_entry'), 'knowledge_entry',
                                    ['knowledge_entry_id'], ['id'])
        # A file has one owner: a case, a visit, a public report, a notice, an enforcement record, a check's record, an
        # archive document, a training session, a certificate, a risk map, a meeting, a question, a self-check, an application for resumption (0039–0074) or now
        # a knowledge base entry.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER)


_OWNERS_BEFORE = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id", "follow_up_id",
                  "document_id", "training_id", "certificate_id", "risk_plan_enterprise_id", "meeting_id",
                  "question_id", "self_check_id", "resumption_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


_ONE_OWNER = _one_owner(_OWNERS_BEFORE + ("knowledge_entry_id",))
_ONE_OWNER_BEFORE = _one_owner(_OWNERS_BEFORE)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _ONE_OWNER_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_attachment_knowledge_entry_id_knowledge_entry'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_knowledge_entry_id'))
        batch_op.drop_column('knowledge_entry_id')

    with op.batch_alter_table('knowledge_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_version_entry_id'))

    op.drop_table('knowledge_version')
    with op.batch_alter_table('knowledge_tag', schema=None) as batch_op:
        batch_op.drop_index('ix_knowledge_tag_kind_value')
        batch_op.drop_index(batch_op.f('ix_knowledge_tag_entry_id'))

    op.drop_table('knowledge_tag')
    with op.batch_alter_table('knowledge_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_entry_updated_at'))
        batch_op.drop_index(batch_op.f('ix_knowledge_entry_status'))
        batch_op.drop_index(batch_op.f('ix_knowledge_entry_reviewed_at'))
        batch_op.drop_index(batch_op.f('ix_knowledge_entry_number'))
        batch_op.drop_index(batch_op.f('ix_knowledge_entry_kind'))

    op.drop_table('knowledge_entry')
