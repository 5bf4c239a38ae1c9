"""The expert pool (隐患整改专家库, seed 000 lines 501 and 686): the people with professional knowledge the bureau and
the project leads send to a hazard that needs it (重大隐患处置提供专业技术支持), by their fields; and each dispatch
(调派) of one of them to a case.

An expert need not have a login: many are outside specialists called in for one case. One who does is linked to
their user (role `expert`), so their open expert tasks count in their load and a dispatch tells them."""
from ..extensions import db
from .types import UTCDateTime

# 专业领域 (the seeds name 建筑、化工、机械 and 安全工程、电气自动化、消防; the rest are the county's other industries
# and the hazard types of the registration form).
EXPERT_DOMAINS = {
    "chemical": ("化工/危险化学品", "Chemicals / hazardous chemicals"),
    "construction": ("建筑施工", "Construction"),
    "machinery": ("机械", "Machinery"),
    "electrical": ("电气自动化", "Electrical / automation"),
    "fire": ("消防", "Fire safety"),
    "safety_engineering": ("安全工程", "Safety engineering"),
    "mining": ("非煤矿山", "Non-coal mining"),
    "metallurgy": ("冶金", "Metallurgy"),
    "special_equipment": ("特种设备", "Special equipment"),
    "dust_explosion": ("粉尘防爆", "Dust explosion prevention"),
    "occupational_health": ("职业卫生", "Occupational health"),
}


class Expert(db.Model):
    """专家库: one expert, their organisation, title and fields."""
    __tablename__ = "expert"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(64), nullable=False)
    organisation = db.Column(db.String(200), nullable=False, default="")  # 工作单位
    title = db.Column(db.String(64), nullable=False, default="")  # 职称, e.g. 高级工程师
    domains = db.Column(db.JSON, nullable=False, default=list)  # keys of EXPERT_DOMAINS, at least one
    phone = db.Column(db.String(32), nullable=False, default="")
    certificate_no = db.Column(db.String(64), nullable=False, default="")  # 注册安全工程师等证书编号
    note = db.Column(db.Text, nullable=False, default="")
    active = db.Column(db.Boolean, nullable=False, default=True, server_default="1")
    # Their login (role expert), if they have one; one pool entry per user.
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), unique=True)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    user = db.relationship("User")


class ExpertDispatch(db.Model):
    """调派: an expert sent to a case, by whom and why. It stays on the case's record; the expert's load counts it
    while the case is open."""
    __tablename__ = "expert_dispatch"
    # One dispatch of an expert to a case (a second one is 409, also when two arrive at once); its index serves the
    # expert's load too.
    __table_args__ = (db.UniqueConstraint("expert_id", "case_id", name="uq_expert_dispatch_expert_id_case_id"),)
    id = db.Column(db.Integer, primary_key=True)
    expert_id = db.Column(db.Integer, db.ForeignKey("expert.id"), nullable=False)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    reason = db.Column(db.Text, nullable=False)
    dispatched_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    dispatched_at = db.Column(UTCDateTime, nullable=False)

    expert = db.relationship("Expert")
    case = db.relationship("HazardCase")
    dispatched_by = db.relationship("User")
