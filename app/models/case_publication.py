"""A typical case published to enterprises for warning education (典型案例警示教育; seed 000 line 786 “形成案例分析报告
并向企业发布，帮助其举一反三，避免同类问题重复发生。报告以图文结合方式呈现”, line 337 “向重点企业传达典型案例”).

The publication is a separately written public version of a library entry: its own title and text (anonymised: the
source enterprise and its people are never named) and the photos of the source case the publisher chose. Nothing of
the entry itself (the case, the enterprise, the cause analysis) is shown to enterprises. It goes to an audience —
every enterprise, or those of chosen industries and / or townships — resolved to the enterprises of that moment
(one recipient row each, frozen, as for notices), each of which confirms it has studied it (已学习). A publication is
never edited: it is withdrawn (hidden from enterprises again) and, if need be, a corrected one published anew."""
from ..extensions import db
from .types import UTCDateTime

PUBLICATION_STATUSES = {
    "published": ("已发布", "Published"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
# Who published it: the bureau itself, or the safety service contractor (its project leads).
PUBLICATION_ISSUERS = {
    "bureau": ("应急管理局", "Emergency management bureau"),
    "contractor": ("技术服务机构", "Safety service contractor"),
}


class CasePublication(db.Model):
    __tablename__ = "case_publication"
    # At most one live publication per entry: two publishers at once cannot both succeed. A withdrawn one stays
    # (its receipts are the record of who studied it) and the entry may be published again.
    __table_args__ = (db.Index("uq_case_publication_live", "typical_case_id", unique=True,
                               sqlite_where=db.text("status = 'published'"),
                               postgresql_where=db.text("status = 'published'")),)
    id = db.Column(db.Integer, primary_key=True)
    typical_case_id = db.Column(db.Integer, db.ForeignKey("typical_case.id"), nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False, default="published", index=True)  # PUBLICATION_STATUSES
    title = db.Column(db.String(200), nullable=False)  # the public title
    body = db.Column(db.Text, nullable=False)  # the public text: paragraphs separated by blank lines
    # The audience as chosen: both empty means every enterprise; otherwise an enterprise must be of one of the
    # industries (when any are chosen) and in one of the townships / parks (when any are chosen).
    industries = db.Column(db.JSON, nullable=False, default=list)
    townships = db.Column(db.JSON, nullable=False, default=list)
    issuer = db.Column(db.String(16), nullable=False)  # a key of PUBLICATION_ISSUERS
    published_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    published_at = db.Column(UTCDateTime, nullable=False, index=True)
    withdrawn_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    withdrawn_at = db.Column(UTCDateTime)
    withdrawn_reason = db.Column(db.Text)

    typical_case = db.relationship("TypicalCase")
    published_by = db.relationship("User", foreign_keys=[published_by_id])
    withdrawn_by = db.relationship("User", foreign_keys=[withdrawn_by_id])
    photos = db.relationship("CasePublicationPhoto", order_by="CasePublicationPhoto.position",
                             viewonly=True)

    @property
    def is_published(self):
        return self.status == "published"

    @property
    def is_withdrawn(self):
        return self.status == "withdrawn"

    @property
    def for_everyone(self):
        return not self.industries and not self.townships

    @property
    def paragraphs(self):
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class CasePublicationPhoto(db.Model):
    """A photo of the source case chosen for the publication: served to its audience only through the
    publication's own route (never the case's attachment route), by this row's id, without the file's name or
    its EXIF tags."""
    __tablename__ = "case_publication_photo"
    __table_args__ = (db.UniqueConstraint("publication_id", "attachment_id",
                                          name="uq_case_publication_photo"),)
    id = db.Column(db.Integer, primary_key=True)
    publication_id = db.Column(db.Integer, db.ForeignKey("case_publication.id"), nullable=False, index=True)
    attachment_id = db.Column(db.Integer, db.ForeignKey("attachment.id"), nullable=False)
    position = db.Column(db.Integer, nullable=False)

    attachment = db.relationship("Attachment")


class CasePublicationRecipient(db.Model):
    """One enterprise a publication went to, with its read receipt: studied (已学习), by whom and when (the first
    confirmation of any of its staff; later ones change nothing)."""
    __tablename__ = "case_publication_recipient"
    __table_args__ = (db.UniqueConstraint("publication_id", "enterprise_id",
                                          name="uq_case_publication_recipient"),)
    id = db.Column(db.Integer, primary_key=True)
    publication_id = db.Column(db.Integer, db.ForeignKey("case_publication.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    learned_at = db.Column(UTCDateTime)
    learned_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))

    publication = db.relationship("CasePublication")
    enterprise = db.relationship("Enterprise")
    learned_by = db.relationship("User", foreign_keys=[learned_by_id])
