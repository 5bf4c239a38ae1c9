"""The learning centre (学习中心; seed 000 line 672 "平台内置学习中心，提供视频课程、文档资料、模拟测试等内容", line 736
"课程分为通用模块与专业模块", line 848 "全年培训学时不少于 40 课时"): courses of ordered lessons, each learner's progress,
each course's question bank and the mock tests (模拟测试) drawn from it. Services: services/learning*.py."""
from ..extensions import db
from .types import UTCDateTime

# 通用模块 is for every enterprise; 专业模块 for the industries it names (as the enterprise register names them).
COURSE_MODULES = {
    "general": ("通用模块", "General module"),
    "specialised": ("专业模块", "Specialised module"),
}
# Who the course is for: the contractor's own people (排查人员), the enterprises' staff, or both.
COURSE_AUDIENCES = {
    "staff": ("排查人员", "Contractor staff"),
    "enterprise": ("企业人员", "Enterprise staff"),
    "both": ("排查人员和企业人员", "Contractor and enterprise staff"),
}
COURSE_STATUSES = {
    "draft": ("草稿", "Draft"),
    "published": ("已发布", "Published"),
}
LESSON_KINDS = {
    "video": ("视频", "Video"),
    "document": ("文档（PDF）", "Document (PDF)"),
    "text": ("图文", "Text"),
}
QUESTION_KINDS = {
    "single": ("单选题", "Single choice"),
    "multiple": ("多选题", "Multiple choice"),
    "true_false": ("判断题", "True / false"),
}
ATTEMPT_STATUSES = {
    "open": ("答题中", "In progress"),
    "submitted": ("已交卷", "Submitted"),
    "expired": ("超时未交卷", "Timed out"),
}
# 学时: one 课时 is a class period of 45 minutes (the seed's "40 课时" counted in lesson minutes).
MINUTES_PER_PERIOD = 45


class Course(db.Model):
    __tablename__ = "course"
    __table_args__ = (
        db.CheckConstraint("module IN ('general', 'specialised')", name="known_module"),
        db.CheckConstraint("audience IN ('staff', 'enterprise', 'both')", name="known_audience"),
        db.CheckConstraint("status IN ('draft', 'published')", name="known_status"),
        db.CheckConstraint("pass_mark BETWEEN 1 AND 100", name="pass_mark_in_range"),
        db.CheckConstraint("question_count BETWEEN 1 AND 100", name="question_count_in_range"),
        db.CheckConstraint("time_limit_minutes BETWEEN 1 AND 240", name="time_limit_in_range"),
    )
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    summary = db.Column(db.Text, nullable=False, default="")
    module = db.Column(db.String(16), nullable=False)  # COURSE_MODULES
    # 专业模块: the industries it is for, words matched within the enterprise's industry (e.g. "化工"); [] for 通用.
    industries = db.Column(db.JSON, nullable=False, default=list)
    audience = db.Column(db.String(16), nullable=False)  # COURSE_AUDIENCES
    status = db.Column(db.String(16), nullable=False, default="draft", index=True)  # COURSE_STATUSES
    # The mock test: how many questions a test draws from the bank, the minutes it allows and the score that passes.
    question_count = db.Column(db.Integer, nullable=False, default=10)
    time_limit_minutes = db.Column(db.Integer, nullable=False, default=20)
    pass_mark = db.Column(db.Integer, nullable=False, default=80)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    published_at = db.Column(UTCDateTime)

    lessons = db.relationship("Lesson", order_by="Lesson.position, Lesson.id", viewonly=True)

    @property
    def minutes(self):
        return sum(lesson.minutes for lesson in self.lessons)


