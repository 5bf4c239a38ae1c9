"""The audit log page (/audit) and its CSV export: every recorded event, of cases and outside them, for managers,
the bureau and administrators only; filters by scope, action, actor, case and dates; bad filters named."""
from datetime import datetime

import pytest

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, HazardCase
from tests.test_web_support import ASSIGNMENT, compile_translations, csv_rows, open_task, register, submit, text


def entries(page):
    """(action name, case code or subject) of each row, in page order."""
    import re
    return re.findall(r'<span class="ev-action">([^<]+)</span>\s*(?:<a[^>]*>([^<]+)</a>|<span>([^<]+)</span>)?', page)


def actions(page):
    """The rows' action names, without the logins of the test's own clients (they have a scope of their own)."""
    return [e[0] for e in entries(page) if e[0] != "登录系统"]


@pytest.fixture
def history(people, login):
    """A case registered and assigned (case rows), a calendar day changed and an enterprise edited (system rows),
    the calendar change a day later than the rest."""
    db.session.query(AuditEvent).delete()  # the test session's process deployment, on the real clock
    db.session.commit()
    inspector, lead, admin = login("inspector"), login("project_lead"), login("admin")
    case = register(inspector, people.enterprise_a)
    submit(lead, open_task(case, "assignment"), ASSIGNMENT)
    clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI))
    assert admin.post("/admin/calendar/overrides", data={"day": "2026-12-05", "is_workday": "1",
                                                         "note": "调休"}).status_code == 302
    return case


@pytest.mark.parametrize("role", ["manager", "bureau", "admin"])
def test_managers_the_bureau_and_admins_read_every_event(history, login, role):
    page = text(login(role).get("/audit"))
    assert "审计日志" in page
    names = actions(page)
    assert names[0] == "调整工作日"  # newest first
    assert {"登记隐患信息", "完成", "流程推进", "调整工作日"} <= set(names)
    assert f'href="/cases/{history.id}">{history.code}</a>' in page
    assert 'href="/audit"' in page  # the nav link
    assert "甲化工有限公司" in page  # the registration's enterprise by name, not by id


@pytest.mark.parametrize("role", ["inspector", "project_lead", "ent_a", "quality", "process_owner"])
def test_other_roles_get_403_for_the_page_and_the_file(history, login, role):
    user = login(role)
    assert user.get("/audit").status_code == 403
    assert user.get("/audit/export.csv").status_code == 403
    assert 'href="/audit"' not in text(user.get("/"))


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get("/audit").status_code == 302 and client.get("/audit/export.csv").status_code == 302


def test_filters_scope_action_actor_case_and_dates(history, people, login):
    manager = login("manager")
    assert actions(text(manager.get("/audit?since=2026-11-24"))) == ["调整工作日"]
    assert "调整工作日" not in actions(text(manager.get("/audit?until=2026-11-23")))
    assert actions(text(manager.get("/audit?since=2026-11-25"))) == []
    other = register(login("inspector"), people.enterprise_b)
    system = actions(text(manager.get("/audit?scope=system")))
    assert system == ["调整工作日"]
    cases = actions(text(manager.get("/audit?scope=cases")))
    assert "调整工作日" not in cases and "登记隐患信息" in cases
    assert actions(text(manager.get("/audit?action=hazard_registered"))) == ["登记隐患信息", "登记隐患信息"]
    by_lead = text(manager.get("/audit?actor=project_lead"))
    assert actions(by_lead) == ["流程推进", "完成"]  # the step, and how it moved the case
    one_case = text(manager.get(f"/audit?case_code={other.code}"))
    assert other.code in one_case and history.code not in one_case.split('class="timeline')[1]
    assert actions(text(manager.get("/audit?case_code=YH-1999-000001"))) == []


def test_bad_filters_are_400_with_the_error_next_to_the_field(history, login):
    manager = login("manager")
    response = manager.get("/audit?since=2026-13-01&action=no_such_thing&until=2026-11-01")
    assert response.status_code == 400
    page = text(response)
    assert "日期格式应为" in page and "没有这种操作" in page
    assert 'value="2026-13-01"' in page  # what was typed stays
    assert actions(page) == []
    response = manager.get("/audit?since=2026-11-24&until=2026-11-23")
    assert response.status_code == 400 and "结束日期早于开始日期" in text(response)
    assert manager.get("/audit/export.csv?since=yesterday").status_code == 400
    assert manager.get("/audit?actor=" + "x" * 65).status_code == 400


def test_pages_of_fifty(history, login):
    now = clock.now()
    db.session.add_all([AuditEvent(case_id=None, actor_id=None, actor_name="system", action="calendar_imported",
                                   changes={}, details={"n": i}, reason="", created_at=now) for i in range(60)])
    db.session.commit()
    manager = login("manager")
    first = text(manager.get("/audit?action=calendar_imported"))
    assert "共 60 条" in first and len(actions(first)) == 50 and "第 1 / 2 页" in first
    assert len(actions(text(manager.get("/audit?action=calendar_imported&page=2")))) == 10


def test_the_csv_export_has_the_filtered_rows_readable_in_excel(history, login):
    response = login("manager").get("/audit/export.csv?scope=cases")
    rows, body = csv_rows(response), response.get_data(as_text=True)
    assert rows[0][:4] == ["时间", "操作人", "操作类型", "案件编号"]
    assert {r[2] for r in rows[1:]} >= {"登记隐患信息", "完成", "流程推进"}
    assert all(r[3] == history.code for r in rows[1:])
    assert "调整工作日" not in body  # the filter holds for the file too
    registered = next(r for r in rows[1:] if r[2] == "登记隐患信息")
    assert registered[0].startswith("2026-11-23 ") and registered[1] == "inspector"
    assert "一号车间配电房" in registered[7] and "甲化工有限公司" in registered[7]  # what the inspector entered
    assert db.session.query(HazardCase).count() == 1


def test_an_enterprise_change_names_its_subject_and_links_it_for_admins(people, login):
    from tests.test_web_admin_people import ENTERPRISE, post_form
    ent = people.enterprise_a
    assert post_form(login("admin"), f"/admin/enterprises/{ent.id}",
                     dict(ENTERPRISE, credit_code=ent.credit_code, name="甲化工集团")).status_code == 302
    admin_page = text(login("admin").get("/audit"))
    assert f'href="/admin/enterprises/{ent.id}">企业 #{ent.id}</a>' in admin_page
    assert "甲化工集团" in admin_page and "企业名称" in admin_page
    manager_page = text(login("manager").get("/audit"))
    assert f"企业 #{ent.id}" in manager_page and f'href="/admin/enterprises/{ent.id}"' not in manager_page


def test_the_page_in_english(history, login):
    compile_translations()
    manager = login("manager")
    manager.get("/lang/en")
    page = text(manager.get("/audit?since=bad"))
    assert "Audit log" in page and "Date as year-month-day" in page
    assert 'id="err-since"' in page
    page = text(manager.get("/audit"))
    assert "Working day changed" in page and "registered the hazard" in page
    body = manager.get("/audit/export.csv").get_data(as_text=True)
    assert body.lstrip("\ufeff").startswith("Time,By,Action,Case,")
