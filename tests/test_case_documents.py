"""A case's documents: the rectification notice (整改通知书) of the current round, the verification opinions
(整改验收意见书) round by round, the receipt of closure (销号电子回执) with the last round's rectification and
sign-offs. Each only once the case has it (409 before), to those who may see the case (404 for others); as PDF
in the browser and through the API."""
import pytest

from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import AuditEvent
from app.services import case_documents as documents
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, rectify_data, register

EXPERT_FAIL = {"expert_passed": False, "expert_opinion": "接地不合格", "expert_added_requirements": "重做接地",
               "expert_name": "张工"}


@pytest.fixture
def closed_major_case(people):
    """重大: bureau and expert verify; the expert fails the first round, both pass the second."""
    case_id = register(people, score=60)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.bureau, open_tasks(case_id)["joint_verification_bureau"],
             {"bureau_passed": True, "bureau_opinion": "第一轮同意"})
    complete(people.expert, open_tasks(case_id)["joint_verification_expert"], EXPERT_FAIL)
    assert case_row(case_id).round == 2
    complete(people.ent_a, open_tasks(case_id)["rectification"],
             dict(rectify_data(people.ent_a), measures="重做接地并检测", responsible_person="李工"))
    complete(people.bureau, open_tasks(case_id)["joint_verification_bureau"],
             {"bureau_passed": True, "bureau_opinion": "第一轮同意"})  # the same words as in round 1
    complete(people.expert, open_tasks(case_id)["joint_verification_expert"],
             {"expert_passed": True, "expert_opinion": "接地合格", "expert_name": "张工"})
    assert case_row(case_id).status == "closed"
    return case_id


def test_the_receipt_holds_the_last_rounds_rectification_and_sign_offs(people, closed_major_case):
    receipt = documents.closure_receipt(db.session, people.ent_a, closed_major_case)
    case = case_row(closed_major_case)
    assert receipt.number == f"{case.code}-HZ" and receipt.rounds == 2 and receipt.inspector == "inspector"
    assert receipt.rectification["measures"] == "重做接地并检测"
    assert receipt.rectification["responsible_person"] == "李工" and receipt.rectified_by == "ent_a"
    # the bureau's opinion is the one of round 2, although it repeats round 1's words (no change to record)
    assert [(s.by, s.opinion, s.round) for s in receipt.sign_offs] == [("bureau", "第一轮同意", 2),
                                                                        ("expert", "接地合格", 2)]
    assert all(s.at >= receipt.rectified_at for s in receipt.sign_offs)


def test_no_receipt_while_open_and_none_for_another_enterprise(people):
    case_id = register(people)
    with pytest.raises(Conflict):
        documents.closure_receipt(db.session, people.ent_a, case_id)
    with pytest.raises(NotFound):
        documents.closure_receipt(db.session, people.ent_b, case_id)


def test_the_pdf_in_the_browser(people, login, closed_major_case):
    code = case_row(closed_major_case).code
    ent = login("ent_a")
    assert f'href="/cases/{closed_major_case}/receipt.pdf"' in ent.get(f"/cases/{closed_major_case}").get_data(as_text=True)
    response = ent.get(f"/cases/{closed_major_case}/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="receipt-{code}.pdf"' in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF") and len(body) > 2000
    assert b"STSong-Light" in body  # the CID font: nothing embedded, readers supply the glyphs
    assert login("manager").get(f"/cases/{closed_major_case}/receipt.pdf").status_code == 200
    assert login("ent_b").get(f"/cases/{closed_major_case}/receipt.pdf").status_code == 404


def test_an_open_case_has_no_receipt_link_and_a_409(people, login):
    case_id = register(people)
    ent = login("ent_a")
    assert "receipt.pdf" not in ent.get(f"/cases/{case_id}").get_data(as_text=True)
    response = ent.get(f"/cases/{case_id}/receipt.pdf")
    assert response.status_code == 409 and "尚未销号" in response.get_data(as_text=True)


