"""Alert rules (services/alert_rules.py, alert_evaluation.py, alerts.py): each condition kind as the clock moves,
the scope filters, one alert per rule and subject until the condition clears and comes back, the notices (township
offices of the enterprise's area only, the outbox channels), the dry run, the audit, the hourly job, and who may do
what from the outside (pages and API)."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import Alert, AlertRule, AuditEvent, Enterprise, Notification, OutboxMessage, RegionRiskChange
from app.services import alert_evaluation, alert_rules, alerts
from app.services.calendar import add_workdays
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.risk_support import in_session, township_user
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, register
from tests.test_web_support import text


def rule_values(**changes):
    return {"name": "规则", "kind": "open_days", "n": 3, "m": None, "roles": ["bureau"], **changes}


def make_rule(people, **changes):
    with UnitOfWork() as uow:
        rule = alert_rules.create(uow, in_session(people.bureau), rule_values(**changes))
        uow.commit()
        return rule.id


def matched(rule_id):
    rule = db.session.get(AlertRule, rule_id)
    return [(m.subject_type, m.subject_id) for m in alert_evaluation.matches(db.session, rule)]


def evaluate():
    with UnitOfWork() as uow:
        totals = alerts.evaluate_all(uow)
        uow.commit()
        return totals


def assign(people, case_id):
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)


def later(**delta):
    clock.set(clock.now() + timedelta(**delta))


def test_open_days_counts_calendar_days_since_registration(people):
    case_id = register(people)
    rule = make_rule(people, n=3)
    later(days=3)
    assert matched(rule) == []
    later(minutes=1)
    assert matched(rule) == [("case", case_id)]


def test_rectifying_days_counts_from_the_assignment(people):
    case_id = register(people)
    later(days=5)  # five days awaiting assignment do not count
    assign(people, case_id)
    rule = make_rule(people, kind="rectifying_days", n=7)
    later(days=6)
    assert matched(rule) == []
    later(days=1, minutes=1)
    assert matched(rule) == [("case", case_id)]


def test_overdue_workdays_count_working_days_past_the_deadline(people):
    case_id = register(people)
    assign(people, case_id)
    due = case_row(case_id).rectification_due
    any_overdue, two_days = make_rule(people, name="逾期", kind="overdue_workdays", n=0), \
        make_rule(people, name="逾期两天", kind="overdue_workdays", n=2)
    clock.set(due - timedelta(minutes=1))
    assert matched(any_overdue) == []
    clock.set(due + timedelta(minutes=1))
    assert matched(any_overdue) == [("case", case_id)] and matched(two_days) == []
    clock.set(add_workdays(due, 2).moment - timedelta(minutes=1))
    assert matched(two_days) == []
    clock.set(add_workdays(due, 2).moment + timedelta(minutes=1))  # a weekend between is not counted
    assert matched(two_days) == [("case", case_id)]


def test_many_hazards_open_majors_and_recurrence_are_about_the_enterprise(people):
    ent = people.enterprise_a.id
    many = make_rule(people, name="多", kind="many_hazards", n=2, m=30)
    majors = make_rule(people, name="重大", kind="open_majors", n=2)
    again = make_rule(people, name="复发", kind="recurrence", n=None, m=30)
    register(people, score=60)
    register(people, enterprise=people.enterprise_b)
    assert matched(many) == [] and matched(majors) == [] and matched(again) == []
    register(people, score=55)  # a second 重大 and a second "electrical" at enterprise A
    assert matched(majors) == [("enterprise", ent)] and matched(again) == [("enterprise", ent)]
    assert matched(many) == []  # two is not more than two
    register(people)
    assert matched(many) == [("enterprise", ent)]
    summary = alert_evaluation.matches(db.session, db.session.get(AlertRule, again))[0].summary
    assert "电气安全 ×3" in summary  # the hazard type by its name in the deployed form
    later(days=31)  # out of both windows; the majors are still open
    assert matched(many) == [] and matched(again) == [] and matched(majors) == [("enterprise", ent)]


def test_scope_filters_narrow_the_enterprises_and_the_grades(people, make_enterprise):
    a, b = people.enterprise_a, people.enterprise_b
    a.scale, b.scale = "above", "micro"
    a.tags = ["two_key_one_major"]
    b.township = "南湖镇"
    db.session.add(RegionRiskChange(township="南湖镇", sequence=1, level_before=None, level_after="red", score=9,
                                    factors={}, changed_at=clock.now()))
    db.session.commit()
    case_a, case_b = register(people), register(people, score=60, enterprise=b)
    later(days=4)

    def only(**scope):
        return matched(make_rule(people, name=str(scope), **scope))
    assert only() == [("case", case_a), ("case", case_b)]
    assert only(townships=["城关镇"]) == [("case", case_a)]
    assert only(industries=["机械"]) == [("case", case_b)]
    assert only(scales=["above"]) == [("case", case_a)]
    assert only(tags=["two_key_one_major", "confined_space"]) == [("case", case_a)]
    assert only(region_levels=["red", "orange"]) == [("case", case_b)]
    assert only(grades=["major"]) == [("case", case_b)]
    assert only(townships=["城关镇"], grades=["major"]) == []  # every filter must hold


def test_an_alert_is_raised_once_cleared_and_raised_again_with_its_notices(people, make_user):
    people.bureau.email = "bureau@example.org"
    db.session.commit()
    ent = people.enterprise_a.id
    make_rule(people, kind="open_majors", n=1, roles=["bureau", "township"], channels=["email", "sms"])
    near, far = township_user(make_user, "城关镇", "town_near"), township_user(make_user, "南湖镇", "town_far")
    case_id = register(people, score=60)
    assert evaluate() == {"raised": 1, "cleared": 0}
    assert evaluate() == {"raised": 0, "cleared": 0}  # the hourly run again: nothing new
    alert = db.session.query(Alert).one()
    assert (alert.subject_type, alert.subject_id, alert.sequence, alert.status) == ("enterprise", ent, 1, "open")
    told = {n.user_id for n in db.session.query(Notification).filter_by(kind="alert_raised")}
    assert told == {people.bureau.id, near.id} and far.id not in told  # not the office of another area
    # the bureau has an email address and no phone: one email in the outbox, nothing for SMS
    sent = db.session.query(OutboxMessage.channel, OutboxMessage.recipient) \
        .join(Notification, Notification.id == OutboxMessage.notification_id) \
        .filter(Notification.kind == "alert_raised")
    assert sent.all() == [("email", "bureau@example.org")]

    db.session.get(type(case_row(case_id)), case_id).status = "closed"  # the condition clears
    db.session.commit()
    assert evaluate() == {"raised": 0, "cleared": 1}
    assert db.session.get(Alert, alert.id).cleared_at == clock.now()
    register(people, score=60)  # and comes back
    later(hours=1)
    assert evaluate() == {"raised": 1, "cleared": 0}
    assert [a.sequence for a in db.session.query(Alert).order_by(Alert.id)] == [1, 2]
    assert db.session.query(Notification).filter_by(kind="alert_raised", user_id=people.bureau.id).count() == 2


def test_acknowledging_needs_a_note_is_audited_and_does_not_re_raise(people):
    make_rule(people, kind="open_majors", n=1)
    register(people, score=60)
    evaluate()
    alert_id = db.session.query(Alert.id).scalar()
    with UnitOfWork() as uow, pytest.raises(ValidationFailed) as caught:
        alerts.acknowledge(uow, in_session(people.bureau), alert_id, "  ")
    assert "note" in caught.value.fields
    with UnitOfWork() as uow:
        alerts.acknowledge(uow, in_session(people.bureau), alert_id, "已电话督促企业")
        uow.commit()
    assert evaluate() == {"raised": 0, "cleared": 0}
    event = db.session.query(AuditEvent).filter_by(action="alert_acknowledged").one()
    assert (event.subject_type, event.subject_id) == ("alert", alert_id)
    assert event.changes == {"status": ["open", "acknowledged"], "note": ["", "已电话督促企业"]}


def test_a_rule_change_is_audited_before_and_after_and_disabling_clears_its_alerts(people):
    rule_id = make_rule(people, kind="open_majors", n=1)
    register(people, score=60)
    evaluate()
    with UnitOfWork() as uow:
        alert_rules.update(uow, in_session(people.admin), rule_id,
                           rule_values(kind="open_majors", n=2, enabled=False), version=1)
        uow.commit()
    event = db.session.query(AuditEvent).filter_by(action="alert_rule_saved").one()
    assert event.changes == {"enabled": [True, False], "n": [1, 2]}
    assert (event.subject_type, event.subject_id, event.actor_id) == ("alert_rule", rule_id, people.admin.id)
    assert db.session.query(AuditEvent).filter_by(action="alert_rule_created").one().changes["kind"] == \
        [None, "open_majors"]
    assert db.session.query(Alert).one().cleared_at is not None
    assert evaluate() == {"raised": 0, "cleared": 0}  # a disabled rule is not evaluated


def test_the_dry_run_lists_matches_and_tells_nobody(people):
    register(people, score=60)
    shown, total, names = alert_rules.dry_run(db.session, in_session(people.bureau),
                                              rule_values(kind="open_majors", n=1))
    assert total == 1 and shown[0].subject_id == people.enterprise_a.id
    assert names == {people.enterprise_a.id: "甲化工有限公司"}
    assert db.session.query(Alert).count() == 0 and db.session.query(AlertRule).count() == 0
    assert db.session.query(Notification).filter_by(kind="alert_raised").count() == 0


def test_bad_values_name_every_field(people):
    with pytest.raises(ValidationFailed) as caught:
        make_rule(people, name="", kind="sometimes", roles=["enterprise"])
    assert set(caught.value.fields) == {"name", "kind", "roles"}
    with pytest.raises(ValidationFailed) as caught:
        make_rule(people, kind="many_hazards", n=-1, m="七", townships=["不存在镇"], tags=["nope"])
    assert set(caught.value.fields) == {"n", "m", "townships", "tags"}
    rule_id = make_rule(people, kind="overdue_workdays", n=0, m=5)  # 0 allowed here; M dropped, not used
    assert (db.session.get(AlertRule, rule_id).n, db.session.get(AlertRule, rule_id).m) == (0, None)
    with pytest.raises(ValidationFailed) as caught:
        make_rule(people, kind="overdue_workdays", n=0)  # the same name again
    assert set(caught.value.fields) == {"name"}
    with pytest.raises(NotAllowed):
        make_rule(people.__class__({**people, "bureau": people.project_lead}), name="x")


def test_the_hourly_job_evaluates_the_enabled_rules(people):
    make_rule(people, kind="open_majors", n=1)
    register(people, score=60)
    assert jobs.evaluate_alert_rules() == {"raised": 1, "cleared": 0}
    assert jobs.evaluate_alert_rules() == {"raised": 0, "cleared": 0}


def test_pages_create_dry_run_list_and_acknowledge(people, login):
    bureau = login("bureau")
    form = {"name": "高风险企业整改超过 7 天", "enabled": "1", "kind": "rectifying_days", "n": "7", "m": "",
            "tags": ["two_key_one_major"], "roles": ["bureau", "township"], "channels": ["sms"]}
    r = bureau.post("/alert-rules/new", data={**form, "n": "-3", "kind": "weekly"})
    assert r.status_code == 400 and 'id="err-kind"' in text(r) and 'id="err-n"' not in text(r)
    r = bureau.post("/alert-rules/new", data={**form, "n": "-3"})
    assert r.status_code == 400 and 'id="err-n"' in text(r)
    register(people, score=60)
    r = bureau.post("/alert-rules/new", data={**form, "kind": "open_majors", "n": "1", "tags": [],
                                             "action": "dry_run"})
    assert r.status_code == 200 and 'data-total="1"' in text(r) and "甲化工有限公司" in text(r)
    assert db.session.query(AlertRule).count() == 0
    assert bureau.post("/alert-rules/new", data={**form, "kind": "open_majors", "n": "1", "tags": []}) \
        .status_code == 302
    rule = db.session.query(AlertRule).one()
    assert rule.roles == ["bureau", "township"] and rule.channels == ["sms"] and rule.m is None
    assert 'data-total="1"' in text(bureau.get(f"/alert-rules/{rule.id}/dry-run"))
    evaluate()
    page = text(bureau.get("/alerts"))
    assert "未销号重大及以上隐患 1 条" in page
    alert_id = db.session.query(Alert.id).scalar()
    assert bureau.post(f"/alerts/{alert_id}/acknowledge", data={"note": ""}).status_code == 400
    assert bureau.post(f"/alerts/{alert_id}/acknowledge", data={"note": "已督办"}).status_code == 302
    assert db.session.get(Alert, alert_id).status == "acknowledged"
    assert 'data-status="acknowledged"' in text(bureau.get("/alerts?status=acknowledged"))
    r = bureau.post(f"/alert-rules/{rule.id}", data={**form, "kind": "open_majors", "n": "1", "version": "9"})
    assert r.status_code == 409  # changed meanwhile


def test_who_may_see_and_manage_from_the_outside(people, login, make_user, api):
    make_rule(people, kind="open_majors", n=1)
    register(people, score=60)
    evaluate()
    alert_id = db.session.query(Alert.id).scalar()
    township_user(make_user, "南湖镇", "town_far")
    township_user(make_user, "城关镇", "town_near")
    for user in ("ent_a", "inspector"):
        assert login(user).get("/alerts").status_code == 403
        assert login(user).get("/alert-rules").status_code == 403
    for user in ("project_lead", "quality", "manager", "town_near"):
        assert login(user).get("/alert-rules").status_code == 403
        assert f'data-alert="{alert_id}"' in text(login(user).get("/alerts"))
    far = login("town_far")
    assert f'data-alert="{alert_id}"' not in text(far.get("/alerts"))
    assert far.post(f"/alerts/{alert_id}/acknowledge", data={"note": "看看"}).status_code == 404
    assert login("admin").get("/alert-rules").status_code == 200
    assert api("ent_a").get("/api/v1/alerts").status_code == 403
    assert api("project_lead").get("/api/v1/alert-rules").status_code == 403
    assert api("project_lead").post("/api/v1/alert-rules", json={"name": "x"}).status_code == 403
    assert api("town_far").get("/api/v1/alerts").get_json()["total"] == 0
    assert api("town_near").get("/api/v1/alerts").get_json()["items"][0]["id"] == alert_id


def test_the_api_lists_and_creates_rules_and_names_bad_fields(people, api):
    bureau = api("bureau")
    r = bureau.post("/api/v1/alert-rules", json={"name": "复发", "kind": "often", "roles": ["bureau"]})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"kind"}
    r = bureau.post("/api/v1/alert-rules", json={"name": "复发", "kind": "recurrence", "m": -30, "roles": ["bureau"]})
    assert r.status_code == 400 and set(r.get_json()["fields"]) == {"m"}
    r = bureau.post("/api/v1/alert-rules", json={"name": "复发", "kind": "recurrence", "m": "30", "roles": ["bureau"]})
    assert r.status_code == 400 and "m" in r.get_json()["fields"]  # a number, not a string
    r = bureau.post("/api/v1/alert-rules", json={"name": "复发", "kind": "recurrence", "m": 30, "roles": ["bureau"],
                                                 "grades": ["general"]})
    assert r.status_code == 201 and r.get_json()["m"] == 30 and r.get_json()["n"] is None
    assert [x["name"] for x in bureau.get("/api/v1/alert-rules").get_json()["items"]] == ["复发"]
    register(people)
    register(people)
    evaluate()
    body = bureau.get("/api/v1/alerts?status=open&current=true").get_json()
    assert body["total"] == 1 and body["items"][0]["subject_type"] == "enterprise"
    assert body["items"][0]["rule_name"] == "复发"
    assert bureau.get("/api/v1/alerts?status=sometimes").status_code == 400
    doc = bureau.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/alert-rules", "/api/v1/alerts"} <= set(doc["paths"])
    assert doc["components"]["schemas"]["AlertRuleRequest"]["properties"]["kind"]["enum"][0] == "open_days"


def test_an_enterprise_without_a_township_is_told_to_no_township_office(people, make_user):
    db.session.get(Enterprise, people.enterprise_a.id).township = ""
    db.session.commit()
    town = township_user(make_user, "城关镇")
    make_rule(people, kind="open_majors", n=1, roles=["township"])
    register(people, score=60)
    evaluate()
    assert db.session.query(Notification).filter_by(kind="alert_raised", user_id=town.id).count() == 0


def test_many_new_alerts_of_one_run_make_one_notice_per_recipient(people, make_user, monkeypatch):
    monkeypatch.setattr(alerts, "DIGEST_OVER", 1)
    far = township_user(make_user, "南湖镇", "town_far")
    make_rule(people, n=1, roles=["bureau", "township"])
    register(people)
    register(people, enterprise=people.enterprise_b)
    later(days=2)
    assert evaluate() == {"raised": 2, "cleared": 0}
    notice, = db.session.query(Notification).filter_by(kind="alert_raised", user_id=people.bureau.id)
    assert notice.title == "预警：规则（新增 2 条）" and notice.case_id is None
    assert db.session.query(Notification).filter_by(kind="alert_raised", user_id=far.id).count() == 0
