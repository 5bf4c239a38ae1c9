"""The bureau's quarterly evaluation of the contractor (监管部门评价, seed 000 L694–L696 “每季度收集监管部门对联动机制运行情况的
评价意见…一个月内完成优化”, L931–L935 “五级评分…每季度向应急管理局征求意见…负面反馈启动专项整改程序”).

The bureau scores five dimensions 1–5 with comments, once per quarter (a second evaluation of a quarter is a
Conflict; the stored one is changed instead) and may change it until it confirms it. Confirming fixes it and opens
one improvement item (专项整改) per dimension scored 2 or less, due one calendar month after the confirmation day
(the same day of the next month, the month's last day when it has no such day: 31 January → 28/29 February). The
items are opened on confirmation, not on saving, so a draft the bureau corrects opens nothing it must take back.
The project leads own the items: they record the measures taken and close them (measures required). An item past its
due day and not closed is overdue: listed on the page, and the project leads are told once (scheduler job
`urge_improvement_items`, claimed by a conditional UPDATE so two runs tell nobody twice).

Who: the bureau evaluates and confirms; the bureau, managers and project leads read; project leads close items."""
import calendar
from datetime import date

from sqlalchemy import update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import EVALUATION_DIMENSIONS, ContractorEvaluation, ImprovementItem
from . import audit, notifications
from .field_rules import clean_text, raise_if, whole_number

READERS = ("bureau", "manager", "project_lead")
LOW_SCORE = 2
MAX_COMMENTS = 2000
MAX_MEASURES = 2000
FIRST_YEAR = 2020
SUBJECT = "contractor_evaluation"


def may_read(user):
    return user.has_role(*READERS)


def may_evaluate(user):
    return user.has_role("bureau")


def may_close(user):
    return user.has_role("project_lead")


def today():
    return clock.now().astimezone(SHANGHAI).date()


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def one_month_later(day):
    """The same day of the next calendar month, or that month's last day when it is shorter."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def evaluations(session, user):
    _check_read(user)
    return session.query(ContractorEvaluation).order_by(ContractorEvaluation.year.desc(),
                                                        ContractorEvaluation.quarter.desc()).all()


def get(session, user, evaluation_id):
    _check_read(user)
    row = session.get(ContractorEvaluation, evaluation_id)
    if row is None:
        raise NotFound("没有这条评价 / no such evaluation")
    return row


def open_items(session, user):
    _check_read(user)
    return session.query(ImprovementItem).filter(ImprovementItem.closed_at.is_(None)) \
        .order_by(ImprovementItem.due_on, ImprovementItem.id).all()


def is_overdue(item, day=None):
    return item.closed_at is None and item.due_on < (day or today())


def clean_form(form):
    """(year, quarter, scores, comments) of a typed form; ValidationFailed with every field's error."""
    errors = {}
    year, quarter = whole_number(form.get("year")), whole_number(form.get("quarter"))
    current = quarter_of(today())
    if year is None or not FIRST_YEAR <= year <= current[0]:
        errors["year"] = f"请选择 {FIRST_YEAR}–{current[0]} 年 / choose a year from {FIRST_YEAR} to {current[0]}"
    if quarter is None or not 1 <= quarter <= 4:
        errors["quarter"] = "请选择第 1–4 季度 / choose quarter 1 to 4"
    elif "year" not in errors and (year, quarter) > current:
        errors["quarter"] = "不能评价尚未开始的季度 / the quarter has not begun"
    scores = {}
    for name, title in EVALUATION_DIMENSIONS.items():
        value = whole_number(form.get(name))
        if value is None or not 1 <= value <= 5:
            errors[name] = f"请为“{title}”评 1–5 分 / score 1 to 5"
        scores[name] = value
    comments = clean_text(form.get("comments"), MAX_COMMENTS, "comments", errors)
    raise_if(errors)
    return year, quarter, scores, comments


def create(uow, user, form):
    _check_evaluate(user)
    year, quarter, scores, comments = clean_form(form)
    session = uow.session
    if _of_quarter(session, year, quarter) is not None:
        raise Conflict(f"{year} 年第 {quarter} 季度已有评价，请修改原评价 / the quarter has an evaluation already")
    now = clock.now()
    row = ContractorEvaluation(year=year, quarter=quarter, comments=comments, evaluated_by_id=user.id,
                               created_at=now, updated_at=now, **scores)
    session.add(row)
    session.flush()
    audit.record(uow, None, user, "contractor_evaluation_added",
                 changes={name: [None, v] for name, v in {**scores, "comments": comments}.items()},
                 details={"year": year, "quarter": quarter}, subject=(SUBJECT, row.id))
    return row


def change(uow, user, evaluation_id, form):
    _check_evaluate(user)
    row = _locked(uow.session, evaluation_id)
    if row.confirmed_at is not None:
        raise Conflict("评价已确认，不能再修改 / the evaluation was confirmed and cannot change")
    year, quarter, scores, comments = clean_form({**form, "year": row.year, "quarter": row.quarter})
    after = {**scores, "comments": comments}
    before = {name: getattr(row, name) for name in after}
    changes = {name: [before[name], value] for name, value in after.items() if before[name] != value}
    for name, value in after.items():
        setattr(row, name, value)
    row.updated_at = clock.now()
    audit.record(uow, None, user, "contractor_evaluation_saved", changes=changes,
                 details={"year": year, "quarter": quarter}, subject=(SUBJECT, row.id))
    return row


