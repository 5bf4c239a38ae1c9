"""The expert pool (专家库) from the outside: keeping it (validation with the input kept, audited before → after), who
reads it (enterprise staff and township offices: 403), the ranking of a case's suggested experts (fields wanted by the
industry and hazard type, then load — dispatches and claimed expert tasks), dispatching (audited on the case, the
linked expert told, 409 twice or on a closed case, 403 for other roles) and what the case page shows to whom."""
from app.extensions import db
from app.models import AuditEvent, Expert, ExpertDispatch, HumanTask, Notification
from app.services import expert_matching, hazards, tasks
from app.services.uow import UnitOfWork
from tests.resource_support import dispatch, expert
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register
from tests.test_web_support import csv_rows, text


def major_case_at_joint_verification(people, enterprise=None):
    case_id = register(people, score=60, enterprise=enterprise)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    owner = people.ent_a if enterprise in (None, people.enterprise_a) else people.ent_b
    complete(owner, open_tasks(case_id)["rectification"], rectify_data(owner))
    return case_id


def closed_case(people):
    case_id = register(people, score=90)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "合格"})
    return case_id


def test_the_pool_is_kept_by_leads_with_field_errors_and_history(people, login):
    lead = login("project_lead")
    assert lead.get("/experts/new").status_code == 200
    bad = lead.post("/experts/new", data={"name": "周建国", "organisation": "省化工研究设计院", "phone": "abc",
                                          "active": "1"})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-domains"' in page and 'id="err-phone"' in page
    assert 'value="周建国"' in page and 'value="省化工研究设计院"' in page  # the input is kept
    done = lead.post("/experts/new", data={"name": "周建国", "organisation": "省化工研究设计院", "title": "正高级工程师",
                                           "domains": ["chemical", "fire"], "phone": "13903710001",
                                           "certificate_no": "ZAQ-1", "user_id": str(people.expert.id), "active": "1"})
    row = db.session.query(Expert).one()
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/experts/{row.id}")
    assert row.domains == ["chemical", "fire"] and row.user_id == people.expert.id
    edit = lead.post(f"/experts/{row.id}/edit", data={"name": "周建国", "organisation": "省化工研究设计院",
                                                     "title": "正高级工程师", "domains": ["chemical"],
                                                     "phone": "13903710009", "certificate_no": "ZAQ-1",
                                                     "user_id": str(people.expert.id), "active": "1"})
    assert edit.status_code == 302
    saved = db.session.query(AuditEvent).filter_by(action="expert_saved").one()
    assert saved.subject_type == "expert" and saved.subject_id == row.id
    assert saved.changes == {"expert_domains": [["chemical", "fire"], ["chemical"]],
                             "expert_phone": ["13903710001", "13903710009"]}
    shown = text(lead.get(f"/experts/{row.id}"))
    assert "13903710009" in shown and "修改专家信息" in shown  # the history's action name
    # the same login cannot be linked twice
    other = lead.post("/experts/new", data={"name": "李四", "domains": ["fire"], "user_id": str(people.expert.id),
                                            "active": "1"})
    assert other.status_code == 409 and 'id="err-user_id"' in text(other)


def test_who_reads_and_who_keeps_the_pool(people, login, make_user):
    expert(people.bureau, "王海峰", ["fire"])
    make_user("town", "township")
    for username in ("ent_a", "town"):
        assert login(username).get("/experts").status_code == 403, username
        assert login(username).get("/experts/export.csv").status_code == 403, username
    inspector = login("inspector")
    assert "王海峰" in text(inspector.get("/experts"))
    assert inspector.get("/experts/new").status_code == 403
    assert 'href="/experts"' in text(inspector.get("/cases")) and 'href="/experts"' not in text(
        login("ent_a").get("/cases"))
    rows = csv_rows(login("manager").get("/experts/export.csv?domain=fire"))
    assert rows[0][0] == "姓名" and rows[1][0] == "王海峰" and rows[1][3] == "消防"
    assert len(csv_rows(login("manager").get("/experts/export.csv?domain=mining"))) == 1  # the header only


def test_suggestions_rank_by_the_fields_wanted_then_by_load(people, login):
    lead = people.project_lead
    # enterprise A is a chemical plant (化工) and the hazard electrical: 电气 3, 化工 2, 消防 / 特种设备 / 安全工程 1
    chemist = expert(lead, "甲化工", ["chemical"])
    electrician = expert(lead, "乙电气", ["electrical"])
    mechanic = expert(lead, "丙机械", ["machinery"])
    generalist = expert(lead, "丁安全", ["safety_engineering"])
    fireman = expert(lead, "戊消防化工", ["chemical", "fire"])
    expert(lead, "己停用", ["chemical", "electrical"], active=False)
    busy_case = register(people, score=60)
    dispatch(people.bureau, busy_case, fireman)  # one open case: ranks after 乙电气, who scores the same
    case_id = register(people, score=60)
    case = hazards.get_case(UnitOfWork(), lead, case_id)
    order = [s.expert.id for s in expert_matching.suggestions(db.session, lead, case)]
    assert order == [electrician, fireman, chemist, generalist, mechanic]
    page = text(login("project_lead").get(f"/cases/{case_id}/experts"))
    assert page.index('data-expert="%s"' % electrician) < page.index('data-expert="%s"' % fireman) \
        < page.index('data-expert="%s"' % mechanic)
    assert "己停用" not in page
    # at the machinery works the same hazard wants 电气 first, then 机械
    other = register(people, score=60, enterprise=people.enterprise_b)
    case = hazards.get_case(UnitOfWork(), lead, other)
    order = [s.expert.id for s in expert_matching.suggestions(db.session, lead, case)]
    assert order[:2] == [electrician, mechanic]


