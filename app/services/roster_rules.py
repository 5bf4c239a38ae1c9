"""The hours and certificate dates the training register (services/roster.py) is checked against, and the check
itself (达标情况): per person what they must have and what they lack, per enterprise the share of its present people
who have everything.

《生产经营单位安全培训规定》(原国家安全生产监督管理总局令第3号, as amended by 令第63号 and 第80号):
- 第九条: 主要负责人和安全生产管理人员 初次安全培训 ≥ 32 学时, 每年再培训 ≥ 12 学时; 煤矿、非煤矿山、危险化学品、烟花爆竹、
  金属冶炼等生产经营单位的 ≥ 48 and ≥ 16.
- 第十三条: 新上岗的从业人员 岗前安全培训 ≥ 24 学时; 煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼等生产经营单位的
  ≥ 72 学时, 每年再培训 ≥ 20 学时. The 20 hours stand in that sentence only, so other industries' employees have no
  statutory yearly number here (GENERAL_EMPLOYEE_ANNUAL_HOURS; the owner may set one).
《特种作业人员安全技术培训考核管理规定》(原国家安监总局令第30号): 第二十一条 特种作业操作证有效期为6年; 第二十二条 每3年复审1次
(第二十三条 lets some extend that to 6 years: the stored review date is what counts, the 3 years only fill it in).

Choices of ours (README "从业人员安全培训台账"): all of a calendar year's trainings count towards its yearly hours;
nobody owes yearly hours in the year they were hired; special-operations workers and other employees owe the pre-job
education as the newly employed do (every employee was new once)."""
from dataclasses import dataclass, field
from datetime import timedelta

from .field_rules import years_later_less_a_day

# 第九条
MANAGER_INITIAL_HOURS = {"general": 32, "high_risk": 48}
MANAGER_ANNUAL_HOURS = {"general": 12, "high_risk": 16}
# 第十三条
PRE_JOB_HOURS = {"general": 24, "high_risk": 72}
EMPLOYEE_ANNUAL_HOURS = {"general": None, "high_risk": 20}
GENERAL_EMPLOYEE_ANNUAL_HOURS = EMPLOYEE_ANNUAL_HOURS["general"]
# 令第30号 第二十一条, 第二十二条
CERTIFICATE_VALID_YEARS = 6
CERTIFICATE_REVIEW_YEARS = 3
CERTIFICATE_WARN_DAYS = 60  # the compliance view's "expiring"
CERTIFICATE_NOTICE_DAYS = 30  # the enterprise is told this many days before (services/roster_expiry.py)

# The register's industry is free text: a word it contains puts the enterprise among 第九条 / 第十三条's 煤矿、非煤矿山、
# 危险化学品、烟花爆竹、金属冶炼 industries (the same approach as document_completeness.LICENSED_INDUSTRIES).
HIGH_RISK_WORDS = ("危险化学品", "危化", "化工", "矿山", "煤矿", "非煤", "采矿", "采石", "尾矿", "烟花爆竹", "金属冶炼", "冶炼",
                   "钢铁", "炼钢", "炼铁", "有色金属")
INDUSTRY_CLASSES = {
    "general": ("一般行业", "General industry"),
    "high_risk": ("高危行业（矿山、危险化学品、烟花爆竹、金属冶炼等）",
                  "High-risk industry (mining, hazardous chemicals, fireworks, metal smelting …)"),
}
CERTIFICATE_STATES = {
    "valid": ("有效", "Valid"),
    "expiring": ("60天内到期", "Expires within 60 days"),
    "expired": ("已过期", "Expired"),
    "missing": ("未登记操作证", "No certificate recorded"),
}
MANAGERS = ("principal", "safety_manager")


def industry_class(industry):
    text = industry or ""
    return "high_risk" if any(word in text for word in HIGH_RISK_WORDS) else "general"


def certificate_dates(issued_on, review_due=None, expires_on=None):
    """(review due, expires on) with what is not given filled in from the issue date."""
    if issued_on is None:
        return review_due, expires_on
    return (review_due or years_later_less_a_day(issued_on, CERTIFICATE_REVIEW_YEARS),
            expires_on or years_later_less_a_day(issued_on, CERTIFICATE_VALID_YEARS))


def certificate_state(person, day):
    """A key of CERTIFICATE_STATES for a special-operations worker, None for anyone else."""
    if person.category != "special_worker":
        return None
    if not person.certificate_number or person.certificate_expires_on is None:
        return "missing"
    if person.certificate_expires_on < day:
        return "expired"
    return "expiring" if person.certificate_expires_on <= day + timedelta(days=CERTIFICATE_WARN_DAYS) else "valid"


def requirements(category, klass):
    """(initial training kind, its hours, yearly hours or None) a person of the category owes."""
    if category in MANAGERS:
        return "initial", MANAGER_INITIAL_HOURS[klass], MANAGER_ANNUAL_HOURS[klass]
    return "pre_job", PRE_JOB_HOURS[klass], EMPLOYEE_ANNUAL_HOURS[klass]


@dataclass
class PersonStatus:
    person: object
    initial_kind: str
    initial_required: float
    initial_hours: float
    annual_required: float  # None: no yearly number owed (this year)
    year_hours: float
    certificate: str  # a key of CERTIFICATE_STATES, None when not a special-operations worker
    problems: list = field(default_factory=list)  # codes of PROBLEMS

    @property
    def compliant(self):
        return not self.problems


PROBLEMS = {
    "initial_missing": ("初次/岗前培训学时不足", "Initial / pre-job training hours short"),
    "annual_short": ("本年度再培训学时不足", "This year's refresher hours short"),
    "certificate_expired": ("特种作业操作证已过期", "Special-operations certificate expired"),
    "certificate_expiring": ("特种作业操作证60天内到期", "Special-operations certificate expires within 60 days"),
    "certificate_missing": ("未登记特种作业操作证", "No special-operations certificate recorded"),
}


def person_status(person, trainings, klass, day):
    """What the person owes and lacks on `day` (a Shanghai date), from their trainings."""
    kind, initial_required, annual = requirements(person.category, klass)
    initial_hours = sum(t.hours for t in trainings if t.kind == kind)
    year_hours = sum(t.hours for t in trainings if t.trained_on.year == day.year and t.trained_on <= day)
    if person.hired_on is not None and person.hired_on.year == day.year:
        annual = None
    status = PersonStatus(person, kind, initial_required, round(initial_hours, 1), annual, round(year_hours, 1),
                          certificate_state(person, day))
    if initial_hours < initial_required:
        status.problems.append("initial_missing")
    if annual is not None and year_hours < annual:
        status.problems.append("annual_short")
    if status.certificate in ("expired", "expiring", "missing"):
        status.problems.append(f"certificate_{status.certificate}")
    return status


@dataclass
class RosterCompliance:
    industry_class: str
    people: list  # [PersonStatus] of the people still there
    expired_certificates: int

    @property
    def compliant(self):
        return sum(1 for s in self.people if s.compliant)

    @property
    def share(self):
        """Per cent of the present people with everything, one decimal; None with nobody on the register."""
        return round(100 * self.compliant / len(self.people), 1) if self.people else None


def compliance(enterprise, people, trainings_by_person, day):
    klass = industry_class(enterprise.industry)
    statuses = [person_status(p, trainings_by_person.get(p.id, []), klass, day) for p in people if not p.has_left]
    expired = sum(1 for s in statuses if s.certificate == "expired")
    return RosterCompliance(klass, statuses, expired)
