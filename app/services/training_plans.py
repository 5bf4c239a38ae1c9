"""The annual training plan (年度培训计划, seed 000 line 848 "制定年度培训计划，涵盖应急基础知识、设备操作技能、案例分析等多个
方面"): the sessions planned for a year, each with its month, kind, topic and planned hours; and its progress — a
planned session counts as held once a recorded session names it (the training form's 计划项), so "planned vs held"
is a join, not a guess by topic. A planned session whose month has ended without one is overdue.

Who: the training writers (project leads, project team) add and remove planned sessions; the readers of trainings'
staff side read the plan; enterprise staff: NotAllowed (the plan is the contractor's own). A planned session already
held is not removed (Conflict). Audited under the year (subject "training_plan")."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import TRAINING_KINDS, TrainingPlanItem, TrainingSession
from . import audit
from .field_rules import clean_text, raise_if, row_id, whole_number
from .trainings import MAX_TOPIC, clean_hours, check_may_write, day_start, reads_all

SUBJECT = "training_plan"
MIN_YEAR, MAX_YEAR = 2000, 2100


def check_may_read(user):
    if not reads_all(user):
        raise NotAllowed("年度培训计划供项目负责人、项目执行小组、应急管理局和管理人员查看 / the training plan is for project "
                         "leads, the project team, the bureau and managers")


def year_or_current(value):
    number = whole_number(value)
    return number if number is not None and MIN_YEAR <= number <= MAX_YEAR else clock.local_now().year


@dataclass
class PlanRow:
    item: TrainingPlanItem
    held: list  # the sessions recorded against it
    overdue: bool  # its month has ended and none was held


@dataclass
class PlanProgress:
    year: int
    rows: list
    unplanned: int  # sessions of the year recorded without a plan item
    planned_hours: float
    held_hours: float  # of all sessions of the year, planned or not

    @property
    def planned(self):
        return len(self.rows)

    @property
    def held(self):
        return sum(1 for r in self.rows if r.held)

    @property
    def percent(self):
        return round(100 * self.held / self.planned) if self.planned else None


def progress(session, user, year):
    check_may_read(user)
    items = session.query(TrainingPlanItem).filter_by(year=year) \
        .order_by(TrainingPlanItem.month, TrainingPlanItem.id).all()
    held = {}
    for row in session.query(TrainingSession).filter(TrainingSession.plan_item_id.in_([i.id for i in items] or [0])) \
            .order_by(TrainingSession.held_at):
        held.setdefault(row.plan_item_id, []).append(row)
    today = clock.local_now().date()
    rows = [PlanRow(i, held.get(i.id, []), not held.get(i.id) and (year, i.month) < (today.year, today.month))
            for i in items]
    sessions = _sessions_of_year(session, year)
    return PlanProgress(year, rows, sum(1 for s in sessions if s.plan_item_id is None),
                        sum(i.hours for i in items), sum(s.hours for s in sessions))


def _sessions_of_year(session, year):
    return session.query(TrainingSession).filter(TrainingSession.held_at >= day_start(date(year, 1, 1)),
                                                 TrainingSession.held_at < day_start(date(year + 1, 1, 1))).all()


def add(uow, user, values):
    check_may_write(user)
    errors = {}
    year = whole_number(values.get("year"))
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        errors["year"] = "请填写年份 / enter the year"
    month = whole_number(values.get("month"))
    if month is None or not 1 <= month <= 12:
        errors["month"] = "月份为 1 至 12 / the month is 1 to 12"
    kind = values.get("kind")
    if kind not in TRAINING_KINDS:
        errors["kind"] = "请选择培训类别 / choose the kind of training"
    topic = clean_text(values.get("topic"), MAX_TOPIC, "topic", errors)
    if not topic and "topic" not in errors:
        errors["topic"] = "请填写培训主题 / the topic is required"
    hours = clean_hours(values.get("hours"), errors)
    raise_if(errors)
    item = TrainingPlanItem(year=year, month=month, kind=kind, topic=topic, hours=hours, created_by_id=user.id,
                            created_at=clock.now())
    uow.session.add(item)
    uow.session.flush()
    audit.record(uow, None, user, "training_plan_item_added", changes={
        "month": [None, month], "kind": [None, kind], "topic": [None, topic], "hours": [None, hours]},
        details={"plan_item_id": item.id, "year": year}, subject=(SUBJECT, year))
    return item


def remove(uow, user, item_id):
    check_may_write(user)
    number = row_id(item_id)
    item = uow.session.get(TrainingPlanItem, number) if number is not None else None
    if item is None:
        raise NotFound("计划项不存在 / plan item not found")
    held = uow.session.query(func.count(TrainingSession.id)).filter_by(plan_item_id=item.id).scalar()
    if held:
        raise Conflict("该计划项已有培训记录，不能删除 / a training was recorded against this plan item; it stays")
    audit.record(uow, None, user, "training_plan_item_removed", changes={
        "month": [item.month, None], "kind": [item.kind, None], "topic": [item.topic, None],
        "hours": [item.hours, None]}, details={"plan_item_id": item.id, "year": item.year},
        subject=(SUBJECT, item.year))
    uow.session.delete(item)
    return item.year
