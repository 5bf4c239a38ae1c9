"""The escalation path and the bureau's lists, the outbox, and provisional deadlines across a year change."""
import socketserver
import threading
from datetime import datetime, timedelta

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import (AuditEvent, CreditRecord, EnforcementReferral, HazardCase, KeySupervisionEntry, OutboxMessage,
                        Timer)
from app.services import calendar_admin, outbox, sla
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, rectify_data, register
from tests.test_timers_service import sweep


def overdue_case(people):
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    clock.set(case_row(case_id).rectification_due + timedelta(minutes=1))
    sweep()
    return case_id


def test_urging_puts_the_enterprise_on_key_supervision_and_closing_takes_it_off(people):
    case_id = overdue_case(people)
    entries = sla.key_supervision_list(db.session)
    assert [(e.enterprise_id, e.case_id) for e in entries] == [(people.enterprise_a.id, case_id)]
    sweep()
    assert len(sla.key_supervision_list(db.session)) == 1  # once, however often the sweep runs
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})
    assert sla.key_supervision_list(db.session) == []
    left = db.session.query(KeySupervisionEntry).one()
    assert left.left_at is not None
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(case_id=case_id)]
    assert "key_supervision_added" in actions and "key_supervision_removed" in actions


def test_enterprise_stays_listed_while_another_case_is_overdue(people):
    first = overdue_case(people)
    second = register(people)
    complete(people.project_lead, open_tasks(second)["assignment"], ASSIGN)
    clock.set(case_row(second).rectification_due + timedelta(minutes=1))
    sweep()
    complete(people.ent_a, open_tasks(first)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(first)["verification"], {"passed": True, "opinion": "合格"})
    assert [e.case_id for e in sla.key_supervision_list(db.session)] == [second]


def test_grace_period_passed_refers_to_enforcement_with_a_credit_record(people):
    case_id = overdue_case(people)
    clock.set(case_row(case_id).rectification_due + timedelta(days=8))
    sweep()
    referral = db.session.query(EnforcementReferral).one()
    assert referral.case_id == case_id and referral.enterprise_id == people.enterprise_a.id
    assert db.session.query(CreditRecord).filter_by(enterprise_id=people.enterprise_a.id).count() == 1
    assert open_tasks(case_id)["enforcement_referral"].role == "bureau"


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept one message, over a real socket."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                body = b"".join(iter(lambda: self.rfile.readline(), b".\r\n"))
                self.server.messages.append(body.decode("utf-8", "replace"))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            elif verb == b"EHLO":
                self.wfile.write(b"250 test\r\n")
            else:
                self.wfile.write(b"250 ok\r\n")


def test_outbox_sends_email_over_smtp_and_records_unconfigured_channels(app, people):
    people.bureau.email, people.bureau.phone = "bureau@example.org", "13900000000"
    # A major case tells the project leads and the enterprise too (its report and plan are due): off duty here.
    people.project_lead.active = people.ent_a.active = False
    db.session.commit()
    register(people, score=60)  # 重大: the bureau is notified at once
    channels = sorted(m.channel for m in db.session.query(OutboxMessage))
    assert channels == ["email", "sms", "wechat"]
    server = socketserver.TCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        config = dict(app.config, SMTP_HOST="127.0.0.1", SMTP_PORT=server.server_address[1])
        with UnitOfWork() as uow:
            counts = outbox.dispatch(uow, config)
            uow.commit()
    finally:
        server.shutdown()
        server.server_close()
    assert counts == {"sent": 1, "not_configured": 2}
    assert len(server.messages) == 1 and "bureau@example.org" in server.messages[0]
    with UnitOfWork() as uow:
        assert outbox.dispatch(uow, config) == {}  # nothing is sent twice


def test_each_recipient_of_an_event_gets_its_own_notice_and_outbox_rows(people):
    """The urging notice goes to several people at once (written in one statement per table): every outbox
    row belongs to the notice of the person it is addressed to, once per event and round."""
    from app.models import Notification, User
    for user, n in ((people.ent_a, 1), (people.bureau, 2), (people.project_lead, 3)):
        user.email, user.phone = f"user{n}@example.org", f"1390000000{n}"
    db.session.commit()
    case_id = overdue_case(people)
    sweep()  # again: nothing is sent twice
    notices = db.session.query(Notification).filter_by(case_id=case_id, kind="rectification_urging").all()
    assert sorted(n.user_id for n in notices) == sorted(u.id for u in (people.ent_a, people.bureau,
                                                                       people.project_lead))
    for notice in notices:
        user = db.session.get(User, notice.user_id)
        messages = db.session.query(OutboxMessage).filter_by(notification_id=notice.id).all()
        assert sorted((m.channel, m.recipient) for m in messages) == [
            ("email", user.email), ("sms", user.phone), ("wechat", user.phone)]
        assert all(m.subject == notice.title and m.status == "pending" for m in messages)


