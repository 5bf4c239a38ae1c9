"""The enterprise's safety management archive (企业安全管理档案; seed 001 §六 第二阶段 “指导企业建立完善安全‘三项制度’，
指导企业对应急救援预案进行定期演练 … 建立全员岗位培训档案”, §七 验收标准 3, 4, 7: 三项制度 and 应急预案 符合法定标准,
特种作业人员持证上岗): the documents an enterprise keeps — its three systems, its emergency plan, its licences and its
people's certificates — uploaded by its own staff with the files, reviewed by the contractor's team and the bureau.

One row per document; a renewed licence is the same row with its new number and dates (the history keeps the old
ones), a certificate of someone who left is retired (kept, out of the archive's counts)."""
from ..extensions import db
from .types import UTCDateTime

# code -> (Chinese, English). The order is the archive page's.
DOCUMENT_KINDS = {
    "responsibility_system": ("安全生产责任制", "Safety responsibility system"),
    "management_rules": ("安全管理制度", "Safety management rules"),
    "operating_procedures": ("安全操作规程", "Safe operating procedures"),
    "emergency_plan": ("应急预案", "Emergency plan"),
    "production_licence": ("安全生产许可证", "Work safety licence"),
    "other_licence": ("其他许可证", "Other licence"),
    "manager_certificate": ("主要负责人和安全管理人员考核合格证", "Principal / safety manager certificate"),
    "operator_certificate": ("特种作业操作证", "Special operation certificate"),
}
# 三项制度: the three systems every enterprise must have (seed 001 §七 3).
THREE_SYSTEMS = ("responsibility_system", "management_rules", "operating_procedures")
LICENCE_KINDS = ("production_licence", "other_licence")
CERTIFICATE_KINDS = ("manager_certificate", "operator_certificate")

REVIEW_STATUSES = {
    "pending": ("待审核", "Awaiting review"),
    "reviewed": ("已审核", "Reviewed"),
    "returned": ("已退回", "Returned"),
}
# 主要负责人和安全管理人员考核合格证: whose certificate it is (《生产经营单位安全培训规定》).
MANAGER_CATEGORIES = {
    "principal": ("主要负责人", "Principal"),
    "safety_manager": ("安全生产管理人员", "Safety manager"),
}
# 特种作业目录 (《特种作业人员安全技术培训考核管理规定》, 原国家安监总局令第30号 附件).
OPERATION_CATEGORIES = {
    "electrical": ("电工作业", "Electrical work"),
    "welding": ("焊接与热切割作业", "Welding and thermal cutting"),
    "height": ("高处作业", "Work at height"),
    "refrigeration": ("制冷与空调作业", "Refrigeration and air conditioning"),
    "coal_mine": ("煤矿安全作业", "Coal mine safety work"),
    "metal_mine": ("金属非金属矿山安全作业", "Metal and non-metal mine safety work"),
    "oil_gas": ("石油天然气安全作业", "Oil and gas safety work"),
    "metallurgy": ("冶金（有色）生产安全作业", "Metallurgy (non-ferrous) safety work"),
    "hazardous_chemicals": ("危险化学品安全作业", "Hazardous chemicals safety work"),
    "fireworks": ("烟花爆竹安全作业", "Fireworks safety work"),
    "other": ("其他特种作业", "Other special operation"),
}


class EnterpriseDocument(db.Model):
    """One document of an enterprise's archive. What the columns mean depends on the kind: `number` is the 备案编号
    of a plan, the licence's or certificate's number; `valid_from` the plan's 备案日期, a licence's or certificate's
    first valid day, a system's 发布日期; `valid_to` the last valid day (a plan's: its revision is due, 备案日期 + 3
    years); `category` a certificate's 人员类别 / 作业类别."""
    __tablename__ = "enterprise_document"
    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=False, index=True)
    kind = db.Column(db.String(24), nullable=False, index=True)  # a key of DOCUMENT_KINDS; never changes
    title = db.Column(db.String(200), nullable=False)
    number = db.Column(db.String(64), nullable=False, default="")
    issuer = db.Column(db.String(200), nullable=False, default="")  # 发证机关 / 备案机关
    valid_from = db.Column(db.Date)
    valid_to = db.Column(db.Date, index=True)
    holder_name = db.Column(db.String(64), nullable=False, default="")
    # the full 居民身份证号码 (GB 11643 check character verified); pages, CSV and the API show it masked
    holder_id_number = db.Column(db.String(18), nullable=False, default="")
    category = db.Column(db.String(24), nullable=False, default="")
    note = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.String(16), nullable=False, default="pending", index=True)  # REVIEW_STATUSES
    review_note = db.Column(db.Text, nullable=False, default="")  # the return's reason, or a reviewer's remark
    reviewed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    reviewed_at = db.Column(UTCDateTime)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    # bumped by every change: a review or an edit made on an older page is refused (409), not applied blindly
    version = db.Column(db.Integer, nullable=False, default=1)
    retired_at = db.Column(UTCDateTime)  # 移出档案: kept and readable, out of completeness and expiry
    retired_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    retire_reason = db.Column(db.Text, nullable=False, default="")
    # the valid_to the enterprise was told about (30 days before / expired): each notice once per expiry date, and a
    # renewal (a new valid_to) arms both again
    warned_for = db.Column(db.Date)
    expired_for = db.Column(db.Date)

    enterprise = db.relationship("Enterprise")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    updated_by = db.relationship("User", foreign_keys=[updated_by_id])
    reviewed_by = db.relationship("User", foreign_keys=[reviewed_by_id])
    retired_by = db.relationship("User", foreign_keys=[retired_by_id])
    attachments = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)

    @property
    def is_retired(self):
        return self.retired_at is not None

    @property
    def masked_id_number(self):
        """The ID number as shown everywhere: the region's first 4 and the last 4 characters."""
        return mask_id_number(self.holder_id_number)


def mask_id_number(value):
    """An ID number as pages, files, the API and the audit log show it: the first 4 and the last 4 characters."""
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}" if value and len(value) > 8 else value
