"""Helpers of the project KPI tests (no tests here): a small county built through the services, whose figures the
tests count by hand. The project runs from October 1 to December 31, 2026; the clock ends on Monday, November 23.

- Roster: enterprise A (城关镇) and B (南湖镇, the `area` fixture moves it); A visited on October 12, B never.
- October 12: c1 at A, closed at its first verification; c2 at A, graded again at assignment (75: 一般 → 较大).
- November 2: c3 at B, failed its first verification and closed at the second; c4 at A, re-graded during
  rectification (60: → 重大); c5 at B, awaiting assignment; c6 at A, closed at its first verification and then found
  wanting by a quality round (发现问题; c3, sampled with it, 整改属实).
- Staff (inspector, project lead, project team, supervision, quality): all but the quality supervisor hold a valid
  certificate.
- Instruments: one calibrated until 2027, one until November 1, 2026."""
from datetime import date, datetime

from app.clock import SHANGHAI, clock
from app.models import QualitySample
from app.services import quality
from app.services.uow import UnitOfWork
from tests.resource_support import instrument
from tests.service_project_support import make_project, put_on, visit_on
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, rectify_data, register
from tests.test_regrading import do_regrade
from tests.test_staff_certificates import certificate

PROJECT = {"name": "2026年第四季度安全生产社会化服务", "contract_no": "KPI-2026-04", "start_on": "2026-10-01",
           "end_on": "2026-12-31", "target_percent": "85"}
TODAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


def at(month, day, hour=9):
    clock.set(datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI))


def closed_first_time(people, case_id, staff, assignment=ASSIGN):
    complete(people.project_lead, open_tasks(case_id)["assignment"], assignment)
    complete(staff, open_tasks(case_id)["rectification"], rectify_data(staff))
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})


def build(people):
    """The county above; returns {"project": id, "c1": id, …}."""
    lead, a, b = people.project_lead, people.enterprise_a, people.enterprise_b
    at(9, 20)
    ids = {"project": make_project(lead, **PROJECT)}
    put_on(lead, ids["project"], a, b)
    visit_on(people, a, date(2026, 10, 12))
    at(10, 12)
    ids["c1"] = register(people)
    closed_first_time(people, ids["c1"], people.ent_a)
    ids["c2"] = register(people)
    complete(lead, open_tasks(ids["c2"])["assignment"], {**ASSIGN, "review_score": 75, "review_reason": "复核：多台设备"})
    at(11, 2)
    ids["c3"] = register(people, enterprise=b)
    complete(lead, open_tasks(ids["c3"])["assignment"], ASSIGN)
    complete(people.ent_b, open_tasks(ids["c3"])["rectification"], rectify_data(people.ent_b))
    complete(people.project_team, open_tasks(ids["c3"])["verification"],
             {"passed": False, "opinion": "不合格", "added_requirements": "接地"})
    complete(people.ent_b, open_tasks(ids["c3"])["rectification"], rectify_data(people.ent_b))
    complete(people.project_team, open_tasks(ids["c3"])["verification"], {"passed": True, "opinion": "合格"})
    ids["c4"] = register(people)
    complete(lead, open_tasks(ids["c4"])["assignment"], ASSIGN)
    do_regrade(lead, ids["c4"], score=60)
    ids["c5"] = register(people, enterprise=b)
    ids["c6"] = register(people)
    closed_first_time(people, ids["c6"], people.ent_a)
    assert [case_row(ids[c]).round for c in ("c1", "c3", "c6")] == [1, 2, 1]
    with UnitOfWork() as uow:
        round_ = quality.start_round(uow, people.quality, date(2026, 11, 2), date(2026, 11, 2), percent=100)
        uow.commit()
        round_id = round_.id
    for sample in uow.session.query(QualitySample).filter_by(round_id=round_id):
        problem = sample.case_id == ids["c6"]
        with UnitOfWork() as uow:
            quality.review(uow, people.quality, round_id, sample.id, "problem" if problem else "confirmed",
                           "定级与现场不符" if problem else "")
            uow.commit()
    clock.set(TODAY)
    for holder in (people.inspector, lead, people.project_team, people.supervision):
        certificate(lead, holder)
    instrument(lead, "SB-1", calibrated_days_ago=100, valid_days=365)
    instrument(lead, "SB-2", calibrated_days_ago=(TODAY.date() - date(2025, 11, 1)).days, valid_days=365)
    return ids
