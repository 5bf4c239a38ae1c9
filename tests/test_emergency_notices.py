"""What the emergency incident log tells people: a 重大 / 较大 incident the bureau and the project leads at once (a 一般
one nobody; raised to 较大 later, then), and the scheduler's job telling the project leads of a late arrival — once,
however often it runs, and not before the limit has passed (moved by the injected clock)."""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import AuditEvent, Notification, SchedulerHeartbeat
from app.services import emergencies
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.emergency_support import receive, stage, walk
from tests.test_web_support import text


def test_an_urgent_incident_tells_the_bureau_and_the_project_leads_at_once(people, login):
    receive(people.inspector, "general")
    assert db.session.query(Notification).count() == 0
    event_id = receive(people.inspector, "major", enterprise_id=str(people.enterprise_a.id))
    told = db.session.query(Notification).filter_by(kind="emergency_received").all()
    assert sorted(n.user_id for n in told) == sorted([people.bureau.id, people.project_lead.id])
    assert "I级（重大）" in told[0].title and "甲化工有限公司" in told[0].title and "TF-2026-0002" in told[0].body
    page = text(login("bureau").get("/notifications"))
    assert f'href="/emergencies/{event_id}"' in page
    general = receive(people.inspector, "general")
    with UnitOfWork() as uow:
        row = emergencies.get(uow.session, people.inspector, general)
        values = {name: getattr(row, name) for name in emergencies.FIELDS}
        emergencies.update(uow, people.inspector, general, {**values, "level": "larger",
                                                            "received_by_id": str(row.received_by_id)})
        uow.commit()
    assert db.session.query(Notification).filter_by(kind="emergency_received").count() == 4


def test_the_job_tells_the_project_leads_of_a_late_arrival_once(people, make_user):
    second_lead = make_user("lead2", "project_lead")
    received = clock.now()
    late = receive(people.inspector, "major")
    fine = receive(people.inspector, "general")
    arrived_late = receive(people.inspector, "larger")
    clock.set(received + timedelta(minutes=2))
    walk(people.inspector, arrived_late, "acknowledged", "dispatched")
    clock.set(received + timedelta(minutes=30))
    assert jobs.watch_emergencies() == 0  # at the limit: not late yet
    clock.advance(seconds=1)
    assert jobs.watch_emergencies() == 1  # the 重大 one, 30 minutes passed
    assert jobs.watch_emergencies() == 0  # once
    clock.set(received + timedelta(minutes=61))
    stage(people.inspector, arrived_late, "arrived")  # recorded after its hour
    assert jobs.watch_emergencies() == 1
    clock.set(received + timedelta(hours=3))
    assert jobs.watch_emergencies() == 1  # the 一般 one after its two hours
    assert jobs.watch_emergencies() == 0
    notices = db.session.query(Notification).filter_by(kind="emergency_arrival_late").all()
    assert len(notices) == 6 and {n.user_id for n in notices} == {people.project_lead.id, second_lead.id}
    assert {n.dedup_key for n in notices} == {f"emergency:{i}:arrival_late" for i in (late, fine, arrived_late)}
    first = next(n for n in notices if n.dedup_key == f"emergency:{late}:arrival_late")
    assert "30 分钟" in first.body and "至今未记录到场" in first.body
    assert db.session.query(AuditEvent).filter_by(action="emergency_arrival_late").count() == 3
    beat = db.session.get(SchedulerHeartbeat, "watch_emergencies")
    assert beat is not None and beat.ok


def test_a_closed_incident_that_arrived_on_time_is_never_told(people):
    received = clock.now()
    event_id = receive(people.inspector, "general")
    clock.set(received + timedelta(minutes=4))
    walk(people.inspector, event_id, "acknowledged", "dispatched", "arrived", "handled")
    clock.set(received + timedelta(days=3))
    assert jobs.watch_emergencies() == 0
