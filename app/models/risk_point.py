"""The enterprise's risk register of the dual prevention system (双控体系: 风险分级管控 + 隐患排查治理; seed 001 §三 4
“根据危险有害因素种类，重点关注防火防爆、用电用气、特种设备、机械防护等关键环节，明确管控措施、操作规范和适用场所 …
完成‘一图’、‘一表’、‘一帐’”, §六 第二阶段 “指导企业开展风险辨识和隐患排查工作并建立隐患排查清单与台账”, §七 6, 8).

One row per risk point (风险点) an enterprise identified: where it is, what may happen there, how it was assessed
(LS: likelihood × severity, services/risk_levels.py), the colour that follows, how it is controlled and by whom,
how often it is checked. The register's rows are the 风险分级管控清单 (一表); their places on the site plan the
四色风险分布图 (一图); their control measures the enterprise's 隐患排查清单, whose findings go to the case ledger
(一帐). Like the safety archive, the enterprise keeps it and the contractor reviews it, point by point."""
from ..extensions import db
from .types import UTCDateTime

# The four colours, worst first (GB/T 33000, 《企业安全生产标准化基本规范》 5.5.3: 重大、较大、一般、低风险).
RISK_COLOURS = {
    "red": ("重大风险（红）", "Major risk (red)"),
    "orange": ("较大风险（橙）", "Considerable risk (orange)"),
    "yellow": ("一般风险（黄）", "General risk (yellow)"),
    "blue": ("低风险（蓝）", "Low risk (blue)"),
}
# What kind of unit the point is (风险点的划分: 设备设施、作业活动、场所区域, and the post that works it).
UNIT_KINDS = {
    "area": ("区域/场所", "Area / place"),
    "installation": ("装置/设备设施", "Installation / equipment"),
    "post": ("岗位", "Post"),
    "activity": ("作业活动", "Work activity"),
}
# Points that need more than an ordinary one: confined spaces (seed 001 §三 5 有限空间辨识和风险评估) and the key
# parts tagged on site (seed 000 line 303: 配电室、锅炉房、仓库、实验室等实行“挂牌”管理).
POINT_KINDS = {
    "general": ("一般风险点", "Ordinary risk point"),
    "key_part": ("重点部位", "Key part"),
    "confined_space": ("有限空间", "Confined space"),
}
# The key links the seed names by kind of hazardous factor (seed 001 §三 4: 危险有害因素种类 … 关键环节).
KEY_LINKS = {
    "fire_explosion": ("防火防爆", "Fire and explosion prevention"),
    "electricity_gas": ("用电用气", "Electricity and gas"),
    "special_equipment": ("特种设备", "Special equipment"),
    "machine_guarding": ("机械防护", "Machine guarding"),
}
# The accidents a point may lead to (a short list of GB 6441 《企业职工伤亡事故分类》's kinds).
ACCIDENT_TYPES = {
    "fire_explosion": ("火灾爆炸", "Fire / explosion"),
    "poisoning": ("中毒窒息", "Poisoning / asphyxiation"),
    "electric_shock": ("触电", "Electric shock"),
    "mechanical": ("机械伤害", "Mechanical injury"),
    "fall": ("高处坠落", "Fall from height"),
    "burn": ("灼烫", "Burns"),
    "struck_by": ("物体打击", "Struck by object"),
    "vehicle": ("车辆伤害", "Vehicle injury"),
    "other": ("其他", "Other"),
}
# 管控层级, highest first: a higher colour is controlled from higher up (services/risk_levels.py).
CONTROL_LEVELS = {
    "company": ("公司级", "Company"),
    "workshop": ("车间级", "Workshop"),
    "team": ("班组级", "Team"),
    "post": ("岗位级", "Post"),
}
CHECK_FREQUENCIES = {
    "shift": ("每班", "Every shift"),
    "day": ("每日", "Daily"),
    "week": ("每周", "Weekly"),
    "month": ("每月", "Monthly"),
}
# The kinds of control measure, in the order of the 清单 (工程技术、管理、个体防护、应急处置).
MEASURE_KINDS = {
    "engineering_measures": ("工程技术措施", "Engineering measures"),
    "management_measures": ("管理措施", "Management measures"),
    "ppe_measures": ("个体防护措施", "Personal protection"),
    "emergency_measures": ("应急处置措施", "Emergency measures"),
}
POINT_REVIEW_STATUSES = {
    "pending": ("待审核", "Awaiting review"),
    "reviewed": ("已审核", "Reviewed"),
    "returned": ("已退回", "Returned"),
}


