"""The register of major hazard sources (重大危险源登记, seed 000 lines 247, 275, 289; seed 001 §七 9 企业重大危险源有效
监管), after 《危险化学品重大危险源监督管理暂行规定》 (原国家安监总局令第40号, amended by 第79号): each source of an
enterprise with its level (一级 to 四级), its filing with the county bureau (备案, 第二十三条), its safety assessment
(安全评估, at least every three years, 第八条/第十一条), the three people answering for it (包保责任人: 主要负责人,
技术负责人, 操作负责人 — 《危险化学品企业重大危险源安全包保责任制办法(试行)》 2021), its substances with their quantities
against the critical quantities of GB 18218-2018, whether the safety distance to its surroundings was checked, and
the IoT monitoring devices that watch it.

Kept by the enterprise's staff and the contractor's staff; reviewed like the safety archive (REVIEW_STATUSES). A source
that no longer is one (评估后不再构成重大危险源, 第二十四条 核销) is retired with a reason, kept and readable."""
from ..extensions import db
from .types import UTCDateTime

# 重大危险源分级 (GB 18218-2018 §4.2.3 by R: 一级 R ≥ 100, 二级 50 ≤ R < 100, 三级 10 ≤ R < 50, 四级 R < 10)
SOURCE_LEVELS = {
    1: ("一级", "Level 1"),
    2: ("二级", "Level 2"),
    3: ("三级", "Level 3"),
    4: ("四级", "Level 4"),
}
# 包保责任人 (the three people answering for a source), in the order the 办法 names them.
RESPONSIBLE_ROLES = {
    "principal": ("主要负责人", "Principal in charge"),
    "technical": ("技术负责人", "Technical lead"),
    "operator": ("操作负责人", "Operations lead"),
}

source_device = db.Table(
    "hazard_source_device",
    db.Column("source_id", db.Integer, db.ForeignKey("hazard_source.id"), primary_key=True),
    db.Column("device_id", db.Integer, db.ForeignKey("iot_device.id"), primary_key=True, index=True),
)


class HazardSource(db.Model):
    """One major hazard source. `substances` is a JSON list of {"name", "quantity", "critical_quantity"} (tonnes):
    always read and written with the source as a whole, never queried alone, and audited as one value.
    `assessment_due_on` is kept (the assessment date + 3 years − 1 day) so the county list filters it in SQL."""
    __tablename__ = "hazard_source"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    name = db.Column(db.String(200), nullable=False)
    unit = db.Column(db.String(200), nullable=False, default="")  # 所在单元 / 装置 / 设施 / 场所
    level = db.Column(db.Integer, nullable=False, index=True)  # a key of SOURCE_LEVELS
    filing_number = db.Column(db.String(64), nullable=False, default="")  # 备案编号
    filed_on = db.Column(db.Date)  # 备案日期
    assessed_on = db.Column(db.Date)  # 最近一次安全评估（评估报告）日期
    assessment_due_on = db.Column(db.Date, index=True)  # assessed_on + 3 years − 1 day
    principal_name = db.Column(db.String(64), nullable=False, default="")
    principal_phone = db.Column(db.String(32), nullable=False, default="")
    technical_name = db.Column(db.String(64), nullable=False, default="")
    technical_phone = db.Column(db.String(32), nullable=False, default="")
    operator_name = db.Column(db.String(64), nullable=False, default="")
    operator_phone = db.Column(db.String(32), nullable=False, default="")
    substances = db.Column(db.JSON, nullable=False, default=list)
    distance_checked = db.Column(db.Boolean, nullable=False, default=False)  # 周边安全距离已核查
    distance_note = db.Column(db.Text, nullable=False, default="")
    note = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.String(16), nullable=False, default="pending", index=True)  # REVIEW_STATUSES
    review_note = db.Column(db.Text, nullable=False, default="")
    reviewed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reviewed_at = db.Column(UTCDateTime)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    version = db.Column(db.Integer, nullable=False, default=1)  # bumped by every change (stale pages: 409)
    retired_at = db.Column(UTCDateTime)  # 核销: kept and readable, out of the lists and reminders
    retired_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    retire_reason = db.Column(db.Text, nullable=False, default="")
    # the assessment due day the enterprise was told about (60 days before / lapsed): once each per due day; a new
    # assessment (a new due day) arms both again
    warned_for = db.Column(db.Date)
    lapsed_for = db.Column(db.Date)

    enterprise = db.relationship("Enterprise")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    updated_by = db.relationship("User", foreign_keys=[updated_by_id])
    reviewed_by = db.relationship("User", foreign_keys=[reviewed_by_id])
    retired_by = db.relationship("User", foreign_keys=[retired_by_id])
    devices = db.relationship("IotDevice", secondary=source_device, order_by="IotDevice.code")

    @property
    def is_retired(self):
        return self.retired_at is not None

    @property
    def r_value(self):
        """Σ q/Q over the substances with a critical quantity, rounded to 2 places; None without any. GB 18218's
        R = α Σ β·q/Q with the correction factors β (by substance) and α (by the people around) taken as 1: a
        documented simplification, shown as such — the level itself is the assessment report's."""
        parts = [s["quantity"] / s["critical_quantity"] for s in self.substances or ()
                 if s.get("critical_quantity") and s.get("quantity") is not None]
        return round(sum(parts), 2) if parts else None
