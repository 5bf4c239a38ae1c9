"""GET /healthz: ready (200 "ok") when the database answers, the schema is at the newest migration and a process
is deployed; "degraded" (still 200) when the scheduler's timer sweep is late or failed; 503 when not ready."""
import sqlalchemy as sa

from app.errors import ProcessError
from app.extensions import db
from app.models import ProcessVersion, SchedulerHeartbeat
from app.clock import clock
from scheduler import jobs


def health(client):
    response = client.get("/healthz")
    return response.status_code, response.get_json()


def test_ok_after_a_sweep_without_logging_in(client):
    jobs.sweep_due_timers()
    status, body = health(client)
    assert status == 200 and body["status"] == "ok", body
    assert body["schema"]["ok"] and body["schema"]["current"] == body["schema"]["expected"]
    assert body["process_deployed"] is True and body["scheduler"]["ok"] is True
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"


def test_degraded_before_the_first_sweep_and_when_the_sweep_is_late(client):
    status, body = health(client)
    assert status == 200 and body["status"] == "degraded" and "not run yet" in body["scheduler"]["message"]
    jobs.sweep_due_timers()
    clock.advance(minutes=2)  # 15 s sweeps: three missed plus a minute's grace is 105 s
    status, body = health(client)
    assert status == 200 and body["status"] == "degraded" and "no timer sweep for 120 s" in body["scheduler"]["message"]


def test_degraded_when_the_sweep_failed(client, monkeypatch):
    def failing(uow, limit=1000):
        raise ProcessError("the diagram could not be loaded")
    monkeypatch.setattr(jobs.timers, "fire_due_timers", failing)
    assert jobs.sweep_due_timers() == []
    status, body = health(client)
    assert status == 200 and body["status"] == "degraded"
    assert "the diagram could not be loaded" in body["scheduler"]["message"]
    assert db.session.get(SchedulerHeartbeat, "sweep_due_timers").ok is False


def test_unavailable_when_the_schema_is_behind(client):
    head = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0006'"))
    db.session.commit()
    try:
        status, body = health(client)
        assert status == 503 and body["status"] == "unavailable"
        assert body["schema"] == {"current": ["0006"], "expected": [head], "ok": False}
    finally:
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        db.session.commit()


def test_unavailable_without_a_deployed_process(client):
    deployed = db.session.query(ProcessVersion).filter_by(is_deployed=True).one()
    deployed.is_deployed = False
    db.session.commit()
    try:
        status, body = health(client)
        assert status == 503 and body["process_deployed"] is False
    finally:
        deployed.is_deployed = True
        db.session.commit()


def test_the_admin_timer_page_shows_each_jobs_last_run(people, login):
    admin = login("admin")
    assert "调度进程还没有运行过" in admin.get("/admin/timers").get_data(as_text=True)
    jobs.sweep_due_timers()
    jobs.dispatch_outbox()
    page = admin.get("/admin/timers").get_data(as_text=True)
    assert "<code>sweep_due_timers</code>" in page and "<code>dispatch_outbox</code>" in page and "正常" in page
