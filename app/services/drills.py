"""Emergency drills of enterprises guided by the team (应急演练, seed 001 line 40 "指导企业对应急救援预案进行定期演练";
seed 000 lines 856-860 "演练结束后形成详细评估报告，指出存在问题并提出改进建议"): the enterprise, the day, the emergency
plan (预案) drilled, the kind (桌面推演 / 实战演练 / 综合演练), how many took part, the evaluation, the problems found (one
per line) and the improvement measures.

A problem found can be registered as a hazard case: the registration page opens prefilled from it (`?drill=&problem=`,
like an IoT alarm's 登记为隐患), and the case is recorded on the drill in the registration's transaction, once per
problem (Conflict the second time).

Who: project leads and the project team record and edit; the bureau, managers, administrators and inspectors (who
register the problems as hazards) read all drills;
an enterprise's staff read their own enterprise's (another's: NotFound); other roles: NotAllowed. Audited under the
drill (subject "drill") with before → after values."""
from dataclasses import dataclass

from sqlalchemy import or_

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import DRILL_KINDS, Drill, DrillHazard, Enterprise
from . import audit
from .field_rules import clean_count, clean_text, past_date, raise_if, row_id
from .trainings import READERS, may_write, own_enterprise

# Besides the trainings' readers, inspectors read drills: they register the problems found as hazards.
DRILL_READERS = READERS + ("inspector",)
SUBJECT = "drill"
MAX_SCENARIO, MAX_TEXT = 200, 4000
FIELDS = ("enterprise_id", "held_on", "scenario", "kind", "participants", "evaluation", "problems", "improvements")


def reads_all(user):
    return user.has_role(*DRILL_READERS)


def may_read(user):
    return reads_all(user) or own_enterprise(user) is not None


def check_may_read(user):
    if not may_read(user):
        raise NotAllowed("应急演练记录供项目负责人、项目执行小组、应急管理局、管理人员和本企业查看 / drill records are for "
                         "project leads, the project team, the bureau, managers and the enterprise itself")


def check_may_write(user):
    check_may_read(user)
    if not may_write(user):
        raise NotAllowed("只有项目负责人和项目执行小组可以登记应急演练 / only project leads and the project team record "
                         "drills")


def _visible(session, user):
    query = session.query(Drill)
    if not reads_all(user):
        query = query.filter(Drill.enterprise_id == own_enterprise(user))
    return query


def get(session, user, drill_id, for_update=False):
    check_may_read(user)
    number = row_id(drill_id)
    query = _visible(session, user).filter(Drill.id == number) if number is not None else None
    row = (query.with_for_update() if for_update else query).first() if query is not None else None
    if row is None:
        raise NotFound("演练记录不存在 / drill not found")
    return row


@dataclass
class DrillFilter:
    enterprise_id: int = None
    kind: str = ""
    date_from: object = None
    date_to: object = None
    text: str = ""
    limit: int = 50
    offset: int = 0


def listing(session, user, flt):
    """(a page of drills, how many match), the latest first."""
    check_may_read(user)
    query = _visible(session, user)
    if flt.enterprise_id:
        query = query.filter(Drill.enterprise_id == flt.enterprise_id)
    if flt.kind:
        query = query.filter(Drill.kind == flt.kind)
    if flt.date_from:
        query = query.filter(Drill.held_on >= flt.date_from)
    if flt.date_to:
        query = query.filter(Drill.held_on <= flt.date_to)
    if flt.text:
        like = f"%{flt.text}%"
        query = query.filter(or_(Drill.scenario.ilike(like), Drill.problems.ilike(like),
                                 Drill.evaluation.ilike(like)))
    total = query.count()
    query = query.order_by(Drill.held_on.desc(), Drill.id.desc())
    if flt.limit:
        query = query.limit(flt.limit).offset(flt.offset)
    return query.all(), total


