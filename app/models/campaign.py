"""A special inspection campaign (专项行动 / 专项检查 / 专项整治): the seed's 节假日前后专项检查, the 汛期 / 高温 / 冬季
专项检查计划 (防洪、防暑降温、防火防爆) and the 安全生产专项整治三年行动 with its 清单台账. A campaign has a theme, a
period, its requirements, a rule naming the enterprises it targets and, optionally, the standard checklist its
visits use. The rule is resolved once, when the campaign is started, into the list of targets kept below (like a
service project's roster): an enterprise registered or re-classified later does not move in or out of it."""
from ..extensions import db
from .types import UTCDateTime

# code: (中文, English)
CAMPAIGN_THEMES = {
    "holiday": ("节假日", "Holidays"),
    "flood": ("汛期", "Flood season"),
    "heat": ("高温", "Hot season"),
    "winter": ("冬季", "Winter"),
    "rectification": ("专项整治", "Special rectification"),
    "other": ("其他", "Other"),
}


class InspectionCampaign(db.Model):
    __tablename__ = "inspection_campaign"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    theme = db.Column(db.String(16), nullable=False, index=True)  # a key of CAMPAIGN_THEMES
    start_on = db.Column(db.Date, nullable=False, index=True)  # Shanghai days, both included
    end_on = db.Column(db.Date, nullable=False, index=True)
    description = db.Column(db.Text, nullable=False, default="")  # 检查重点和要求
    checklist_id = db.Column(db.Integer, db.ForeignKey("checklist.id"))  # the standard list its visits use, if any
    # The targeting rule (AND across the kinds given; the hand-picked enterprises are added to what it matches).
    target_industries = db.Column(db.JSON, nullable=False, default=list)
    target_townships = db.Column(db.JSON, nullable=False, default=list)
    target_scales = db.Column(db.JSON, nullable=False, default=list)  # keys of ENTERPRISE_SCALES
    # keys of ENTERPRISE_TAGS: an enterprise with any of them (a rule of the tender's 重点 kinds: 涉氨制冷, 粉尘涉爆 …)
    target_tags = db.Column(db.JSON, nullable=False, default=list, server_default="[]")
    target_project_id = db.Column(db.Integer, db.ForeignKey("service_project.id"))  # that project's roster
    target_enterprise_ids = db.Column(db.JSON, nullable=False, default=list)  # hand-picked
    # Started: the rule resolved into the targets below, kept from then on; before that the campaign is a draft.
    started_at = db.Column(UTCDateTime)
    started_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    created_at = db.Column(UTCDateTime, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    checklist = db.relationship("Checklist")
    target_project = db.relationship("ServiceProject")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    started_by = db.relationship("User", foreign_keys=[started_by_id])


class CampaignTarget(db.Model):
    """One enterprise a started campaign targets, once."""
    __tablename__ = "inspection_campaign_target"
    __table_args__ = (db.UniqueConstraint("campaign_id", "enterprise_id"),)
    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.Integer, db.ForeignKey("inspection_campaign.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    added_at = db.Column(UTCDateTime, nullable=False)

    enterprise = db.relationship("Enterprise")
