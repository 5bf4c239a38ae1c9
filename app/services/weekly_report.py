"""The weekly briefing (整改进展周报): after a week (Monday to Sunday, Shanghai time) ends, managers, the bureau and
the project leads get one notice with the county's progress, each township / park safety office its own area's
(属地统计) — hazards registered (against the week before), cases closed (销号), what stood open and overdue when
the week ended, the most frequent hazard types — and the suggestions those figures call for, with a link to the
week's statistics. Queued for email / SMS / WeChat like any
notice; the hourly job delivers each week once, however often it runs or however late it starts again.

Unlike the monthly report (which follows the cases registered in its month), the briefing counts what happened
in the week: a case registered in October and closed this week counts as closed this week."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from ..clock import clock, start_of_local_day
from ..errors import NotFound, ProcessError
from ..models import HazardCase
from . import audit, notifications, report_area
from .hazards import REGISTRATION_FORM
from .processes import deployed_info, form_for
from .reports import MAJOR_GRADES

KIND = "weekly_report"
RECIPIENT_ROLES = ("manager", "bureau", "project_lead")
TOP_TYPES = 3
FOCUS_SHARE = 0.3  # a type with at least this share of a week's hazards (and 3 or more) calls for a campaign


def dedup_key(week_start):
    return f"week:{week_start.isoformat()}"


def period_of(key):
    """(Monday, Sunday) of the week a notice's dedup key names, or None for other notices."""
    if not key.startswith("week:"):
        return None
    start = date.fromisoformat(key.removeprefix("week:"))
    return start, start + timedelta(days=6)


def previous_week(today):
    """(Monday, Sunday) of the last whole week before `today`."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


@dataclass
class WeekFigures:
    start: date
    end: date
    registered: int = 0
    registered_week_before: int = 0
    closed: int = 0
    open_overdue: int = 0  # open when the week ended, past their rectification deadline by then
    open_major: int = 0  # 重大 / 特别重大 cases open when the week ended
    top_types: list = field(default_factory=list)  # [(hazard type code, cases registered this week)]


def compute(session, start, end, area=report_area.COUNTY):
    """The week's figures of `area` (services/report_area.py), counted by the database."""
    begin, finish = start_of_local_day(start), start_of_local_day(end + timedelta(days=1))
    week_before = start_of_local_day(start - timedelta(days=7))
    c = HazardCase
    in_area = area.condition(c.enterprise_id)
    open_at_end = and_(c.registered_at < finish, or_(c.closed_at.is_(None), c.closed_at >= finish))
    row = session.execute(select(
        func.count().filter(c.registered_at >= begin, c.registered_at < finish).label("registered"),
        func.count().filter(c.registered_at >= week_before, c.registered_at < begin).label("before"),
        func.count().filter(c.closed_at >= begin, c.closed_at < finish).label("closed"),
        func.count().filter(open_at_end, c.rectification_due < finish).label("overdue"),
        func.count().filter(open_at_end, c.grade.in_(MAJOR_GRADES)).label("major"),
    ).where(or_(c.registered_at < finish, c.closed_at >= begin), in_area)).one()
    types = session.execute(
        select(c.hazard_type, func.count().label("n"))
        .where(c.registered_at >= begin, c.registered_at < finish, in_area)
        .group_by(c.hazard_type).order_by(func.count().desc(), c.hazard_type).limit(TOP_TYPES)).all()
    return WeekFigures(start, end, row.registered, row.before, row.closed, row.overdue, row.major,
                       [(t.hazard_type, t.n) for t in types])


def suggestions(figures, type_names):
    """What the week's figures call for, in the words of the briefing (专项治理建议)."""
    advice = []
    if figures.top_types and figures.registered:
        code, count = figures.top_types[0]
        if count >= 3 and count / figures.registered >= FOCUS_SHARE:
            advice.append(f"「{type_names.get(code, code)}」类隐患占本周 {round(100 * count / figures.registered)}%，"
                          "建议开展该类隐患专项整治")
    if figures.open_overdue:
        advice.append(f"{figures.open_overdue} 件隐患逾期未整改，建议对相关企业下发督办通知，必要时移送执法")
    if figures.open_major:
        advice.append(f"尚有 {figures.open_major} 件重大隐患未销号，建议列入重点督办并跟踪整改")
    return advice


def body_of(figures, type_names):
    f = figures
    trend = "持平" if f.registered == f.registered_week_before else \
        ("增加" if f.registered > f.registered_week_before else "减少")
    text = (f"本周新登记隐患 {f.registered} 件（上周 {f.registered_week_before} 件，{trend}），完成整改销号 {f.closed} 件；"
            f"截至周末未销号且已逾期 {f.open_overdue} 件，未销号重大隐患 {f.open_major} 件。")
    if f.top_types:
        text += "高发类型：" + "、".join(f"{type_names.get(code, code)} {n} 件" for code, n in f.top_types) + "。"
    advice = suggestions(f, type_names)
    text += ("建议：" + "；".join(advice) + "。") if advice else "本周无需专项督办事项。"
    return text + f"详见统计报表 {f.start.isoformat()} 至 {f.end.isoformat()}。"


def deliver(uow):
    """Deliver last week's briefing to whoever has not had it; returns how many notices were created: the county's
    to managers, the bureau and the project leads, each township office's own area's to it (属地统计)."""
    start, end = previous_week(clock.local_now().date())
    key = dedup_key(start)
    type_names = {}
    groups = [(report_area.COUNTY, notifications.role_holders_without(uow, RECIPIENT_ROLES, key))]
    groups += [(report_area.of_townships(townships), recipients)
               for townships, recipients in notifications.township_offices_without(uow, key).items()]
    sent = 0
    for area, recipients in groups:
        if recipients:
            type_names = type_names or hazard_type_names(uow)
            sent += _deliver_area(uow, start, end, key, area, recipients, type_names)
    return sent


def _deliver_area(uow, start, end, key, area, recipients, type_names):
    figures = compute(uow.session, start, end, area)
    title = f"{area.name('')}隐患整改进展周报（{start:%Y年%m月%d日}至{end:%m月%d日}）"
    notifications.send(uow, recipients, KIND, title, body_of(figures, type_names), key)
    details = {"week": start.isoformat(), "recipients": len(recipients), "registered": figures.registered,
               "closed": figures.closed, "open_overdue": figures.open_overdue}
    if not area.is_county:
        details["townships"] = list(area.townships)
    audit.record(uow, None, None, "weekly_report_sent", details=details)
    return len(recipients)


def hazard_type_names(uow):
    """Chinese names of the hazard types, from the deployed registration form (codes when none is deployed)."""
    try:
        form = form_for(deployed_info(uow), REGISTRATION_FORM)
    except (NotFound, ProcessError):
        return {}
    options = form.get("ui", {}).get("hazard_type", {}).get("options", [])
    return {o["value"]: o.get("title", o["value"]) for o in options if "value" in o}
