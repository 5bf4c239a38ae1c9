"""An inspection visit (排查记录): who inspected which enterprise on which day, what they checked and what they
suggested. The hazards found are registered as cases; a visit that finds nothing still counts, which is what
coverage and the inspection priority list's "last inspected" need."""
from ..extensions import db
from .types import UTCDateTime

# 检查方式: code -> (中文, English). `unannounced` is 四不两直 (不发通知、不打招呼、不听汇报、不用陪同接待、直奔基层、直插现场)
# and `night` the seed's 突击夜查: plans of these kinds are never announced to the enterprise
# (services/inspection_plans.py UNANNOUNCED_KINDS); a night visit records the time it began (services/inspections.py).
VISIT_KINDS = {
    "routine": ("常规检查", "Routine"),
    "special": ("专项检查", "Special check"),
    "night": ("夜查", "Night check"),
    "unannounced": ("四不两直", "Unannounced (four nos, two directs)"),
    "joint": ("联合检查", "Joint inspection"),
}


class InspectionVisit(db.Model):
    __tablename__ = "inspection_visit"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    visited_on = db.Column(db.Date, nullable=False, index=True)
    inspectors = db.Column(db.String(200), nullable=False)  # the team's names, as they sign the record
    scope = db.Column(db.Text, nullable=False)  # 检查内容: areas, systems, documents checked
    findings = db.Column(db.Text, nullable=False, default="")  # 发现问题及整改建议, beside the registered hazards
    created_at = db.Column(UTCDateTime, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    # The enterprise confirms the results online (排查结果经企业负责人签字确认, services/visit_reports.py), once.
    acknowledged_at = db.Column(UTCDateTime)
    acknowledged_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    enterprise_remarks = db.Column(db.Text)  # 企业意见, written when confirming
    kind = db.Column(db.String(16), nullable=False, default="routine", server_default="routine", index=True)
    visit_time = db.Column(db.Time)  # when the check began (Shanghai), required for a night check
    # The campaign (专项行动) the visit was made for; its hazards belong to the campaign through the visit.
    campaign_id = db.Column(db.Integer, db.ForeignKey("inspection_campaign.id"), index=True)
    # The report's review (三级审核, services/visit_review.py): a key of VISIT_REVIEW_STATUSES. The enterprise sees the
    # visit once it is "released" (终审 passed), from `released_at`.
    review_status = db.Column(db.String(16), nullable=False, default="draft", server_default="draft", index=True)
    released_at = db.Column(UTCDateTime)

    enterprise = db.relationship("Enterprise")
    campaign = db.relationship("InspectionCampaign")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    acknowledged_by = db.relationship("User", foreign_keys=[acknowledged_by_id])


class InspectionPlan(db.Model):
    """A planned inspection (排查计划): the enterprise is told the day and the areas at least five working days
    ahead (the seed's 提前5个工作日通知); the visit recorded from it closes it, or it is cancelled with a reason."""
    __tablename__ = "inspection_plan"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    planned_on = db.Column(db.Date, nullable=False, index=True)
    areas = db.Column(db.Text, nullable=False)  # 涉及区域 / what will be checked, as the notice says
    team = db.Column(db.String(200), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"))  # the visit recorded from it
    cancelled_at = db.Column(UTCDateTime)
    cancel_reason = db.Column(db.Text)
    kind = db.Column(db.String(16), nullable=False, default="routine", server_default="routine", index=True)
    campaign_id = db.Column(db.Integer, db.ForeignKey("inspection_campaign.id"), index=True)
    # a joint plan (联合检查) is sent to its participating units (models/joint_plan.py) a week ahead
    sent_at = db.Column(UTCDateTime)
    sent_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))

    enterprise = db.relationship("Enterprise")
    campaign = db.relationship("InspectionCampaign")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    sent_by = db.relationship("User", foreign_keys=[sent_by_id])
    visit = db.relationship("InspectionVisit")
    units = db.relationship("InspectionPlanUnit", order_by="InspectionPlanUnit.position", lazy="selectin")
    instruments = db.relationship("InspectionPlanInstrument", lazy="selectin")


class RegionRiskChange(db.Model):
    """A township's / park's risk level as graded when it changed (services/region_risk.py): the level before and
    after, the score and its factors, so the record says why."""
    __tablename__ = "region_risk_change"
    # (township, sequence) is unique: two schedulers grading at once cannot both record the same change.
    __table_args__ = (db.UniqueConstraint("township", "sequence"),)
    id = db.Column(db.Integer, primary_key=True)
    township = db.Column(db.String(100), nullable=False, index=True)
    sequence = db.Column(db.Integer, nullable=False)  # 1 for the area's first grading, then +1 per change
    level_before = db.Column(db.String(10))  # None: the first grading of the area
    level_after = db.Column(db.String(10), nullable=False)
    score = db.Column(db.Float, nullable=False)  # points per enterprise
    factors = db.Column(db.JSON, nullable=False)
    changed_at = db.Column(UTCDateTime, nullable=False)
