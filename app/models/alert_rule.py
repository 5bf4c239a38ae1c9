"""Configurable alert rules (自定义预警规则, seed 000 line 630: 预警规则可根据不同区域、行业或企业规模进行自定义) and the
alerts they raise (services/alert_rules.py, alert_evaluation.py). A rule is data: a scope (empty lists mean "all"),
one condition from the fixed list ALERT_KINDS with its numbers, the roles told and the channels used."""
from ..extensions import db
from .types import UTCDateTime

# kind: (Chinese, English, the numbers it takes, what an alert is about). The numbers' meaning per kind is in
# services/alert_evaluation.py; "n" and "m" are the names the form and the API use.
ALERT_KINDS = {
    "open_days": ("隐患登记后超过 N 天（自然日）未销号", "Open more than N calendar days after registration",
                  ("n",), "case"),
    "rectifying_days": ("整改周期超过 N 天（自然日，自指派或本轮整改开始）",
                        "Rectification running more than N calendar days (since assignment or this round's start)",
                        ("n",), "case"),
    "overdue_workdays": ("整改逾期超过 N 个工作日", "Rectification overdue by more than N working days", ("n",), "case"),
    "many_hazards": ("同一企业 M 天内登记隐患超过 N 条", "More than N hazards registered at one enterprise within M days",
                     ("n", "m"), "enterprise"),
    "open_majors": ("同一企业未销号的重大及以上隐患不少于 N 条", "An enterprise has N or more open major hazards",
                    ("n",), "enterprise"),
    "recurrence": ("同一企业 M 天内再次发现同类隐患", "The same hazard type found again at one enterprise within M days",
                   ("m",), "enterprise"),
}
# Who may be told: the county's overseers, and the township offices of the enterprise's own area only.
ALERT_ROLES = ("bureau", "project_lead", "township", "quality", "manager")
# Besides the in-app notice, which is always sent.
ALERT_CHANNELS = {"email": ("邮件", "Email"), "sms": ("短信", "SMS"), "wechat": ("微信", "WeChat")}
ALERT_STATUSES = {"open": ("待处理", "Open"), "acknowledged": ("已确认", "Acknowledged")}
REGION_LEVEL_NAMES = {"red": ("红色", "Red"), "orange": ("橙色", "Orange"), "yellow": ("黄色", "Yellow"),
                      "blue": ("蓝色", "Blue")}


class AlertRule(db.Model):
    __tablename__ = "alert_rule"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, unique=True)
    enabled = db.Column(db.Boolean, nullable=False, default=True)
    kind = db.Column(db.String(32), nullable=False)  # a key of ALERT_KINDS
    n = db.Column(db.Integer)  # the kind's first number (days or a count), None when the kind takes none
    m = db.Column(db.Integer)  # the kind's window in days, None when it takes none
    # scope: each a JSON list of codes or names; empty = every one
    townships = db.Column(db.JSON, nullable=False, default=list)
    industries = db.Column(db.JSON, nullable=False, default=list)
    scales = db.Column(db.JSON, nullable=False, default=list)  # keys of ENTERPRISE_SCALES
    tags = db.Column(db.JSON, nullable=False, default=list)  # keys of ENTERPRISE_TAGS (any of them)
    region_levels = db.Column(db.JSON, nullable=False, default=list)  # the township's latest 区域风险等级
    grades = db.Column(db.JSON, nullable=False, default=list)  # keys of GRADES
    roles = db.Column(db.JSON, nullable=False, default=list)  # of ALERT_ROLES
    channels = db.Column(db.JSON, nullable=False, default=list)  # of ALERT_CHANNELS
    version = db.Column(db.Integer, nullable=False, default=1)
    updated_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))  # None: seeded

    updated_by = db.relationship("User")


class Alert(db.Model):
    """One raising of a rule for one subject (a case or an enterprise). It stays current (cleared_at None) while the
    condition holds, whether acknowledged or not; the evaluation that finds it no longer holding clears it, and a
    later match raises a new alert with the next sequence number (the unique key is the dedupe)."""
    __tablename__ = "alert"
    __table_args__ = (db.UniqueConstraint("rule_id", "subject_type", "subject_id", "sequence"),
                      db.Index("ix_alert_rule_id_cleared_at", "rule_id", "cleared_at"))
    id = db.Column(db.Integer, primary_key=True)
    rule_id = db.Column(db.Integer, db.ForeignKey("alert_rule.id"), nullable=False)
    subject_type = db.Column(db.String(16), nullable=False)  # "case" | "enterprise"
    subject_id = db.Column(db.Integer, nullable=False)
    sequence = db.Column(db.Integer, nullable=False)  # 1 for the first raising of this rule and subject, then 2, …
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"))
    summary = db.Column(db.String(300), nullable=False, default="")
    status = db.Column(db.String(16), nullable=False, default="open", index=True)  # ALERT_STATUSES
    raised_at = db.Column(UTCDateTime, nullable=False, index=True)
    cleared_at = db.Column(UTCDateTime)  # the condition stopped holding
    acknowledged_at = db.Column(UTCDateTime)
    acknowledged_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    note = db.Column(db.String(500), nullable=False, default="")

    rule = db.relationship("AlertRule")
    enterprise = db.relationship("Enterprise")
    case = db.relationship("HazardCase")
    acknowledged_by = db.relationship("User")
