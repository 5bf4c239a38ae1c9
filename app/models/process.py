from ..extensions import db
from .types import UTCDateTime


class ProcessVersion(db.Model):
    """An immutable, content-hashed set of BPMN/DMN files and form schemas; cases are pinned to one."""

    __tablename__ = "process_version"
    __table_args__ = (db.UniqueConstraint("process_id", "version", name="uq_process_version_number"),)
    id = db.Column(db.Integer, primary_key=True)
    process_id = db.Column(db.String(64), nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False)
    content_hash = db.Column(db.String(64), nullable=False)
    # Deferred: the content is large and immutable, so services read it through a per-process cache.
    files = db.deferred(db.Column(db.JSON, nullable=False))  # {"hazard_case.bpmn": "<xml>", "hazard_grading.dmn": ...}
    forms = db.deferred(db.Column(db.JSON, nullable=False))  # {"assignment": {...schema + ui...}}
    author_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=True)
    comment = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False)
    is_deployed = db.Column(db.Boolean, nullable=False, default=False)
