"""The enterprise signs for each round's rectification notice (整改通知书签收): once per round, only its own staff,
only while a notice stands; shown on the case page and in the notice PDF, audited, through the pages and the API."""
import pytest

from app.errors import Conflict, NotAllowed, NotFound
from app.extensions import db
from app.models import AuditEvent, NoticeReceipt
from app.services import case_documents, notice_receipts
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register
from tests.test_web_support import text


def sign(user, case_id):
    with UnitOfWork() as uow:
        row = notice_receipts.acknowledge(uow, user, case_id)
        uow.commit()
        return row.round


def test_each_round_s_notice_is_signed_for_once(people):
    case_id = register(people)
    with pytest.raises(Conflict):
        sign(people.ent_a, case_id)  # not assigned yet: no notice
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    assert sign(people.ent_a, case_id) == 1
    with pytest.raises(Conflict):
        sign(people.ent_a, case_id)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"],
             {"passed": False, "opinion": "不合格", "added_requirements": "接地"})
    assert sign(people.ent_a, case_id) == 2  # the second round's notice
    assert sorted(notice_receipts.for_case(db.session, case_id)) == [1, 2]
    assert db.session.query(AuditEvent).filter_by(case_id=case_id, action="notice_acknowledged").count() == 2


def test_only_the_case_s_enterprise_signs(people):
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    with pytest.raises(NotFound):
        sign(people.ent_b, case_id)
    for who in ("project_lead", "bureau"):
        with pytest.raises(NotAllowed):
            sign(people[who], case_id)
    assert db.session.query(NoticeReceipt).count() == 0


def test_the_case_page_the_pdf_and_the_api(people, login, api):
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    ent = login("ent_a")
    page = text(ent.get(f"/cases/{case_id}"))
    assert "未签收" in page and f"/cases/{case_id}/notice/acknowledge" in page
    assert f"/cases/{case_id}/notice/acknowledge" not in text(login("bureau").get(f"/cases/{case_id}"))
    assert login("ent_b").post(f"/cases/{case_id}/notice/acknowledge").status_code == 404
    assert login("bureau").post(f"/cases/{case_id}/notice/acknowledge").status_code == 403
    assert ent.post(f"/cases/{case_id}/notice/acknowledge").status_code == 302
    page = text(ent.get(f"/cases/{case_id}"))
    assert "已签收第 1 轮整改通知书" in page and "未签收" not in page
    notice = case_documents.rectification_notice(db.session, people.ent_a, case_id)  # what the PDF prints
    assert notice.signed_by == "ent_a" and notice.signed_at is not None
    assert ent.get(f"/cases/{case_id}/notice.pdf").status_code == 200
    again = api("ent_a").post(f"/api/v1/hazards/{case_id}/notice/acknowledge")
    assert again.status_code == 409
    listed = api("bureau").get(f"/api/v1/hazards/{case_id}/notice-receipts").get_json()
    assert listed["current_round"] == 1 and [(i["round"], i["signed_by"]) for i in listed["items"]] == [(1, "ent_a")]
    assert api("ent_b").get(f"/api/v1/hazards/{case_id}/notice-receipts").status_code == 404
