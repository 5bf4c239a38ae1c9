"""The non-cooperation report of one enterprise (不配合情况报告, seed 000 line 784: 对未按要求履行配合义务的企业，汇总具体
表现并报送监管部门…包含问题描述、发生时间、处理建议), drawn from what the system already holds over a period:
commitments of the contact log broken, or past their day and not settled; refusals recorded in the log; rectification
urgings (催办) that did not bring the rectification — the key-supervision entries opened in the period and the bureau's
notices left unsigned past their deadline —; the months classed C by the cooperation score; the cases past their
rectification deadline now; the enforcement referrals of the period. The suggestion (处理建议) follows from those facts
by the rule in `suggestions`; the bureau decides.

Printed by the staff who read the enterprise's log (services/liaisons.py); the PDF: web/noncooperation_pdf.py."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..clock import SHANGHAI, clock, start_of_local_day
from ..errors import ValidationFailed
from ..models import (BureauNotice, BureauNoticeRecipient, ContactCommitment, ContactEntry, CooperationScore,
                      EnforcementReferral, HazardCase, KeySupervisionEntry)
from . import liaisons
from .field_rules import parse_date, raise_if

DEFAULT_DAYS = 180
MAX_DAYS = 3 * 366


@dataclass
class Report:
    enterprise: object
    since: date
    until: date
    assignment: object = None
    contacts: int = 0
    last_contact: object = None
    broken: list = field(default_factory=list)  # commitments marked broken, due in the period
    lapsed: list = field(default_factory=list)  # open commitments past their day (due in the period)
    refusals: list = field(default_factory=list)  # contact entries recording a refusal
    c_months: list = field(default_factory=list)  # CooperationScore rows of class C
    urgings: list = field(default_factory=list)  # KeySupervisionEntry rows opened in the period
    unsigned_notices: list = field(default_factory=list)  # BureauNoticeRecipient rows unsigned past the deadline
    overdue_cases: list = field(default_factory=list)  # open cases past their rectification deadline now
    referrals: list = field(default_factory=list)  # EnforcementReferral rows of the period

    @property
    def findings(self):
        return (len(self.broken) + len(self.lapsed) + len(self.refusals) + len(self.c_months) + len(self.urgings)
                + len(self.unsigned_notices) + len(self.overdue_cases) + len(self.referrals))


def period(since_text, until_text):
    """(since, until) from the query's dates; by default the last DEFAULT_DAYS days to today. ValidationFailed names
    a wrong one."""
    errors = {}
    today = clock.local_now().date()
    until = parse_date(until_text, "until", errors) or today
    since = parse_date(since_text, "since", errors)
    raise_if(errors)
    since = since or until - timedelta(days=DEFAULT_DAYS)
    if since > until:
        raise ValidationFailed("起始日期不能晚于截止日期 / the period starts after it ends",
                               fields={"since": "起始日期不能晚于截止日期 / the period starts after it ends"})
    if (until - since).days > MAX_DAYS:
        raise ValidationFailed("报告期最长三年 / at most three years",
                               fields={"since": "报告期最长三年 / at most three years"})
    return since, until


def build(session, user, enterprise_id, since, until):
    enterprise = liaisons.get_enterprise(session, user, enterprise_id)
    start, end = start_of_local_day(since), start_of_local_day(until + timedelta(days=1))
    report = Report(enterprise, since, until, assignment=liaisons.current(session, enterprise.id))
    entries = session.query(ContactEntry).filter(ContactEntry.enterprise_id == enterprise.id,
                                                 ContactEntry.contacted_at >= start, ContactEntry.contacted_at < end) \
        .order_by(ContactEntry.contacted_at).all()
    report.contacts = len(entries)
    report.last_contact = entries[-1].contacted_at if entries else None
    report.refusals = [e for e in entries if e.refused]
    today = clock.local_now().date()
    commitments = session.query(ContactCommitment).filter(
        ContactCommitment.enterprise_id == enterprise.id, ContactCommitment.due_on >= since,
        ContactCommitment.due_on <= until).order_by(ContactCommitment.due_on, ContactCommitment.id).all()
    report.broken = [c for c in commitments if c.status == "broken"]
    report.lapsed = [c for c in commitments if c.status == "open" and c.due_on < today]
    report.c_months = session.query(CooperationScore).filter(
        CooperationScore.enterprise_id == enterprise.id, CooperationScore.cooperation_class == "C",
        CooperationScore.month >= since.replace(day=1), CooperationScore.month <= until) \
        .order_by(CooperationScore.month).all()
    report.urgings = session.query(KeySupervisionEntry).filter(
        KeySupervisionEntry.enterprise_id == enterprise.id, KeySupervisionEntry.since >= start,
        KeySupervisionEntry.since < end).order_by(KeySupervisionEntry.since).all()
    now = clock.now()
    report.unsigned_notices = session.query(BureauNoticeRecipient).join(BureauNotice).filter(
        BureauNoticeRecipient.enterprise_id == enterprise.id, BureauNoticeRecipient.signed_at.is_(None),
        BureauNotice.status == "published", BureauNotice.sign_due_at < now, BureauNotice.sign_due_at >= start,
        BureauNotice.sign_due_at < end).order_by(BureauNotice.sign_due_at).all()
    report.overdue_cases = session.query(HazardCase).filter(
        HazardCase.enterprise_id == enterprise.id, HazardCase.status != "closed",
        HazardCase.rectification_due < now).order_by(HazardCase.rectification_due).all()
    report.referrals = session.query(EnforcementReferral).filter(
        EnforcementReferral.enterprise_id == enterprise.id, EnforcementReferral.referred_at >= start,
        EnforcementReferral.referred_at < end).order_by(EnforcementReferral.referred_at).all()
    return report


def _consecutive(months):
    """The longest run of consecutive calendar months among `months` (first days)."""
    best = run = 0
    previous = None
    for month in sorted(months):
        following = previous and (previous.replace(day=28) + timedelta(days=4)).replace(day=1)
        run = run + 1 if previous and month == following else 1
        best, previous = max(best, run), month
    return best


def suggestions(report):
    """The codes of the handling the facts suggest, strongest first (the PDF words them): "enforcement" — propose the
    enterprise for the bureau's enforcement inspection (集中执法检查, seed 001 line 44) after a refusal, a referral,
    class C two months running, or overdue cases despite urging; "interview" — the liaison and a project lead meet the
    enterprise's head (约谈) over broken commitments or a class C month; "urge" — urge the overdue cases and unsigned
    notices in writing; "none" — nothing found."""
    found = []
    if report.refusals or report.referrals or _consecutive([r.month for r in report.c_months]) >= 2 \
            or (report.overdue_cases and report.urgings):
        found.append("enforcement")
    if report.broken or report.lapsed or report.c_months:
        found.append("interview")
    if report.overdue_cases or report.unsigned_notices:
        found.append("urge")
    return found or ["none"]


def local_day(moment):
    return moment.astimezone(SHANGHAI).date() if moment else None
