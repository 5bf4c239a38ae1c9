"""Saving a draft of a task's form (保存草稿) without completing it: what is filled in is checked, nothing is required
yet; the draft comes back on the task page, is shared with a colleague who finishes the task, shows the case's
progress, is audited, and goes with the task when it is completed. Through the services, the pages and the API."""
import pytest

from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import Attachment, AuditEvent, HumanTask
from app.services import attachments, forms, tasks
from app.services.processes import deployed_version, form_for
from app.services.uow import UnitOfWork
from app.web import forms_render
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, photo, register
from tests.test_web_support import field_html, text


def rectification_task(people):
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    return open_tasks(case_id)["rectification"]


def save(user, task_id, data):
    with UnitOfWork() as uow:
        tasks.save_draft(uow, user, task_id, data)
        uow.commit()


def test_a_draft_is_kept_audited_and_goes_with_the_completed_task(people):
    task = rectification_task(people)
    save(people.ent_a, task.id, {"measures": "已采购新线缆", "progress_percent": 40, "completed": False})
    save(people.ent_a, task.id, {"measures": "已采购新线缆", "progress_percent": 70, "completed": False})
    db.session.expire_all()
    stored = db.session.get(HumanTask, task.id)
    assert stored.draft == {"measures": "已采购新线缆", "progress_percent": 70, "completed": False}
    assert stored.draft_saved_by_id == people.ent_a.id and stored.draft_saved_at is not None
    events = db.session.query(AuditEvent).filter_by(action="task_draft_saved").order_by(AuditEvent.id).all()
    assert [e.changes.get("progress_percent") for e in events] == [[None, 40], [40, 70]]
    assert "measures" not in events[1].changes  # only what changed since the last draft
    complete(people.ent_a, stored, {"measures": "更换线路", "progress_percent": 100, "completed": True,
                                    "responsible_person": "陈", "after_photos": [photo(people.ent_a)]})
    assert "rectification" not in open_tasks(task.case_id)


def test_a_colleague_finishes_with_the_draft_s_photos(people, make_user):
    task = rectification_task(people)
    picture = photo(people.ent_a)
    save(people.ent_a, task.id, {"measures": "整改中", "after_photos": [picture]})
    assert db.session.query(Attachment).filter_by(public_id=picture).one().case_id == task.case_id
    colleague = make_user("ent_a2", "enterprise", enterprise=people.enterprise_a)
    draft = db.session.get(HumanTask, task.id).draft
    complete(colleague, task, dict(draft, progress_percent=100, completed=True, responsible_person="陈"))
    assert "rectification" not in open_tasks(task.case_id)
    other = rectification_task(people)
    with pytest.raises(ValidationFailed):  # a file of another case is not taken
        save(people.ent_a, other.id, {"after_photos": [picture]})


@pytest.mark.parametrize("data, field", [
    ({"progress_percent": 150}, "progress_percent"),
    ({"progress_percent": "most"}, "progress_percent"),
    ({"measures": "x" * 4001}, "measures"),
    ({"after_photos": ["not-an-upload"]}, "after_photos"),
])
def test_what_is_filled_in_must_be_valid(people, data, field):
    task = rectification_task(people)
    with pytest.raises(ValidationFailed) as caught:
        save(people.ent_a, task.id, data)
    assert field in caught.value.fields
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).draft is None


def test_who_may_save_a_draft(people):
    task = rectification_task(people)
    with pytest.raises(NotFound):
        save(people.ent_b, task.id, {"measures": "x"})  # another enterprise's case: not there
    with pytest.raises(NotAllowed):
        save(people.project_team, task.id, {"measures": "x"})
    with pytest.raises(NotFound):
        save(people.ent_a, 99999, {"measures": "x"})


def test_a_draft_claimed_by_someone_else_is_refused(people, make_user):
    task = rectification_task(people)
    with UnitOfWork() as uow:
        tasks.claim(uow, people.ent_a, task.id)
        uow.commit()
    with pytest.raises(Conflict):
        save(make_user("ent_a2", "enterprise", enterprise=people.enterprise_a), task.id, {"measures": "x"})


def test_stored_values_come_back_as_the_same_form_values(app):
    form = form_for(deployed_version(UnitOfWork()), "rectification")
    draft = {"measures": "m", "progress_percent": 60, "completed": False, "funds": 1200.5,
             "completed_on": "2026-11-25", "after_photos": ["abc"]}
    raw = forms_render.to_raw(form, draft)
    assert forms.coerce(form, forms_render.normalize(form, raw)) == dict(draft, evidence_files=[], before_photos=[])


