"""A 一般 hazard through the HTML forms from registration to 已销号, failing verification once on the way."""
from app.clock import clock
from app.extensions import db
from app.models import HazardCase, HumanTask
from test_web_support import ASSIGNMENT, open_task, register, submit, text, upload


def _rectify(ent, case, measures):
    task = open_task(case, "rectification")
    page = text(ent.get(f"/tasks/{task.id}"))
    assert "企业整改" in page
    before, after = upload(ent, "before_photos"), upload(ent, "after_photos")
    submit(ent, task, {"measures": measures, "progress_percent": "100", "completed": "true",
                       "responsible_person": "李四", "completed_on": "2026-11-25",
                       "before_photos": [before], "after_photos": [after]})
    return after


def _row(case):
    return f'class="code">{case.code}</a>'  # the inbox row, not the flash naming the case


def _status(case):
    db.session.expire_all()
    return db.session.get(HazardCase, case.id).status


def test_general_hazard_lifecycle_with_failed_verification(people, login):
    inspector, lead, ent, team = login("inspector"), login("project_lead"), login("ent_a"), login("project_team")

    case = register(inspector, people.enterprise_a, score="90")
    assert (case.grade, _status(case)) == ("general", "assigning")
    assert case.code in text(lead.get("/"))

    lead.post(f"/tasks/{open_task(case, 'assignment').id}/claim")
    submit(lead, open_task(case, "assignment"), ASSIGNMENT)
    assert _status(case) == "rectifying"
    assert _row(case) not in text(lead.get("/"))
    assert _row(case) in text(ent.get("/"))

    clock.advance(days=2)
    first_after = _rectify(ent, case, "第一轮：清理杂物")
    assert _status(case) == "verifying"
    assert _row(case) in text(team.get("/")) and _row(case) not in text(ent.get("/"))

    # Verification fails: added requirements are compulsory, then the case goes back for a second round.
    verify = open_task(case, "verification")
    response = team.post(f"/tasks/{verify.id}", data={"passed": "false", "opinion": "柜门锁未安装"})
    assert response.status_code == 400 and "field-error" in response.get_data(as_text=True)
    submit(team, verify, {"passed": "false", "opinion": "柜门锁未安装", "added_requirements": "加装柜门锁",
                          "verified_at": "2026-11-25T10:00"})
    db.session.expire_all()
    case = db.session.get(HazardCase, case.id)
    assert (case.status, case.round) == ("rectifying", 2)
    page = text(ent.get(f"/tasks/{open_task(case, 'rectification').id}"))
    assert "第 2 轮" in page and "加装柜门锁" in page  # the enterprise sees what is still missing

    clock.advance(days=1)
    second_after = _rectify(ent, case, "第二轮：已加装柜门锁")
    submit(team, open_task(case, "verification"), {"passed": "true", "opinion": "整改到位，同意销号"})

    db.session.expire_all()
    case = db.session.get(HazardCase, case.id)
    assert case.status == "closed" and case.closed_at is not None
    assert HumanTask.query.filter_by(case_id=case.id).count() == 0
    page = text(inspector.get(f"/cases/{case.id}"))
    assert "已销号" in page and "案件已销号，闭环完成。" in page and "第 2 轮" in page
    history = page.split('class="timeline"')[1]
    for expected in ("登记隐患信息", "认领任务", "整改指派", "复核验收（项目执行小组）", "加装柜门锁", "同意销号"):
        assert expected in history
    # Round 2's submission shows what changed since round 1.
    assert '<span class="before"><span class="prewrap">第一轮：清理杂物</span></span>' in history
    assert f"/attachments/{first_after}" in page and f"/attachments/{second_after}" in page
    assert "已销号" in text(inspector.get("/cases?status=closed"))
