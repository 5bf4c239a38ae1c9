"""Department users (部门用户) in the JSON API: a department's token lists and reads its department's referrals only
(with the letter's facts of the case, never the internal note), signs for one (once: `signed_now` false after),
replies (received today; bad input 400), and gets 403 for every other call; the bureau reads who recorded a reply."""
import io

import pytest

from app.extensions import db
from app.models import CaseReferral, Notification
from tests import department_support
from tests.test_web_support import PNG

depts = department_support.depts  # the fixture: two departments with a login each, a case referred to both


def test_a_department_token_lists_and_reads_its_own_referrals_only(depts, api):
    client = api("dept_a")
    listing = client.get("/api/v1/referrals").get_json()
    assert listing["total"] == 1 and [i["id"] for i in listing["items"]] == [depts.ref_a]
    assert client.get(f"/api/v1/referrals?department_id={depts.fire}").get_json()["total"] == 0
    item = listing["items"][0]
    assert "internal_note" not in item and "urged_at" not in item
    assert item["reason"].startswith("压力容器未按期检验") and item["number"].startswith("YS-2026-")
    assert item["case"]["enterprise"]["name"] == "甲化工有限公司" and item["case"]["description"] == "线路老化"
    assert item["case"]["place"] == "配电房" and item["signed_at"] is None and item["replies"] == []
    assert item["referred_by"] == "bureau"
    assert client.get(f"/api/v1/referrals/{depts.ref_a}").get_json()["id"] == depts.ref_a
    assert client.get(f"/api/v1/referrals/{depts.ref_b}").status_code == 404
    assert client.post(f"/api/v1/referrals/{depts.ref_b}/sign").status_code == 404
    assert client.post(f"/api/v1/referrals/{depts.ref_b}/replies", json={
        "outcome": "handled", "text": "x"}).status_code == 404


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/hazards"), ("get", "/api/v1/hazards/{case}"), ("get", "/api/v1/hazards/{case}/referrals"),
    ("get", "/api/v1/hazards/{case}/history"), ("get", "/api/v1/tasks"), ("get", "/api/v1/statistics"),
    ("get", "/api/v1/departments"), ("get", "/api/v1/notices"), ("get", "/api/v1/audit"),
    ("get", "/api/v1/major-hazards"), ("get", "/api/v1/hazards/map"),
    ("post", "/api/v1/hazards/{case}/referrals"), ("post", "/api/v1/referrals/{ref}/close"),
    ("post", "/api/v1/hazards")])
def test_every_other_call_is_refused(depts, api, method, path):
    url = path.format(case=depts.case_id, ref=depts.ref_a)
    response = getattr(api("dept_a"), method)(url, json={})
    assert response.status_code == 403, url
    assert response.get_json()["error"] == "forbidden"


def test_signing_through_the_api_is_idempotent(depts, api):
    client = api("dept_a")
    first = client.post(f"/api/v1/referrals/{depts.ref_a}/sign")
    assert first.status_code == 200 and first.get_json()["signed_now"] is True
    signed_at = first.get_json()["signed_at"]
    assert signed_at == "2026-11-23T09:00:00+08:00"
    again = client.post(f"/api/v1/referrals/{depts.ref_a}/sign")
    assert again.status_code == 200 and again.get_json()["signed_now"] is False
    assert again.get_json()["signed_at"] == signed_at
    assert api("bureau").post(f"/api/v1/referrals/{depts.ref_a}/sign").status_code == 403
    bureau_view = api("bureau").get(f"/api/v1/referrals/{depts.ref_a}").get_json()
    assert bureau_view["signed_by"] == "dept_a" and bureau_view["signed_at"] == signed_at


def test_replying_through_the_api_with_a_file(depts, api):
    client = api("dept_a")
    uploaded = client.post("/api/v1/attachments", data={"file": (io.BytesIO(PNG), "回函.png")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    public_id = uploaded.get_json()["id"]
    bad = client.post(f"/api/v1/referrals/{depts.ref_a}/replies", json={"outcome": "perhaps", "text": ""})
    assert bad.status_code == 400 and {"outcome", "text"} <= set(bad.get_json()["fields"])
    foreign = client.post(f"/api/v1/referrals/{depts.ref_a}/replies", json={
        "outcome": "handled", "text": "已处理", "files": ["not-mine"]})
    assert foreign.status_code == 400 and "files" in foreign.get_json()["fields"]
    assert client.post(f"/api/v1/referrals/{depts.ref_a}/replies", json=[]).status_code == 400
    done = client.post(f"/api/v1/referrals/{depts.ref_a}/replies", json={
        "outcome": "handled", "text": "已责令停用并限期检验", "files": [public_id]})
    assert done.status_code == 201, done.get_json()
    body = done.get_json()
    (reply,) = body["replies"]
    assert reply["received_on"] == "2026-11-23" and reply["files"] == [public_id]
    assert reply["recorded_by"] == "dept_a" and reply["recorded_by_department"] == "县市场监督管理局"
    assert body["status"] == "replied" and body["signed_at"] is not None and "internal_note" not in body
    assert db.session.query(Notification).filter_by(kind="referral_department_replied").count() == 1
    bureau_view = api("bureau").get(f"/api/v1/referrals/{depts.ref_a}").get_json()
    assert bureau_view["replies"][0]["recorded_by_department"] == "县市场监督管理局"
    assert bureau_view["internal_note"] == "企业负责人态度消极"


def test_the_bureau_still_names_the_day_it_received_a_reply(depts, api):
    bureau = api("bureau")
    missing = bureau.post(f"/api/v1/referrals/{depts.ref_b}/replies", json={"outcome": "handled", "text": "纸质回函"})
    assert missing.status_code == 400 and "received_on" in missing.get_json()["fields"]
    done = bureau.post(f"/api/v1/referrals/{depts.ref_b}/replies", json={
        "received_on": "2026-11-23", "outcome": "handled", "text": "纸质回函"})
    assert done.status_code == 201
    assert done.get_json()["replies"][0]["recorded_by_department"] is None
    assert db.session.get(CaseReferral, depts.ref_b).signed_at is None


def test_the_openapi_document_names_the_role_and_the_sign_call(depts, api):
    doc = api("bureau").get("/api/v1/openapi.json").get_json()
    assert "department" in doc["info"]["x-roles"] and "部门用户" in doc["info"]["description"]
    assert "/api/v1/referrals/{referral_id}/sign" in doc["paths"]
