"""Notices from the bureau (通知公告) in the JSON API: writing and publishing, the enterprise's list and receipt,
signing (409 twice, 404 for another enterprise), receipts and urging for the bureau, 403 for other roles, OpenAPI."""
from app.extensions import db
from app.models import BureauNoticeRecipient, Notification
from tests.bureau_notice_support import WRITTEN, create

BODY = {**WRITTEN, "sign_by_workdays": 3, "sign_by_date": None}


def test_write_publish_read_and_sign(api, people):
    bureau = api("bureau")
    created = bureau.post("/api/v1/notices", json={**BODY, "target_kind": "industries", "target_values": ["化工"]})
    assert created.status_code == 201, created.get_json()
    notice = created.get_json()
    assert notice["status"] == "draft" and notice["tally"] == {"recipients": 0, "read": 0, "signed": 0}
    ent_a, ent_b = api("ent_a"), api("ent_b")
    assert ent_a.get(f"/api/v1/notices/{notice['id']}").status_code == 404  # a draft
    published = bureau.post(f"/api/v1/notices/{notice['id']}/publish")
    assert published.status_code == 200 and published.get_json()["sign_due_at"] == "2026-11-26T09:00:00+08:00"
    assert bureau.post(f"/api/v1/notices/{notice['id']}/publish").status_code == 409
    listed = ent_a.get("/api/v1/notices").get_json()
    assert listed["total"] == 1 and listed["items"][0]["receipt"]["status"] == "unread"
    assert "body" not in listed["items"][0]
    assert ent_b.get("/api/v1/notices").get_json() == {"items": [], "total": 0}
    opened = ent_a.get(f"/api/v1/notices/{notice['id']}").get_json()
    assert opened["receipt"]["status"] == "read" and opened["receipt"]["read_by"] == "ent_a" and opened["tally"] is None
    for path in (f"/api/v1/notices/{notice['id']}", f"/api/v1/notices/{notice['id']}/receipts"):
        assert ent_b.get(path).status_code == 404, path
    assert ent_b.post(f"/api/v1/notices/{notice['id']}/sign", json={}).status_code == 404
    signed = ent_a.post(f"/api/v1/notices/{notice['id']}/sign", json={"reply": "已落实"})
    assert signed.status_code == 201 and signed.get_json()["status"] == "signed"
    again = ent_a.post(f"/api/v1/notices/{notice['id']}/sign", json={})
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    receipts = bureau.get(f"/api/v1/notices/{notice['id']}/receipts").get_json()["items"]
    assert [(r["enterprise"], r["status"], r["reply"]) for r in receipts] == [("甲化工有限公司", "signed", "已落实")]
    assert ent_a.get(f"/api/v1/notices/{notice['id']}/receipts").status_code == 403


def test_errors_roles_and_urging(api, people):
    bureau = api("bureau")
    bad = bureau.post("/api/v1/notices", json={**BODY, "kind": "memo", "title": ""})
    assert bad.status_code == 400 and "kind" in bad.get_json()["fields"]
    empty = bureau.post("/api/v1/notices", json={**BODY, "title": " ", "target_kind": "townships"})
    assert empty.status_code == 400 and set(empty.get_json()["fields"]) == {"title", "target_values"}
    for role in ("inspector", "manager", "quality", "ent_a"):
        assert api(role).post("/api/v1/notices", json=BODY).status_code == 403, role
    assert api("inspector").get("/api/v1/notices").status_code == 403
    notice_id = api("project_lead").post("/api/v1/notices", json={**BODY, "publish": True}).get_json()["id"]
    urged = bureau.post(f"/api/v1/notices/{notice_id}/urge")
    assert urged.status_code == 200 and urged.get_json() == {"urged": 2}
    assert bureau.post(f"/api/v1/notices/{notice_id}/urge").status_code == 409
    assert api("manager").post(f"/api/v1/notices/{notice_id}/urge").status_code == 403
    assert db.session.query(Notification).filter_by(kind="bureau_notice_urged").count() == 2
    withdrawn = bureau.post(f"/api/v1/notices/{notice_id}/withdraw", json={"reason": "重发"})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    assert api("ent_b").post(f"/api/v1/notices/{notice_id}/sign", json={}).status_code == 409
    assert bureau.get("/api/v1/notices/999999").status_code == 404


def test_files_are_named_by_upload_id_and_served_to_recipients_only(api, people):
    from tests.test_web_support import PNG
    import io
    bureau = api("bureau")
    uploaded = bureau.post("/api/v1/attachments", data={"file": (io.BytesIO(PNG), "map.png")},
                           content_type="multipart/form-data").get_json()
    notice = bureau.post("/api/v1/notices", json={**BODY, "publish": True, "files": [uploaded["id"]],
                                                  "target_kind": "enterprises",
                                                  "target_values": [people.enterprise_b.id]}).get_json()
    assert [f["id"] for f in notice["files"]] == [uploaded["id"]]
    assert api("ent_b").get(f"/api/v1/attachments/{uploaded['id']}").status_code == 200
    assert api("ent_a").get(f"/api/v1/attachments/{uploaded['id']}").status_code == 404
    assert db.session.query(BureauNoticeRecipient).count() == 1


def test_openapi_lists_the_notice_routes(client, people):
    create(people.bureau)
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/notices"])
    for path in ("/api/v1/notices/{notice_id}/sign", "/api/v1/notices/{notice_id}/urge",
                 "/api/v1/notices/{notice_id}/publish", "/api/v1/notices/{notice_id}/withdraw"):
        assert "post" in paths[path], path
    assert "get" in paths["/api/v1/notices/{notice_id}/receipts"]
