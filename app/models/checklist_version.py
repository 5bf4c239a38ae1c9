"""Standards version management (标准版本管理) of the inspection checklists: a change made in the browser is only
proposed (ChecklistChange) until the technical lead (技术负责人) approves it; each approved change, and each file load
that changes a list, archives the whole list as a new numbered version (ChecklistVersion) signed by who approved
it. Versions are never deleted (the tender keeps old standards five years: nothing in the system removes them)."""
from ..extensions import db
from .types import UTCDateTime

# code: (中文, English)
CHANGE_KINDS = {
    "add": ("新增检查项", "Add an item"),
    "update": ("修改检查项", "Edit an item"),
    "deactivate": ("停用检查项", "Deactivate an item"),
    "activate": ("启用检查项", "Reactivate an item"),
}
CHANGE_STATUSES = {
    "pending": ("待审核", "Pending review"),
    "approved": ("已批准", "Approved"),
    "rejected": ("已退回", "Rejected"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
# Where a version came from: a technical lead's approval, a load of the standard files, or the list as it stood
# when versioning began (migration 0032 archived every existing list as its version 1).
VERSION_SOURCES = {
    "review": ("技术负责人审核批准", "Approved by the technical lead"),
    "file": ("标准文件加载", "Loaded from the standard files"),
    "initial": ("启用版本管理时的检查表", "The list when version management began"),
}


class ChecklistChange(db.Model):
    """A proposed change of one item (新增、修改、停用、启用), waiting for, or decided by, the technical lead."""
    __tablename__ = "checklist_change"
    id = db.Column(db.Integer, primary_key=True)
    checklist_id = db.Column(db.Integer, db.ForeignKey("checklist.id"), nullable=False, index=True)
    # None for a proposed new item until it is approved (then the item it made).
    item_id = db.Column(db.Integer, db.ForeignKey("checklist_item.id"), index=True)
    item_code = db.Column(db.String(20), nullable=False)  # the item's code; for "add", the code proposed
    kind = db.Column(db.String(16), nullable=False)  # a key of CHANGE_KINDS
    # {dimension, content, basis} proposed for "add" and "update"; {} for deactivate / activate.
    proposed = db.Column(db.JSON, nullable=False, default=dict)
    # The item's {dimension, content, basis, active} when proposed (None for "add"): approval refuses a change whose
    # item was changed meanwhile, so the lead never signs a before → after that is no longer true.
    before = db.Column(db.JSON)
    # The item's code while the change is pending, NULL once decided: a unique key, so that two pending changes of
    # one item (or two proposed items with one code) cannot both be stored, even when proposed at the same moment.
    pending_key = db.Column(db.String(20), unique=True)
    status = db.Column(db.String(16), nullable=False, index=True)  # a key of CHANGE_STATUSES
    proposed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    proposed_at = db.Column(UTCDateTime, nullable=False)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    decided_at = db.Column(UTCDateTime)
    decision_note = db.Column(db.Text, nullable=False, default="")  # the approval's note or the rejection's reason
    version = db.Column(db.Integer)  # the list's version the approval made

    checklist = db.relationship("Checklist")
    item = db.relationship("ChecklistItem")
    proposed_by = db.relationship("User", foreign_keys=[proposed_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])


class ChecklistVersion(db.Model):
    """One version of a list: every item as it stood (a JSON snapshot), what changed from the version before, and
    the approval's signature as recorded then (the approver's name and role), so a later rename or a lost role does
    not rewrite who signed."""
    __tablename__ = "checklist_version"
    __table_args__ = (db.UniqueConstraint("checklist_id", "version"),)
    id = db.Column(db.Integer, primary_key=True)
    checklist_id = db.Column(db.Integer, db.ForeignKey("checklist.id"), nullable=False)
    version = db.Column(db.Integer, nullable=False)
    # {name, name_en, industries, applies_to_all} of the list at this version
    header = db.Column(db.JSON, nullable=False, default=dict)
    # [{code, dimension, content, basis, position, active}] in the list's order, deactivated items included
    items = db.Column(db.JSON, nullable=False, default=list)
    # [{code, kind, before, after}] from the version before (services/checklist_versions.diff)
    changes = db.Column(db.JSON, nullable=False, default=list)
    source = db.Column(db.String(16), nullable=False)  # a key of VERSION_SOURCES
    change_id = db.Column(db.Integer, db.ForeignKey("checklist_change.id"))  # the approved proposal, if any
    approved_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))  # None for a file load
    approved_at = db.Column(UTCDateTime, nullable=False)
    signed_name = db.Column(db.String(128), nullable=False)  # the approver's display name (a file load: the operator)
    signed_role = db.Column(db.String(32), nullable=False)  # a role code, or "file_load" / "initial"
    note = db.Column(db.Text, nullable=False, default="")

    checklist = db.relationship("Checklist")
    change = db.relationship("ChecklistChange")
