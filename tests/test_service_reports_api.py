"""Enterprise service reports (企业服务情况报告) in the JSON API: list, read, draft or issue, issue a draft; errors as
{error, message, fields}; enterprise tokens see their own enterprise's issued reports only."""
from app.extensions import db
from app.models import Notification
from tests.service_report_support import WRITTEN, create, served_in_november, withdraw

BODY = {**WRITTEN}


def test_draft_issue_and_read(api, people):
    served_in_november(people)
    lead = api("project_lead")
    url = f"/api/v1/enterprises/{people.enterprise_a.id}/service-reports"
    created = lead.post(url, json=BODY)
    assert created.status_code == 201, created.get_json()
    report = created.get_json()
    assert report["status"] == "draft" and not report["facts_frozen"] and report["facts"]["hazards"]["overdue"] == 1
    issued = lead.post(f"/api/v1/service-reports/{report['id']}/issue")
    assert issued.status_code == 200 and issued.get_json()["status"] == "issued"
    assert issued.get_json()["facts_frozen"] and issued.get_json()["issued_by"] == "project_lead"
    assert db.session.query(Notification).filter_by(kind="service_report_issued").count() == 2
    again = lead.post(f"/api/v1/service-reports/{report['id']}/issue")
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    overlapping = lead.post(url, json={**BODY, "issue": True})
    assert overlapping.status_code == 409 and "message" in overlapping.get_json()
    listed = api("bureau").get(url).get_json()["items"]
    assert [r["id"] for r in listed] == [report["id"]] and "facts" not in listed[0]
    direct = lead.post(f"/api/v1/enterprises/{people.enterprise_b.id}/service-reports", json={**BODY, "issue": True})
    assert direct.status_code == 201 and direct.get_json()["status"] == "issued"


def test_errors(api, people):
    served_in_november(people)
    lead = api("project_lead")
    url = f"/api/v1/enterprises/{people.enterprise_a.id}/service-reports"
    bad = lead.post(url, json={**BODY, "grade": "excellent", "period_start": "30.11.2026"})
    assert bad.status_code == 400 and {"grade", "period_start"} <= set(bad.get_json()["fields"])
    empty = lead.post(url, json={**BODY, "conclusion": " ", "period_end": "2026-10-01"})
    assert empty.status_code == 400 and set(empty.get_json()["fields"]) == {"conclusion", "period_end"}
    future = lead.post(url, json={**BODY, "period_end": "2027-01-31"})
    assert future.status_code == 400 and "period_end" in future.get_json()["fields"]
    assert api("bureau").post(url, json=BODY).status_code == 403
    assert lead.post("/api/v1/enterprises/999999/service-reports", json=BODY).status_code == 404
    assert lead.get("/api/v1/service-reports/999999").status_code == 404


def test_enterprise_tokens_see_their_own_issued_reports_only(api, people):
    served_in_november(people)
    draft = create(people.project_lead, people.enterprise_a)
    issued = create(people.project_lead, people.enterprise_b, issue=True)
    ent_a, ent_b = api("ent_a"), api("ent_b")
    assert ent_b.get(f"/api/v1/service-reports/{issued}").status_code == 200
    assert [r["id"] for r in ent_b.get(
        f"/api/v1/enterprises/{people.enterprise_b.id}/service-reports").get_json()["items"]] == [issued]
    assert ent_a.get(f"/api/v1/enterprises/{people.enterprise_a.id}/service-reports").get_json()["items"] == []
    for client, path in ((ent_a, f"/api/v1/service-reports/{issued}"), (ent_a, f"/api/v1/service-reports/{draft}"),
                         (ent_a, f"/api/v1/enterprises/{people.enterprise_b.id}/service-reports")):
        response = client.get(path)
        assert response.status_code == 404 and response.get_json()["error"] == "not_found", path
    assert ent_a.post(f"/api/v1/service-reports/{draft}/issue").status_code == 404
    assert ent_a.post(f"/api/v1/enterprises/{people.enterprise_a.id}/service-reports", json=BODY).status_code == 403
    assert api("inspector").get(f"/api/v1/service-reports/{issued}").status_code == 403


def test_withdraw(api, people):
    served_in_november(people)
    draft = create(people.project_lead, people.enterprise_a)
    issued = create(people.project_lead, people.enterprise_b, issue=True)
    lead = api("project_lead")
    url = f"/api/v1/service-reports/{issued}/withdraw"
    missing = lead.post(url, json={})
    assert missing.status_code == 400 and "reason" in missing.get_json()["fields"]
    blank = lead.post(url, json={"reason": " "})
    assert blank.status_code == 400 and list(blank.get_json()["fields"]) == ["reason"]
    assert api("bureau").post(url, json={"reason": "写错了"}).status_code == 403
    assert api("ent_b").post(url, json={"reason": "写错了"}).status_code == 403
    assert api("ent_a").post(url, json={"reason": "写错了"}).status_code == 404
    assert lead.post(f"/api/v1/service-reports/{draft}/withdraw", json={"reason": "写错了"}).status_code == 409
    done = lead.post(url, json={"reason": "结论等级写错，重新出具"})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert (body["status"], body["withdrawn_by"], body["withdrawn_reason"]) == (
        "withdrawn", "project_lead", "结论等级写错，重新出具")
    assert body["withdrawn_at"] and body["facts_frozen"]
    again = lead.post(url, json={"reason": "再撤一次"})
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    assert db.session.query(Notification).filter_by(kind="service_report_withdrawn").count() == 2
    ent_b = api("ent_b")  # still readable by its id, no longer in the enterprise's list
    assert ent_b.get(f"/api/v1/service-reports/{issued}").get_json()["status"] == "withdrawn"
    assert ent_b.get(f"/api/v1/enterprises/{people.enterprise_b.id}/service-reports").get_json()["items"] == []
    corrected = lead.post(f"/api/v1/enterprises/{people.enterprise_b.id}/service-reports", json={**BODY, "issue": True})
    assert corrected.status_code == 201 and corrected.get_json()["status"] == "issued"
    assert lead.post("/api/v1/service-reports/999999/withdraw", json={"reason": "x"}).status_code == 404
