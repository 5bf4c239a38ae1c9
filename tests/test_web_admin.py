"""The admin pages over HTTP: incidents with retry, timer lateness, the working-day calendar, and the
provisional-deadline tag and missing-year warning wherever deadlines are shown."""
import io
import json
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, CalendarDay, CalendarYear, HazardCase, Incident, Notification, WorkflowState
from app.services import timers
from app.services.case_store import _cache
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, register
from tests.test_timers_service import corrupt_state, sweep
from tests.test_web_support import compile_translations, field_html, text

ADMIN_PAGES = ["/admin/incidents", "/admin/timers", "/admin/calendar"]
SCHEDULE_2027 = {"year": 2027, "source": "test", "holidays": [f"2027-01-0{d}" for d in range(1, 9)], "workdays": []}


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_for_admins_only(people, login, client, path):
    assert login("admin").get(path).status_code == 200
    for username in ("bureau", "project_lead", "manager", "ent_a"):
        assert login(username).get(path).status_code == 403, username
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_posts_are_for_admins_only(people, login, client):
    bureau = login("bureau")
    assert bureau.post("/admin/calendar/overrides", data={"day": "2026-12-05", "is_workday": "1"}).status_code == 403
    assert bureau.post("/admin/incidents/1/retry").status_code == 403
    assert client.post("/admin/calendar/import").status_code == 302
    assert db.session.query(CalendarDay).count() == 0


def test_nav_links_by_role(people, login):
    admin = text(login("admin").get("/"))
    assert 'href="/admin/incidents"' in admin and "系统管理" in admin and 'href="/supervision"' in admin
    bureau = text(login("bureau").get("/"))
    assert 'href="/supervision"' in bureau and 'href="/admin/incidents"' not in bureau
    enterprise = text(login("ent_a").get("/"))
    assert 'href="/supervision"' not in enterprise and 'href="/admin/incidents"' not in enterprise


# ---- incidents ------------------------------------------------------------------------------------------------
def make_incident(people):
    """A case whose stored workflow state is corrupt, swept once its 2-hour timer is due; returns its id and
    the original state so a test can repair it."""
    case_id = register(people)
    original = corrupt_state(case_id)
    clock.advance(hours=3)
    with UnitOfWork() as uow:
        _fired, failures = timers.fire_due_timers(uow)
        uow.commit()
    assert [c for c, _error in failures] == [case_id]
    return case_id, original


def test_incident_is_listed_and_retry_after_the_fix_fires_the_timer(people, login):
    case_id, original = make_incident(people)
    admin = login("admin")
    page = text(admin.get("/admin/incidents"))
    incident = db.session.query(Incident).one()
    assert case_row(case_id).code in page and f'/cases/{case_id}"' in page
    assert f'action="/admin/incidents/{incident.id}/retry"' in page and 'name="_csrf"' in page

    db.session.query(WorkflowState).filter_by(case_id=case_id).update({"state": original})
    db.session.commit()
    _cache.clear()
    response = admin.post(f"/admin/incidents/{incident.id}/retry")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/incidents"
    page = text(admin.get("/admin/incidents"))
    assert "已重试，触发了 1 个定时器" in page and case_row(case_id).code in page
    assert "没有未处理的异常" in page
    assert db.session.get(Incident, incident.id).resolved_by == "admin"
    assert db.session.query(Notification).filter_by(case_id=case_id, kind="assignment_overdue").count() > 0
    assert db.session.query(AuditEvent).filter_by(case_id=case_id, action="incident_retried").count() == 1


def test_retry_that_fails_again_reopens_the_incident(people, login):
    case_id, _original = make_incident(people)
    admin = login("admin")
    incident = db.session.query(Incident).one()
    page = text(admin.post(f"/admin/incidents/{incident.id}/retry", follow_redirects=True))
    assert "重试仍然失败" in page
    reopened = db.session.query(Incident).filter(Incident.resolved_at.is_(None)).one()
    assert reopened.id != incident.id and reopened.attempts == 2 and reopened.case_id == case_id
    assert "该事件已处理或不存在" in text(admin.post(f"/admin/incidents/{incident.id}/retry", follow_redirects=True))