class RiskPoint(db.Model):
    """One risk point of an enterprise. `colour` follows from `likelihood` × `severity` (and `forced_major`) and is
    stored so that the county's counts are SQL; `map_x` / `map_y` place it on the enterprise's site plan as
    fractions of the image's width and height (0–1), none until placed."""
    __tablename__ = "risk_point"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    name = db.Column(db.String(100), nullable=False)
    unit_kind = db.Column(db.String(16), nullable=False)  # UNIT_KINDS
    place = db.Column(db.String(200), nullable=False, default="")  # 所在区域/装置/岗位
    kind = db.Column(db.String(16), nullable=False, default="general")  # POINT_KINDS
    key_links = db.Column(db.JSON, nullable=False, default=list)  # KEY_LINKS codes
    accident_types = db.Column(db.JSON, nullable=False, default=list)  # ACCIDENT_TYPES codes
    hazard_description = db.Column(db.Text, nullable=False, default="")  # 主要危险有害因素
    likelihood = db.Column(db.Integer, nullable=False)  # L, 1–5
    severity = db.Column(db.Integer, nullable=False)  # S, 1–5
    # 直接判定为重大风险 (e.g. a 重大危险源, a 重大事故隐患判定标准 situation): red whatever L × S gives
    forced_major = db.Column(db.Boolean, nullable=False, default=False)
    colour = db.Column(db.String(8), nullable=False, index=True)  # RISK_COLOURS
    engineering_measures = db.Column(db.Text, nullable=False, default="")
    management_measures = db.Column(db.Text, nullable=False, default="")
    ppe_measures = db.Column(db.Text, nullable=False, default="")
    emergency_measures = db.Column(db.Text, nullable=False, default="")
    operating_rules = db.Column(db.Text, nullable=False, default="")  # 操作规范 / 安全操作要点
    responsible_person = db.Column(db.String(64), nullable=False)
    control_level = db.Column(db.String(16), nullable=False)  # CONTROL_LEVELS
    check_frequency = db.Column(db.String(16), nullable=False)  # CHECK_FREQUENCIES
    map_x = db.Column(db.Float)
    map_y = db.Column(db.Float)
    status = db.Column(db.String(16), nullable=False, default="pending", index=True)  # POINT_REVIEW_STATUSES
    review_note = db.Column(db.Text, nullable=False, default="")
    reviewed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reviewed_at = db.Column(UTCDateTime)
    # When the bureau was told of this red point (the first review that found it red): told once, not at every edit
    bureau_told_at = db.Column(UTCDateTime)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    version = db.Column(db.Integer, nullable=False, default=1)  # a review or edit made on an older page: 409
    retired_at = db.Column(UTCDateTime)  # 移出清单 (the unit was demolished, the activity stopped): kept, readable
    retired_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    retire_reason = db.Column(db.Text, nullable=False, default="")

    enterprise = db.relationship("Enterprise")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    updated_by = db.relationship("User", foreign_keys=[updated_by_id])
    reviewed_by = db.relationship("User", foreign_keys=[reviewed_by_id])
    retired_by = db.relationship("User", foreign_keys=[retired_by_id])

    @property
    def score(self):
        """R = L × S."""
        return self.likelihood * self.severity

    @property
    def is_retired(self):
        return self.retired_at is not None

    @property
    def is_placed(self):
        return self.map_x is not None and self.map_y is not None
