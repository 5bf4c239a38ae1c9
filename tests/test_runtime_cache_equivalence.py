"""A case behaves the same whether its steps find its runtime in this process's cache or read it from the database.

The web server's workers, the scheduler and a restarted server each read a case from the database when their
cache does not hold its current version; what a case does (history, notices, lists, referrals, deadlines) must not
depend on which of them served a step. The same escalating case — overdue timers fired by sweeps, a referral, a
failed verification and a second round — is walked twice: once with the cache as it comes (consecutive steps served
from it), once with the cache emptied before every call.
"""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import AuditEvent, CreditRecord, EnforcementReferral, KeySupervisionEntry, Notification, Timer
from app.services.case_store import _cache
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, rectify_data, register
from tests.test_timers_service import sweep

FAIL = {"passed": False, "opinion": "不合格", "added_requirements": "补充接地"}
PASS = {"passed": True, "opinion": "合格"}


def walk(people, enterprise, officer, cold):
    """The escalating case of `enterprise`; with `cold`, every service call reads the case from the database."""
    start = clock.now()

    def call(action, *args):
        if cold:
            _cache.clear()
        return action(*args)

    def step(user, form, data):
        call(complete, user, open_tasks(case_id)[form], data)

    case_id = call(register, people, 90, False, enterprise)
    clock.advance(hours=2, minutes=1)
    call(sweep)  # the assignment is overdue
    step(people.project_lead, "assignment", ASSIGN)
    due = case_row(case_id).rectification_due
    for moment in (due - timedelta(days=5), due + timedelta(minutes=1), due + timedelta(days=8)):
        clock.set(moment)
        call(sweep)  # reminder, urging (key supervision), referral
    step(officer, "rectification", rectify_data(officer))
    step(people.project_team, "verification", FAIL)
    step(officer, "rectification", rectify_data(officer))
    clock.set(case_row(case_id).verification_due + timedelta(minutes=1))
    call(sweep)  # verification overdue: the quality supervisor is told
    step(people.project_team, "verification", PASS)
    outcome = observed(people, case_id, start)
    clock.set(start)
    return outcome


def observed(people, case_id, start):
    """What the case did, in terms that do not depend on its id, its enterprise or when the walk began."""
    roles = {user.id: "enterprise" if name.startswith("ent_") else name for name, user in people.items()
             if hasattr(user, "roles_rel")}
    db.session.expire_all()
    case = case_row(case_id)

    def moment(value):
        return value - start if value is not None else None

    history = [(e.action, e.task_name, e.details.get("event"), e.details.get("round"), e.details.get("bpmn_id"),
                sorted((k, str(v)) for k, v in (e.changes or {}).items() if k not in ("code", "enterprise_id") and not k.endswith("photos")))
               for e in db.session.query(AuditEvent).filter_by(case_id=case_id)
               .order_by(AuditEvent.created_at, AuditEvent.id)]
    notices = sorted((n.kind, n.dedup_key.replace(f":{case_id}:", ":#:"), roles.get(n.user_id))
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


def test_a_case_does_the_same_whether_its_runtime_is_cached_or_read_from_the_database(people):
    warm = walk(people, people.enterprise_a, people.ent_a, cold=False)
    cold = walk(people, people.enterprise_b, people.ent_b, cold=True)
    assert warm["case"][0] == "closed" and warm["case"][2] == 2
    assert warm["referrals"] == [1] and warm["key_supervision"] and warm["credit"]
    assert "verification_overdue" in {kind for kind, _, _ in warm["notices"]}
    for part in warm:
        assert cold[part] == warm[part], part
