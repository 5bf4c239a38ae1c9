"""Alert rules changed through the JSON API (services/alert_rules.py update, alerts.py acknowledge): a rule read, changed
with its version (409 when stale), enabled and disabled (its current alerts cleared), an alert acknowledged with a
note — and who may do it (403 for other roles, another area's township office 404), bad input 400 naming the
fields."""
from app.extensions import db
from app.models import Alert, AlertRule, AuditEvent
from tests.risk_support import township_user
from tests.test_alert_rules import evaluate, make_rule, rule_values
from tests.test_lifecycle_service import register


def test_a_rule_is_read_changed_with_its_version_disabled_and_enabled(people, api):
    rule_id = make_rule(people, kind="open_majors", n=1)
    register(people, score=60)
    evaluate()
    bureau = api("bureau")
    path = f"/api/v1/alert-rules/{rule_id}"
    rule = bureau.get(path).get_json()
    assert rule["version"] == 1 and rule["enabled"] and rule["n"] == 1
    r = bureau.put(path, json=rule_values(kind="open_majors", n=2))
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"version"}
    r = bureau.put(path, json={**rule_values(kind="often", townships=["不存在镇"]), "version": 1})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"kind", "townships"}
    r = bureau.put(path, json={**rule_values(kind="open_majors", n=2), "version": 1})
    assert r.status_code == 200 and r.get_json()["version"] == 2 and r.get_json()["n"] == 2
    assert bureau.put(path, json={**rule_values(kind="open_majors", n=3), "version": 1}).status_code == 409
    assert bureau.post(f"{path}/disable", json={"version": 1}).status_code == 409
    r = bureau.post(f"{path}/disable", json={"version": 2})
    assert r.status_code == 200 and not r.get_json()["enabled"] and r.get_json()["version"] == 3
    assert db.session.query(Alert).one().cleared_at is not None  # disabling clears its alerts
    r = api("admin").post(f"{path}/enable")  # no body: no version check
    assert r.status_code == 200 and r.get_json()["enabled"] and r.get_json()["n"] == 2
    assert db.session.get(AlertRule, rule_id).enabled
    changes = [e.changes for e in db.session.query(AuditEvent).filter_by(action="alert_rule_saved")
               .order_by(AuditEvent.id)]
    assert changes == [{"n": [1, 2]}, {"enabled": [True, False]}, {"enabled": [False, True]}]
    assert bureau.post(f"{path}/enable", json={"version": "x"}).status_code == 400


def test_who_may_change_rules(people, api):
    rule_id = make_rule(people)
    body = {**rule_values(), "version": 1}
    for user in ("project_lead", "manager", "ent_a", "inspector"):
        client = api(user)
        assert client.get(f"/api/v1/alert-rules/{rule_id}").status_code == 403, user
        assert client.put(f"/api/v1/alert-rules/{rule_id}", json=body).status_code == 403, user
        assert client.post(f"/api/v1/alert-rules/{rule_id}/disable", json={}).status_code == 403, user
    assert api("bureau").get("/api/v1/alert-rules/99999").status_code == 404
    assert api("bureau").put("/api/v1/alert-rules/99999", json=body).status_code == 404
    assert api("bureau").post("/api/v1/alert-rules/99999/enable", json={}).status_code == 404


def test_an_alert_is_acknowledged_with_a_note(people, api, make_user):
    make_rule(people, kind="open_majors", n=1)
    register(people, score=60)
    evaluate()
    alert_id = db.session.query(Alert.id).scalar()
    township_user(make_user, "南湖镇", "town_far")
    township_user(make_user, "城关镇", "town_near")
    path = f"/api/v1/alerts/{alert_id}/acknowledge"
    assert api("town_far").post(path, json={"note": "看看"}).status_code == 404
    assert api("ent_a").post(path, json={"note": "看看"}).status_code == 403
    assert api("inspector").post(path, json={"note": "看看"}).status_code == 403
    assert api("bureau").post("/api/v1/alerts/99999/acknowledge", json={"note": "看看"}).status_code == 404
    r = api("town_near").post(path, json={"note": ""})
    assert r.status_code == 400 and "note" in r.get_json()["fields"]
    r = api("town_near").post(path, json={"note": "已电话督促企业"})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["status"] == "acknowledged" and r.get_json()["note"] == "已电话督促企业"
    assert api("bureau").post(path, json={"note": "再确认"}).status_code == 409
    doc = api("bureau").get("/api/v1/openapi.json").get_json()
    assert {"get", "put"} <= set(doc["paths"]["/api/v1/alert-rules/{rule_id}"])
    for path in ("/api/v1/alert-rules/{rule_id}/enable", "/api/v1/alert-rules/{rule_id}/disable",
                 "/api/v1/alerts/{alert_id}/acknowledge"):
        assert "post" in doc["paths"][path], path