def test_timer_lateness_page(people, login):
    register(people)
    clock.advance(hours=2, seconds=30)
    sweep()
    page = text(login("admin").get("/admin/timers"))
    assert "最近 7 天" in page and "P95" in page
    assert page.count("30 秒") >= 2  # p50 and max of one firing 30 s late, in both ranges


# ---- calendar -------------------------------------------------------------------------------------------------
def test_override_add_and_remove(people, login):
    admin = login("admin")
    response = admin.post("/admin/calendar/overrides", data={"day": "2026-12-05", "is_workday": "1", "note": "调休"})
    assert response.status_code == 302
    row = db.session.get(CalendarDay, date(2026, 12, 5))
    assert row.is_workday is True and row.note == "调休"
    page = text(admin.get("/admin/calendar"))
    assert "2026-12-05" in page and "调休" in page and 'action="/admin/calendar/overrides/2026-12-05/remove"' in page
    assert db.session.query(AuditEvent).filter_by(action="calendar_override").count() == 1

    assert admin.post("/admin/calendar/overrides/2026-12-05/remove").status_code == 302
    assert db.session.get(CalendarDay, date(2026, 12, 5)) is None
    page = text(admin.get("/admin/calendar"))
    assert "已删除 2026-12-05 的设置" in page and 'datetime="2026-12-05"' not in page


def test_override_with_a_bad_date_is_a_form_error(people, login):
    response = login("admin").post("/admin/calendar/overrides",
                                   data={"day": "2026-13-45", "is_workday": "0", "note": "坏日期"})
    assert response.status_code == 400
    page = text(response)
    day_field = field_html(page, "day")
    assert "field-error" in day_field and "日期格式不正确" in day_field and 'value="2026-13-45"' in day_field
    assert 'value="坏日期"' in page
    assert db.session.query(CalendarDay).count() == 0


