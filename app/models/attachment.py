from sqlalchemy import and_

from ..extensions import db
from .types import UTCDateTime


# At most one owner: a case, an inspection visit, a public report, a notice, an enforcement record, a supervision
# check, a re-inspection, an enterprise's archive document, a training session, a staff member's certificate, an
# enterprise's risk map (its site plan), a meeting, an enterprise's question, an enterprise's self-check, an
# application for resumption, a knowledge base entry, a quality incident, an effect evaluation or a key part's
# patrol card. A new owner column
# goes here (and in a migration's CHECK): `free_of_owners` then keeps every statement that links a user's uploads from
# taking a file that another owner holds.
OWNER_COLUMNS = ("case_id", "visit_id", "report_id", "notice_id", "enforcement_referral_id", "check_id", "follow_up_id",
                 "document_id", "training_id", "certificate_id", "risk_plan_enterprise_id", "meeting_id", "question_id",
                 "self_check_id", "resumption_id", "knowledge_entry_id", "quality_incident_id", "effect_evaluation_id")
OWNER_COLUMNS = OWNER_COLUMNS + ("lesson_id",)  # a learning centre lesson's video or PDF (services/learning_files.py)
OWNER_COLUMNS = OWNER_COLUMNS + ("patrol_card_id",)  # a key part's patrol card photos (services/patrol_cards.py)
ONE_OWNER = "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in OWNER_COLUMNS) + ") <= 1"


class Attachment(db.Model):
    """A photo or file stored outside the web root under a random name."""

    __tablename__ = "attachment"
    # A file belongs to one thing: a case, an inspection visit (排查现场留痕), a public report (群众举报), a notice, an
    # enforcement record (执法处置), a supervision check (督导检查), a re-inspection (回头看), a document of an
    # enterprise's safety archive (安全管理档案), a training session (培训记录), a staff certificate (人员资质证书), the
    # site plan of an enterprise's risk map (四色风险分布图), a meeting (会议: minutes scans, slides) or an enterprise's
    # question (咨询反馈) or an application for resumption (复工复产申请).
    # question (咨询反馈) or a quality incident (质量事故: the investigation's recordings).
    # site plan of an enterprise's risk map (四色风险分布图), a meeting (会议: minutes scans, slides), an enterprise's
    # question (咨询反馈) or an effect evaluation (整改效果评估: report scans, visit photos).
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
    # A document of an enforcement record (decision documents, services/enforcement.py): served by its pages only.
    enforcement_referral_id = db.Column(db.Integer, db.ForeignKey("enforcement_referral.id"), nullable=True,
                                        index=True)
    # A photo or file of a supervision check or a re-inspection after closing (services/check_files.py): served to
    # whoever sees that record.
    check_id = db.Column(db.Integer, db.ForeignKey("rectification_check.id"), nullable=True, index=True)
    follow_up_id = db.Column(db.Integer, db.ForeignKey("case_follow_up.id"), nullable=True, index=True)
    # A file of an enterprise's archive document (services/enterprise_documents.py): served to its readers only.
    document_id = db.Column(db.Integer, db.ForeignKey("enterprise_document.id"), nullable=True, index=True)
    # A training session's material (课件, 签到表 scans; services/trainings.py): served to whoever reads the session.
    training_id = db.Column(db.Integer, db.ForeignKey("training_session.id"), nullable=True, index=True)
    # A scan of a staff member's certificate (services/staff_certificates.py): served to the holder and its keepers.
    certificate_id = db.Column(db.Integer, db.ForeignKey("staff_certificate.id"), nullable=True, index=True)
    # A site plan of an enterprise's four-colour risk map (四色风险分布图; services/risk_map.py): the newest is the one
    # the markers are drawn on, the older ones stay as its history; served to whoever reads the enterprise's register.
    risk_plan_enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), nullable=True, index=True)
    # A meeting's file (纪要扫描件, 课件; services/meeting_files.py): served to whoever reads the meeting's minutes.
    meeting_id = db.Column(db.Integer, db.ForeignKey("meeting.id"), nullable=True, index=True)
    # A file sent with an enterprise's question or one of its messages (services/question_files.py; `field` says
    # which: "question" or "message:<id>"): served to whoever reads the question.
    question_id = db.Column(db.Integer, db.ForeignKey("enterprise_question.id"), nullable=True, index=True)
    # A photo of an item of an enterprise's self-check (services/self_check_files.py; `field` is "item:<item id>"):
    # served to whoever reads the self-check; a reported item's photos go over to the case it became.
    self_check_id = db.Column(db.Integer, db.ForeignKey("self_check.id"), nullable=True, index=True)
    # A file of an application for resumption or of its on-site acceptance (services/resumption.py; `field` says
    # which: "application" or "acceptance"): served to whoever reads the enterprise's stop-work record.
    resumption_id = db.Column(db.Integer, db.ForeignKey("resumption_application.id"), nullable=True, index=True)
    # The PDF of a law or standard in the knowledge base (services/knowledge_files.py): served to whoever reads the
    # entry.
    knowledge_entry_id = db.Column(db.Integer, db.ForeignKey("knowledge_entry.id"), nullable=True, index=True)
    # A quality incident's recording of its investigation (调查过程全程录音录像) or other evidence
    # (services/quality_incident_files.py): served to whoever reads the incident.
    quality_incident_id = db.Column(db.Integer, db.ForeignKey("quality_incident.id"), nullable=True, index=True)
    # A scan of an effect evaluation's report or a visit's photo (services/effect_evaluations.py): served to the
    # evaluation's commissioners and evaluators, not to the enterprise.
    effect_evaluation_id = db.Column(db.Integer, db.ForeignKey("effect_evaluation.id"), nullable=True, index=True)
    # A learning centre lesson's video or PDF (services/learning_files.py): served to whoever may open the lesson.
    lesson_id = db.Column(db.Integer, db.ForeignKey("lesson.id"), nullable=True, index=True)
    # A photo of a key part's patrol card (电子巡检卡, services/patrol_card_files.py): served to whoever reads the card.
    patrol_card_id = db.Column(db.Integer, db.ForeignKey("patrol_card.id"), nullable=True, index=True)
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


def free_of_owners(columns, *but):
    """The condition that a file has no owner among OWNER_COLUMNS other than `but` (`columns`: the attachment
    table's `.c`): what a statement linking a user's uploads to something requires."""
    return and_(*(columns[name].is_(None) for name in OWNER_COLUMNS if name not in but))
