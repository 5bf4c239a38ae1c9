"""The meetings register (会议管理, seed 000 lines 29, 211, 337, 590, 638, 712, 730, 866, 892; seed 001 lines 24, 39):
the meetings the bureau and its contractor hold that are not about one case — the monthly 政企联席会议, the results
briefings (成果通报会), the quarterly rectification summaries (整改工作总结会) and enterprise symposia (企业座谈会), the
mobilisation meeting (动员会), the monthly quality analysis (质量分析会) and cross-department consultations (会商会) —
with who attended, the agenda, the minutes (纪要) and their files, and the action items (问题清单 / 督办事项) decided,
each with an owner and a due date, tracked to done.

A meeting is planned, then held (its minutes recorded), then its minutes are issued: the attending enterprises receive
them as a notice of the bureau's notices (kind 会议纪要, models/bureau_notice.py) and sign for them there; the staff and
departments who attended sign for them on their attendee row."""
from ..extensions import db
from .types import UTCDateTime

MEETING_KINDS = {
    "joint": ("政企联席会议", "Government-enterprise joint meeting"),  # 000 L29, L211, L638: monthly
    "briefing": ("成果通报会", "Results briefing"),  # 000 L337
    "summary": ("整改工作总结会", "Rectification summary meeting"),  # 000 L590: quarterly; 001 L24
    "symposium": ("企业座谈会", "Enterprise symposium"),  # 000 L712: quarterly, at least 10 enterprises; 001 L24
    "mobilization": ("动员会", "Mobilisation meeting"),  # 001 L39: 事前动员会
    "quality": ("质量分析会", "Quality analysis meeting"),  # 000 L892: monthly
    "consultation": ("会商会", "Consultation meeting"),  # 000 L730: 跨单位会商
}
MEETING_ORGANISERS = {
    "bureau": ("应急管理局", "Emergency management bureau"),
    "contractor": ("技术服务机构", "Safety service contractor"),
}
MEETING_STATUSES = {
    "planned": ("计划召开", "Planned"),
    "held": ("已召开", "Held"),  # the minutes are recorded
    "issued": ("纪要已印发", "Minutes issued"),
}
ATTENDEE_KINDS = {
    "enterprise": ("企业", "Enterprise"),
    "department": ("部门", "Department"),
    "user": ("工作人员", "Staff"),
}
ACTION_STATUSES = {
    "open": ("待办", "Open"),
    "done": ("已完成", "Done"),
    "cancelled": ("已取消", "Cancelled"),
}


class Meeting(db.Model):
    __tablename__ = "meeting"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False, index=True)  # a key of MEETING_KINDS
    title = db.Column(db.String(200), nullable=False)
    starts_at = db.Column(UTCDateTime, nullable=False, index=True)
    place = db.Column(db.String(200), nullable=False, default="")
    organiser = db.Column(db.String(16), nullable=False)  # a key of MEETING_ORGANISERS
    others = db.Column(db.Text, nullable=False, default="")  # other attendees as typed, one per line
    agenda = db.Column(db.Text, nullable=False, default="")
    minutes = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.String(16), nullable=False, default="planned", index=True)  # a key of MEETING_STATUSES
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False)
    minutes_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    minutes_at = db.Column(UTCDateTime)
    issued_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    issued_at = db.Column(UTCDateTime)
    # The notice the minutes went to the attending enterprises with (their receipts are its recipients' rows);
    # None before issuing, or when no enterprise attended.
    notice_id = db.Column(db.Integer, db.ForeignKey("bureau_notice.id"), index=True)

    created_by = db.relationship("User", foreign_keys=[created_by_id])
    minutes_by = db.relationship("User", foreign_keys=[minutes_by_id])
    issued_by = db.relationship("User", foreign_keys=[issued_by_id])
    notice = db.relationship("BureauNotice")
    attendees = db.relationship("MeetingAttendee", order_by="MeetingAttendee.id", viewonly=True)
    cases = db.relationship("HazardCase", secondary="meeting_case", order_by="HazardCase.id", viewonly=True)
    actions = db.relationship("MeetingAction", order_by="MeetingAction.id", viewonly=True)
    attachments = db.relationship("Attachment", order_by="Attachment.id", viewonly=True)

    @property
    def other_lines(self):
        return [line.strip() for line in (self.others or "").splitlines() if line.strip()]


