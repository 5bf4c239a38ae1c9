"""The emergency supplies stock (应急物资储备, seed 000 lines 226-228, 524-527, 750, 812-820): counted items — 防毒面具
20 套, 灭火器 15 个, 急救箱, 警戒带, 应急照明 — kept at storage points (储备点) in the parks, each with a keeper (责任人)
and a phone; what comes in and goes out (出入库登记), their expiry dates (定期检查有效期), periodic counts (定期清点)
and the 资源调配表 (类别、数量、存放地点、责任人及联系方式).

Not the equipment register (models/equipment.py): instruments with a serial number, one row each, lent and
calibrated. Here a row is a kind of item and its quantity.

The stock is the sum of the movements: every movement (入库, 出库, 调拨, 报废, 盘点调整) writes one line per batch it
touches with a signed quantity, and a batch's quantity on hand is the sum of its lines (services/supply_stock.py
keeps it from going below zero)."""
from ..extensions import db
from .types import UTCDateTime

SUPPLY_CATEGORIES = {
    "protection": ("个体防护", "Personal protection"),
    "firefighting": ("消防", "Firefighting"),
    "first_aid": ("医疗急救", "First aid"),
    "cordon": ("警戒", "Cordoning"),
    "lighting": ("照明", "Lighting"),
    "communication": ("通讯", "Communication"),
    "other": ("其他", "Other"),
}
MOVEMENT_TYPES = {
    "receipt": ("入库", "Received"),
    "issue": ("出库", "Issued"),
    "transfer": ("调拨", "Transferred"),
    "scrap": ("报废", "Scrapped"),
    "adjustment": ("盘点调整", "Count adjustment"),
}


class SupplyPoint(db.Model):
    """A storage point (储备点): a store room, a vehicle, a park's emergency station. `stock_version` grows with every
    movement at the point: its UPDATE is the lock that makes one movement at a time draw from the point's stock."""
    __tablename__ = "supply_point"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, unique=True)
    place = db.Column(db.String(200), nullable=False)  # 存放地点, the address
    keeper_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)  # 责任人
    phone = db.Column(db.String(32), nullable=False)  # 联系方式
    note = db.Column(db.Text, nullable=False, default="")
    active = db.Column(db.Boolean, nullable=False, default=True)
    stock_version = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    keeper = db.relationship("User")


class SupplyKind(db.Model):
    """A kind of item (物资品种): 防毒面具, 手提式灭火器 … with its unit (套, 个) and, for what perishes, its shelf life
    in months (保质期), from which a receipt's expiry date follows its production date."""
    __tablename__ = "supply_kind"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, unique=True)
    category = db.Column(db.String(32), nullable=False, index=True)  # a key of SUPPLY_CATEGORIES
    unit = db.Column(db.String(16), nullable=False)
    shelf_life_months = db.Column(db.Integer)
    note = db.Column(db.Text, nullable=False, default="")
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)


class SupplyMinimum(db.Model):
    """The least quantity of a kind a point should hold (最低储备量); below it the point shows in the list to refill."""
    __tablename__ = "supply_minimum"
    __table_args__ = (db.UniqueConstraint("point_id", "kind_id", name="uq_supply_minimum_point_id_kind_id"),
                      db.CheckConstraint("minimum >= 0", name="minimum_not_negative"))
    id = db.Column(db.Integer, primary_key=True)
    point_id = db.Column(db.Integer, db.ForeignKey("supply_point.id"), nullable=False)
    kind_id = db.Column(db.Integer, db.ForeignKey("supply_kind.id"), nullable=False, index=True)
    minimum = db.Column(db.Integer, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    kind = db.relationship("SupplyKind")


class SupplyBatch(db.Model):
    """Items of one kind received at one point together (批次), with their expiry date (有效期至: valid through that
    day) when they have one. A transfer starts a batch at the receiving point with the same number and expiry.
    `warned_at` / `expired_told_at`: when the keeper and the project leads were told it expires soon / has expired
    (services/supply_expiry.py), each once."""
    __tablename__ = "supply_batch"
    id = db.Column(db.Integer, primary_key=True)
    point_id = db.Column(db.Integer, db.ForeignKey("supply_point.id"), nullable=False, index=True)
    kind_id = db.Column(db.Integer, db.ForeignKey("supply_kind.id"), nullable=False, index=True)
    batch_no = db.Column(db.String(64), nullable=False, default="")
    produced_on = db.Column(db.Date)
    expires_on = db.Column(db.Date, index=True)
    source_batch_id = db.Column(db.Integer, db.ForeignKey("supply_batch.id"))  # the batch it was transferred from
    warned_at = db.Column(UTCDateTime)
    expired_told_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False)

    point = db.relationship("SupplyPoint")
    kind = db.relationship("SupplyKind")


