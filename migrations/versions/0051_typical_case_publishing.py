"""typical cases published to enterprises for warning education (典型案例警示教育): the anonymised public version of a
library entry, the source case's photos chosen for it, and its frozen recipients with their read receipts (已学习)

Revision ID: 0051
Revises: 0048
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0051'
down_revision = '0048'
branch_labels = None
depends_on = None

_LIVE = sa.text("status = 'published'")


def upgrade():
    op.create_table(
        'case_publication',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('typical_case_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('industries', sa.JSON(), nullable=False),
        sa.Column('townships', sa.JSON(), nullable=False),
        sa.Column('issuer', sa.String(length=16), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['typical_case_id'], ['typical_case.id'],
                                name=op.f('fk_case_publication_typical_case_id_typical_case')),
        sa.ForeignKeyConstraint(['published_by_id'], ['app_user.id'],
                                name=op.f('fk_case_publication_published_by_id_app_user')),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['app_user.id'],
                                name=op.f('fk_case_publication_withdrawn_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_publication')),
    )
    with op.batch_alter_table('case_publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_publication_typical_case_id'), ['typical_case_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_case_publication_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_publication_published_at'), ['published_at'], unique=False)
        # One live publication per entry (a partial index: withdrawn ones stay beside it).
        batch_op.create_index('uq_case_publication_live', ['typical_case_id'], unique=True,
                              sqlite_where=_LIVE, postgresql_where=_LIVE)
    op.create_table(
        'case_publication_photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['publication_id'], ['case_publication.id'],
                                name=op.f('fk_case_publication_photo_publication_id_case_publication')),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'],
                                name=op.f('fk_case_publication_photo_attachment_id_attachment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_publication_photo')),
        sa.UniqueConstraint('publication_id', 'attachment_id', name='uq_case_publication_photo'),
    )
    with op.batch_alter_table('case_publication_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_publication_photo_publication_id'), ['publication_id'],
                              unique=False)
    op.create_table(
        'case_publication_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('learned_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('learned_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['publication_id'], ['case_publication.id'], name=op.f(
            'fk_case_publication_recipient_publication_id_case_publication')),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'],
                                name=op.f('fk_case_publication_recipient_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['learned_by_id'], ['app_user.id'],
                                name=op.f('fk_case_publication_recipient_learned_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_publication_recipient')),
        sa.UniqueConstraint('publication_id', 'enterprise_id', name='uq_case_publication_recipient'),
    )
    with op.batch_alter_table('case_publication_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_publication_recipient_publication_id'), ['publication_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_case_publication_recipient_enterprise_id'), ['enterprise_id'],
                              unique=False)


def downgrade():
    op.drop_table('case_publication_recipient')
    op.drop_table('case_publication_photo')
    op.drop_table('case_publication')
