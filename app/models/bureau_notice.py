"""Notices from the bureau to enterprises (通知公告 / 预警提示 / 简报, seed 001 line 68 “传达到生产经营单位”, seed 000
lines 301, 431, 838): written as a draft, published to a target that is resolved to the enterprises of that moment
(one recipient row each, frozen), read and signed for (签收) by each enterprise's staff, urged (催签) while unsigned.

A published notice is never changed; a wrong one is withdrawn with a reason (kept, marked withdrawn, no more signing)
and a corrected notice published anew."""
from ..extensions import db
from .types import UTCDateTime

NOTICE_KINDS = {
    "notice": ("通知", "Notice"),  # 节前安全提示, 专项整治要求, meetings and deadlines
    "warning": ("预警提示", "Warning"),  # 汛期 / 高温 / 寒潮 warnings, with the weather office where needed
    "briefing": ("简报", "Briefing"),  # 系统使用简报, work briefings
    # A meeting's issued minutes (services/meeting_minutes.py), to the enterprises that attended; never written on
    # the notice form.
    "minutes": ("会议纪要", "Meeting minutes"),
}
NOTICE_STATUSES = {
    "draft": ("草稿", "Draft"),
    "published": ("已发布", "Published"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
# Whom a notice goes to: every enterprise, those of chosen townships / parks, of chosen industries, or a list.
NOTICE_TARGETS = {
    "all": ("全部企业", "All enterprises"),
    "townships": ("按乡镇/园区", "By township / park"),
    "industries": ("按行业", "By industry"),
    "enterprises": ("指定企业", "Chosen enterprises"),
}
# Who published it: the bureau itself, or the contractor relaying the bureau's requirements (project leads).
NOTICE_ISSUERS = {
    "bureau": ("应急管理局", "Emergency management bureau"),
    "contractor": ("技术服务机构", "Safety service contractor"),
}


class BureauNotice(db.Model):
    __tablename__ = "bureau_notice"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False)  # a key of NOTICE_KINDS
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False)  # plain text, paragraphs separated by blank lines
    status = db.Column(db.String(16), nullable=False, default="draft", index=True)  # a key of NOTICE_STATUSES
    target_kind = db.Column(db.String(16), nullable=False)  # a key of NOTICE_TARGETS
    # township names, industry names or enterprise ids, as chosen; [] for all enterprises
    target_values = db.Column(db.JSON, nullable=False, default=list)
    # The sign-by deadline as written: a day (the end of that Shanghai day), or a number of working days counted
    # from publishing; at most one. `sign_due_at` is the moment it makes, set when published.
    sign_by_date = db.Column(db.Date)
    sign_by_workdays = db.Column(db.Integer)
    sign_due_at = db.Column(UTCDateTime, index=True)
    issuer = db.Column(db.String(16))  # a key of NOTICE_ISSUERS, set when published
    drafted_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    drafted_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    published_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    published_at = db.Column(UTCDateTime, index=True)
    withdrawn_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    withdrawn_at = db.Column(UTCDateTime)
    withdrawn_reason = db.Column(db.Text)
    # Urging (催签): how often, the last time (at most once per Shanghai day), and the one automatic urge when the
    # sign-by deadline passed.
    urge_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    last_urged_at = db.Column(UTCDateTime)
    auto_urged_at = db.Column(UTCDateTime)

    drafted_by = db.relationship("User", foreign_keys=[drafted_by_id])
    published_by = db.relationship("User", foreign_keys=[published_by_id])
    withdrawn_by = db.relationship("User", foreign_keys=[withdrawn_by_id])
    attachments = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)

    @property
    def is_draft(self):
        return self.status == "draft"

    @property
    def is_published(self):
        return self.status == "published"

    @property
    def is_withdrawn(self):
        return self.status == "withdrawn"

    @property
    def paragraphs(self):
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class BureauNoticeRecipient(db.Model):
    """One enterprise a published notice went to, with its receipt: first opened (已读) and signed for (已签收)."""
    __tablename__ = "bureau_notice_recipient"
    __table_args__ = (db.UniqueConstraint("notice_id", "enterprise_id", name="uq_bureau_notice_recipient"),)
    id = db.Column(db.Integer, primary_key=True)
    notice_id = db.Column(db.Integer, db.ForeignKey("bureau_notice.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    read_at = db.Column(UTCDateTime)
    read_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    signed_at = db.Column(UTCDateTime)
    signed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reply = db.Column(db.Text, nullable=False, default="")
    last_urged_at = db.Column(UTCDateTime)

    notice = db.relationship("BureauNotice")
    enterprise = db.relationship("Enterprise")
    read_by = db.relationship("User", foreign_keys=[read_by_id])
    signed_by = db.relationship("User", foreign_keys=[signed_by_id])

    @property
    def status(self):
        """unread / read / signed (未读 / 已读 / 已签收)."""
        return "signed" if self.signed_at else "read" if self.read_at else "unread"


RECEIPT_STATUSES = {
    "unread": ("未读", "Unread"),
    "read": ("已读", "Read"),
    "signed": ("已签收", "Signed"),
}
