"""The online initial review of a rectification (线上初审, seed 000: 审核人员在收到申请后 48 小时内组织线上初审，必要时
安排现场复核…初审主要审查资料完整性与逻辑一致性): one record per case and verification round, opened when the round's
verification task(s) open, due 48 clock hours later, with every review and every supplement of the enterprise kept
as an entry (history)."""
from ..extensions import db
from .types import UTCDateTime

# What the reviewers concluded (a review entry's `conclusion`).
REVIEW_CONCLUSIONS = {
    "passed": ("通过初审（无需现场复核）", "Passed (no site re-check needed)"),
    "site_check": ("通过初审，安排现场复核", "Passed, site re-check planned"),
    "returned": ("资料不全，退回补正", "Incomplete: returned for supplements"),
}
# Where the record stands: awaiting a review (pending), one of the conclusions, or the enterprise's supplement
# awaiting a new review (resubmitted).
REVIEW_STATUSES = {
    "pending": ("待初审", "Awaiting review"),
    "passed": REVIEW_CONCLUSIONS["passed"],
    "site_check": REVIEW_CONCLUSIONS["site_check"],
    "returned": ("已退回补正，待企业补正", "Returned: awaiting supplements"),
    "resubmitted": ("企业已补正，待重新初审", "Supplemented: awaiting a new review"),
}
ENTRY_KINDS = {"review": ("初审", "Review"), "supplement": ("补正材料", "Supplement")}


class InitialReview(db.Model):
    """A case's initial review for one verification round; kept beside the case (never on the row every process
    step writes), as the major hazards' records are."""
    __tablename__ = "initial_review"
    __table_args__ = (db.UniqueConstraint("case_id", "round"),)
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("hazard_case.id"), nullable=False, index=True)
    round = db.Column(db.Integer, nullable=False)  # the case's round whose verification it precedes
    opened_at = db.Column(UTCDateTime, nullable=False)  # when the round's verification task(s) opened
    due_at = db.Column(UTCDateTime, nullable=False, index=True)  # opened_at + 48 clock hours
    roles = db.Column(db.JSON, nullable=False)  # the roles of the round's verification tasks: who reviews
    status = db.Column(db.String(12), nullable=False, default="pending")  # a key of REVIEW_STATUSES
    first_reviewed_at = db.Column(UTCDateTime)  # the first review: on time when not after due_at
    escalated_at = db.Column(UTCDateTime)  # the one escalation when 48 hours passed without a review

    case = db.relationship("HazardCase")
    entries = db.relationship("InitialReviewEntry", order_by="InitialReviewEntry.id", back_populates="review")

    @property
    def latest_review(self):
        reviews = [e for e in self.entries if e.kind == "review"]
        return reviews[-1] if reviews else None


class InitialReviewEntry(db.Model):
    """One review (完整性、一致性、结论) or one supplement of the enterprise (补正材料: note and files), in order."""
    __tablename__ = "initial_review_entry"
    id = db.Column(db.Integer, primary_key=True)
    review_id = db.Column(db.Integer, db.ForeignKey("initial_review.id"), nullable=False, index=True)
    kind = db.Column(db.String(12), nullable=False)  # a key of ENTRY_KINDS
    created_at = db.Column(UTCDateTime, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("app_user.id"), nullable=False)
    # a review
    materials_complete = db.Column(db.Boolean)  # 资料完整性
    missing_items = db.Column(db.Text)  # what is missing (required when incomplete)
    consistent = db.Column(db.Boolean)  # 逻辑一致性
    consistency_note = db.Column(db.Text)  # required when inconsistent
    conclusion = db.Column(db.String(12))  # a key of REVIEW_CONCLUSIONS
    site_check_on = db.Column(db.Date)  # the planned site re-check (site_check only)
    site_checkers = db.Column(db.Text)  # who goes, as typed
    site_checker_ids = db.Column(db.JSON)  # and/or users of the verifying roles
    # a supplement (and a review's free note)
    note = db.Column(db.Text)
    files = db.Column(db.JSON)  # public ids of attachments put on the case (field initial_review_supplement)

    review = db.relationship("InitialReview", back_populates="entries")
    created_by = db.relationship("User")