def test_the_pdf_through_the_api(people, api, closed_major_case):
    response = api("ent_a").get(f"/api/v1/hazards/{closed_major_case}/receipt")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF-")
    assert api("ent_b").get(f"/api/v1/hazards/{closed_major_case}/receipt").status_code == 404
    open_case = register(people)
    response = api("ent_a").get(f"/api/v1/hazards/{open_case}/receipt")
    assert response.status_code == 409 and response.get_json()["error"] == "conflict"
    document = api("ent_a").get("/api/v1/openapi.json").get_json()
    assert "/api/v1/hazards/{case_id}/receipt" in document["paths"]


def test_the_notice_of_each_round(people, login):
    case_id = register(people)
    with pytest.raises(Conflict):
        documents.rectification_notice(db.session, people.ent_a, case_id)  # not assigned yet
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    notice = documents.rectification_notice(db.session, people.ent_a, case_id)
    case = case_row(case_id)
    assert (notice.round, notice.number) == (1, f"{case.code}-TZ1")
    assert notice.requirements == [("project_lead", "立即整改")] and notice.contact_phone == "13800000000"
    assert notice.deadline == case.rectification_due
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"],
             {"passed": False, "opinion": "不合格", "added_requirements": "加装防护罩"})
    notice = documents.rectification_notice(db.session, people.ent_a, case_id)
    assert (notice.round, notice.requirements) == (2, [("project_team", "加装防护罩")])
    assert notice.deadline == case_row(case_id).rectification_due and notice.issued_by == "project_team"
    ent = login("ent_a")
    assert f'href="/cases/{case_id}/notice.pdf"' in ent.get(f"/cases/{case_id}").get_data(as_text=True)
    response = ent.get(f"/cases/{case_id}/notice.pdf")
    assert response.status_code == 200 and response.get_data().startswith(b"%PDF-")
    assert f'notice-{case.code}-2.pdf' in response.headers["Content-Disposition"]
    assert login("ent_b").get(f"/cases/{case_id}/notice.pdf").status_code == 404


def test_the_verification_opinions_round_by_round(people, login, api, closed_major_case):
    case, found = documents.verification_opinions(db.session, people.manager, closed_major_case)
    assert [(v.round, v.by, v.passed) for v in found] == [
        (1, "bureau", True), (1, "expert", False), (2, "bureau", True), (2, "expert", True)]
    assert found[1].added_requirements == "重做接地" and found[1].opinion == "接地不合格"
    page = login("ent_a").get(f"/cases/{closed_major_case}").get_data(as_text=True)
    assert f'href="/cases/{closed_major_case}/verification.pdf"' in page
    response = login("ent_a").get(f"/cases/{closed_major_case}/verification.pdf")
    assert response.status_code == 200 and response.get_data().startswith(b"%PDF-")
    assert api("ent_a").get(f"/api/v1/hazards/{closed_major_case}/verification-opinions").status_code == 200
    assert api("ent_b").get(f"/api/v1/hazards/{closed_major_case}/verification-opinions").status_code == 404
    open_case = register(people)
    assert login("ent_a").get(f"/cases/{open_case}/verification.pdf").status_code == 409
    assert api("ent_a").get(f"/api/v1/hazards/{open_case}/notice").status_code == 409
    page = login("ent_a").get(f"/cases/{open_case}").get_data(as_text=True)
    assert "notice.pdf" not in page and "verification.pdf" not in page


def test_rows_written_before_submissions_were_recorded_still_make_documents(people, closed_major_case):
    """Older task_completed rows carry only what changed and no form key: the form is recognised by its fields."""
    for event in db.session.query(AuditEvent).filter_by(case_id=closed_major_case, action="task_completed"):
        event.details = {"task_id": event.details["task_id"]}
    db.session.commit()
    receipt = documents.closure_receipt(db.session, people.ent_a, closed_major_case)
    assert receipt.rectification["measures"] == "重做接地并检测"
    assert [s.by for s in receipt.sign_offs] == ["bureau", "expert"]
    _case, found = documents.verification_opinions(db.session, people.ent_a, closed_major_case)
    assert [(v.round, v.passed) for v in found] == [(1, True), (1, False), (2, True), (2, True)]
