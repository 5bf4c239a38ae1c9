"""A case behaves the same whether its steps find its runtime in this process's cache or read it from the database.

The web server's workers, the scheduler and a restarted server each read a case from the database when their
cache does not hold its current version; what a case does (history, notices, lists, referrals, deadlines) must not
depend on which of them served a step. The same escalating case — overdue timers fired by sweeps, a referral, a
failed verification and a second round — is walked twice: once with the cache as it comes (consecutive steps served
from it), once with the cache emptied before every call.
"""
import re
from datetime import timedelta

import pytest

from app.clock import clock
from app.extensions import db
from app.models import AuditEvent, CreditRecord, EnforcementReferral, KeySupervisionEntry, Notification, Timer
from app.services import regrading
from app.services.case_store import _cache
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, rectify_data, register
from tests.test_timers_service import sweep

FAIL = {"passed": False, "opinion": "不合格", "added_requirements": "补充接地"}
PASS = {"passed": True, "opinion": "合格"}


def escalating_general_case(people, officer, call, step):
    """Overdue at every stage: sweeps fire the timers; a referral, a failed verification, a second round."""
    case_id = call(register, people, 90, False, officer.enterprise)
    clock.advance(hours=2, minutes=1)
    call(sweep)  # the assignment is overdue
    step(case_id, people.project_lead, "assignment", ASSIGN)
    due = case_row(case_id).rectification_due
    for moment in (due - timedelta(days=5), due + timedelta(minutes=1), due + timedelta(days=8)):
        clock.set(moment)
        call(sweep)  # reminder, urging (key supervision), referral
    step(case_id, officer, "rectification", rectify_data(officer))
    step(case_id, people.project_team, "verification", FAIL)
    step(case_id, officer, "rectification", rectify_data(officer))
    clock.set(case_row(case_id).verification_due + timedelta(minutes=1))
    call(sweep)  # verification overdue: the quality supervisor is told
    step(case_id, people.project_team, "verification", PASS)
    return case_id


def especially_major_case(people, officer, call, step):
    """Stop-work order on its side branch, the major-hazard report, joint verification failed by the expert."""
    case_id = call(register, people, 40, False, officer.enterprise)
    step(case_id, people.project_lead, "assignment", ASSIGN)
    step(case_id, people.bureau, "stop_work_order", {
        "order_number": "停-2026-001", "scope": "反应釜区", "reason": "联锁摘除", "effective_at": "2026-11-23T10:00:00+08:00"})
    for round_no, expert_passed in ((1, False), (2, True)):
        step(case_id, officer, "rectification", rectify_data(officer))
        step(case_id, people.bureau, "joint_verification_bureau", {"bureau_passed": True, "bureau_opinion": "同意"})
        clock.advance(days=1)
        call(sweep)
        step(case_id, people.expert, "joint_verification_expert", {
            "expert_passed": expert_passed, "expert_opinion": "同意" if expert_passed else "不同意",
            **({} if expert_passed else {"expert_added_requirements": "补充"})})
    return case_id


def regraded_case(people, officer, call, step):
    """Graded again during rectification (a new period by the new grade): the old period's timers never fire."""
    case_id = call(register, people, 90, False, officer.enterprise)
    step(case_id, people.project_lead, "assignment", ASSIGN)
    due = case_row(case_id).rectification_due
    clock.set(due - timedelta(days=5))
    call(sweep)  # the first period's reminder
    call(regrade, people.project_lead, case_id)
    clock.set(due + timedelta(minutes=1))
    call(sweep)  # the first period's deadline has gone with it
    step(case_id, officer, "rectification", rectify_data(officer))
    step(case_id, people.bureau, "joint_verification_bureau", {"bureau_passed": True, "bureau_opinion": "同意"})
    step(case_id, people.expert, "joint_verification_expert", {"expert_passed": True, "expert_opinion": "同意"})
    return case_id


def regrade(user, case_id):
    with UnitOfWork() as uow:
        regrading.regrade(uow, user, case_id, 60, False, "评审小组复核：涉及重大危险源")
        uow.commit()


def walk(people, scenario, officer, cold):
    """The scenario's case at `officer`'s enterprise; with `cold`, every service call reads it from the database."""
    start = clock.now()

    def call(action, *args):
        if cold:
            _cache.clear()
        return action(*args)

    def step(case_id, user, form, data):
        call(complete, user, open_tasks(case_id)[form], data)

    case_id = scenario(people, officer, call, step)
    outcome = observed(people, case_id, start)
    clock.set(start)
    return outcome


def observed(people, case_id, start):
    """What the case did, in terms that do not depend on its id, its enterprise or when the walk began (a notice's
    key names the case or the record it is about, e.g. `case:17:rectification_urging:round:1`: the id is left out)."""
    roles = {user.id: "enterprise" if name.startswith("ent_") else name for name, user in people.items()
             if hasattr(user, "roles_rel")}
    db.session.expire_all()
    case = case_row(case_id)

    def moment(value):
        return value - start if value is not None else None

    history = [(e.action, e.task_name, e.details.get("event"), e.details.get("round"), e.details.get("bpmn_id"),
                sorted((k, str(v)) for k, v in (e.changes or {}).items() if k not in ("code", "case_id", "enterprise_id") and not k.endswith("photos")))
               for e in db.session.query(AuditEvent).filter_by(case_id=case_id)
               .order_by(AuditEvent.created_at, AuditEvent.id)]
    notices = sorted((n.kind, re.sub(r"^([a-z_]+):\d+", r"\1:#", n.dedup_key), roles.get(n.user_id))
                     for n in db.session.query(Notification).filter_by(case_id=case_id))
    return {
        "case": (case.status, case.grade, case.round, moment(case.closed_at)),
        "history": history,
        "notices": notices,
        "referrals": sorted(r.round for r in db.session.query(EnforcementReferral).filter_by(case_id=case_id)),
        "key_supervision": sorted((moment(e.since), moment(e.left_at))
                                  for e in db.session.query(KeySupervisionEntry).filter_by(case_id=case_id)),
        "credit": sorted(r.kind for r in db.session.query(CreditRecord).filter_by(case_id=case_id)),
        "timers_left": db.session.query(Timer).filter_by(case_id=case_id).count(),
    }


@pytest.mark.parametrize("scenario", [escalating_general_case, especially_major_case, regraded_case])
def test_a_case_does_the_same_whether_its_runtime_is_cached_or_read_from_the_database(people, scenario):
    warm = walk(people, scenario, people.ent_a, cold=False)
    cold = walk(people, scenario, people.ent_b, cold=True)
    assert warm["case"][0] == "closed" and warm["case"][2] == (1 if scenario is regraded_case else 2)
    if scenario is regraded_case:
        assert warm["case"][1] == "major" and "case_regraded" in {entry[0] for entry in warm["history"]}
    if scenario is escalating_general_case:
        assert warm["referrals"] == [1] and warm["key_supervision"] and warm["credit"]
        assert "verification_overdue" in {kind for kind, _, _ in warm["notices"]}
    for part in warm:
        assert cold[part] == warm[part], part
