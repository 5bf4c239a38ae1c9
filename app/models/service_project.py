"""A service project (服务项目, seed 001 §三–§五): the bureau buys the service of a contractor for a period ("自2022年6月初开始
至8月底结束") over a named list of enterprises (服务对象名单, "附件：1. 2022年社会化服务企业名单"), each to be visited and
reported on; the contract's coverage target (seed 000: 覆盖不少于 85% 的重点企业) is counted against that list, not the
whole register."""
from ..extensions import db
from .types import UTCDateTime

DEFAULT_TARGET_PERCENT = 85


class ServiceProject(db.Model):
    __tablename__ = "service_project"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    contract_no = db.Column(db.String(64), nullable=False, default="")  # 合同编号, optional
    start_on = db.Column(db.Date, nullable=False, index=True)  # Shanghai days, both included
    end_on = db.Column(db.Date, nullable=False, index=True)
    target_percent = db.Column(db.Integer, nullable=False, default=DEFAULT_TARGET_PERCENT)  # of the roster visited
    created_at = db.Column(UTCDateTime, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    created_by = db.relationship("User")


class ServiceProjectEnterprise(db.Model):
    """One enterprise on a project's roster, once."""
    __tablename__ = "service_project_enterprise"
    __table_args__ = (db.UniqueConstraint("project_id", "enterprise_id"),)
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.Integer, db.ForeignKey("service_project.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    added_at = db.Column(UTCDateTime, nullable=False)
    added_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)

    enterprise = db.relationship("Enterprise")