def upload_schedule(client, payload, name="2027.json"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post("/admin/calendar/import", data={"file": (io.BytesIO(body), name)},
                       content_type="multipart/form-data")


def provisional_case(people):
    clock.set(datetime(2026, 12, 21, 9, tzinfo=SHANGHAI))
    case_id = register(people, score=60)  # 30 working days: into 2027, which has no official schedule
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    assert case_row(case_id).deadlines_provisional is True
    return case_id


def test_import_recomputes_provisional_deadlines_and_lists_them(people, login):
    case_id = provisional_case(people)
    admin = login("admin")
    page = text(admin.get("/admin/calendar"))
    assert 'id="missing-years"' in page and "2027" in page
    before = case_row(case_id).rectification_due

    response = upload_schedule(admin, SCHEDULE_2027)
    assert response.status_code == 200
    page = text(response)
    assert "已导入 2027 年节假日安排" in page and case_row(case_id).code in page
    assert before.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in page
    case = case_row(case_id)
    assert case.deadlines_provisional is False and case.rectification_due.astimezone(SHANGHAI).strftime(
        "%Y-%m-%d %H:%M") in page
    assert db.session.get(CalendarYear, 2027).imported_by == "admin"
    assert 'id="missing-years"' not in page
    assert "2027-01-08" in page  # the imported holidays are now overrides


@pytest.mark.parametrize("body, message", [
    (b"{not json", "不是有效的 JSON 文件"),
    (b"[1, 2]", "不是有效的 JSON 文件"),
    (json.dumps({"year": 2027, "holidays": ["2028-01-01"]}).encode(), "日期不属于 2027 年"),
    (json.dumps({"year": 2027, "holidays": ["2027-02-30"]}).encode(), "日历文件格式错误"),
    (json.dumps({"holidays": ["2027-01-01"]}).encode(), "日历文件格式错误"),
])
def test_bad_schedule_file_changes_nothing(people, login, body, message):
    case_id = provisional_case(people)
    response = upload_schedule(login("admin"), body)
    assert response.status_code == 400
    page = text(response)
    assert "导入失败，日历未作任何修改" in page and message in page
    assert db.session.query(CalendarYear).count() == 0 and db.session.query(CalendarDay).count() == 0
    assert case_row(case_id).deadlines_provisional is True


def test_import_without_a_file(people, login):
    response = login("admin").post("/admin/calendar/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "请选择要导入的 JSON 文件" in text(response)


def test_workday_calculator(people, login):
    admin = login("admin")
    page = text(admin.get("/admin/calendar?start=2026-09-28&days=7"))
    result = page[page.index('id="calc-result"'):]
    assert "2026-10-13" in result[:200] and "暂定" not in result[:400]
    page = text(admin.get("/admin/calendar?start=2026-12-28&days=7"))
    result = page[page.index('id="calc-result"'):]
    assert "2027-01-07" in result[:200] and "tag-provisional" in result[:600]
    page = text(admin.get("/admin/calendar?start=2026-02-30&days=x"))
    days = page[page.index('id="field-days"'):page.index("</form>", page.index('id="field-days"'))]
    assert "请输入日期" in field_html(page, "start") and "请输入 -365 到 365 之间的整数" in days


# ---- the warning and the provisional tag elsewhere ------------------------------------------------------------
def test_missing_year_banner_on_the_inbox_for_admins_only(people, login):
    provisional_case(people)
    page = text(login("admin").get("/"))
    assert 'id="missing-years"' in page and "以下年份尚无官方节假日安排：2027" in page
    assert 'href="/admin/calendar#import"' in page
    assert 'id="missing-years"' not in text(login("project_lead").get("/"))


def test_provisional_tag_in_inbox_task_and_case_pages_and_api(people, login, api):
    case_id = provisional_case(people)
    other = register(people, enterprise=people.enterprise_a)  # not provisional: 2 hours to assign
    enterprise = login("ent_a")
    inbox = text(enterprise.get("/"))
    assert inbox.count("tag-provisional") == 1 and "暂定" in inbox
    assert "官方节假日安排尚未发布" in inbox  # the tooltip
    task = open_tasks(case_id)["rectification"]
    assert "tag-provisional" in text(enterprise.get(f"/tasks/{task.id}"))
    case_page = text(login("bureau").get(f"/cases/{case_id}"))
    assert "tag-provisional" in case_page and "按法定节假日暂定计算" in case_page
    assert "tag-provisional" not in text(login("bureau").get(f"/cases/{other}"))

    items = {t["case_id"]: t for t in api("ent_a").get("/api/v1/tasks").get_json()["items"]}
    assert items[case_id]["deadlines_provisional"] is True
    lead_items = {t["case_id"]: t for t in api("project_lead").get("/api/v1/tasks").get_json()["items"]}
    assert lead_items[other]["deadlines_provisional"] is False
    assert api("bureau").get(f"/api/v1/hazards/{case_id}").get_json()["deadlines_provisional"] is True
    assert api("bureau").get(f"/api/v1/hazards/{other}").get_json()["deadlines_provisional"] is False
    listing = api("bureau").get("/api/v1/hazards").get_json()["items"]
    assert {c["id"]: c["deadlines_provisional"] for c in listing} == {case_id: True, other: False}


def test_provisional_field_is_in_the_openapi_document(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["Case"]["properties"]["deadlines_provisional"]["type"] == "boolean"
    assert schemas["Task"]["properties"]["deadlines_provisional"]["type"] == "boolean"


def test_due_soon_filter_in_the_inbox(people, login):
    case_id = register(people)
    lead = login("project_lead")
    page = text(lead.get("/"))
    assert "3 个工作日内到期" in page and "due_before=2026-11-26" in page  # Mon 23 Nov + 3 working days
    page = text(lead.get("/?due_before=2026-11-26"))
    assert case_row(case_id).code in page


def test_admin_pages_in_english(people, login):
    compile_translations()
    from flask_babel import get_domain
    get_domain().cache.clear()
    admin = login("admin")
    admin.get("/lang/en")
    page = text(admin.get("/admin/calendar"))
    for english in ("Working-day calendar", "Import a year's holiday schedule", "Working-day calculator"):
        assert english in page, english
    assert "System admin" in text(admin.get("/admin/incidents"))
    assert HazardCase.query.count() == 0
