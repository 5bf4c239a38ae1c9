from ..extensions import db
from .types import UTCDateTime


# At most one owner: a case, an inspection visit, a public report, a notice or a training session.
ONE_OWNER = ("(CASE WHEN case_id IS NULL THEN 0 ELSE 1 END + CASE WHEN visit_id IS NULL THEN 0 ELSE 1 END + "
             "CASE WHEN report_id IS NULL THEN 0 ELSE 1 END + CASE WHEN notice_id IS NULL THEN 0 ELSE 1 END + "
             "CASE WHEN training_id IS NULL THEN 0 ELSE 1 END) <= 1")


class Attachment(db.Model):
    """A photo or file stored outside the web root under a random name."""

    __tablename__ = "attachment"
    # A file belongs to one thing: a case, an inspection visit (排查现场留痕), a public report (群众举报), a notice or a
    # training session.
    __table_args__ = (db.CheckConstraint(ONE_OWNER, name="one_owner"),)
    id = db.Column(db.Integer, primary_key=True)
    public_id = db.Column(db.String(32), nullable=False, unique=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=True, index=True)
    visit_id = db.Column(db.Integer, db.ForeignKey("inspection_visit.id"), nullable=True, index=True)
    # None: a photo sent with a public report (its owner is the report: report_id).
    uploader_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=True)
    report_id = db.Column(db.Integer, db.ForeignKey("public_report.id"), nullable=True, index=True)
    # A file of a bureau notice (services/bureau_notices.py): served to the notice's recipients and staff only.
    notice_id = db.Column(db.Integer, db.ForeignKey("bureau_notice.id"), nullable=True, index=True)
    # A training session's material (课件, 签到表 scans; services/trainings.py): served to whoever reads the session.
    training_id = db.Column(db.Integer, db.ForeignKey("training_session.id"), nullable=True, index=True)
    original_name = db.Column(db.String(255), nullable=False)
    stored_name = db.Column(db.String(64), nullable=False, unique=True)
    content_type = db.Column(db.String(100), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    field = db.Column(db.String(64), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False)
    # Where and when a photo was taken (services/photo_metadata.py): EXIF, else the uploading device's position.
    taken_at = db.Column(UTCDateTime)
    latitude = db.Column(db.Float)
    longitude = db.Column(db.Float)
    location_source = db.Column(db.String(8))  # "exif" | "device"

    uploader = db.relationship("User")

    @property
    def is_image(self):
        return self.content_type.startswith("image/")

    @property
    def is_video(self):
        return self.content_type.startswith("video/")
