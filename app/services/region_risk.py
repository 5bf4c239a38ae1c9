"""Regional risk levels (区域安全风险分级): each township / park of the register graded red, orange, yellow or blue
from what the system holds, with the inspection frequency each level asks for and the changes recorded.

The tender (seed 000, 区域安全风险等级划分原则) asks for a quantitative, four-level grading that follows accident
history, rectification performance and the hazards found, with red areas inspected at least quarterly and blue
ones by yearly spot checks, and for the system to record why a level changed. The score below is that grading made
explicit; its weights and thresholds are the county's to adjust here (the page shows them).

Points of an area = Σ over its enterprises of
  open hazards:           一般 1, 较大 3, 重大 10, 特别重大 20 each
  overdue open hazards:   5 each (rectification deadline passed)
  accidents in 3 years:   一般 10, 较大 30, 重大 and 特别重大 60 each
  major hazard sources:   5 per enterprise that has them (structured or in the old text: hazard_source_presence)
  a low closing rate:     1 per enterprise when fewer than 80 % of the area's hazards registered in the last 12
                          months are closed (2 below 60 %; none with fewer than 5 hazards, too few to judge)
Score = points per enterprise of the area (so that a big township is not red for its size alone); red from 6,
orange from 3, yellow from 1, else blue.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import case, func, select

from ..clock import clock
from ..models import AccidentRecord, Enterprise, HazardCase, RegionRiskChange
from . import notifications
from .hazard_source_presence import enterprises_with_sources
from .inspection_priority import three_years_before
from .inspections import last_inspected

LEVELS = ("red", "orange", "yellow", "blue")
THRESHOLDS = {"red": 6, "orange": 3, "yellow": 1}  # the least score (points per enterprise) of each level
# Days between inspections of each enterprise of an area, by its level: red quarterly and blue yearly (the
# tender's examples), orange half-yearly, yellow yearly.
INSPECTION_DAYS = {"red": 90, "orange": 180, "yellow": 365, "blue": 365}
OPEN_WEIGHTS = {"general": 1, "larger": 3, "major": 10, "especially_major": 20}
OVERDUE_WEIGHT = 5
ACCIDENT_WEIGHTS = {"general": 10, "larger": 30, "major": 60, "especially_major": 60}
HAZARD_SOURCE_WEIGHT = 5
RATE_PENALTIES = ((60, 2), (80, 1))  # (closed % below which, points per enterprise of the area)
RATE_MIN_CASES = 5
NO_TOWNSHIP = ""  # enterprises without a township form an area of their own


@dataclass
class Area:
    township: str
    enterprises: int = 0
    factors: dict = field(default_factory=dict)  # factor code: points (only those that scored)
    score: float = 0.0  # points per enterprise
    level: str = "blue"
    closed_rate: float = None  # % of the last 12 months' hazards that are closed
    due_inspection: list = field(default_factory=list)  # enterprises not inspected within the level's interval

    @property
    def inspection_days(self):
        return INSPECTION_DAYS[self.level]


def level_of(score):
    return next((level for level in ("red", "orange", "yellow") if score >= THRESHOLDS[level]), "blue")


def grade_areas(session):
    """[Area] of every township / park on the register, the riskiest first."""
    now = clock.now()
    enterprises = session.query(Enterprise).all()
    areas = {}
    township_of = {}
    with_sources = enterprises_with_sources(session)
    for enterprise in enterprises:
        area = areas.setdefault(enterprise.township or NO_TOWNSHIP, Area(enterprise.township or NO_TOWNSHIP))
        area.enterprises += 1
        township_of[enterprise.id] = area.township
        if enterprise.id in with_sources:
            _add(area, "major_hazard_sources", HAZARD_SOURCE_WEIGHT)

    # Counted by the database per enterprise (a county has 100,000s of cases), then summed per area here.
    overdue = func.sum(case((HazardCase.rectification_due < now, 1), else_=0))
    for enterprise_id, grade, count, late in session.query(
            HazardCase.enterprise_id, HazardCase.grade, func.count(HazardCase.id), overdue) \
            .filter(HazardCase.status != "closed").group_by(HazardCase.enterprise_id, HazardCase.grade):
        area = areas[township_of[enterprise_id]]
        _add(area, "open_hazards", OPEN_WEIGHTS.get(grade, 1) * count)
        if late:
            _add(area, "overdue_hazards", OVERDUE_WEIGHT * int(late))

    since = three_years_before(clock.local_now().date())
    for enterprise_id, level in session.query(AccidentRecord.enterprise_id, AccidentRecord.level) \
            .filter(AccidentRecord.occurred_on >= since):
        _add(areas[township_of[enterprise_id]], "accidents", ACCIDENT_WEIGHTS.get(level, 10))

    year_ago = now - timedelta(days=365)
    counts = {}
    closed = func.sum(case((HazardCase.status == "closed", 1), else_=0))
    for enterprise_id, registered, done in session.query(HazardCase.enterprise_id, func.count(HazardCase.id), closed) \
            .filter(HazardCase.registered_at >= year_ago).group_by(HazardCase.enterprise_id):
        total, closed_so_far = counts.get(township_of[enterprise_id], (0, 0))
        counts[township_of[enterprise_id]] = (total + registered, closed_so_far + int(done or 0))
    for township, (total, done) in counts.items():
        area = areas[township]
        area.closed_rate = round(100 * done / total, 1)
        if total >= RATE_MIN_CASES:
            penalty = next((points for below, points in RATE_PENALTIES if area.closed_rate < below), 0)
            if penalty:
                _add(area, "low_closed_rate", penalty * area.enterprises)

    for area in areas.values():
        area.score = round(sum(area.factors.values()) / area.enterprises, 1)  # an area has ≥ 1 enterprise
        area.level = level_of(area.score)
    _due_inspections(session, enterprises, areas, township_of)
    return sorted(areas.values(), key=lambda a: (-a.score, a.township))


def _add(area, factor, points):
    area.factors[factor] = area.factors.get(factor, 0) + points


def _due_inspections(session, enterprises, areas, township_of):
    """Each area's enterprises whose latest visit or hazard registration is older than its level's interval."""
    inspected = last_inspected(session)
    today = clock.local_now().date()
    for enterprise in sorted(enterprises, key=lambda e: e.name):
        area = areas[township_of[enterprise.id]]
        last = inspected.get(enterprise.id)
        if last is None or (today - last).days > INSPECTION_DAYS[area.level]:
            area.due_inspection.append((enterprise, last))


# ---- recording the changes ----------------------------------------------------------------------------------
LEVEL_NAMES = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}
FACTOR_NAMES = {"open_hazards": "未销号隐患", "overdue_hazards": "整改逾期隐患", "accidents": "近三年生产安全事故",
                "major_hazard_sources": "有重大危险源的企业", "low_closed_rate": "近12个月销号率偏低"}
NOTIFIED_ROLES = ("bureau", "project_lead")
NOTICE_KIND = "region_risk_raised"
NOTICE_QUIET_DAYS = 7


def record_changes(uow):
    """Grade every area; store a change for each whose level is not the one last stored (an area's first grading
    included) and notify the bureau and the project leads of each rise to orange or red. Returns the changes."""
    session = uow.session
    newest = select(func.max(RegionRiskChange.id)).group_by(RegionRiskChange.township)
    latest = {row.township: row for row in session.query(RegionRiskChange).filter(RegionRiskChange.id.in_(newest))}
    changes = []
    for area in grade_areas(session):
        last = latest.get(area.township)
        if last is not None and last.level_after == area.level:
            continue
        change = RegionRiskChange(township=area.township, sequence=last.sequence + 1 if last else 1,
                                  level_before=last.level_after if last else None, level_after=area.level,
                                  score=area.score, factors=dict(area.factors), changed_at=clock.now())
        session.add(change)
        changes.append(change)
    session.flush()
    for change in changes:
        if change.level_before is not None and _rank(change.level_after) < _rank(change.level_before) \
                and change.level_after in ("red", "orange") and not _recently_at(session, change):
            _notify(uow, change)
    return changes


def _recently_at(session, change):
    """Whether the area stood at this level or higher in the last NOTICE_QUIET_DAYS (before this change): an area
    hovering at a threshold is recorded at each crossing, but notified once."""
    since = clock.now() - timedelta(days=NOTICE_QUIET_DAYS)
    return session.query(RegionRiskChange.id).filter(
        RegionRiskChange.township == change.township, RegionRiskChange.id != change.id,
        RegionRiskChange.changed_at >= since,
        RegionRiskChange.level_after.in_(LEVELS[:_rank(change.level_after) + 1])).first() is not None


def change_log(session, township=None, limit=200):
    query = session.query(RegionRiskChange)
    if township is not None:
        query = query.filter(RegionRiskChange.township == township)
    return query.order_by(RegionRiskChange.changed_at.desc(), RegionRiskChange.id.desc()).limit(limit).all()


def reason_text(change):
    """Why, in words: the factors that scored, with their points."""
    parts = [f"{FACTOR_NAMES.get(code, code)} {points} 分" for code, points in
             sorted(change.factors.items(), key=lambda item: -item[1])]
    return f"每家企业平均 {change.score} 分：" + ("、".join(parts) if parts else "无风险因素")


def _rank(level):
    return LEVELS.index(level)


def _notify(uow, change):
    key = f"region-risk:{change.township}:{change.sequence}"  # one notice per recorded change, however often sent
    recipients = notifications.role_holders_without(uow, NOTIFIED_ROLES, key)
    area = change.township or "未填乡镇的企业"
    title = f"区域风险等级升为{LEVEL_NAMES[change.level_after]}：{area}"
    body = (f"{area}的安全风险等级由{LEVEL_NAMES[change.level_before]}升为{LEVEL_NAMES[change.level_after]}"
            f"（{reason_text(change)}）。按该等级，辖区企业应每 {INSPECTION_DAYS[change.level_after]} 天至少排查一次，"
            "请在重点排查名单和区域风险分级页面安排排查。")
    notifications.send(uow, recipients, NOTICE_KIND, title, body, key)