class SupplyMovement(db.Model):
    """One entry of the 出入库登记: what was done (MOVEMENT_TYPES), how many of which kind at which point, why — the
    purpose of an issue (optionally for an emergency incident), the receiving point of a transfer, the reason of a
    scrapping or of a count's adjustment — by whom and when. Its lines say which batches it took from or added to."""
    __tablename__ = "supply_movement"
    __table_args__ = (db.CheckConstraint("quantity > 0", name="quantity_positive"),)
    id = db.Column(db.Integer, primary_key=True)
    type = db.Column(db.String(16), nullable=False)  # a key of MOVEMENT_TYPES
    point_id = db.Column(db.Integer, db.ForeignKey("supply_point.id"), nullable=False, index=True)
    kind_id = db.Column(db.Integer, db.ForeignKey("supply_kind.id"), nullable=False, index=True)
    quantity = db.Column(db.Integer, nullable=False)  # how many moved; an adjustment's sign is in its lines
    to_point_id = db.Column(db.Integer, db.ForeignKey("supply_point.id"))  # a transfer's receiving point
    purpose = db.Column(db.String(200), nullable=False, default="")  # 用途 / 原因
    emergency_event_id = db.Column(db.Integer, db.ForeignKey("emergency_event.id"), index=True)
    count_id = db.Column(db.Integer, db.ForeignKey("supply_count.id"), index=True)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False, index=True)

    point = db.relationship("SupplyPoint", foreign_keys=[point_id])
    to_point = db.relationship("SupplyPoint", foreign_keys=[to_point_id])
    kind = db.relationship("SupplyKind")
    emergency_event = db.relationship("EmergencyEvent")
    recorded_by = db.relationship("User")
    lines = db.relationship("SupplyMovementLine", order_by="SupplyMovementLine.id", viewonly=True)


class SupplyMovementLine(db.Model):
    """A movement's change of one batch: negative when taken out, positive when put in."""
    __tablename__ = "supply_movement_line"
    __table_args__ = (db.CheckConstraint("delta <> 0", name="delta_not_zero"),)
    id = db.Column(db.Integer, primary_key=True)
    movement_id = db.Column(db.Integer, db.ForeignKey("supply_movement.id"), nullable=False, index=True)
    batch_id = db.Column(db.Integer, db.ForeignKey("supply_batch.id"), nullable=False, index=True)
    delta = db.Column(db.Integer, nullable=False)

    batch = db.relationship("SupplyBatch")


class SupplyCount(db.Model):
    """A count (盘点) at a point: the keeper's counted quantity of each kind against the stock then; each difference
    became an adjustment movement with the count's reason."""
    __tablename__ = "supply_count"
    id = db.Column(db.Integer, primary_key=True)
    point_id = db.Column(db.Integer, db.ForeignKey("supply_point.id"), nullable=False, index=True)
    reason = db.Column(db.String(200), nullable=False, default="")  # why the counted differs (盘盈/盘亏原因)
    note = db.Column(db.Text, nullable=False, default="")  # 完好性检查情况 and the like
    counted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    counted_at = db.Column(UTCDateTime, nullable=False, index=True)

    point = db.relationship("SupplyPoint")
    counted_by = db.relationship("User")
    lines = db.relationship("SupplyCountLine", order_by="SupplyCountLine.id", viewonly=True)


class SupplyCountLine(db.Model):
    __tablename__ = "supply_count_line"
    __table_args__ = (db.UniqueConstraint("count_id", "kind_id", name="uq_supply_count_line_count_id_kind_id"),)
    id = db.Column(db.Integer, primary_key=True)
    count_id = db.Column(db.Integer, db.ForeignKey("supply_count.id"), nullable=False)
    kind_id = db.Column(db.Integer, db.ForeignKey("supply_kind.id"), nullable=False)
    expected = db.Column(db.Integer, nullable=False)  # the stock when counted
    counted = db.Column(db.Integer, nullable=False)

    kind = db.relationship("SupplyKind")

    @property
    def difference(self):
        return self.counted - self.expected
