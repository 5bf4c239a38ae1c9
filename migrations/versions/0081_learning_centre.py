"""the learning centre (学习中心): courses (通用模块 / 专业模块, audience, published or draft) of ordered lessons (a
video, a PDF or a text, with its minutes), each learner's progress and completed courses, a question bank per course
and the mock tests drawn from it (模拟测试); a lesson's video or PDF is an attachment owner (lesson_id), rebuilt into
the one-owner CHECK with the owner columns the database has now.

Revision ID: 0081
Revises: 0077
Create Date: 2026-12-01 00:52:39.753441

"""
from alembic import op
import sqlalchemy as sa


revision = '0081'
down_revision = '0077'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('module', sa.String(length=16), nullable=False),
    sa.Column('industries', sa.JSON(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('question_count', sa.Integer(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("audience IN ('staff', 'enterprise', 'both')", name=op.f('ck_course_known_audience')),
    sa.CheckConstraint("module IN ('general', 'specialised')", name=op.f('ck_course_known_module')),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_course_known_status')),
    sa.CheckConstraint('pass_mark BETWEEN 1 AND 100', name=op.f('ck_course_pass_mark_in_range')),
    sa.CheckConstraint('question_count BETWEEN 1 AND 100', name=op.f('ck_course_question_count_in_range')),
    sa.CheckConstraint('time_limit_minutes BETWEEN 1 AND 240', name=op.f('ck_course_time_limit_in_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_course_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_course_updated_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course'))
    )
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_status'), ['status'], unique=False)

    op.create_table('lesson',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('video', 'document', 'text')", name=op.f('ck_lesson_known_kind')),
    sa.CheckConstraint('minutes BETWEEN 1 AND 600', name=op.f('ck_lesson_minutes_in_range')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_lesson_course_id_course')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson'))
    )
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_course_id'), ['course_id'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('single', 'multiple', 'true_false')", name=op.f('ck_question_known_kind')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_question_course_id_course')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_course_id'), ['course_id'], unique=False)

    op.create_table('test_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('question_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('results', sa.JSON(), nullable=True),
    sa.Column('correct', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'submitted', 'expired')", name=op.f('ck_test_attempt_known_status')),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 0 AND 100', name=op.f('ck_test_attempt_score_in_range')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_test_attempt_course_id_course')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_test_attempt_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_test_attempt'))
    )
    with op.batch_alter_table('test_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_test_attempt_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_test_attempt_user_course', ['user_id', 'course_id'], unique=False)

    op.create_table('course_completion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('roster_training_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_completion_course_id_course')),
    sa.ForeignKeyConstraint(['roster_training_id'], ['roster_training.id'], name=op.f('fk_course_completion_roster_training_id_roster_training')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_course_completion_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_completion')),
    sa.UniqueConstraint('course_id', 'user_id', name=op.f('uq_course_completion_course_id'))
    )
    with op.batch_alter_table('course_completion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_completion_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_completion_user_id'), ['user_id'], unique=False)

    op.create_table('lesson_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_progress_lesson_id_lesson')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_lesson_progress_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_progress')),
    sa.UniqueConstraint('lesson_id', 'user_id', name=op.f('uq_lesson_progress_lesson_id'))
    )
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_progress_completed_at'), ['completed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_progress_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_progress_user_id'), ['user_id'], unique=False)

    owners_before = _owner_columns()
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lesson_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_lesson_id_lesson'), 'lesson', ['lesson_id'], ['id'])
        # A file has one owner: whatever owners the revisions before this one added (read from the database, so the
        # order in which revisions were merged does not matter), or now a lesson.
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _one_owner(owners_before + ("lesson_id",)))


def _owner_columns():
    """The attachment's owner columns as the database has them now: every column with a foreign key but the
    uploader's, in the table's order (as 0078 reads them)."""
    inspector = sa.inspect(op.get_bind())
    keyed = {c for fk in inspector.get_foreign_keys("attachment") for c in fk["constrained_columns"]}
    return tuple(c["name"] for c in inspector.get_columns("attachment")
                 if c["name"] in keyed and c["name"] != "uploader_id")


def _one_owner(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"



def downgrade():
    owners_before = tuple(c for c in _owner_columns() if c != "lesson_id")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_one_owner'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attachment_one_owner'), _one_owner(owners_before))
        batch_op.drop_constraint(batch_op.f('fk_attachment_lesson_id_lesson'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_lesson_id'))
        batch_op.drop_column('lesson_id')

    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_progress_user_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_progress_lesson_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_progress_completed_at'))

    op.drop_table('lesson_progress')
    with op.batch_alter_table('course_completion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_completion_user_id'))
        batch_op.drop_index(batch_op.f('ix_course_completion_course_id'))

    op.drop_table('course_completion')
    with op.batch_alter_table('test_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_test_attempt_user_course')
        batch_op.drop_index(batch_op.f('ix_test_attempt_course_id'))

    op.drop_table('test_attempt')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_course_id'))

    op.drop_table('question')
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_course_id'))

    op.drop_table('lesson')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_status'))

    op.drop_table('course')
