"""Helpers of the staff performance tests (no tests here): a small November 2026 built through the services, whose
scorecards the tests count by hand. The clock ends on Monday, November 23, 2026, 09:00.

Field staff: `inspector`, `inspector2` (a second inspector), `project_team`, `project_lead`.
- October 30: c0 registered by the inspector (another month: not counted).
- November 2: visit V1 at enterprise A, recorded by the inspector, team "inspector、inspector2"; the inspector checks in
  at 09:00 and out at 14:00 with a position (in order); inspector2 never checks in (flag: no check-in). c1 registered
  at 15:00, assigned, rectified and verified by the project team at 16:00 (in time).
- November 3: c3 registered at 10:00, assigned, rectified at 11:00; verified on November 12 (after its 3 working days:
  late).
- November 4: c2 registered, assigned and re-graded during rectification by the project lead (60: 一般 → 重大).
- November 9: visit V2 at enterprise A, recorded by the inspector alone; checks in at 09:00, out at 11:00 (under 4 h).
- November 13: a quality round samples the closed cases of November 2–12 (c1, c3): c3 发现问题, c1 整改属实.
- November 23: enterprise A rates V1 (5, 4, 4, 3: 4.0), and raises a complaint about V2, concluded upheld and approved
  by the project lead; a complaint about V1 is concluded not upheld and approved too.

Supervision records (supervision_records): S1 四不两直 on November 10 of the inspector at V2, 不合格 with 通报批评;
S2 交叉互查 on November 12 of inspector2, 合格."""
from datetime import date, datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import InspectionVisit, QualitySample
from app.services import (complaint_handling, complaints, inspections, quality, staff_supervision, visit_checkins,
                          visit_ratings)
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register
from tests.test_regrading import do_regrade
from tests.visit_review_support import released

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


def at(month, day, hour=9, minute=0):
    clock.set(datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI))


def run(action):
    with UnitOfWork() as uow:
        result = action(uow)
        uow.commit()
        return result


def visit(people, day, team):
    return run(lambda uow: inspections.record(uow, people.inspector, people.enterprise_a.id, day.isoformat(), team,
                                              "全厂")).id


def stamp(user, visit_id, arrive, leave):
    """Check in at `arrive` and out at `leave` ((month, day, hour)), with a position."""
    at(*arrive)
    run(lambda uow: visit_checkins.check_in(uow, user, visit_id, 30.1, 120.1, 10))
    at(*leave)
    run(lambda uow: visit_checkins.check_out(uow, user, visit_id, 30.1, 120.1, 10))


def verify(people, case_id):
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})


def rectified(people, case_id):
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))


def answered(people, visit_id, upheld):
    complaint = run(lambda uow: complaints.raise_complaint(uow, people.ent_a, "conduct", "走过场", visit_id)).id
    run(lambda uow: complaint_handling.start_investigation(uow, people.quality, complaint, "调阅打卡记录"))
    run(lambda uow: complaint_handling.draft_answer(uow, people.quality, complaint, "经核实", upheld))
    run(lambda uow: complaint_handling.approve(uow, people.project_lead, complaint))
    return complaint


def build(people, make_user):
    """November above; returns {"V1": id, "c1": id, …, "inspector2": user}."""
    ids = {"inspector2": make_user("inspector2", "inspector")}
    at(10, 30, 10)
    ids["c0"] = register(people)
    at(11, 2, 8)
    ids["V1"] = visit(people, date(2026, 11, 2), "inspector、inspector2")
    stamp(people.inspector, ids["V1"], (11, 2, 9), (11, 2, 14))
    at(11, 2, 15)
    ids["c1"] = register(people)
    rectified(people, ids["c1"])
    at(11, 2, 16)
    verify(people, ids["c1"])
    at(11, 3, 10)
    ids["c3"] = register(people)
    at(11, 3, 11)
    rectified(people, ids["c3"])
    at(11, 4, 10)
    ids["c2"] = register(people)
    complete(people.project_lead, open_tasks(ids["c2"])["assignment"], ASSIGN)
    do_regrade(people.project_lead, ids["c2"], score=60)
    at(11, 9, 8)
    ids["V2"] = visit(people, date(2026, 11, 9), "inspector")
    stamp(people.inspector, ids["V2"], (11, 9, 9), (11, 9, 11))
    at(11, 12, 10)
    verify(people, ids["c3"])
    at(11, 13, 10)
    round_id = run(lambda uow: quality.start_round(uow, people.quality, date(2026, 11, 2), date(2026, 11, 12),
                                                   percent=100)).id
    for sample in db.session.query(QualitySample).filter_by(round_id=round_id).all():
        problem = sample.case_id == ids["c3"]
        run(lambda uow: quality.review(uow, people.quality, round_id, sample.id, "problem" if problem else "confirmed",
                                       "复核记录不全" if problem else ""))
    clock.set(NOW)
    for key in ("V1", "V2"):  # the enterprise rates and complains of released reports only (三级审核)
        released(db.session.get(InspectionVisit, ids[key]))
    run(lambda uow: visit_ratings.rate(uow, people.ent_a, ids["V1"], {
        "service_quality": 5, "professional_level": 4, "communication": 4, "response_speed": 3}))
    ids["complaint_upheld"] = answered(people, ids["V2"], "yes")
    ids["complaint_rejected"] = answered(people, ids["V1"], "no")
    return ids


def supervision(user, **values):
    body = {"kind": "unannounced", "checked_on": "2026-11-10", "checkers": "督查组 王", "findings": "未逐项检查",
            "result": "pass", "measures": [], **values}
    return run(lambda uow: staff_supervision.create(uow, user, body))


def supervision_records(people, ids):
    ids["S1"] = supervision(people.quality, staff_ids=[people.inspector.id], visit_id=ids["V2"], result="fail",
                            measures=["criticism"], measures_note="全公司通报").id
    ids["S2"] = supervision(people.project_lead, kind="cross_check", checked_on="2026-11-12",
                            staff_ids=[ids["inspector2"].id], findings="按标准执行", area="南片区").id
    return ids
