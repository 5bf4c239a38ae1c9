from ..extensions import db
from .types import UTCDateTime


class PublicCase(db.Model):
    """A hazard case the bureau opened to the public (隐患整改公众查询): its public title and since when. Kept beside
    the case, not on it, so publishing never touches the row every step writes; withdrawing deletes the row (the
    case's audit trail keeps both moves)."""
    __tablename__ = "public_case"
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), primary_key=True)
    title = db.Column(db.String(200), nullable=False)  # what the public reads instead of the internal description
    published_at = db.Column(UTCDateTime, nullable=False, index=True)
    published_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)

    case = db.relationship("HazardCase")
    published_by = db.relationship("User")
