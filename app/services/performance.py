"""Staff scorecards (绩效考核, seed 000 line 219: 对排查质量、整改跟进、客户满意度等指标进行量化评分; lines 923–927: 质量指标
权重不低于 30%，报告合格率、客户满意度、整改闭环率; lines 321–327: 督查结果纳入绩效考核): a monthly scorecard per member of
the field staff (inspectors, the project team, project leads), from what services/performance_signals.py counts.

Five figures, each scored 0–100, make the score as their weighted mean (config PERFORMANCE_WEIGHTS, validated at
start: whole points summing to 100, the three quality figures at least 30 together):
- workload (工作量): visits + verifications done, against PERFORMANCE_MONTHLY_WORKLOAD (full at or above it);
- accuracy (报告合格率, quality): registrations neither re-graded nor found wanting by a quality sample / registrations;
- timeliness (整改闭环, quality): verifications done by their deadline / verifications done;
- satisfaction (客户满意度, quality): the average rating (1–5) of the visits the member recorded, as 20 points a star;
- discipline (执行规范): visits without a check-in flag of the member's / visits.
A figure with nothing to count (no registrations, no verifications, no ratings, no visits) is left out and the others'
weights are scaled up to 100 — nobody gains or loses by what they had no occasion to do. Then points come off: each
不合格 supervision record of the month, each of them that also brought 通报批评 (on top), and each upheld complaint
about a visit of the member's (config PERFORMANCE_DEDUCT_*), and each quality incident notified (已通报) in the month
that held the member responsible with a measure other than 免予追责 (INCIDENT_POINTS by the incident's grade). The score is not below 0 and is shown to one decimal.

Who: project leads and quality supervisors read every scorecard and the ranking; every member of the field staff reads
their own scorecard (another's: NotAllowed); the bureau, managers and administrators read the ranking (the summary),
not the scorecards; enterprise staff: NotFound; other roles: NotAllowed."""
import re
from dataclasses import dataclass, field
from fractions import Fraction

from ..clock import clock
from ..errors import NotAllowed, NotFound
from ..models import User
from .field_rules import raise_if
from .performance_signals import FIELD_ROLES, Month, collect, field_staff

FULL_READERS = ("project_lead", "quality")
SUMMARY_READERS = ("bureau", "manager", "admin")
KEYS = ("workload", "accuracy", "timeliness", "satisfaction", "discipline")
# Points off per quality incident (质量事故) by its grade, in the month it was notified company-wide: the contractor's
# proposal (the seeds give no figure), between a failed supervision check (10) and twice that.
INCIDENT_POINTS = {"general": 5, "larger": 10, "major": 20}
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


# ---- who ---------------------------------------------------------------------------------------------------------
def reads_all(user):
    return user.has_role(*FULL_READERS)


def may_read_ranking(user):
    return user.has_role(*FULL_READERS, *SUMMARY_READERS)


def is_field_staff(user):
    return user.has_role(*FIELD_ROLES)


def may_open(user):
    """Anything of the scorecards: the ranking, or one's own scorecard."""
    return may_read_ranking(user) or is_field_staff(user)


def _refuse(user, message):
    if "enterprise" in user.roles and not may_open(user):
        raise NotFound("页面不存在 / not found")
    raise NotAllowed(message)


def check_may_read_ranking(user):
    if not may_read_ranking(user):
        _refuse(user, "绩效排名供项目负责人、质量监督专员、应急管理局、管理人员和系统管理员查看 / the ranking is for project "
                      "leads, quality supervisors, the bureau, managers and administrators")


def check_may_read_scorecard(user, staff_id):
    if reads_all(user) or (user.id == staff_id and is_field_staff(user)):
        return
    _refuse(user, "只能查看自己的绩效考核表 / you may read your own scorecard only")


# ---- the month ---------------------------------------------------------------------------------------------------
def read_month(value, today=None):
    """A month typed as 2026-11 (default: this month); not after this month; ValidationFailed names `month`."""
    today = today or clock.local_now().date()
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        return Month.of(today)
    match = _MONTH.fullmatch(text)
    month = Month(int(match.group(1)), int(match.group(2))) if match and 1 <= int(match.group(2)) <= 12 else None
    if month is None or month.year < 2000:
        raise_if({"month": "请填写月份，如 2026-11 / enter a month such as 2026-11"})
    if month.first > today:
        raise_if({"month": "不能选择未来的月份 / the month has not begun"})
    return month


