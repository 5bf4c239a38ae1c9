"""Operator commands: seed-demo, deploy-processes, timers run-due, calendar."""
import json

from app.extensions import db
from app.models import (Attachment, CaseObjection, Enterprise, HazardCase, InspectionVisit, IotAlarm, IotDevice,
                        IotReading, Notification, ServiceProject, ServiceReport, TypicalCase, User, VisitCheckin)
from app.services import (document_completeness, document_expiry, enterprise_documents, service_project_coverage,
                          service_projects)
from app.services.uow import UnitOfWork


def test_seed_demo_creates_one_user_per_role_and_cases_at_different_steps(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "seeded" in result.output
    roles = set()
    for user in db.session.query(User):
        roles |= user.roles
    assert {"inspector", "project_lead", "enterprise", "project_team", "supervision", "expert", "bureau",
            "quality", "process_owner", "manager", "admin", "technical_lead", "township", "department"} <= roles
    # the township safety office (属地监管) covers the park of the enterprise with the major hazards
    assert db.session.query(User).filter_by(username="township").one().townships == ["滨江工业园区"]
    # the fire brigade's login (部门用户) is told of the letter addressed to it
    fire = db.session.query(User).filter_by(username="department").one()
    assert fire.department.name == "县消防救援大队"
    assert db.session.query(Notification).filter_by(user_id=fire.id, kind="referral_received").count() == 1
    assert db.session.query(Enterprise).count() == 9  # three with cases, six smaller ones
    assert {e.scale for e in db.session.query(Enterprise)} == {"above", "below", "micro"}  # each has one
    [project] = service_projects.current_projects(db.session)  # a current service project, everyone on its roster
    coverage = service_project_coverage.compute(db.session, project)
    assert coverage.roster_size == 9 and 0 < coverage.visited < 9 and project == db.session.query(ServiceProject).one()
    assert len({e.industry for e in db.session.query(Enterprise)}) >= 3
    statuses = {c.status for c in db.session.query(HazardCase)}
    assert {"assigning", "rectifying", "verifying", "closed"} <= statuses
    # the cases of the day's visits were registered from them (at 09:00 on a test clock's day: the same day)
    assert db.session.query(HazardCase).filter(HazardCase.inspection_visit_id.isnot(None)).count() >= 2
    assert db.session.query(CaseObjection).filter(CaseObjection.replied_at.is_(None)).count() == 1
    # a random draw of site checks, checked and published: the public page has a result to show
    assert 'data-draw="' in app.test_client().get("/public/spot-checks").get_data(as_text=True)
    assert "挂牌督办" in app.test_client().get("/public/hazards").get_data(as_text=True)  # a major hazard made public
    # the demo photos carry a camera's place and time, a few metres from their hazard
    photos = db.session.query(Attachment).filter(Attachment.case_id.isnot(None), Attachment.field == "photos").all()
    assert photos and all(p.location_source == "exif" and p.taken_at for p in photos)
    entry = db.session.query(TypicalCase).one()  # the closed case, written up in the case library
    assert entry.case.status == "closed" and entry.cause_analysis and "复核合格" in entry.effect
    report = db.session.query(ServiceReport).one()  # the closed case's enterprise, its service report issued
    assert report.status == "issued" and report.enterprise_id == entry.case.enterprise_id
    assert report.facts["hazards"]["closed"] >= 1 and report.conclusion
    assert db.session.query(Notification).filter_by(kind="service_report_issued").count() >= 2
    assert db.session.query(User).filter_by(username="enterprise").one().check_password(app.config["DEMO_PASSWORD"])
    # IoT monitoring: three devices with a day of readings, an open ammonia alarm, a handled warning, a low battery
    assert db.session.query(IotDevice).count() == 3 and db.session.query(IotReading).count() > 500
    assert [(a.parameter, a.level, a.closed_at is None) for a in db.session.query(IotAlarm).order_by(IotAlarm.id)] == \
        [("co", "warning", False), ("nh3", "alarm", True)]
    assert any(d.battery_percent < 20 for d in db.session.query(IotDevice))
    # two visits with the inspector's check-ins: one near the site for over 4 hours, one flagged as too short
    checkins = db.session.query(VisitCheckin).order_by(VisitCheckin.visit_id).all()
    assert [(c.minutes_on_site, c.arrival_distance_m is not None and c.arrival_distance_m < 100) for c in checkins] \
        == [(255, True), (150, True), (260, True)]  # the last: the visit waiting for 复审 (三级审核, below)
    waiting = db.session.query(InspectionVisit).filter_by(review_status="awaiting_second").one()
    assert waiting.enterprise.name == "城关木业有限公司" and waiting.released_at is None
    # safety archives: the chemical plant's complete with its licence falling due and a welder's certificate expired
    chemical = db.session.query(Enterprise).filter_by(name="华东精细化工有限公司").one()
    assert document_completeness.of_enterprise(db.session, chemical).missing == []
    assert {d.kind: document_expiry.state(d) for d in enterprise_documents.documents_of(db.session, chemical.id)
            if d.kind in ("production_licence", "emergency_plan")} == {"production_licence": "expiring",
                                                                         "emergency_plan": "expiring"}
    with UnitOfWork() as uow:  # not committed: the licence, the plan and the welder's certificate
        assert document_expiry.notify_due(uow) == 3
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not seeded" in again.output and db.session.query(Enterprise).count() == 9


def test_deploy_processes_is_a_no_op_when_unchanged(app):
    result = app.test_cli_runner().invoke(args=["deploy-processes"])
    assert result.exit_code == 0 and result.output.startswith("unchanged")


def test_run_due_refuses_a_moved_clock_unless_allowed(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["timers", "run-due", "--now", "2026-12-03T09:00:00+08:00"])
    assert result.exit_code == 2 and "ALLOW_CLOCK_OVERRIDE" in result.output
    app.config["ALLOW_CLOCK_OVERRIDE"] = True
    try:
        runner.invoke(args=["seed-demo"])
        result = runner.invoke(args=["timers", "run-due", "--now", "2026-12-03T09:00:00+08:00"])
    finally:
        app.config["ALLOW_CLOCK_OVERRIDE"] = False
    assert result.exit_code == 0 and "fired YH-" in result.output
    assert db.session.query(Notification).count() > 0
    bad = runner.invoke(args=["timers", "run-due", "--now", "2026-12-03T09:00:00"])
    assert bad.exit_code == 2


def test_calendar_add_workdays_examples(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["calendar", "add-workdays", "2026-09-28", "7"]).output.strip() == "2026-10-13"
    assert runner.invoke(args=["calendar", "add-workdays", "2026-09-30", "3"]).output.strip() == "2026-10-10"
    assert runner.invoke(args=["calendar", "add-workdays", "2026-02-12", "7"]).output.strip() == "2026-02-28"
    assert "provisional" in runner.invoke(args=["calendar", "add-workdays", "2027-03-01", "3"]).output
    bad = runner.invoke(args=["calendar", "add-workdays", "2026-13-01", "3"])
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_calendar_import_file(app, tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({"year": 2027, "source": "国务院办公厅通知", "holidays": ["2027-03-02"],
                                "workdays": ["2027-03-06"]}), encoding="utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["calendar", "import", str(path)]).exit_code == 0
    out = runner.invoke(args=["calendar", "add-workdays", "2027-03-01", "3"]).output.strip()
    assert out == "2027-03-05"  # 2nd off; 3rd, 4th, 5th
    path.write_text("{not json", encoding="utf-8")
    assert runner.invoke(args=["calendar", "import", str(path)]).exit_code == 2


def test_users_and_enterprises_from_the_cli(app):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["enterprises", "add", "--name", "城南化工", "--credit-code", "91330100MA2H00009G",
                              "--industry", "化工"])
    assert out.exit_code == 0 and "城南化工" in out.output
    assert runner.invoke(args=["enterprises", "add", "--name", "x", "--credit-code", "123"]).exit_code == 2
    out = runner.invoke(args=["enterprises", "add", "--name", "x", "--credit-code", "91330100MA2H00009H"])
    assert out.exit_code == 2 and "check character" in out.output  # a mistyped last character
    out = runner.invoke(args=["users", "create", "chen", "--role", "enterprise", "--enterprise", "91330100MA2H00009G",
                              "--name", "陈安全", "--password", "long-enough-1"])
    assert out.exit_code == 0, out.output
    user = db.session.query(User).filter_by(username="chen").one()
    assert user.roles == {"enterprise"} and user.enterprise.name == "城南化工"
    assert user.check_password("long-enough-1")
    assert runner.invoke(args=["users", "create", "chen", "--role", "inspector", "--password",
                               "long-enough-1"]).exit_code == 2  # exists
    assert runner.invoke(args=["users", "create", "wu", "--role", "wizard", "--password",
                               "long-enough-1"]).exit_code == 2  # unknown role
    assert runner.invoke(args=["users", "create", "li", "--role", "enterprise", "--password",
                               "long-enough-1"]).exit_code == 2  # enterprise user without enterprise
    assert runner.invoke(args=["users", "set-password", "chen", "--password", "short"]).exit_code == 2
    assert runner.invoke(args=["users", "set-password", "chen", "--password", "another-long-2"]).exit_code == 0
    db.session.expire_all()
    assert db.session.query(User).filter_by(username="chen").one().check_password("another-long-2")
    assert runner.invoke(args=["users", "deactivate", "chen"]).exit_code == 0