class MeetingAttendee(db.Model):
    """One attending enterprise, department or staff user. The staff's and departments' receipt of the issued
    minutes (已读 / 签收) is kept here; an enterprise's is on the minutes notice's recipient row."""
    __tablename__ = "meeting_attendee"
    __table_args__ = (
        db.UniqueConstraint("meeting_id", "enterprise_id", name="uq_meeting_attendee_enterprise"),
        db.UniqueConstraint("meeting_id", "department_id", name="uq_meeting_attendee_department"),
        db.UniqueConstraint("meeting_id", "user_id", name="uq_meeting_attendee_user"),
        db.CheckConstraint("(CASE WHEN enterprise_id IS NULL THEN 0 ELSE 1 END + CASE WHEN department_id IS NULL "
                           "THEN 0 ELSE 1 END + CASE WHEN user_id IS NULL THEN 0 ELSE 1 END) = 1",
                           name="one_attendee"),
    )
    id = db.Column(db.Integer, primary_key=True)
    meeting_id = db.Column(db.Integer, db.ForeignKey("meeting.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), index=True)
    department_id = db.Column(db.Integer, db.ForeignKey("department.id"), index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), index=True)
    read_at = db.Column(UTCDateTime)
    read_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    signed_at = db.Column(UTCDateTime)
    signed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))

    enterprise = db.relationship("Enterprise")
    department = db.relationship("Department")
    user = db.relationship("User", foreign_keys=[user_id])
    read_by = db.relationship("User", foreign_keys=[read_by_id])
    signed_by = db.relationship("User", foreign_keys=[signed_by_id])

    @property
    def kind(self):
        return "enterprise" if self.enterprise_id else "department" if self.department_id else "user"

    @property
    def name(self):
        thing = self.enterprise or self.department
        return thing.name if thing is not None else self.user.display_name


class MeetingCase(db.Model):
    """A case the meeting discussed (optional, several)."""
    __tablename__ = "meeting_case"
    __table_args__ = (db.UniqueConstraint("meeting_id", "case_id", name="uq_meeting_case"),)
    id = db.Column(db.Integer, primary_key=True)
    meeting_id = db.Column(db.Integer, db.ForeignKey("meeting.id"), nullable=False, index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)


class MeetingAction(db.Model):
    """An action item (问题清单 / 督办事项) the meeting decided: what, whose (an enterprise, a department or a staff
    user), by when; open → done (by its owner, with a note) or cancelled (by the organisers, with a note)."""
    __tablename__ = "meeting_action"
    __table_args__ = (
        db.CheckConstraint("(CASE WHEN owner_enterprise_id IS NULL THEN 0 ELSE 1 END + CASE WHEN owner_department_id "
                           "IS NULL THEN 0 ELSE 1 END + CASE WHEN owner_user_id IS NULL THEN 0 ELSE 1 END) = 1",
                           name="one_owner"),
    )
    id = db.Column(db.Integer, primary_key=True)
    meeting_id = db.Column(db.Integer, db.ForeignKey("meeting.id"), nullable=False, index=True)
    text = db.Column(db.Text, nullable=False)
    owner_enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprise.id"), index=True)
    owner_department_id = db.Column(db.Integer, db.ForeignKey("department.id"), index=True)
    owner_user_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), index=True)
    # As written: a day, or working days counted from the meeting's day; `due_on` is the day either makes.
    due_workdays = db.Column(db.Integer)
    due_on = db.Column(db.Date, nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False, default="open", index=True)  # a key of ACTION_STATUSES
    note = db.Column(db.Text, nullable=False, default="")  # what was done, or why it was cancelled
    closed_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"))
    closed_at = db.Column(UTCDateTime)
    urged_at = db.Column(UTCDateTime)  # the one urging once it was overdue
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)

    meeting = db.relationship("Meeting")
    owner_enterprise = db.relationship("Enterprise")
    owner_department = db.relationship("Department")
    owner_user = db.relationship("User", foreign_keys=[owner_user_id])
    closed_by = db.relationship("User", foreign_keys=[closed_by_id])
    created_by = db.relationship("User", foreign_keys=[created_by_id])

    @property
    def owner_kind(self):
        return "enterprise" if self.owner_enterprise_id else "department" if self.owner_department_id else "user"

    @property
    def owner_name(self):
        thing = self.owner_enterprise or self.owner_department
        return thing.name if thing is not None else self.owner_user.display_name