def clean(session, values):
    errors = {}
    enterprise_id = row_id(values.get("enterprise_id"))
    if enterprise_id is None or session.get(Enterprise, enterprise_id) is None:
        errors["enterprise_id"] = "请选择企业 / choose the enterprise"
    held_on = past_date(values.get("held_on"), "held_on", errors, "演练日期")
    scenario = clean_text(values.get("scenario"), MAX_SCENARIO, "scenario", errors)
    if not scenario and "scenario" not in errors:
        errors["scenario"] = "请填写演练的应急预案 / name the emergency plan drilled"
    kind = values.get("kind")
    if kind not in DRILL_KINDS:
        errors["kind"] = "请选择演练形式 / choose the kind of drill"
    participants = clean_count(values.get("participants"), "participants", errors)
    if "participants" not in errors and participants < 1:
        errors["participants"] = "请填写参演人数 / enter how many took part"
    texts = {name: clean_text(values.get(name), MAX_TEXT, name, errors)
             for name in ("evaluation", "problems", "improvements")}
    raise_if(errors)
    return {"enterprise_id": enterprise_id, "held_on": held_on, "scenario": scenario, "kind": kind,
            "participants": participants, **texts}


def create(uow, user, values):
    check_may_write(user)
    fields = clean(uow.session, values)
    now = clock.now()
    row = Drill(recorded_by_id=user.id, recorded_at=now, updated_at=now, **fields)
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, None, user, "drill_recorded", changes={k: [None, v] for k, v in fields.items()},
                 details=_details(row), subject=(SUBJECT, row.id))
    return row


def update(uow, user, drill_id, values):
    row = get(uow.session, user, drill_id, for_update=True)
    check_may_write(user)
    fields = clean(uow.session, values)
    changes = {k: [getattr(row, k), v] for k, v in fields.items() if getattr(row, k) != v}
    for name, (_before, after) in changes.items():
        setattr(row, name, after)
    row.updated_at = clock.now()
    audit.record(uow, None, user, "drill_updated", changes=changes, details=_details(row), subject=(SUBJECT, row.id))
    return row


# ---- a problem registered as a hazard ---------------------------------------------------------------------------
def registered_problems(row):
    """{problem text: its case} of the drill's problems registered as hazards."""
    return {h.problem: h.case for h in row.hazards}


def problem_of(session, user, drill_id, number):
    """(the drill, the text of its problem `number`, counted from 1); NotFound for a drill the user does not see,
    ValidationFailed for no such problem, Conflict when it was registered already."""
    row = get(session, user, drill_id)
    lines = row.problem_lines
    index = row_id(number)
    if index is None or not 1 <= index <= len(lines):
        raise ValidationFailed("演练没有这一条问题 / the drill has no such problem", fields={"problem": "unknown"})
    text = lines[index - 1]
    case = registered_problems(row).get(text)
    if case is not None:
        raise Conflict(f"该问题已登记为隐患 {case.code} / the problem was registered as hazard {case.code}")
    return row, text


def hazard_prefill(session, user, drill_id, number):
    """(the drill, the problem, the registration form's values drafted from it: enterprise, description, when)."""
    row, text = problem_of(session, user, drill_id, number)
    description = f"应急演练（{row.held_on:%Y-%m-%d}，{DRILL_KINDS[row.kind][0]}：{row.scenario}）发现问题：{text}"
    if row.improvements:
        description += f"\n改进措施：{row.improvements}"
    found = clock.now().astimezone(SHANGHAI)
    return row, text, {"enterprise_id": str(row.enterprise_id), "description": description[:4000],
                       "hazard_type": "safety_management", "found_at": found.strftime("%Y-%m-%dT%H:%M")}


def link_case(uow, user, drill_id, number, case):
    """The hazard registered from a drill's problem, recorded on the drill (in the registration's transaction)."""
    row, text = problem_of(uow.session, user, drill_id, number)
    uow.session.add(DrillHazard(drill_id=row.id, problem=text, case_id=case.id, created_at=clock.now()))
    uow.session.flush()
    audit.record(uow, None, user, "drill_problem_registered", details={**_details(row), "problem": text,
                                                                       "case": case.code}, subject=(SUBJECT, row.id))


def _details(row):
    return {"drill_id": row.id, "enterprise_id": row.enterprise_id, "scenario": row.scenario}
