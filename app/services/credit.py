"""The annual safety credit evaluation of each enterprise (企业信用评价 / 信用扣分; seed 000 L493 “纳入年度安全考核体系，作为企业
信用评价的重要参考依据”, L549 “纳入信用记录…信用扣分将直接影响企业在辉县市其他政府采购项目中的资格评审”).

The seeds say that the credit record is kept and that points are deducted, not how many. The points, the weight of the
cooperation scores and the grade thresholds below are the contractor's proposal, open to the bureau: constants here,
shown on the pages and stored with each confirmed year (CreditYear.rules).

    score = 100 (BASE_SCORE)
            + the points of the year's credit-record entries (CREDIT_POINTS: negative = a deduction)
            + COOPERATION_WEIGHT × (the year's average monthly cooperation score − COOPERATION_PIVOT)
    rounded to 0.1 and kept within 0-100; no month scored: the cooperation part is 0.
    grade: A from 90, B from 75, C from 60, D below (GRADE_THRESHOLDS).

With the weight 0.25 around the pass mark 60 the cooperation part runs from −15 (an average of 0) to +10 (100): a
cooperative enterprise makes up one interview (−5), an uncooperative one loses a grade without any record.
The year is the Shanghai calendar year: an entry belongs to the year of its moment in Shanghai time, a monthly score
to its month's year. Which months and records count, and freezing a closed year: services/credit_years.py."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import false, or_, select, true

from ..clock import clock, start_of_local_day
from ..errors import ValidationFailed
from ..models import Enterprise
from .access import covered_townships
from .cooperation import PASS_MARK

# Points of each kind of credit-record entry (models/credit.py CREDIT_RECORD_KINDS; a test checks that every kind
# the code writes has its points here). Negative: a deduction. A positive kind (a commendation) would carry
# positive points; none is written yet.
CREDIT_POINTS = {
    "enforcement_referral": -10,  # 移送执法: still not rectified after the grace period (services/sla.py)
    "interview": -5,  # 整改不力约谈 after a supervision check (services/rectification_checks.py)
    "enforcement_penalty": -15,  # 行政处罚 decided by enforcement (services/enforcement.py)
}
BASE_SCORE = 100
COOPERATION_PIVOT = PASS_MARK  # 60, the cooperation scores' pass mark (合格线): neither adds nor takes off
COOPERATION_WEIGHT = 0.25  # credit points per cooperation point above or below the pivot
GRADE_THRESHOLDS = (("A", 90), ("B", 75), ("C", 60))  # the least score of each grade; below the last: D
GRADES = ("A", "B", "C", "D")
# 最佳配合企业 (services/credit_awards.py)
AWARD_SIZE = 10  # the top places; equal averages share a place, so a tie at the last place lengthens the list
AWARD_MIN_MONTHS = 6  # months scored in the year to be considered: one good month is not a year's cooperation

READERS = ("bureau", "manager", "project_lead", "quality", "admin")  # every enterprise
CONFIRMERS = ("bureau",)
FIRST_YEAR = 2000
_YEAR = re.compile(r"^\d{4}$")


# ---- who ---------------------------------------------------------------------------------------------------------
def reads_all(user):
    return user.has_role(*READERS)


def own_enterprise(user):
    return user.enterprise_id if "enterprise" in user.roles and user.enterprise_id else None


def may_read(user):
    """The readers see the county, a township office its area, enterprise staff their own enterprise."""
    return reads_all(user) or "township" in user.roles or own_enterprise(user) is not None


def may_confirm(user):
    return user.has_role(*CONFIRMERS)


def enterprise_scope(user, column):
    """SQL condition on an enterprise id `column`: every enterprise for the readers, the covered townships' for a
    township office, the own one for enterprise staff (a reader role wins over an area role held with it)."""
    if reads_all(user):
        return true()
    parts = []
    if own_enterprise(user) is not None:
        parts.append(column == own_enterprise(user))
    townships = covered_townships(user)
    if townships:
        parts.append(column.in_(select(Enterprise.id).where(Enterprise.township.in_(townships))))
    return or_(*parts) if parts else false()


# ---- the year ----------------------------------------------------------------------------------------------------
def current_year():
    return clock.local_now().year


def parse_year(text, default=None):
    """A four-digit year from 2000 to the current one (Shanghai); empty: `default` (the current year when None)."""
    raw = "" if text is None else str(text).strip()
    if not raw:
        return current_year() if default is None else default
    if not _YEAR.match(raw) or not FIRST_YEAR <= int(raw) <= current_year():
        raise ValidationFailed(f"年度应为 {FIRST_YEAR} 至 {current_year()} 之间的四位数字 / the year must be a four-digit "
                               f"year from {FIRST_YEAR} to {current_year()}: {raw[:20]}",
                               {"year": f"年度应为 {FIRST_YEAR}–{current_year()} / the year must be {FIRST_YEAR}–"
                                        f"{current_year()}"})
    return int(raw)


def is_over(year):
    """The year ended in Shanghai: it may be confirmed."""
    return year < current_year()


def year_bounds(year):
    """[first moment, first moment of the next year) in Shanghai time, as aware datetimes."""
    return start_of_local_day(date(year, 1, 1)), start_of_local_day(date(year + 1, 1, 1))


def month_bounds(year):
    """The first and the last month (their first days) of the year, as CooperationScore.month stores them."""
    return date(year, 1, 1), date(year, 12, 1)


# ---- the formula -------------------------------------------------------------------------------------------------
def points_of(kind):
    """The points of a kind of entry; a kind not in the table (none is written: the test) counts 0."""
    return CREDIT_POINTS.get(kind, 0)


def cooperation_points(average):
    return 0.0 if average is None else round(COOPERATION_WEIGHT * (average - COOPERATION_PIVOT), 1)


def score_of(deductions, additions, average):
    return max(0.0, min(100.0, round(BASE_SCORE - deductions + additions + cooperation_points(average), 1)))


def grade_of(score):
    return next((name for name, least in GRADE_THRESHOLDS if score >= least), "D")


def rules():
    """The rules as stored with a confirmed year."""
    return {"points": dict(CREDIT_POINTS), "base": BASE_SCORE, "cooperation_pivot": COOPERATION_PIVOT,
            "cooperation_weight": COOPERATION_WEIGHT, "grades": [list(pair) for pair in GRADE_THRESHOLDS],
            "award_size": AWARD_SIZE, "award_min_months": AWARD_MIN_MONTHS}


@dataclass
class Evaluation:
    """One enterprise's evaluation of a year: computed now (provisional) or read from its confirmed row."""
    year: int
    enterprise: Enterprise
    records: list = field(default_factory=list)  # [{id, kind, points, created_at (aware), case_id, note}], oldest first
    months: dict = field(default_factory=dict)  # {"YYYY-MM": score}
    deductions: int = 0
    additions: int = 0
    cooperation_average: float = None
    cooperation_points: float = 0.0
    score: float = float(BASE_SCORE)
    grade: str = "A"
    confirmed: bool = False
    award_place: int = None

    @property
    def cooperation_months(self):
        return len(self.months)


def evaluate(year, enterprise, records, months):
    """The evaluation from the year's entries and monthly scores (the formula above)."""
    entries = [dict(entry, points=points_of(entry["kind"])) for entry in records]
    deductions = -sum(e["points"] for e in entries if e["points"] < 0)
    additions = sum(e["points"] for e in entries if e["points"] > 0)
    average = round(sum(months.values()) / len(months), 1) if months else None
    score = score_of(deductions, additions, average)
    return Evaluation(year=year, enterprise=enterprise, records=entries, months=dict(sorted(months.items())),
                      deductions=deductions, additions=additions, cooperation_average=average,
                      cooperation_points=cooperation_points(average), score=score, grade=grade_of(score))


def stored(row):
    """An Evaluation from a confirmed row (its JSON moments back to aware datetimes)."""
    records = [dict(r, created_at=datetime.fromisoformat(r["created_at"])) for r in row.records]
    return Evaluation(year=row.year, enterprise=row.enterprise, records=records, months=dict(row.months),
                      deductions=row.deductions, additions=row.additions,
                      cooperation_average=row.cooperation_average, cooperation_points=row.cooperation_points,
                      score=row.score, grade=row.grade, confirmed=True, award_place=row.award_place)
