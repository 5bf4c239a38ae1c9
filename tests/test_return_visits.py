"""Return visits to key enterprises from the outside: which enterprises are key and why (the key-supervision list, a
major case in the last 12 months, a project lead's flag — audited), the quarter's due list moved by the injected
clock with its overdue flag, the leads' reminder once per quarter, the record form (400 with field errors and the
input kept), a regressed case registered as a new hazard once, and who sees what (another enterprise 404, the
internal note hidden from the enterprise, wrong roles 403), in pages, CSV and the API."""
from datetime import datetime, timedelta

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, HazardCase, Notification, ReturnVisit, ReturnVisitFinding, SchedulerHeartbeat
from app.services import key_enterprises, sla
from app.services.training_targets import Quarter
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.return_visit_support import flag, form, record
from tests.test_follow_ups import closed_case
from tests.test_lifecycle_service import register
from tests.test_web_support import csv_rows, registration, text, upload


def keys_today(user):
    return {k.enterprise.name: k.reason_kinds() for k in key_enterprises.current(db.session, user)}


def test_key_enterprises_are_computed_with_their_reasons_and_the_flag_is_audited(people, make_enterprise, login):
    third, old = make_enterprise("丙仓储公司"), make_enterprise("丁旧案企业")
    clock.set(datetime(2025, 10, 1, 9, 0, tzinfo=SHANGHAI))
    register(people, score=60, enterprise=old)  # a major case 14 months ago: no longer a reason
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    register(people, score=60)  # 重大 at 甲
    overdue = db.session.get(HazardCase, register(people, enterprise=third))
    with UnitOfWork() as uow:
        sla.put_on_key_supervision(uow, overdue, 1)
        uow.commit()
    assert keys_today(people.bureau) == {"甲化工有限公司": ["major_case"], "丙仓储公司": ["supervision"]}
    lead = login("project_lead")
    bad = lead.post("/return-visits/key-enterprises/mark", data={"enterprise_id": str(people.enterprise_b.id),
                                                                 "reason": ""})
    assert bad.status_code == 400 and 'id="err-reason"' in text(bad)
    assert lead.post("/return-visits/key-enterprises/mark", data={"enterprise_id": str(people.enterprise_b.id),
                                                                  "reason": "起重作业多"}).status_code == 302
    again = lead.post("/return-visits/key-enterprises/mark", data={"enterprise_id": str(people.enterprise_b.id),
                                                                   "reason": "再标一次"})
    assert again.status_code == 409
    assert keys_today(people.bureau)["乙机械制造厂"] == ["marked"]
    page = text(lead.get("/return-visits/key-enterprises"))
    assert "起重作业多" in page and f'data-enterprise="{third.id}"' in page
    assert f'data-enterprise="{old.id}"' not in page
    assert login("project_team").post("/return-visits/key-enterprises/mark", data={
        "enterprise_id": str(old.id), "reason": "x"}).status_code == 403
    assert lead.post(f"/return-visits/key-enterprises/{people.enterprise_b.id}/unmark",
                     data={"reason": "整改到位"}).status_code == 302
    assert "乙机械制造厂" not in keys_today(people.bureau)
    events = db.session.query(AuditEvent).filter(AuditEvent.action.like("key_enterprise_%")) \
        .order_by(AuditEvent.id).all()
    assert [(e.action, e.changes, e.subject_id) for e in events] == [
        ("key_enterprise_marked", {"key_enterprise": [None, "起重作业多"]}, people.enterprise_b.id),
        ("key_enterprise_unmarked", {"key_enterprise": ["起重作业多", None]}, people.enterprise_b.id)]
    assert events[1].reason == "整改到位"
    # still due this quarter: it was key on a day of it
    due = key_enterprises.quarter_due(db.session, None, Quarter(2026, 4), 1)
    assert "乙机械制造厂" in {r.key.enterprise.name for r in due.remaining}


def test_the_due_list_follows_the_quarter_and_flags_what_remains_overdue_when_it_ends(people, login):
    register(people, score=60)  # 甲 is key
    flag(people.project_lead, people.enterprise_b)  # so is 乙
    lead = login("project_lead")
    page = text(lead.get("/return-visits/due"))
    assert "2026Q4" in page and "甲化工有限公司" in page and "乙机械制造厂" in page and "逾期未回访" not in page
    record(people.project_team, people.enterprise_a)
    page = text(lead.get("/return-visits/due"))
    assert "甲化工有限公司" not in page and "乙机械制造厂" in page
    assert "甲化工有限公司" in text(lead.get("/return-visits/due?all=1"))
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI))  # the next quarter
    current = text(lead.get("/return-visits/due"))
    assert "2027Q1" in current and "甲化工有限公司" in current and "逾期未回访" not in current
    past = text(lead.get("/return-visits/due?quarter=2026Q4"))
    assert "乙机械制造厂" in past and "逾期未回访" in past and "甲化工有限公司" not in past
    assert "2027Q1：" in text(lead.get("/return-visits/due?quarter=2027Q2"))  # a later quarter: the current one


