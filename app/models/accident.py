"""An enterprise's production-safety accidents (生产安全事故) on record: the county's history, imported or entered
by the bureau. An accident within the last three years puts the enterprise on the inspection priority list."""
from ..extensions import db
from .types import UTCDateTime

# 《生产安全事故报告和调查处理条例》 Art. 3: the four levels, by deaths, serious injuries and direct loss.
ACCIDENT_LEVELS = ("general", "larger", "major", "especially_major")


class AccidentRecord(db.Model):
    __tablename__ = "accident_record"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    occurred_on = db.Column(db.Date, nullable=False)
    level = db.Column(db.String(20), nullable=False)  # one of ACCIDENT_LEVELS
    accident_type = db.Column(db.String(50), nullable=False, default="")  # GB 6441 类别, e.g. 高处坠落
    deaths = db.Column(db.Integer, nullable=False, default=0)
    injuries = db.Column(db.Integer, nullable=False, default=0)  # 重伤
    direct_loss = db.Column(db.Numeric(12, 2))  # 直接经济损失, 万元; unknown for old records
    summary = db.Column(db.Text, nullable=False, default="")
    recorded_at = db.Column(UTCDateTime, nullable=False)
    recorded_by = db.Column(db.String(64), nullable=False)  # username (or cli:…), as the audit names actors

    enterprise = db.relationship("Enterprise")
