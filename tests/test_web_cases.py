"""Case pages, the case list and notifications over HTTP."""
from app.clock import clock
from app.models import Notification
from app.services.timers import fire_due_timers
from app.services.uow import UnitOfWork
from test_web_support import ASSIGNMENT, open_task, register, submit, text, upload


def test_case_page_shows_facts_deadlines_tasks_and_history(people, login):
    case = register(login("inspector"), people.enterprise_a)
    lead = login("project_lead")
    page = text(lead.get(f"/cases/{case.id}"))
    assert case.code in page and "一般隐患" in page and "待指派" in page
    assert "电气安全" in page and "一号车间配电房" in page and people.enterprise_a.name in page
    assert "指派期限" in page and "2026-11-23 11:00" in page and "剩余 2 小时" in page
    assert "整改指派" in page and f"/tasks/{open_task(case, 'assignment').id}" in page
    assert "登记隐患信息" in page and "inspector" in page
    assert "待指派" in page.split('class="timeline"')[1]  # the status change is in the history

    submit(lead, open_task(case, "assignment"), ASSIGNMENT)
    clock.advance(days=10)  # past the 7-working-day rectification deadline
    page = text(lead.get(f"/cases/{case.id}"))
    history = page.split('class="timeline"')[1]
    assert "待指派</span>" in history and "整改中" in history  # before → after
    assert "整改要求" in history and ASSIGNMENT["rectification_requirements"] in history
    assert "project_lead" in history
    assert "整改期限" in page and "逾期" in page


def test_case_page_404_for_unknown_case(people, login):
    assert login("bureau").get("/cases/99999").status_code == 404
    assert login("bureau").get("/tasks/99999").status_code == 404


def test_task_of_another_role_is_forbidden(people, login):
    case = register(login("inspector"), people.enterprise_a)
    assert login("project_team").get(f"/tasks/{open_task(case, 'assignment').id}").status_code == 403


def test_case_list_filters(people, login):
    inspector = login("inspector")
    general = register(inspector, people.enterprise_a, score="92")
    larger = register(inspector, people.enterprise_b, score="72")
    bureau = login("bureau")
    page = text(bureau.get("/cases"))
    assert general.code in page and larger.code in page and "共 2 件" in page
    page = text(bureau.get("/cases?grade=larger"))
    assert larger.code in page and general.code not in page
    page = text(bureau.get(f"/cases?enterprise_id={people.enterprise_a.id}"))
    assert general.code in page and larger.code not in page
    page = text(bureau.get("/cases?status=closed"))
    assert "没有符合条件的案件" in page
    assert general.code in text(bureau.get("/cases?status=assigning&grade=nonsense"))


def test_notifications_badge_list_and_mark_read(people, login):
    case = register(login("inspector"), people.enterprise_a)
    clock.advance(hours=3)  # the 2-hour assignment deadline passes
    with UnitOfWork() as uow:
        fire_due_timers(uow)
        uow.commit()
    mine = Notification.query.filter_by(user_id=people.project_lead.id).all()
    assert len(mine) == 1
    lead = login("project_lead")
    inbox = text(lead.get("/"))
    assert '<span class="badge" title="未读通知">1</span>' in inbox
    page = text(lead.get("/notifications"))
    assert case.code in page and "notice unread" in page
    response = lead.post(f"/notifications/{mine[0].id}/read", data={"next": f"/cases/{case.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    page = text(lead.get("/notifications"))
    assert "notice unread" not in page and 'class="badge"' not in page
    # Nobody marks another user's notice.
    other = login("bureau")
    assert other.post(f"/notifications/{mine[0].id}/read").status_code == 302
    assert "暂无通知" in text(other.get("/notifications"))


def test_mark_all_read(people, login):
    inspector = login("inspector")
    register(inspector, people.enterprise_a)
    register(inspector, people.enterprise_b)
    clock.advance(hours=3)
    with UnitOfWork() as uow:
        fire_due_timers(uow)
        uow.commit()
    lead = login("project_lead")
    page = text(lead.post("/notifications/read-all", follow_redirects=True))
    assert "已将 2 条通知标为已读" in page
    assert Notification.query.filter_by(user_id=people.project_lead.id, read_at=None).count() == 0


def test_attachments_on_case_page_before_after(people, login):
    case = register(login("inspector"), people.enterprise_a)
    submit(login("project_lead"), open_task(case, "assignment"), ASSIGNMENT)
    ent = login("ent_a")
    before, after = upload(ent, "before_photos"), upload(ent, "after_photos")
    submit(ent, open_task(case, "rectification"), {"measures": "已清理", "progress_percent": "100",
                                                   "completed": "true", "responsible_person": "李四",
                                                   "before_photos": [before], "after_photos": [after]})
    page = text(login("project_team").get(f"/cases/{case.id}"))
    compare = page.split('class="att-row compare"')[1].split('class="att-row')[0]
    assert compare.index(f"/attachments/{before}") < compare.index(f"/attachments/{after}")
    assert "整改前照片" in compare and "整改后照片" in compare


def test_case_page_links_to_its_diagram(people, login):
    case = register(login("inspector"), people.enterprise_a)
    page = text(login("ent_a").get(f"/cases/{case.id}"))
    assert f"/processes/case/{case.id}/diagram" in page
    assert login("ent_a").get(f"/processes/case/{case.id}/diagram").status_code == 200
    assert login("ent_b").get(f"/processes/case/{case.id}/diagram").status_code == 404
