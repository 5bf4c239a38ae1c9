from ..extensions import db
from .types import UTCDateTime


class WorkflowState(db.Model):
    """The serialized SpiffWorkflow of one case (spec excluded, compressed) with an optimistic-lock version."""

    __tablename__ = "workflow_state"
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), primary_key=True)
    state = db.Column(db.LargeBinary, nullable=False)  # zstd-compressed JSON (zlib before 2026-11-30; both are read)
    version = db.Column(db.Integer, nullable=False, default=1)
    updated_at = db.Column(UTCDateTime, nullable=False)


class HumanTask(db.Model):
    """One row per READY manual task; the inbox is a query on this table only."""

    __tablename__ = "human_task"
    __table_args__ = (
        # The inbox filters by role (enterprise staff: by enterprise and role) and pages in due order.
        db.Index("ix_human_task_role_sort", "role", "sort_due"),
        db.Index("ix_human_task_enterprise_role_sort", "enterprise_id", "role", "sort_due"),
        db.Index("ix_human_task_enterprise_role_grade_sort", "enterprise_id", "role", "grade", "sort_due"),
        db.Index("ix_human_task_role_grade_sort", "role", "grade", "sort_due"),
        # Task ids appear in links and API calls: never reuse one for another task (SQLite would).
        {"sqlite_autoincrement": True},
    )
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    task_guid = db.Column(db.String(64), nullable=False, unique=True)
    bpmn_id = db.Column(db.String(128), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    role = db.Column(db.String(32), nullable=False)
    form_key = db.Column(db.String(64), nullable=False)
    enterprise_id = db.Column(db.Integer, nullable=False)
    grade = db.Column(db.String(24))
    assignee_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=True, index=True)
    claimed_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False)
    due_at = db.Column(UTCDateTime)
    # due_at, or the end of time for tasks without a deadline: an index can serve "ORDER BY sort_due"
    # with undated tasks last, which "due_at IS NULL, due_at" cannot.
    sort_due = db.Column(UTCDateTime, nullable=False)
    # A saved draft (保存草稿) of the task's form: kept while the task is open, shared with whoever works on it
    # next; deferred, since the inbox lists tasks without it.
    draft = db.deferred(db.Column(db.JSON))
    draft_saved_at = db.Column(UTCDateTime)
    draft_saved_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))

    case = db.relationship("HazardCase")
    assignee = db.relationship("User", foreign_keys=[assignee_id])
    draft_saved_by = db.relationship("User", foreign_keys=[draft_saved_by_id])


class Timer(db.Model):
    """One row per WAITING timer event with its absolute due time; the sweep reads only this table."""

    __tablename__ = "timer"
    __table_args__ = {"sqlite_autoincrement": True}
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    task_guid = db.Column(db.String(64), nullable=False, unique=True)
    bpmn_id = db.Column(db.String(128), nullable=False)
    name = db.Column(db.String(200), nullable=False, default="")
    due_at = db.Column(UTCDateTime, nullable=False, index=True)
    created_at = db.Column(UTCDateTime, nullable=False)