class Lesson(db.Model):
    """One lesson of a course, in order: a video or a PDF (its attachment, `attachment.lesson_id`) or a text."""
    __tablename__ = "lesson"
    __table_args__ = (
        db.CheckConstraint("kind IN ('video', 'document', 'text')", name="known_kind"),
        db.CheckConstraint("minutes BETWEEN 1 AND 600", name="minutes_in_range"),
    )
    id = db.Column(db.Integer, primary_key=True)
    course_id = db.Column(db.Integer, db.ForeignKey("course.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.String(16), nullable=False)  # LESSON_KINDS
    body = db.Column(db.Text, nullable=False, default="")  # a text lesson's content; otherwise a short introduction
    minutes = db.Column(db.Integer, nullable=False)  # 学时 credited when done (45 minutes = 1 课时)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    files = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)


class LessonProgress(db.Model):
    """A learner's progress on a lesson: when they first opened it and when they marked it done (what they did in
    between — whether a video played to its end — is not known to the server). `minutes` is what the lesson was worth
    when it was done, so a later change of the lesson does not rewrite the learner's hours."""
    __tablename__ = "lesson_progress"
    __table_args__ = (db.UniqueConstraint("lesson_id", "user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    lesson_id = db.Column(db.Integer, db.ForeignKey("lesson.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
    opened_at = db.Column(UTCDateTime, nullable=False)
    completed_at = db.Column(UTCDateTime, index=True)
    minutes = db.Column(db.Integer)


class CourseCompletion(db.Model):
    """A learner finished every lesson of the course (once); an enterprise's learner may record it in their
    enterprise's training register (`roster_training_id`, once)."""
    __tablename__ = "course_completion"
    __table_args__ = (db.UniqueConstraint("course_id", "user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    course_id = db.Column(db.Integer, db.ForeignKey("course.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
    completed_at = db.Column(UTCDateTime, nullable=False)
    minutes = db.Column(db.Integer, nullable=False)
    roster_training_id = db.Column(db.Integer, db.ForeignKey("roster_training.id"))


class Question(db.Model):
    """A question of a course's bank. `options`: the choices' texts (判断题: none, the choices are 正确 / 错误);
    `answer`: the indices of the right choices (one for 单选 and 判断, at least two for 多选). A removed question is
    kept inactive so that earlier attempts still read it."""
    __tablename__ = "question"
    __table_args__ = (db.CheckConstraint("kind IN ('single', 'multiple', 'true_false')", name="known_kind"),)
    id = db.Column(db.Integer, primary_key=True)
    course_id = db.Column(db.Integer, db.ForeignKey("course.id"), nullable=False, index=True)
    kind = db.Column(db.String(16), nullable=False)  # QUESTION_KINDS
    text = db.Column(db.Text, nullable=False)
    options = db.Column(db.JSON, nullable=False, default=list)
    answer = db.Column(db.JSON, nullable=False)
    explanation = db.Column(db.Text, nullable=False, default="")
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)


class TestAttempt(db.Model):
    """One mock test: the questions drawn (from `seed`, in order), the deadline, and once submitted the answers, the
    result per question (with the answer key as it was then) and the score. The pass mark and time limit are the
    course's at the start."""
    __tablename__ = "test_attempt"
    __table_args__ = (
        db.CheckConstraint("status IN ('open', 'submitted', 'expired')", name="known_status"),
        db.CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score_in_range"),
        db.Index("ix_test_attempt_user_course", "user_id", "course_id"),
    )
    __test__ = False  # not a pytest class
    id = db.Column(db.Integer, primary_key=True)
    course_id = db.Column(db.Integer, db.ForeignKey("course.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    seed = db.Column(db.BigInteger, nullable=False)
    question_ids = db.Column(db.JSON, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="open")  # ATTEMPT_STATUSES
    started_at = db.Column(UTCDateTime, nullable=False)
    deadline_at = db.Column(UTCDateTime, nullable=False)
    submitted_at = db.Column(UTCDateTime)
    time_limit_minutes = db.Column(db.Integer, nullable=False)
    pass_mark = db.Column(db.Integer, nullable=False)
    answers = db.Column(db.JSON)  # {"<question id>": [choice indices]}
    results = db.Column(db.JSON)  # [{"question_id", "given", "answer", "correct"}] in the drawn order
    correct = db.Column(db.Integer)
    score = db.Column(db.Integer)
    passed = db.Column(db.Boolean)

    course = db.relationship("Course")