def confirm(uow, user, evaluation_id):
    """Fix the evaluation and open an improvement item per low-scored dimension (the rules above)."""
    _check_evaluate(user)
    row = _locked(uow.session, evaluation_id)
    if row.confirmed_at is not None:
        raise Conflict("评价已确认 / the evaluation was confirmed already")
    now = clock.now()
    row.confirmed_by_id, row.confirmed_at = user.id, now
    due = one_month_later(now.astimezone(SHANGHAI).date())
    opened = []
    for name, score in row.scores.items():
        if score <= LOW_SCORE:
            item = ImprovementItem(evaluation_id=row.id, dimension=name, score=score, due_on=due, measures="",
                                   created_at=now)
            uow.session.add(item)
            opened.append(item)
    uow.session.flush()
    audit.record(uow, None, user, "contractor_evaluation_confirmed", changes={"confirmed": [False, True]},
                 details={"year": row.year, "quarter": row.quarter, "improvement_items": [
                     {"id": i.id, "dimension": i.dimension, "score": i.score, "due_on": due.isoformat()}
                     for i in opened]}, subject=(SUBJECT, row.id))
    if opened:
        titles = "、".join(EVALUATION_DIMENSIONS[i.dimension] for i in opened)
        notifications.send(uow, notifications.role_holders(uow, ("project_lead",)), "improvement_item_opened",
                           f"应急管理局{row.year}年第{row.quarter}季度评价启动专项整改：{titles}"[:200],
                           f"请在 {due.isoformat()} 前完成整改并登记整改措施。", f"contractor_evaluation:{row.id}:items")
    return row


def check_may_close(user):
    if not may_close(user):
        raise NotAllowed("只有项目负责人可以登记整改措施 / only project leads record the measures")


def record_measures(uow, user, item_id, measures, close=False):
    """The project leads' measures of an open item; `close` also closes it (measures required then)."""
    check_may_close(user)
    item = uow.session.get(ImprovementItem, item_id)
    if item is None:
        raise NotFound("没有这项整改 / no such improvement item")
    uow.session.refresh(item, with_for_update=True)
    if item.closed_at is not None:
        raise Conflict("该整改已关闭 / the improvement item was closed already")
    errors = {}
    text = clean_text(measures, MAX_MEASURES, "measures", errors)
    if close and not text and "measures" not in errors:
        errors["measures"] = "关闭前请填写整改措施 / describe the measures taken before closing"
    raise_if(errors)
    changes = {"measures": [item.measures, text]} if text != item.measures else {}
    item.measures = text
    if close:
        item.closed_by_id, item.closed_at = user.id, clock.now()
        changes["closed"] = [False, True]
    audit.record(uow, None, user, "improvement_item_closed" if close else "improvement_item_saved", changes=changes,
                 details={"item_id": item.id, "dimension": item.dimension, "due_on": item.due_on.isoformat()},
                 subject=(SUBJECT, item.evaluation_id))
    return item


def urge_overdue(uow):
    """Tell the project leads of each item past its due day, once per item. Returns how many were told about."""
    day, sent = today(), 0
    rows = uow.session.query(ImprovementItem).filter(ImprovementItem.closed_at.is_(None),
                                                     ImprovementItem.overdue_told_at.is_(None),
                                                     ImprovementItem.due_on < day).all()
    for item in rows:
        taken = uow.session.execute(update(ImprovementItem).where(ImprovementItem.id == item.id,
                                                                  ImprovementItem.overdue_told_at.is_(None))
                                    .values(overdue_told_at=clock.now()).execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            continue
        key = f"improvement_item:{item.id}:overdue"
        recipients = notifications.not_yet_given(uow, notifications.role_holders(uow, ("project_lead",)), key)
        evaluation = item.evaluation
        notifications.send(uow, recipients, "improvement_item_overdue",
                           f"专项整改逾期：{evaluation.year}年第{evaluation.quarter}季度评价"
                           f"“{EVALUATION_DIMENSIONS[item.dimension]}”（{item.score} 分）", 
                           f"应于 {item.due_on.isoformat()} 前完成，请尽快落实并登记整改措施。", key)
        audit.record(uow, None, None, "improvement_item_overdue",
                     details={"item_id": item.id, "due_on": item.due_on.isoformat(), "recipients": len(recipients)},
                     subject=(SUBJECT, item.evaluation_id))
        sent += 1
    return sent


def _of_quarter(session, year, quarter):
    return session.query(ContractorEvaluation).filter_by(year=year, quarter=quarter).one_or_none()


def _locked(session, evaluation_id):
    row = session.get(ContractorEvaluation, evaluation_id)
    if row is None:
        raise NotFound("没有这条评价 / no such evaluation")
    session.refresh(row, with_for_update=True)
    return row


def _check_read(user):
    if not may_read(user):
        raise NotAllowed("监管部门评价供应急管理局、管理人员和项目负责人查看 / for the bureau, managers and project leads")


def _check_evaluate(user):
    if not may_evaluate(user):
        raise NotAllowed("只有应急管理局可以评价 / only the bureau evaluates")


check_may_evaluate = _check_evaluate  # the API's 403 before it reads a body
