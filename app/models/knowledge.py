"""The knowledge base (专家知识库 / 法规标准库; seed 000 line 182 “形成动态更新的风险知识库，供企业自查与专家辅助判断使用”,
line 373 “平台内置专家知识库，针对不同隐患类型提供标准化处置建议”, line 429 “每月更新…知识库内容”).

An entry is either standard handling advice for hazard types (处置建议: the advice, typical measures, the standards it
rests on) or a law, regulation or standard (法规标准: its number, issuing body, effective date and whether it is in
force, a summary and optionally its PDF). Entries are tagged with the registration form's hazard types and with
industries. Every save of the content is kept as a numbered version (the history); an entry is a draft until an
editor publishes it, and a published entry is confirmed as still current (复核) at least once in twelve months."""
from ..extensions import db
from .types import UTCDateTime

KNOWLEDGE_KINDS = {
    "advice": ("处置建议", "Handling advice"),
    "regulation": ("法规标准", "Law / standard"),
}
KNOWLEDGE_STATUSES = {
    "draft": ("草稿", "Draft"),
    "published": ("已发布", "Published"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
# Whether a law or standard is in force: 现行, 废止 (repealed), 已修订 (amended: a newer edition replaces it).
REGULATION_STATUSES = {
    "current": ("现行", "In force"),
    "repealed": ("废止", "Repealed"),
    "revised": ("已修订", "Revised"),
}
TAG_KINDS = ("hazard_type", "industry")


class KnowledgeEntry(db.Model):
    __tablename__ = "knowledge_entry"
    __table_args__ = (
        db.CheckConstraint("kind IN ('advice', 'regulation')", name="known_kind"),
        db.CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name="known_status"),
        db.CheckConstraint("regulation_status IS NULL OR regulation_status IN ('current', 'repealed', 'revised')",
                           name="known_regulation_status"),
    )
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False, index=True)  # KNOWLEDGE_KINDS
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False)  # advice: 处置建议; regulation: 摘要
    measures = db.Column(db.Text, nullable=False, default="")  # advice: 典型措施
    references = db.Column(db.Text, nullable=False, default="")  # advice: 依据标准
    # A law or standard only (None for advice): 标准号 / 文号, 发布机关, 实施日期, 现行 / 废止 / 已修订.
    number = db.Column(db.String(64), index=True)
    issuer = db.Column(db.String(200))
    effective_on = db.Column(db.Date)
    regulation_status = db.Column(db.String(16))
    status = db.Column(db.String(16), nullable=False, default="draft", index=True)  # KNOWLEDGE_STATUSES
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False, index=True)
    published_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    published_at = db.Column(UTCDateTime)
    # The last time an editor confirmed the content is still right (publishing counts): twelve months later the entry
    # is due for review (待复核).
    reviewed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reviewed_at = db.Column(UTCDateTime, index=True)
    # Counts the saves of the content; a save or a publication names the version it was made on, so one editor's
    # work never silently replaces (or publishes over) another's made in between. The versions are kept below.
    version = db.Column(db.Integer, nullable=False, default=1)

    created_by = db.relationship("User", foreign_keys=[created_by_id])
    updated_by = db.relationship("User", foreign_keys=[updated_by_id])
    published_by = db.relationship("User", foreign_keys=[published_by_id])
    reviewed_by = db.relationship("User", foreign_keys=[reviewed_by_id])
    tags = db.relationship("KnowledgeTag", order_by="KnowledgeTag.id", cascade="all, delete-orphan")
    attachments = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)  # its PDF

    def tag_values(self, kind):
        return [t.value for t in self.tags if t.kind == kind]


class KnowledgeTag(db.Model):
    """One tag of an entry: a hazard type code of the registration form, or an industry as the register names it."""
    __tablename__ = "knowledge_tag"
    __table_args__ = (db.UniqueConstraint("entry_id", "kind", "value"),
                      db.CheckConstraint("kind IN ('hazard_type', 'industry')", name="known_kind"),
                      db.Index("ix_knowledge_tag_kind_value", "kind", "value"))
    id = db.Column(db.Integer, primary_key=True)
    entry_id = db.Column(db.Integer, db.ForeignKey("knowledge_entry.id"), nullable=False, index=True)
    kind = db.Column(db.String(16), nullable=False)  # TAG_KINDS
    value = db.Column(db.String(100), nullable=False)


class KnowledgeVersion(db.Model):
    """The content of an entry as one save left it (fields and tags), kept for good: the entry's history."""
    __tablename__ = "knowledge_version"
    __table_args__ = (db.UniqueConstraint("entry_id", "version"),)
    id = db.Column(db.Integer, primary_key=True)
    entry_id = db.Column(db.Integer, db.ForeignKey("knowledge_entry.id"), nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False)
    content = db.Column(db.JSON, nullable=False)
    saved_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    saved_at = db.Column(UTCDateTime, nullable=False)

    saved_by = db.relationship("User")