def test_the_leads_are_reminded_once_per_quarter_in_its_last_30_days(people, make_user):
    register(people, score=60)
    second = make_user("lead2", "project_lead")

    def notices():
        db.session.expire_all()
        return db.session.query(Notification).filter_by(kind="return_visit_due").order_by(Notification.id).all()

    assert jobs.remind_return_visits() == 0 and notices() == []  # 2026-11-23: 39 days left
    clock.advance(days=10)
    assert jobs.remind_return_visits() == 2
    first = notices()
    assert {n.user_id for n in first} == {people.project_lead.id, second.id}
    assert "1 家重点企业待回访" in first[0].title and "甲化工有限公司" in first[0].body and "2026-12-31" in first[0].body
    assert jobs.remind_return_visits() == 0
    clock.advance(days=5)
    assert jobs.remind_return_visits() == 0 and len(notices()) == 2
    third = make_user("lead3", "project_lead")
    assert jobs.remind_return_visits() == 1 and notices()[-1].user_id == third.id  # a lead who had none yet
    record(people.inspector, people.enterprise_a)
    clock.set(datetime(2027, 3, 10, 9, 0, tzinfo=SHANGHAI))  # Q1's last days: still key (major case 12 months)
    assert jobs.remind_return_visits() == 3 and "2027Q1" in notices()[-1].title
    beat = db.session.get(SchedulerHeartbeat, "remind_return_visits")
    assert beat is not None and beat.ok


def test_the_form_refuses_bad_input_with_field_errors_and_keeps_it(people, login):
    case_id = closed_case(people)
    code = db.session.get(HazardCase, case_id).code
    team = login("project_team")
    start = text(team.get(f"/return-visits/new?enterprise_id={people.enterprise_a.id}"))
    assert code in start and f'name="finding_{case_id}"' in start
    bad = team.post("/return-visits/new", data=form(
        people.enterprise_a, people.project_team, contact_person="", score_communication="", score_response_speed="9",
        check_ledger="", way="fax", **{f"finding_{case_id}": "recurred", f"finding_note_{case_id}": ""},
        opinions="请保留这段意见"))
    page = text(bad)
    assert bad.status_code == 400
    for field in ("contact_person", "score_communication", "score_response_speed", "check_ledger", "way",
                  f"finding_note_{case_id}"):
        assert f'id="err-{field}"' in page, field
    assert "请保留这段意见" in page and 'value="13800000000"' in page
    assert f'name="finding_{case_id}" value="recurred" checked' in page
    future = team.post("/return-visits/new", data=form(people.enterprise_a, people.project_team,
                                                       visited_on="2026-12-24"))
    assert future.status_code == 400 and 'id="err-visited_on"' in text(future)
    assert db.session.query(ReturnVisit).count() == 0
    nobody = team.post("/return-visits/new", data=form(people.enterprise_a, people.bureau))  # not a visitor
    assert nobody.status_code == 400 and 'id="err-visitor_id"' in text(nobody)
    no_survey = team.post("/return-visits/new", data=form(
        people.enterprise_a, people.project_team, score_response_speed="", score_service_quality="",
        score_communication=""))
    assert no_survey.status_code == 302
    assert db.session.query(ReturnVisit).one().scores == {}


