"""Key parts under tag management and their electronic patrol cards (重点部位挂牌管理, 电子巡检卡; seed 000 line 303:
对厂区内部重点部位如配电室、锅炉房、仓库、实验室等实行“挂牌”管理，每次排查均须填写电子巡检卡并上传至系统平台，保证责任到人、
过程可追溯).

A key part is its own small row, not a risk point: the tag (who answers for the part, with a phone, and the items its
card checks) changes with the people on site, while a risk point's every edit is a new version the contractor
reviews again (services/risk_points.py). It may name the risk point of the register it is (a 重点部位 point, say),
so the two stay linked without either carrying the other's fields. A patrol card is filled once per key part at an
inspection visit (by the inspection team), or at any time as the enterprise's own daily patrol (日常巡检); its items
are copied from the tag when it is filled, so a later edit of the tag leaves the card as it was."""
from ..extensions import db
from .types import UTCDateTime

# The kinds the seed names, and the two the county adds (危化品库: a hazardous chemicals store; 其他).
KEY_PART_KINDS = {
    "switch_room": ("配电室", "Switch room"),
    "boiler_room": ("锅炉房", "Boiler room"),
    "warehouse": ("仓库", "Warehouse"),
    "laboratory": ("实验室", "Laboratory"),
    "chemical_store": ("危化品库", "Hazardous chemicals store"),
    "other": ("其他", "Other"),
}
# The card's items a new tag starts with, per kind (editable on the tag): what a patrol looks at there.
DEFAULT_CHECK_ITEMS = {
    "switch_room": ["绝缘垫、绝缘手套、绝缘靴完好有效", "挡鼠板完好，门窗封闭，无小动物进入痕迹",
                    "配电柜无异响、异味，仪表指示正常", "灭火器（二氧化碳或干粉）在位有效", "值班记录、倒闸操作票填写规范"],
    "boiler_room": ["司炉工持证在岗，运行记录完整", "压力表、安全阀、水位计在检验有效期内且指示正常",
                    "燃气泄漏报警装置工作正常", "通风良好，无杂物堆放", "排污、给水系统无跑冒滴漏"],
    "warehouse": ["物品分类分区存放，堆垛符合“五距”要求", "消防通道、安全出口畅通", "灭火器、消火栓在位有效",
                  "电气线路无私拉乱接，照明为防护型灯具", "无人员在库内吸烟、动火"],
    "laboratory": ["危险化学品专柜存放，台账与实物相符", "通风橱运行正常", "洗眼器、紧急喷淋装置可用",
                   "气瓶固定牢靠，有防倾倒措施", "实验结束水、电、气已关闭"],
    "chemical_store": ["危险化学品分类、分区、分库存放，禁忌物料未混存", "可燃或有毒气体检测报警装置工作正常",
                       "防爆电气、静电接地完好", "出入库登记、双人双锁管理落实", "防泄漏围堰和应急物资完好"],
    "other": ["安全警示标志齐全清晰", "消防器材在位有效", "现场整洁，通道畅通"],
}
PATROL_RESULTS = {"normal": ("正常", "Normal"), "abnormal": ("异常", "Abnormal")}
# Who filled a card: the inspection team at a visit (排查巡检) or the enterprise's own staff (日常巡检).
CARD_KINDS = {"visit": ("排查巡检", "At an inspection visit"), "daily": ("日常巡检", "Daily patrol")}


class KeyPart(db.Model):
    """One tagged key part of an enterprise (挂牌): what and where it is, who answers for it, what its card checks."""
    __tablename__ = "key_part"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    name = db.Column(db.String(100), nullable=False)
    kind = db.Column(db.String(16), nullable=False)  # KEY_PART_KINDS
    location = db.Column(db.String(200), nullable=False)
    responsible_name = db.Column(db.String(64), nullable=False)  # 责任人
    responsible_phone = db.Column(db.String(32), nullable=False)
    # The responsible person's login, when they have one at the enterprise (optional: many hold none).
    responsible_user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    # The register's risk point this part is (optional; the enterprise's own, not retired).
    risk_point_id = db.Column(db.Integer, db.ForeignKey("risk_point.id"), index=True)
    check_items = db.Column(db.JSON, nullable=False, default=list)  # the card's items, in order (strings)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    retired_at = db.Column(UTCDateTime)  # 摘牌 (the part was demolished or is no longer key): kept, readable
    retired_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    retire_reason = db.Column(db.Text, nullable=False, default="")

    enterprise = db.relationship("Enterprise")
    responsible_user = db.relationship("User", foreign_keys=[responsible_user_id])
    risk_point = db.relationship("RiskPoint")

    @property
    def is_retired(self):
        return self.retired_at is not None


class PatrolCard(db.Model):
    """One filled patrol card of a key part: at a visit (one per part and visit) or a daily patrol (no visit)."""
    __tablename__ = "patrol_card"
    __table_args__ = (db.UniqueConstraint("visit_id", "key_part_id"),
                      db.CheckConstraint("(kind = 'visit') = (visit_id IS NOT NULL)", name="visit_card_has_visit"))
    id = db.Column(db.Integer, primary_key=True)
    key_part_id = db.Column(db.Integer, db.ForeignKey("key_part.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    kind = db.Column(db.String(8), nullable=False)  # CARD_KINDS
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), index=True)
    note = db.Column(db.Text, nullable=False, default="")
    abnormal_count = db.Column(db.Integer, nullable=False, default=0)
    filled_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    filled_at = db.Column(UTCDateTime, nullable=False)
    scanned = db.Column(db.Boolean, nullable=False, default=False)  # opened by scanning the tag's QR code

    key_part = db.relationship("KeyPart")
    visit = db.relationship("InspectionVisit")
    filled_by = db.relationship("User")
    items = db.relationship("PatrolCardItem", order_by="PatrolCardItem.position", lazy="selectin",
                            back_populates="card")


class PatrolCardItem(db.Model):
    """One item of a filled card: the tag's item as it read then, 正常 / 异常 and a note; an 异常 one may lead to a
    registered hazard (`case_id`)."""
    __tablename__ = "patrol_card_item"
    id = db.Column(db.Integer, primary_key=True)
    card_id = db.Column(db.Integer, db.ForeignKey("patrol_card.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)
    content = db.Column(db.String(200), nullable=False)
    result = db.Column(db.String(8), nullable=False)  # PATROL_RESULTS
    note = db.Column(db.Text, nullable=False, default="")
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), unique=True)

    card = db.relationship("PatrolCard", back_populates="items")
    case = db.relationship("HazardCase")
