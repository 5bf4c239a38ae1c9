"""Stop-work orders written through the JSON API (services/stop_work.py): recorded by hand and from an enforcement
decision, withdrawn when recorded by mistake — the bureau and admins only (403), another enterprise's staff 404,
bad input 400 naming the fields, 409 as on the pages."""
from app.clock import clock
from app.extensions import db
from app.models import Notification, StopWorkOrder
from tests.resumption_support import REFUSED, apply, decide
from tests.enforcement_support import DECIDED, FILED, referral, step


def test_the_bureau_records_an_order_by_hand_and_withdraws_it(people, api):
    bureau = api("bureau")
    path = f"/api/v1/enterprises/{people.enterprise_b.id}/stop-work-orders"
    r = bureau.post(path, json={"reason": "", "effective_at": "2027-01-01T00:00"})
    assert r.status_code == 400 and "reason" in r.get_json()["fields"]
    r = bureau.post(path, json={"reason": "设备停运重启前须经验收", "effective_at": "2027-01-01T00:00"})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"effective_at"}
    r = bureau.post(path, json={"reason": "设备停运重启前须经验收", "order_number": "（县）应急停〔2026〕9号",
                                "scope": "制冷车间", "effective_at": "2026-11-20T10:00"})
    assert r.status_code == 201, r.get_data(as_text=True)
    order = r.get_json()
    assert order["source"] == "manual" and order["status"] == "active"
    assert order["effective_at"] == "2026-11-20T10:00:00+08:00"
    assert Notification.query.filter_by(kind="stop_work_recorded", user_id=people.ent_b.id).count() == 1
    state = api("ent_b").get(f"/api/v1/enterprises/{people.enterprise_b.id}/stop-work").get_json()
    assert state["stopped"] and state["orders"][0]["id"] == order["id"]
    # withdrawing waits for a pending application's acceptance
    application = apply(people.ent_b, people.enterprise_b.id)
    withdraw = f"/api/v1/stop-work-orders/{order['id']}/withdraw"
    assert bureau.post(withdraw, json={"withdraw_reason": "登记错误"}).status_code == 409
    decide(people.bureau, application.id, {**REFUSED, "inspected_on": "2026-11-23"})
    r = bureau.post(withdraw, json={"withdraw_reason": ""})
    assert r.status_code == 400 and "withdraw_reason" in r.get_json()["fields"]
    r = bureau.post(withdraw, json={"withdraw_reason": "登记错误"})
    assert r.status_code == 200 and r.get_json()["status"] == "withdrawn"
    assert r.get_json()["withdraw_reason"] == "登记错误"
    assert bureau.post(withdraw, json={"withdraw_reason": "登记错误"}).status_code == 409
    assert db.session.get(StopWorkOrder, order["id"]).status == "withdrawn"


def test_who_may_record_and_withdraw(people, api):
    path_a = f"/api/v1/enterprises/{people.enterprise_a.id}/stop-work-orders"
    body = {"reason": "联锁摘除"}
    assert api("ent_b").post(path_a, json=body).status_code == 404
    assert api("ent_a").post(path_a, json=body).status_code == 403
    assert api("project_lead").post(path_a, json=body).status_code == 403
    assert api("bureau").post("/api/v1/enterprises/99999/stop-work-orders", json=body).status_code == 404
    assert api("bureau").post(path_a, data="x").status_code == 400
    r = api("admin").post(path_a, json=body)
    assert r.status_code == 201
    withdraw = f"/api/v1/stop-work-orders/{r.get_json()['id']}/withdraw"
    assert api("ent_b").post(withdraw, json={"withdraw_reason": "x"}).status_code == 404
    assert api("ent_a").post(withdraw, json={"withdraw_reason": "x"}).status_code == 403
    assert api("inspector").post(withdraw, json={"withdraw_reason": "x"}).status_code == 403
    assert api("bureau").post("/api/v1/stop-work-orders/99999/withdraw",
                              json={"withdraw_reason": "x"}).status_code == 404
    doc = api("bureau").get("/api/v1/openapi.json").get_json()
    assert "post" in doc["paths"]["/api/v1/enterprises/{enterprise_id}/stop-work-orders"]
    assert "post" in doc["paths"]["/api/v1/stop-work-orders/{order_id}/withdraw"]
    assert "post" in doc["paths"]["/api/v1/enforcement/{referral_id}/stop-work-order"]


def test_an_order_from_an_enforcement_decision(people, api):
    referral_id = referral(people)
    clock.advance(days=7)
    step(people.bureau, referral_id, "filing", FILED)
    step(people.bureau, referral_id, "decision", DECIDED)
    path = f"/api/v1/enforcement/{referral_id}/stop-work-order"
    assert api("bureau").post(path).status_code == 409  # a fine, no suspension
    step(people.bureau, referral_id, "decision", {**DECIDED, "measures": ["fine", "suspension"]})
    assert api("project_lead").post(path).status_code == 403
    assert api("ent_b").post(path).status_code == 403
    r = api("bureau").post(path)
    assert r.status_code == 201 and r.get_json()["source"] == "enforcement"
    assert r.get_json()["enforcement_referral_id"] == referral_id
    assert api("bureau").post(path).status_code == 409
    assert api("bureau").post("/api/v1/enforcement/99999/stop-work-order").status_code == 404
