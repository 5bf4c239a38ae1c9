"""Data entry into the provincial and municipal supervision platforms (平台录入, seed 001 L23 指导企业做好…综合监管信息
平台信息录入工作; L63 验收标准 8: 完成…企业基本信息、台账和风险分布图等录入工作). The platforms are external systems with no
interface to this one: the project team enters the data there by hand and records here what it entered, when and who,
and who checked it (services/platform_entries.py). One row per enterprise, platform and item; no row is 未录入."""
from ..extensions import db
from .types import UTCDateTime

# The platforms an enterprise's data goes into (a configured list: a new platform is one more line here).
PLATFORMS = {
    "hebei_internet_plus": ("河北省“互联网+安全生产”平台", "Hebei “Internet + Work Safety” platform"),
    "qinhuangdao_smart": ("秦皇岛“智慧安监”平台", "Qinhuangdao “Smart Safety Supervision” platform"),
}
# What goes into each platform (验收标准 8).
PLATFORM_ITEMS = {
    "basic_info": ("企业基本信息", "Enterprise basic information"),
    "hazard_ledger": ("隐患台账", "Hazard ledger"),
    "risk_map": ("风险分布图", "Risk distribution map"),
}
ENTRY_STATUSES = {
    "pending": ("未录入", "Not entered"),
    "entered": ("已录入", "Entered"),
    "checked": ("已核对", "Checked"),
}


class PlatformEntry(db.Model):
    __tablename__ = "platform_entry"
    __table_args__ = (db.UniqueConstraint("enterprise_id", "platform", "item"),)
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    platform = db.Column(db.String(32), nullable=False, index=True)  # a key of PLATFORMS
    item = db.Column(db.String(32), nullable=False)  # a key of PLATFORM_ITEMS
    status = db.Column(db.String(16), nullable=False, default="pending")  # a key of ENTRY_STATUSES
    entered_on = db.Column(db.Date)  # the Shanghai day it was entered on the platform
    entered_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    checked_on = db.Column(db.Date)
    checked_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))  # never the one who entered it
    note = db.Column(db.String(500), nullable=False, default="")
    updated_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)

    enterprise = db.relationship("Enterprise")
    entered_by = db.relationship("User", foreign_keys=[entered_by_id])
    checked_by = db.relationship("User", foreign_keys=[checked_by_id])
