"""The online initial review (线上初审) over HTTP: the verification task page's card (warning, form, result), the case
page, the review page with the enterprise's supplement, and the API — with the role isolation of each (another
enterprise's user 404, a role not on the verification 403, a case not awaiting verification 409)."""
import io

from app.extensions import db
from app.models import InitialReview
from app.services.demo import PNG_1X1
from tests.test_initial_review import to_verification
from tests.test_lifecycle_service import open_tasks, register
from tests.test_web_support import text

REVIEW_FORM = {"materials_complete": "yes", "consistent": "yes", "conclusion": "passed"}
RETURN_FORM = {"materials_complete": "no", "missing_items": "缺少检测报告", "consistent": "yes",
               "conclusion": "returned"}


def record(case_id):
    db.session.expire_all()
    return db.session.query(InitialReview).filter_by(case_id=case_id).order_by(InitialReview.round.desc()).first()


def test_the_verification_task_page_warns_then_records_and_shows_the_review(people, login):
    case_id = to_verification(people)
    task = open_tasks(case_id)["verification"]
    team = login("project_team")
    page = text(team.get(f"/tasks/{task.id}"))
    assert "initial-review-missing" in page and "initial-review-form" in page
    response = team.post(f"/cases/{case_id}/initial-review", data=dict(REVIEW_FORM, task_id=str(task.id)))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tasks/{task.id}")
    page = text(team.get(f"/tasks/{task.id}"))
    assert "initial-review-missing" not in page and "initial-review-done" in page
    assert "通过初审（无需现场复核）" in page and "initial-review-form" not in page
    case_page = text(login("manager").get(f"/cases/{case_id}"))
    assert "initial-review-card" in case_page and "通过初审（无需现场复核）" in case_page


def test_form_errors_stay_next_to_the_fields(people, login):
    case_id = to_verification(people)
    response = login("project_team").post(f"/cases/{case_id}/initial-review",
                                          data={"materials_complete": "no", "consistent": "yes",
                                                "conclusion": "passed"})
    assert response.status_code == 400
    page = text(response)
    assert 'id="err-missing_items"' in page and 'id="err-conclusion"' in page
    assert record(case_id).status == "pending"


def test_who_may_record_over_the_pages(people, login):
    case_id = to_verification(people)
    assert login("ent_b").get(f"/cases/{case_id}/initial-review").status_code == 404
    assert login("ent_b").post(f"/cases/{case_id}/initial-review", data=REVIEW_FORM).status_code == 404
    assert login("supervision").post(f"/cases/{case_id}/initial-review", data=REVIEW_FORM).status_code == 403
    assert login("ent_a").post(f"/cases/{case_id}/initial-review", data=REVIEW_FORM).status_code == 403
    other = register(people)  # awaiting assignment
    assert login("project_team").post(f"/cases/{other}/initial-review", data=REVIEW_FORM).status_code == 409
    assert record(case_id).status == "pending"


def test_the_enterprise_supplements_a_return_from_the_review_page(people, login):
    case_id = to_verification(people)
    assert login("project_team").post(f"/cases/{case_id}/initial-review", data=RETURN_FORM).status_code == 302
    ent = login("ent_a")
    page = text(ent.get(f"/cases/{case_id}/initial-review"))
    assert 'id="supplement"' in page and "缺少检测报告" in page
    assert login("ent_b").post(f"/cases/{case_id}/initial-review/supplement", data={"note": "x"}).status_code == 404
    assert login("project_lead").post(f"/cases/{case_id}/initial-review/supplement",
                                      data={"note": "x"}).status_code == 403
    response = ent.post(f"/cases/{case_id}/initial-review/supplement",
                        data={"note": "已补充检测报告", "upload": (io.BytesIO(PNG_1X1), "report.png")},
                        content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    row = record(case_id)
    assert row.status == "resubmitted" and len(row.entries[-1].files) == 1
    page = text(login("project_team").get(f"/cases/{case_id}/initial-review"))
    assert "report.png" in page and "已补充检测报告" in page and 'id="review"' in page
    again = ent.post(f"/cases/{case_id}/initial-review/supplement", data={"note": "再补充"})
    assert again.status_code == 409


def test_the_api_reads_and_records_with_the_same_rules(people, api):
    case_id = to_verification(people, score=75)  # 较大: the supervision group reviews
    assert api("ent_b").get(f"/api/v1/hazards/{case_id}/initial-review").status_code == 404
    body = api("ent_a").get(f"/api/v1/hazards/{case_id}/initial-review").get_json()
    assert body["current"]["status"] == "pending" and body["current"]["roles"] == ["supervision"]
    review = {"materials_complete": True, "consistent": True, "conclusion": "passed"}
    assert api("project_team").post(f"/api/v1/hazards/{case_id}/initial-review", json=review).status_code == 403
    assert api("ent_b").post(f"/api/v1/hazards/{case_id}/initial-review", json=review).status_code == 404
    bad = api("supervision").post(f"/api/v1/hazards/{case_id}/initial-review", json={"conclusion": "maybe"})
    assert bad.status_code == 400
    created = api("supervision").post(f"/api/v1/hazards/{case_id}/initial-review", json=review)
    assert created.status_code == 201 and created.get_json()["status"] == "passed"
    assert created.get_json()["on_time"] is True
    assert api("supervision").post(f"/api/v1/hazards/{case_id}/initial-review", json=review).status_code == 409
    assert api("ent_a").post(f"/api/v1/hazards/{case_id}/initial-review/supplement",
                             json={"note": "x"}).status_code == 409
    waiting = register(people, score=75)
    assert api("supervision").post(f"/api/v1/hazards/{waiting}/initial-review", json=review).status_code == 409
    assert api("supervision").get(f"/api/v1/hazards/{waiting}/initial-review").get_json() == {
        "current": None, "rounds": []}


def test_the_openapi_document_has_the_initial_review(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/hazards/{case_id}/initial-review"])
    assert "post" in paths["/api/v1/hazards/{case_id}/initial-review/supplement"]
