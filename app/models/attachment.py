from ..extensions import db
from .types import UTCDateTime


class Attachment(db.Model):
    """A photo or file stored outside the web root under a random name."""

    __tablename__ = "attachment"
    id = db.Column(db.Integer, primary_key=True)
    public_id = db.Column(db.String(32), nullable=False, unique=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=True, index=True)
    # A file of a bureau notice (services/bureau_notices.py): served to the notice's recipients and staff only.
    notice_id = db.Column(db.Integer, db.ForeignKey("bureau_notice.id"), nullable=True, index=True)
    uploader_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
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