# ---- scoring -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rules:
    weights: dict  # key -> points (sum 100)
    workload: int  # visits + verifications for a full workload figure
    failed_check: int  # points off per 不合格 supervision record
    criticism: int  # more points off when it brought 通报批评
    complaint: int  # points off per upheld complaint

    @classmethod
    def from_config(cls, config):
        return cls(dict(config["PERFORMANCE_WEIGHTS"]), config["PERFORMANCE_MONTHLY_WORKLOAD"],
                   config["PERFORMANCE_DEDUCT_FAILED_CHECK"], config["PERFORMANCE_DEDUCT_CRITICISM"],
                   config["PERFORMANCE_DEDUCT_COMPLAINT"])


@dataclass
class Part:
    key: str
    weight: int
    numerator: object  # a count, or the average rating for satisfaction
    denominator: int  # the count it is out of (the workload's target; the ratings for satisfaction)
    value: Fraction = None  # 0–100, None: nothing to count

    @property
    def points(self):
        return None if self.value is None else round(float(self.value), 1)


@dataclass
class Deduction:
    kind: str  # "failed_check", "criticism", "complaint", "incident"
    points: int
    record: object  # the StaffSupervision, ServiceComplaint or QualityIncident


@dataclass
class Scorecard:
    user: User
    month: Month
    signals: object  # performance_signals.Signals
    parts: dict  # key -> Part, in KEYS order
    deductions: list = field(default_factory=list)
    rank: int = None

    @property
    def weighted(self):
        """The weighted mean of the figures that have a value (their weights scaled up to 100), None without any."""
        counted = [p for p in self.parts.values() if p.value is not None and p.weight]
        total = sum(p.weight for p in counted)
        return sum(p.value * p.weight for p in counted) / total if total else None

    @property
    def deducted(self):
        return sum(d.points for d in self.deductions)

    @property
    def exact_score(self):
        weighted = self.weighted
        return None if weighted is None else max(Fraction(0), weighted - self.deducted)

    @property
    def score(self):
        exact = self.exact_score
        return None if exact is None else round(float(exact), 1)

    @property
    def quality_weight(self):
        return sum(self.parts[k].weight for k in ("accuracy", "timeliness", "satisfaction"))


def score(user, month, signals, rules):
    s = signals
    done = len(s.visits) + len(s.verifications)
    parts = {"workload": Part("workload", rules.weights["workload"], done, rules.workload,
                              min(Fraction(done, rules.workload), Fraction(1)) * 100)}
    parts["accuracy"] = _share("accuracy", rules, sum(1 for c in s.cases if c.clean), len(s.cases))
    parts["timeliness"] = _share("timeliness", rules, sum(1 for v in s.verifications if v.on_time),
                                 len(s.verifications))
    tally = s.satisfaction
    if tally is not None and tally.ratings:
        stars = Fraction(sum(tally.sums.values()), tally.ratings * len(tally.sums))
        parts["satisfaction"] = Part("satisfaction", rules.weights["satisfaction"], round(float(stars), 2),
                                     tally.ratings, stars * 20)
    else:
        parts["satisfaction"] = Part("satisfaction", rules.weights["satisfaction"], None, 0)
    parts["discipline"] = _share("discipline", rules, sum(1 for v in s.visits if not v.flags), len(s.visits))
    deductions = []
    for record in s.supervisions:
        if record.result == "fail":
            deductions.append(Deduction("failed_check", rules.failed_check, record))
            if "criticism" in (record.measures or []):
                deductions.append(Deduction("criticism", rules.criticism, record))
    deductions += [Deduction("complaint", rules.complaint, c) for c in s.complaints]
    deductions += [Deduction("incident", INCIDENT_POINTS[i.grade], i) for i in s.incidents]
    return Scorecard(user, month, signals, {k: parts[k] for k in KEYS}, deductions)


def _share(key, rules, numerator, denominator):
    value = Fraction(numerator, denominator) * 100 if denominator else None
    return Part(key, rules.weights[key], numerator, denominator, value)


# ---- reading -----------------------------------------------------------------------------------------------------
def ranking(session, user, month, rules):
    """Every field staff member's scorecard of the month, best first, ranked (equal scores share a rank)."""
    check_may_read_ranking(user)
    staff = field_staff(session)
    signals = collect(session, month, staff)
    cards = [score(member, month, signals[member.id], rules) for member in staff]
    cards.sort(key=lambda c: (c.exact_score is None, -(c.exact_score or 0), c.user.display_name, c.user.id))
    previous, rank = None, 0
    for position, card in enumerate(cards, start=1):
        if card.exact_score != previous:
            rank, previous = position, card.exact_score
        card.rank = rank
    return cards


def scorecard(session, user, staff_id, month, rules):
    """One member's scorecard of the month (NotFound: no such member of the field staff)."""
    check_may_read_scorecard(user, staff_id)
    staff = field_staff(session, [staff_id]) if isinstance(staff_id, int) else []
    if not staff:
        raise NotFound("没有这名排查人员 / no such member of the field staff")
    return score(staff[0], month, collect(session, month, staff)[staff_id], rules)