def test_provisional_deadline_is_recomputed_when_the_year_is_imported(people):
    clock.set(datetime(2026, 12, 21, 9, tzinfo=SHANGHAI))
    case_id = register(people, score=60)  # 30 working days: reaches into 2027, not yet published
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    case = case_row(case_id)
    assert case.deadlines_provisional is True
    assert calendar_admin.missing_years(db.session) == [2027]
    before = case.rectification_due
    # The (made-up for the test) schedule gives 2027-01-04..08 off: the deadline moves a week later.
    schedule = {"year": 2027, "source": "test", "holidays": [f"2027-01-0{d}" for d in range(1, 9)],
                "workdays": []}
    with UnitOfWork() as uow:
        calendar_admin.import_year(uow, people.admin, schedule)
        uow.commit()
    case = case_row(case_id)
    assert case.deadlines_provisional is False
    assert case.rectification_due - before == timedelta(days=7)
    timer_dues = {t.due_at for t in db.session.query(Timer).filter_by(case_id=case_id)}
    assert case.rectification_due in timer_dues
    assert db.session.query(AuditEvent).filter_by(case_id=case_id, action="deadlines_recomputed").count() == 1
    assert calendar_admin.missing_years(db.session) == []
    assert db.session.query(HazardCase).filter_by(deadlines_provisional=True).count() == 0


def test_an_event_is_acted_on_once_however_the_next_steps_load_the_case(people):
    """What the process threw in a step is handled in that step's transaction and not again: a later step that
    reads the case from the database (as another worker process or the scheduler does; the runtime cache is
    cleared here for that) must not raise it anew — into the next round, a referral and an urging notice the
    enterprise did not earn."""
    from app.models import Notification
    from app.services.case_store import _cache
    case_id = overdue_case(people)
    clock.set(case_row(case_id).rectification_due + timedelta(days=8))
    sweep()  # round 1: urged, then referred to enforcement
    for user, form, data in [(people.ent_a, "rectification", rectify_data(people.ent_a)),
                             (people.project_team, "verification",
                              {"passed": False, "opinion": "不合格", "added_requirements": "补充"})]:
        _cache.clear()
        complete(user, open_tasks(case_id)[form], data)
    assert case_row(case_id).round == 2
    assert [r.round for r in db.session.query(EnforcementReferral).filter_by(case_id=case_id)] == [1]
    round_two = db.session.query(Notification).filter(Notification.case_id == case_id,
                                                      Notification.dedup_key.like("%:round:2%")).all()
    assert [n.kind for n in round_two] == []
    events = [(e.details["event"], e.details["round"]) for e in db.session.query(AuditEvent)
              .filter_by(case_id=case_id, action="process_event")]
    assert len(events) == len(set(events)), events


def test_a_state_stored_with_its_steps_events_does_not_raise_them_again(people):
    """States written before the events were taken out ahead of the dump hold what their step threw (that step
    acted on it). Such a state, written here as the sweep used to write it, is read without raising it anew."""
    from app.engine import CaseRuntime
    from app.models import WorkflowState
    from app.services.case_store import _cache
    from app.services.processes import parsed_for
    from app.services.script_functions import ScriptFunctions
    case_id = register(people)
    before = db.session.get(WorkflowState, case_id).state
    clock.advance(hours=2, minutes=1)
    sweep()  # the assignment is overdue: the notice goes out and the history says so
    old = CaseRuntime.load(parsed_for(case_row(case_id).process_version), ScriptFunctions().as_dict(), before)
    old.fire_due_timers()
    old_state = old.dump()  # the same firing, its event still inside, as stored before
    assert [e["event_definition"]["name"] for e in pending_events(old_state)] == ["assignment_overdue"]
    db.session.get(WorkflowState, case_id).state = old_state
    db.session.commit()
    _cache.clear()
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    events = [e.details["event"] for e in db.session.query(AuditEvent)
              .filter_by(case_id=case_id, action="process_event")]
    assert events.count("assignment_overdue") == 1
    assert pending_events(db.session.get(WorkflowState, case_id).state) == []


def pending_events(state):
    """The events a stored state holds (SpiffWorkflow's `bpmn_events`)."""
    import json
    from app.engine import serializer
    return json.loads(serializer.decompress(state))["bpmn_events"]
