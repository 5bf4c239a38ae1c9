"""The inbox over HTTP: whose tasks show, filters and counts, claim / release / reassign."""
import re

from app.clock import clock
from app.extensions import db
from app.models import Attachment, HumanTask
from test_web_support import ASSIGNMENT, open_task, register, submit, text


def _chip_count(html, label):
    match = re.search(rf"{label} <b>(\d+)</b>", html)
    return int(match.group(1)) if match else None


def test_login_required(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_inbox_shows_only_my_roles_tasks(people, login):
    case = register(login("inspector"), people.enterprise_a)
    lead_page = text(login("project_lead").get("/"))
    assert case.code in lead_page and "整改指派" in lead_page
    for other in ("project_team", "ent_a", "inspector"):
        page = text(login(other).get("/tasks"))
        assert case.code not in page
        assert "暂无待办任务" in page


def test_enterprise_user_sees_only_own_enterprise(people, login):
    inspector, lead = login("inspector"), login("project_lead")
    case_a, case_b = register(inspector, people.enterprise_a), register(inspector, people.enterprise_b)
    for case in (case_a, case_b):
        submit(lead, open_task(case, "assignment"), ASSIGNMENT)
    ent_a = login("ent_a")
    inbox = text(ent_a.get("/"))
    assert case_a.code in inbox and case_b.code not in inbox
    cases = text(ent_a.get("/cases"))
    assert case_a.code in cases and case_b.code not in cases
    assert 'name="enterprise_id"' not in inbox  # no enterprise filter for enterprise staff
    task_b = open_task(case_b, "rectification")
    photo_b = Attachment.query.filter_by(case_id=case_b.id).first()
    assert ent_a.get(f"/cases/{case_b.id}").status_code == 404
    assert ent_a.get(f"/tasks/{task_b.id}").status_code == 404
    assert ent_a.post(f"/tasks/{task_b.id}", data={"measures": "x"}).status_code == 404
    assert ent_a.post(f"/tasks/{task_b.id}/claim").status_code == 404
    assert ent_a.get(f"/attachments/{photo_b.public_id}").status_code == 404
    assert ent_a.get(f"/cases/{case_a.id}").status_code == 200
    assert login("ent_b").get(f"/attachments/{photo_b.public_id}").status_code == 200


def test_filters_and_counts(people, login):
    inspector, lead = login("inspector"), login("project_lead")
    general = register(inspector, people.enterprise_a, score="90")
    larger = register(inspector, people.enterprise_b, score="75")
    major = register(inspector, people.enterprise_a, score="60")
    page = text(lead.get("/"))
    assert _chip_count(page, "全部") == 3
    assert (_chip_count(page, "一般隐患"), _chip_count(page, "较大隐患"), _chip_count(page, "重大隐患")) == (1, 1, 1)
    assert _chip_count(page, "已逾期") == 0

    page = text(lead.get("/?grade=larger"))
    assert larger.code in page and general.code not in page and major.code not in page
    page = text(lead.get(f"/?enterprise_id={people.enterprise_a.id}"))
    assert general.code in page and major.code in page and larger.code not in page
    assert general.code in text(lead.get("/?due_before=2026-11-23"))  # assignment is due 11:00 today
    assert "没有符合筛选条件的任务" in text(lead.get("/?due_before=2026-11-22"))

    clock.advance(hours=3)  # past the 2-hour assignment deadline
    page = text(lead.get("/?overdue=1"))
    assert _chip_count(page, "已逾期") == 3 and page.count('class="is-overdue"') == 3
    assert "逾期 1 小时" in page

    lead.post(f"/tasks/{open_task(larger, 'assignment').id}/claim")
    page = text(lead.get("/?mine=1"))
    assert _chip_count(page, "我认领的") == 1 and larger.code in page and general.code not in page


def test_inbox_sorted_by_due_time(people, login, make_user):
    inspector, lead = login("inspector"), login("project_lead")
    first = register(inspector, people.enterprise_a)
    clock.advance(minutes=30)
    second = register(inspector, people.enterprise_a)
    page = text(lead.get("/"))
    assert page.index(first.code) < page.index(second.code)


def test_claim_release_and_conflict(people, login, make_user):
    make_user("lead2", "project_lead")
    case = register(login("inspector"), people.enterprise_a)
    task = open_task(case, "assignment")
    lead, lead2 = login("project_lead"), login("lead2")

    response = lead.post(f"/tasks/{task.id}/claim", data={"next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert db.session.get(HumanTask, task.id).assignee_id == people.project_lead.id
    page = text(lead.get("/"))
    assert "释放" in page and "已认领任务" in page

    page = text(lead2.post(f"/tasks/{task.id}/claim", follow_redirects=True))
    assert "这个任务已被他人认领" in page
    assert db.session.get(HumanTask, task.id).assignee_id == people.project_lead.id

    # Someone else's claim blocks submitting; the form says why and keeps the input.
    response = lead2.post(f"/tasks/{task.id}", data=ASSIGNMENT)
    assert response.status_code == 409
    assert "认领" in text(response) and ASSIGNMENT["contact_person"] in text(response)

    lead.post(f"/tasks/{task.id}/release")
    assert db.session.get(HumanTask, task.id).assignee_id is None


def test_reassign(people, login, make_user):
    make_user("lead2", "project_lead")
    case = register(login("inspector"), people.enterprise_a)
    submit(login("project_lead"), open_task(case, "assignment"), ASSIGNMENT)
    task = open_task(case, "rectification")
    make_user("ent_a2", "enterprise", enterprise=people.enterprise_a)

    assert login("ent_a").post(f"/tasks/{task.id}/reassign",
                               data={"username": "ent_a2", "reason": "休假"}).status_code == 403
    assert login("project_team").post(f"/tasks/{task.id}/reassign",
                                      data={"username": "ent_a2", "reason": "x"}).status_code == 403

    lead = login("project_lead")
    case_page = text(lead.get(f"/cases/{case.id}"))
    assert f'action="/tasks/{task.id}/reassign"' in case_page and "ent_a2" in case_page
    assert "ent_b" not in case_page.split(f'action="/tasks/{task.id}/reassign"')[1].split("</form>")[0]

    page = text(lead.post(f"/tasks/{task.id}/reassign", data={"username": "ent_a2", "reason": ""},
                          follow_redirects=True))
    assert "请填写改派原因" in page and db.session.get(HumanTask, task.id).assignee_id is None
    page = text(lead.post(f"/tasks/{task.id}/reassign", data={"username": "ent_b", "reason": "错了"},
                          follow_redirects=True))
    assert "该用户不能处理此任务" in page

    response = lead.post(f"/tasks/{task.id}/reassign",
                         data={"username": "ent_a2", "reason": "原安全员休假", "next": f"/cases/{case.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    assert db.session.get(HumanTask, task.id).assignee.username == "ent_a2"
    page = text(lead.get(f"/cases/{case.id}"))
    assert "改派任务" in page and "原安全员休假" in page
    assert "ent_a2" in text(login("ent_a2").get("/?mine=1"))


def test_reassign_form_only_for_leads(people, login):
    case = register(login("inspector"), people.enterprise_a)
    task = open_task(case, "assignment")
    assert f'action="/tasks/{task.id}/reassign"' in text(login("project_lead").get(f"/tasks/{task.id}"))
    assert "/reassign" not in text(login("bureau").get(f"/cases/{case.id}"))