def test_a_regressed_case_tells_the_bureau_and_is_registered_as_a_new_hazard_once(people, login):
    case_id = closed_case(people)
    team = login("project_team")
    done = team.post("/return-visits/new", data=form(
        people.enterprise_a, people.project_team, score_service_quality="2",
        **{f"finding_{case_id}": "recurred", f"finding_note_{case_id}": "配电箱又出现私拉电线"}))
    assert done.status_code == 302
    row = db.session.query(ReturnVisit).one()
    finding = db.session.query(ReturnVisitFinding).one()
    assert done.headers["Location"].endswith(f"/return-visits/{row.id}") and finding.result == "recurred"
    told = db.session.query(Notification).filter_by(kind="return_visit_regressed").all()
    assert {n.user_id for n in told} == {people.bureau.id, people.project_lead.id} and "私拉电线" in told[0].body
    low = db.session.query(Notification).filter_by(kind="return_visit_low_score").all()
    assert {n.user_id for n in low} == {people.quality.id, people.project_lead.id}
    inspector = login("inspector")
    assert "登记为隐患" in text(inspector.get(f"/return-visits/{row.id}"))
    url = f"/hazards/new?return_visit={row.id}&finding={finding.id}"
    prefilled = text(inspector.get(url))
    assert "配电箱又出现私拉电线" in prefilled and 'name="return_visit_finding"' in prefilled
    assert login("ent_a").get(url).status_code in (403, 404)
    done = inspector.post("/hazards/new", data={
        **registration(people.enterprise_a, upload(inspector), description="回访发现反弹"),
        "return_visit_id": str(row.id), "return_visit_finding": str(finding.id)})
    assert done.status_code == 302, text(done)
    db.session.expire_all()
    new_case = db.session.get(ReturnVisitFinding, finding.id).new_case
    assert new_case is not None and new_case.id != case_id
    assert new_case.code in text(login("ent_a").get(f"/return-visits/{row.id}"))
    assert inspector.get(url).status_code == 409
    assert inspector.get(f"/hazards/new?return_visit={row.id}&finding=999").status_code == 400
    assert db.session.query(AuditEvent).filter_by(action="return_visit_regression_registered").count() == 1


def test_enterprises_see_their_own_return_visits_only_and_never_the_internal_note(people, login, api):
    own = record(people.project_team, people.enterprise_a)
    other = record(people.project_team, people.enterprise_b, opinions="乙的意见")
    ent_a = login("ent_a")
    page = text(ent_a.get(f"/return-visits/{own}"))
    assert "希望提前告知复查时间" in page and "负责人配合度一般" not in page
    assert ent_a.get(f"/return-visits/{other}").status_code == 404
    listing = text(ent_a.get("/return-visits"))
    assert "甲化工有限公司" in listing and "乙的意见" not in listing and "乙机械制造厂" not in listing
    rows = csv_rows(ent_a.get("/return-visits.csv"))
    assert len(rows) == 2 and "负责人配合度一般" not in str(rows) and "内部备注" not in rows[0]
    staff_rows = csv_rows(login("bureau").get("/return-visits.csv"))
    assert len(staff_rows) == 3 and "内部：负责人配合度一般" in str(staff_rows)
    assert "负责人配合度一般" in text(login("manager").get(f"/return-visits/{own}"))
    for path in ("/return-visits/due", "/return-visits/key-enterprises", "/return-visits/reports",
                 "/return-visits/new"):
        assert ent_a.get(path).status_code == 403, path
    for username in ("expert", "process_owner", "supervision"):
        assert login(username).get("/return-visits").status_code == 403, username
    assert login("bureau").get("/return-visits/new").status_code == 403
    # the API, scoped the same way
    items = api("ent_a").get("/api/v1/return-visits").get_json()["items"]
    assert [i["id"] for i in items] == [own] and "internal_note" not in items[0]
    assert items[0]["survey"] == {"response_speed": 5, "service_quality": 4, "communication": 3}
    assert api("ent_a").get(f"/api/v1/return-visits/{other}").status_code == 404
    staff = api("bureau").get("/api/v1/return-visits?way=phone").get_json()
    assert staff["total"] == 2 and staff["items"][0]["internal_note"] == "内部：负责人配合度一般"
    bad = api("bureau").get("/api/v1/return-visits?way=fax")
    assert bad.status_code == 400 and "way" in bad.get_json()["fields"]
    assert api("expert").get("/api/v1/return-visits").status_code == 403
    filtered = text(login("bureau").get(f"/return-visits?enterprise_id={people.enterprise_b.id}"))
    assert "乙机械制造厂" in filtered and f'data-return-visit="{own}"' not in filtered


def test_a_visit_day_range_filter_and_the_recent_cases_window(people, login):
    case_id = closed_case(people)
    record(people.inspector, people.enterprise_a, visited_on=(clock.local_now().date() - timedelta(days=3)).isoformat())
    bureau = login("bureau")
    assert "共 1 次回访" in text(bureau.get("/return-visits?date_from=2026-11-01"))
    assert "共 0 次回访" in text(bureau.get("/return-visits?date_to=2026-11-01"))
    bad = bureau.get("/return-visits?date_from=2026-13-01")
    assert bad.status_code == 200 and "日期格式" in text(bad)
    # a case closed after the visit's day is not asked about on that day
    from app.services import return_visits
    day = clock.local_now().date()
    assert [c.id for c in return_visits.recent_closed_cases(db.session, people.enterprise_a.id, day)] == [case_id]
    assert return_visits.recent_closed_cases(db.session, people.enterprise_a.id, day - timedelta(days=1)) == []
