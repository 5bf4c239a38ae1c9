"""Standard inspection checklists (标准化检查表, 排查清单): the lists an inspection checks an enterprise against item by
item (逐项核对) — a general list for every enterprise and one per key industry — and each visit's result per item.
The standard lists ship as data (app/data/checklists/*.json, loaded by `flask checklists load`); process owners and
administrators propose changes of items in the browser, which take effect once the technical lead approves them
(models/checklist_version.py). Items with results are deactivated, never deleted."""
from ..extensions import db
from .types import UTCDateTime

# code: (中文, English), in the order a visit's page shows them
DIMENSIONS = {
    "management": ("安全管理", "Safety management"),
    "personnel": ("人员", "Personnel"),
    "equipment": ("设备设施", "Equipment and facilities"),
    "environment": ("作业环境", "Work environment"),
    "emergency": ("应急管理", "Emergency preparedness"),
}
CHECK_RESULTS = {
    "conform": ("符合", "Conforms"),
    "nonconform": ("不符合", "Does not conform"),
    "not_applicable": ("不适用", "Not applicable"),
}


class Checklist(db.Model):
    __tablename__ = "checklist"
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)  # the file's key, e.g. "chemical"
    name = db.Column(db.String(100), nullable=False)
    name_en = db.Column(db.String(100), nullable=False, default="")
    # The enterprise register's industry names (enterprise.industry is free text) the list applies to; the general
    # list applies to every enterprise whatever its industry.
    industries = db.Column(db.JSON, nullable=False, default=list)
    applies_to_all = db.Column(db.Boolean, nullable=False, default=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    # The current (approved) version's number; each version's items are archived in checklist_version.
    version = db.Column(db.Integer, nullable=False, default=1, server_default="1")

    items = db.relationship("ChecklistItem", back_populates="checklist", order_by="ChecklistItem.position")


class ChecklistItem(db.Model):
    __tablename__ = "checklist_item"
    id = db.Column(db.Integer, primary_key=True)
    checklist_id = db.Column(db.Integer, db.ForeignKey("checklist.id"), nullable=False, index=True)
    code = db.Column(db.String(20), nullable=False, unique=True)  # e.g. HG-01
    dimension = db.Column(db.String(20), nullable=False)  # a key of DIMENSIONS
    content = db.Column(db.Text, nullable=False)  # 检查内容
    basis = db.Column(db.Text, nullable=False, default="")  # 依据: the law, regulation or standard
    position = db.Column(db.Integer, nullable=False, default=0)
    active = db.Column(db.Boolean, nullable=False, default=True)
    # A digest of what the standard file said when it was last loaded (None: added in the browser, or dropped from
    # the file): a load changes only items whose file text changed since, so edits made in the browser stay.
    source_hash = db.Column(db.String(64))
    updated_at = db.Column(UTCDateTime, nullable=False)

    checklist = db.relationship("Checklist", back_populates="items")


class ChecklistResult(db.Model):
    """One item's result at one visit; the hazard case registered from a nonconforming item, if any."""
    __tablename__ = "checklist_result"
    __table_args__ = (db.UniqueConstraint("visit_id", "item_id"),)
    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), nullable=False)
    item_id = db.Column(db.Integer, db.ForeignKey("checklist_item.id"), nullable=False, index=True)
    result = db.Column(db.String(16), nullable=False)  # a key of CHECK_RESULTS
    note = db.Column(db.Text, nullable=False, default="")
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), index=True)
    recorded_at = db.Column(UTCDateTime, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)

    item = db.relationship("ChecklistItem")
    case = db.relationship("HazardCase")
    recorded_by = db.relationship("User")