# ---- the pages ----------------------------------------------------------------------------------------------
def test_the_task_page_saves_and_reloads_a_draft(people, login):
    task = rectification_task(people)
    ent = login("ent_a")
    page = text(ent.get(f"/tasks/{task.id}"))
    assert f'formaction="/tasks/{task.id}/draft"' in page and "已载入" not in page
    bad = ent.post(f"/tasks/{task.id}/draft", data={"measures": "留着", "progress_percent": "150"})
    assert bad.status_code == 400 and "留着" in text(bad) and field_html(text(bad), "progress_percent").count(
        "field-error") == 1
    saved = ent.post(f"/tasks/{task.id}/draft", data={"measures": "已停用老旧线路", "progress_percent": "60"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/tasks/{task.id}")
    page = text(ent.get(f"/tasks/{task.id}"))
    assert "草稿已保存" in page and "已载入 ent_a 于" in page and "已停用老旧线路" in page
    assert 'value="60"' in field_html(page, "progress_percent")
    case_page = text(login("bureau").get(f"/cases/{task.case_id}"))
    assert "草稿：ent_a 于" in case_page and "整改进度 60%" in case_page and "保存草稿" in case_page  # history
    assert login("ent_b").post(f"/tasks/{task.id}/draft", data={"measures": "x"}).status_code == 404
    assert login("project_team").post(f"/tasks/{task.id}/draft", data={"measures": "x"}).status_code == 403


# ---- the API ------------------------------------------------------------------------------------------------
def test_the_api_saves_a_draft(api, people):
    task = rectification_task(people)
    ent = api("ent_a")
    saved = ent.put(f"/api/v1/tasks/{task.id}/draft", json={"data": {"measures": "m", "progress_percent": 30}})
    assert saved.status_code == 200 and saved.get_json()["draft_saved_at"] is not None
    detail = ent.get(f"/api/v1/tasks/{task.id}").get_json()
    assert detail["draft"] == {"measures": "m", "progress_percent": 30} and detail["draft_saved_by"] == "ent_a"
    assert api("bureau").get(f"/api/v1/tasks/{task.id}").get_json()["draft"] is None  # not on the task
    bad = ent.put(f"/api/v1/tasks/{task.id}/draft", json={"data": {"progress_percent": 101}})
    assert bad.status_code == 400 and "progress_percent" in bad.get_json()["fields"]
    assert ent.put(f"/api/v1/tasks/{task.id}/draft", json={}).status_code == 400
    assert api("ent_b").put(f"/api/v1/tasks/{task.id}/draft", json={"data": {}}).status_code == 404
    paths = ent.get("/api/v1/openapi.json").get_json()["paths"]
    assert "put" in paths["/api/v1/tasks/{task_id}/draft"]


def test_a_photo_dropped_from_a_later_draft_comes_off_the_case(people, login):
    task = rectification_task(people)
    kept, wrong = photo(people.ent_a), photo(people.ent_a)
    save(people.ent_a, task.id, {"measures": "整改中", "after_photos": [kept, wrong]})
    save(people.ent_a, task.id, {"measures": "整改中", "after_photos": [kept]})
    db.session.expire_all()
    by_id = {a.public_id: a for a in db.session.query(Attachment).filter(Attachment.public_id.in_([kept, wrong]))}
    assert by_id[kept].case_id == task.case_id
    assert by_id[wrong].case_id is None and by_id[wrong].field == ""  # the uploader's own upload again
    event = db.session.query(AuditEvent).filter_by(action="draft_files_removed").one()
    assert event.changes == {"after_photos": [[wrong], []]} and event.case_id == task.case_id
    # Nobody else on the case sees it any more; its uploader still does.
    with pytest.raises(NotFound):
        attachments.open_for_user(UnitOfWork(), people.project_lead, wrong, "/tmp")
    attachments.open_for_user(UnitOfWork(), people.project_lead, kept, "/tmp")
    attachments.open_for_user(UnitOfWork(), people.ent_a, wrong, "/tmp")
    assert "撤下草稿附件" in login("project_lead").get(f"/cases/{task.case_id}").get_data(as_text=True)


def test_a_draft_s_photo_left_out_of_the_submission_comes_off_the_case(people):
    task = rectification_task(people)
    kept, wrong = photo(people.ent_a), photo(people.ent_a)
    save(people.ent_a, task.id, {"measures": "整改中", "after_photos": [kept, wrong]})
    complete(people.ent_a, db.session.get(HumanTask, task.id), dict(
        RECTIFY_DONE, after_photos=[kept]))
    db.session.expire_all()
    assert db.session.query(Attachment).filter_by(public_id=wrong).one().case_id is None
    assert db.session.query(Attachment).filter_by(public_id=kept).one().case_id == task.case_id


def test_a_photo_a_completed_step_submitted_stays_when_a_draft_drops_it(people):
    """Round 1's after-photo offered again in round 2's draft, then dropped: round 1's submission still shows it."""
    task = rectification_task(people)
    first = photo(people.ent_a)
    complete(people.ent_a, task, dict(RECTIFY_DONE, after_photos=[first]))
    complete(people.project_team, open_tasks(task.case_id)["verification"],
             {"passed": False, "opinion": "不合格", "added_requirements": "接地"})
    second_round = open_tasks(task.case_id)["rectification"]
    save(people.ent_a, second_round.id, {"measures": "再整改", "after_photos": [first]})
    save(people.ent_a, second_round.id, {"measures": "再整改", "after_photos": []})
    db.session.expire_all()
    assert db.session.query(Attachment).filter_by(public_id=first).one().case_id == task.case_id
    assert db.session.query(AuditEvent).filter_by(action="draft_files_removed").count() == 0


RECTIFY_DONE = {"measures": "更换线路", "progress_percent": 100, "completed": True, "responsible_person": "陈"}
