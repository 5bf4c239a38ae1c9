"""Quality incidents of the contractor's own service (质量事故, seed 000 L937–L943 《质量事故分类分级处置办法》): what went
wrong in the service itself — a wrong verification, a report with false data, a hazard missed — found by a quality
sample, an upheld complaint, the bureau's evaluation, a supervision check or otherwise; graded 一般 / 较大 / 重大 with a
handling limit of 48 / 24 / 12 clock hours from its registration; investigated (重大: by a named investigation group,
the investigation recorded on audio / video: the attachment owner `quality_incident_id`), its cause and remedy plan
(补救方案) recorded, the responsible staff held to account (追责), a company-wide notice (全公司通报) sent and the lesson
learnt in an internal training session (组织学习). services/quality_incidents.py says the rules."""
from ..extensions import db
from .types import UTCDateTime

# Grade: (Chinese, English, handling limit in clock hours from registration — not working hours: 000 L937 "48 小时、
# 24 小时、12 小时内" is about a day or two, and a 重大 incident on a Friday evening is handled over the weekend).
INCIDENT_GRADES = {
    "general": ("一般", "General", 48),
    "larger": ("较大", "Larger", 24),
    "major": ("重大", "Major", 12),
}
INCIDENT_LIMIT_HOURS = {code: hours for code, (_zh, _en, hours) in INCIDENT_GRADES.items()}
# Where it was found, and the column of the record it came from (None: nothing to link).
INCIDENT_SOURCES = {
    "case_sample": ("隐患质量抽查", "Quality sample of a closed case"),
    "visit_sample": ("排查质量抽查", "Quality sample of a visit"),
    "complaint": ("投诉属实", "Upheld complaint"),
    "evaluation": ("局方评价", "Bureau's evaluation"),
    "supervision": ("督查", "Supervision check"),
    "other": ("其他", "Other"),
}
SOURCE_COLUMNS = {"case_sample": "quality_sample_id", "visit_sample": "visit_quality_sample_id",
                  "complaint": "complaint_id", "evaluation": "evaluation_id", "supervision": "supervision_id",
                  "other": None}
# 登记 → 调查中 → 已处置 → 已通报 → 关闭, one step at a time.
INCIDENT_STATUSES = {
    "registered": ("登记", "Registered"),
    "investigating": ("调查中", "Under investigation"),
    "handled": ("已处置", "Handled"),
    "notified": ("已通报", "Notified company-wide"),
    "closed": ("关闭", "Closed"),
}
# Accountability measures (追责) per responsible person, several may be chosen (000 L941 依法依规追责).
ACCOUNTABILITY_MEASURES = {
    "education": ("批评教育", "Talked to"),
    "criticism": ("通报批评", "Public criticism"),
    "written_review": ("书面检查", "Written self-criticism"),
    "retraining": ("停岗培训", "Suspended for retraining"),
    "reassigned": ("调离岗位", "Reassigned"),
    "pay_cut": ("扣减绩效", "Performance pay cut"),
    "dismissed": ("解除劳动合同", "Dismissed"),
    "none": ("免予追责", "No measure"),
}
PERSON_PARTS = {"responsible": ("责任人", "Responsible"), "investigator": ("调查组成员", "Investigation group")}


class QualityIncident(db.Model):
    __tablename__ = "quality_incident"
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False)  # what happened
    found_at = db.Column(UTCDateTime, nullable=False)  # when it was found (before or at registration)
    registered_at = db.Column(UTCDateTime, nullable=False, index=True)  # the handling limit counts from here
    source = db.Column(db.String(16), nullable=False)  # a key of INCIDENT_SOURCES
    quality_sample_id = db.Column(db.Integer, db.ForeignKey("quality_sample.id"), index=True)
    visit_quality_sample_id = db.Column(db.Integer, db.ForeignKey("visit_quality_sample.id"), index=True)
    complaint_id = db.Column(db.Integer, db.ForeignKey("service_complaint.id"), index=True)
    evaluation_id = db.Column(db.Integer, db.ForeignKey("contractor_evaluation.id"), index=True)
    supervision_id = db.Column(db.Integer, db.ForeignKey("staff_supervision.id"), index=True)
    case_ids = db.Column(db.JSON, nullable=False, default=list)  # related hazard cases (ids)
    visit_ids = db.Column(db.JSON, nullable=False, default=list)  # related inspection visits (ids)
    grade = db.Column(db.String(8), nullable=False, index=True)  # a key of INCIDENT_GRADES
    due_at = db.Column(UTCDateTime, nullable=False, index=True)  # registered_at + the grade's clock hours
    status = db.Column(db.String(16), nullable=False, default="registered", index=True)
    investigation_started_at = db.Column(UTCDateTime)
    findings = db.Column(db.Text, nullable=False, default="")  # 调查情况
    cause = db.Column(db.Text, nullable=False, default="")  # 原因
    remedy = db.Column(db.Text, nullable=False, default="")  # 补救方案
    handled_at = db.Column(UTCDateTime)  # 已处置: late when after due_at
    handled_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    lesson = db.Column(db.Text, nullable=False, default="")  # 案例教训: the company-wide notice's text
    notified_at = db.Column(UTCDateTime)
    notified_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    notice_count = db.Column(db.Integer, nullable=False, default=0)  # the staff told
    training_id = db.Column(db.Integer, db.ForeignKey("training_session.id"), index=True)  # 组织学习
    closed_at = db.Column(UTCDateTime)
    closed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    overdue_told_at = db.Column(UTCDateTime)  # the limit passed unhandled: told once (conditional UPDATE)
    bureau_told_at = db.Column(UTCDateTime)  # a 重大 incident: the bureau told once, at once
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)

    quality_sample = db.relationship("QualitySample")
    visit_quality_sample = db.relationship("VisitQualitySample")
    complaint = db.relationship("ServiceComplaint")
    evaluation = db.relationship("ContractorEvaluation")
    supervision = db.relationship("StaffSupervision")
    training = db.relationship("TrainingSession")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    handled_by = db.relationship("User", foreign_keys=[handled_by_id])
    notified_by = db.relationship("User", foreign_keys=[notified_by_id])
    closed_by = db.relationship("User", foreign_keys=[closed_by_id])
    people = db.relationship("QualityIncidentPerson", order_by="QualityIncidentPerson.id", viewonly=True)
    attachments = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)

    @property
    def limit_hours(self):
        return INCIDENT_LIMIT_HOURS[self.grade]

    @property
    def responsible(self):
        return [p for p in self.people if p.part == "responsible"]

    @property
    def investigators(self):
        return [p for p in self.people if p.part == "investigator"]

    @property
    def handled_late(self):
        return self.handled_at is not None and self.handled_at > self.due_at

    def overdue_at(self, now):
        """Past its limit and not handled yet."""
        return self.handled_at is None and now > self.due_at


class QualityIncidentPerson(db.Model):
    """A responsible member of staff (with the accountability measures once decided) or a member of the
    investigation group."""
    __tablename__ = "quality_incident_person"
    __table_args__ = (db.UniqueConstraint("incident_id", "user_id", "part", name="uq_quality_incident_person"),)
    id = db.Column(db.Integer, primary_key=True)
    incident_id = db.Column(db.Integer, db.ForeignKey("quality_incident.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False, index=True)
    part = db.Column(db.String(16), nullable=False)  # a key of PERSON_PARTS
    measures = db.Column(db.JSON, nullable=False, default=list)  # keys of ACCOUNTABILITY_MEASURES (responsible)
    measure_note = db.Column(db.Text, nullable=False, default="")

    user = db.relationship("User")
