"""Enterprise self-checks (企业自查, seed 000 line 182: 风险知识库供企业自查; seed 001: 引导企业自查自改): an enterprise's
staff check their own enterprise against one of the standard checklists that fits its industry, item by item (符合 /
不符合 / 不适用, a note, photos), save a draft and submit it. The list is frozen on the self-check when it starts (the
items as the list's current version had them): a later change of the list does not alter a self-check. On submit each
nonconforming item the staff chose to report becomes a hazard case of source self_check (services/self_check_submit.py),
and the item links to it."""
from ..extensions import db
from .types import UTCDateTime

SELF_CHECK_STATUSES = {
    "draft": ("草稿", "Draft"),
    "submitted": ("已提交", "Submitted"),
}


class SelfCheck(db.Model):
    __tablename__ = "self_check"
    __table_args__ = (db.CheckConstraint("status IN ('draft', 'submitted')", name="known_status"),)
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    checklist_id = db.Column(db.Integer, db.ForeignKey("checklist.id"), nullable=False)
    # The list as it stood when the self-check began: its version number and name then (its items are copied into
    # self_check_item), so the page and the record keep saying what was checked.
    checklist_version = db.Column(db.Integer, nullable=False)
    checklist_name = db.Column(db.String(100), nullable=False)
    status = db.Column(db.String(16), nullable=False, default="draft", index=True)  # a key of SELF_CHECK_STATUSES
    note = db.Column(db.Text, nullable=False, default="")  # the check as a whole: who took part, what was looked at
    started_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    started_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    submitted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    submitted_at = db.Column(UTCDateTime, index=True)

    enterprise = db.relationship("Enterprise")
    checklist = db.relationship("Checklist")
    started_by = db.relationship("User", foreign_keys=[started_by_id])
    submitted_by = db.relationship("User", foreign_keys=[submitted_by_id])
    items = db.relationship("SelfCheckItem", back_populates="self_check", order_by="SelfCheckItem.position")


class SelfCheckItem(db.Model):
    """One item of a self-check: the list item's text as frozen, the enterprise's result, and for a nonconforming item
    whether to report it as a hazard (with its place, score and type) and the case it became."""
    __tablename__ = "self_check_item"
    __table_args__ = (db.UniqueConstraint("self_check_id", "code"),
                      db.CheckConstraint("result IS NULL OR result IN ('conform', 'nonconform', 'not_applicable')",
                                         name="known_result"))
    id = db.Column(db.Integer, primary_key=True)
    self_check_id = db.Column(db.Integer, db.ForeignKey("self_check.id"), nullable=False, index=True)
    # The list's item (items are never deleted, only deactivated): what the contractor's visits recorded results
    # against, so a self-check's 符合 can be compared with a later visit's 不符合 of the same item.
    item_id = db.Column(db.Integer, db.ForeignKey("checklist_item.id"), nullable=False, index=True)
    code = db.Column(db.String(20), nullable=False)
    dimension = db.Column(db.String(20), nullable=False)
    content = db.Column(db.Text, nullable=False)
    basis = db.Column(db.Text, nullable=False, default="")
    position = db.Column(db.Integer, nullable=False, default=0)
    result = db.Column(db.String(16))  # a key of CHECK_RESULTS; None: not filled in yet
    note = db.Column(db.Text, nullable=False, default="")
    report = db.Column(db.Boolean, nullable=False, default=True)  # a nonconforming item: report it as a hazard
    place = db.Column(db.String(200), nullable=False, default="")
    score = db.Column(db.Integer)
    hazard_type = db.Column(db.String(32))
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), index=True)

    self_check = db.relationship("SelfCheck", back_populates="items")
    item = db.relationship("ChecklistItem")
    case = db.relationship("HazardCase")