def test_a_claimed_expert_task_counts_in_the_linked_experts_load(people):
    linked = expert(people.project_lead, "周建国", ["chemical"], user_id=people.expert.id)
    case_id = major_case_at_joint_verification(people)
    task = db.session.query(HumanTask).filter_by(case_id=case_id, role="expert").one()
    row = db.session.get(Expert, linked)
    assert expert_matching.loads(db.session, [row])[linked].total == 0  # unclaimed: nobody's yet
    with UnitOfWork() as uow:
        tasks.claim(uow, people.expert, task.id)
        uow.commit()
    dispatch(people.bureau, case_id, linked)
    load = expert_matching.loads(db.session, [row])[linked]
    assert load.tasks == {case_id} and load.dispatched == {case_id} and load.total == 1  # one case, counted once


def test_dispatch_from_the_case_page_audited_notified_and_shown_by_role(people, login, api):
    linked = expert(people.project_lead, "周建国", ["chemical"], user_id=people.expert.id)
    case_id = major_case_at_joint_verification(people)
    bureau = login("bureau")
    assert f"/cases/{case_id}/experts" in text(bureau.get(f"/cases/{case_id}"))
    bad = bureau.post(f"/cases/{case_id}/experts", data={"expert_id": str(linked), "reason": " "})
    assert bad.status_code == 400 and 'id="err-reason"' in text(bad)
    assert f'<option value="{linked}" selected' in text(bad)  # the choice is kept
    done = bureau.post(f"/cases/{case_id}/experts", data={"expert_id": str(linked), "reason": "需危化专家研判治理方案"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{case_id}")
    row = db.session.query(ExpertDispatch).one()
    assert (row.case_id, row.expert_id, row.dispatched_by_id) == (case_id, linked, people.bureau.id)
    event = db.session.query(AuditEvent).filter_by(action="expert_dispatched").one()
    assert event.case_id == case_id and event.changes == {"expert": [None, "周建国"]}
    assert (event.subject_type, event.subject_id) == ("expert", linked)
    assert "需危化专家研判治理方案" not in str(event.details)  # the reason stays out of the case's history
    notice = db.session.query(Notification).filter_by(user_id=people.expert.id, kind="expert_dispatched").one()
    assert notice.case_id == case_id and "需危化专家研判治理方案" in notice.body
    again = bureau.post(f"/cases/{case_id}/experts", data={"expert_id": str(linked), "reason": "再次"})
    assert again.status_code == 409
    staff_page = text(login("inspector").get(f"/cases/{case_id}"))
    assert f'data-dispatch="{row.id}"' in staff_page and "需危化专家研判治理方案" in staff_page
    own_page = text(login("ent_a").get(f"/cases/{case_id}"))
    assert f'data-dispatch="{row.id}"' in own_page and "周建国" in own_page
    assert "需危化专家研判治理方案" not in own_page and "13900000000" not in own_page
    history = api("ent_a").get(f"/api/v1/hazards/{case_id}/history")
    dumped = str(history.get_json())
    assert history.status_code == 200 and "周建国" in dumped and "需危化专家研判治理方案" not in dumped
    assert login("ent_b").get(f"/cases/{case_id}").status_code == 404
    assert login("ent_a").get(f"/cases/{case_id}/experts").status_code == 403
    assert login("inspector").post(f"/cases/{case_id}/experts",
                                   data={"expert_id": str(linked), "reason": "x"}).status_code == 403
    assert login("admin").post(f"/cases/{case_id}/experts",
                               data={"expert_id": str(linked), "reason": "x"}).status_code == 403
    shown = text(bureau.get(f"/experts/{linked}"))
    assert f'data-dispatch="{row.id}"' in shown and "调派专家" in shown


def test_dispatch_refusals(people, login):
    lead = people.project_lead
    active = expert(lead, "王海峰", ["fire"])
    inactive = expert(lead, "赵停用", ["fire"], active=False)
    done = closed_case(people)
    bureau = login("bureau")
    closed = bureau.post(f"/cases/{done}/experts", data={"expert_id": str(active), "reason": "复核"})
    assert closed.status_code == 409
    open_case = register(people, score=60)
    refused = bureau.post(f"/cases/{open_case}/experts", data={"expert_id": str(inactive), "reason": "复核"})
    assert refused.status_code == 409
    missing = bureau.post(f"/cases/{open_case}/experts", data={"expert_id": "999999", "reason": "复核"})
    assert missing.status_code == 400 and 'id="err-expert_id"' in text(missing)
    assert db.session.query(ExpertDispatch).count() == 0
    # the project lead dispatches too, also to a general case
    assert login("project_lead").post(f"/cases/{register(people)}/experts",
                                      data={"expert_id": str(active), "reason": "协助"}).status_code == 302
