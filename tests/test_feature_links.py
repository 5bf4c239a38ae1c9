"""Features built apart, connected (README "Connections between features"): quality incidents on the staff
scorecards; an agreeing resumption acceptance fills in the enforcement record's 停产整顿解除日期; alert texts with the
hazard types' names and the alert rules' audit rows with field titles; self-checks on the enterprise's supervision
page and in its 一企一档 dossier, with its effect evaluations. (The initial reviews' on-time rate on the KPI page:
tests/test_kpi.py.)"""
from app.extensions import db
from app.models import HazardCase, QualityIncident
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data


# ---- quality incidents on the staff scorecards -----------------------------------------------------------------
def _incident(quality, lead, grade, measures):
    """An incident of `grade` registered, investigated, handled and notified with {user: [measures]}."""
    r = quality.post("/quality-incidents/new", data={
        "title": f"复核未到现场（{grade}）", "description": "复核照片取自其他企业", "found_at": "2026-11-23T08:30",
        "grade": grade, "source_ref": "other", "case_codes": "", "visit_ids": "",
        "responsible_ids": [str(user.id) for user in measures]})
    assert r.status_code == 302, r.get_data(as_text=True)
    row = QualityIncident.query.order_by(QualityIncident.id.desc()).first()
    assert lead.post(f"/quality-incidents/{row.id}/investigate").status_code == 302
    assert lead.post(f"/quality-incidents/{row.id}/handle", data={
        "findings": "照片系复制", "cause": "未到现场", "remedy": "重新复核"}).status_code == 302
    form = {"lesson": "复核必须到现场"}
    for user, chosen in measures.items():
        form[f"measures_{user.id}"] = chosen
    assert quality.post(f"/quality-incidents/{row.id}/notify", data=form).status_code == 302
    return row.id


def test_a_notified_incident_takes_points_off_its_responsible_persons_scorecard(people, login, api):
    quality, lead = login("quality"), login("project_lead")
    general = _incident(quality, lead, "general", {people.inspector: ["criticism"], people.project_team: ["none"]})
    larger = _incident(quality, lead, "larger", {people.inspector: ["pay_cut", "written_review"]})
    card = api("project_lead").get(f"/api/v1/performance/{people.inspector.id}?month=2026-11").get_json()
    incidents = [(d["kind"], d["points"], d["quality_incident_id"]) for d in card["deductions"]]
    assert incidents == [("incident", 5, general), ("incident", 10, larger)]
    assert card["deducted"] == 15 and card["counts"]["quality_incidents"] == 2
    spared = api("project_lead").get(f"/api/v1/performance/{people.project_team.id}?month=2026-11").get_json()
    assert spared["deductions"] == [] and spared["counts"]["quality_incidents"] == 0  # 免予追责
    earlier = api("project_lead").get(f"/api/v1/performance/{people.inspector.id}?month=2026-10").get_json()
    assert earlier["deductions"] == []  # counted in the month it was notified
    # the scorecard's own line, linked for the incidents' readers; the member reads the line without the link
    page = lead.get(f"/performance/{people.inspector.id}?month=2026-11").get_data(as_text=True)
    assert 'data-deduction="incident"' in page and f'href="/quality-incidents/{general}"' in page
    own = login("inspector").get(f"/performance/{people.inspector.id}?month=2026-11")
    assert own.status_code == 200
    text = own.get_data(as_text=True)
    assert 'data-deduction="incident"' in text and f'href="/quality-incidents/{general}"' not in text
    assert lead.get(f"/performance/{people.inspector.id}/scorecard.pdf?month=2026-11").status_code == 200
    assert lead.get("/performance/export.csv?month=2026-11").status_code == 200


# ---- resumption: the enforcement record's 停产整顿解除日期 ----------------------------------------------------------
def _ordered_by_enforcement(people, **decision):
    from app.clock import clock
    from app.services import stop_work
    from app.services.uow import UnitOfWork
    from tests.enforcement_support import DECIDED, FILED, referral, step
    referral_id = referral(people)
    clock.advance(days=7)  # 11-30
    step(people.bureau, referral_id, "filing", FILED)
    step(people.bureau, referral_id, "decision", {**DECIDED, "measures": ["fine", "suspension"], **decision})
    with UnitOfWork() as uow:
        order = stop_work.record_from_enforcement(uow, people.bureau, referral_id)
        uow.commit()
    case_id = order.case_id  # rectified, so that the enterprise may apply
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    return referral_id, order


def test_an_agreeing_acceptance_fills_in_the_enforcement_records_resumption_day(people):
    from datetime import date
    from app.models import AuditEvent, EnforcementOutcome
    from tests.enforcement_support import step
    from tests.resumption_support import AGREED, REFUSED, apply, decide
    referral_id, order = _ordered_by_enforcement(people)
    # a refusal leaves the record alone
    first = apply(people.ent_a, people.enterprise_a.id, {"measures": "整改", "self_check": "合格",
                                                          "order_id": order.id})
    decide(people.bureau, first.id, {**REFUSED, "inspected_on": "2026-11-30", "next_date": "2026-12-10"})
    assert db.session.get(EnforcementOutcome, referral_id).resumed_on is None
    second = apply(people.ent_a, people.enterprise_a.id, {"measures": "整改", "self_check": "合格", "order_id": order.id})
    decide(people.bureau, second.id, {**AGREED, "inspected_on": "2026-11-30"})
    db.session.expire_all()
    outcome = db.session.get(EnforcementOutcome, referral_id)
    assert outcome.resumed_on == date(2026, 11, 30) and outcome.status == "executed"
    row = db.session.query(AuditEvent).filter_by(action="enforcement_executed", subject_type="enforcement",
                                                 subject_id=referral_id).one()
    assert row.changes["resumed_on"] == [None, "2026-11-30"] and row.changes["status"] == ["decided", "executed"]
    assert row.details["resumption_application_id"] == second.id and row.actor_id == people.bureau.id
    # the execution can still be corrected by hand afterwards
    step(people.bureau, referral_id, "execution", {"resumed_on": "2026-11-30", "execution_note": "验收同意复产"})


def test_a_resumption_day_recorded_by_hand_or_a_closed_record_is_kept(people):
    from datetime import date
    from app.models import EnforcementOutcome
    from tests.enforcement_support import step
    from tests.resumption_support import AGREED, apply, decide
    referral_id, order = _ordered_by_enforcement(people)
    step(people.bureau, referral_id, "execution", {"resumed_on": "2026-11-28"})
    row = apply(people.ent_a, people.enterprise_a.id, {"measures": "整改", "self_check": "合格", "order_id": order.id})
    decide(people.bureau, row.id, {**AGREED, "inspected_on": "2026-11-30"})
    db.session.expire_all()
    assert db.session.get(EnforcementOutcome, referral_id).resumed_on == date(2026, 11, 28)


# ---- alert rules: the audit log's field titles --------------------------------------------------------------------
def test_the_alert_rules_audit_rows_carry_field_titles(people, login):
    from tests.test_alert_rules import make_rule
    make_rule(people, name="高风险企业整改超期")
    page = login("bureau").get("/audit?action=alert_rule_created").get_data(as_text=True)
    assert "高风险企业整改超期" in page
    for title in ("规则名称", "预警条件", "通知角色", "隐患等级"):
        assert title in page, title


# ---- self-checks and effect evaluations: the supervision page and the 一企一档 dossier -------------------------------
def _submitted_self_check(api):
    from tests.test_self_checks import all_conform, start
    made = start(api)
    response = api("ent_a").post(f"/api/v1/self-checks/{made['id']}/submit", json={"items": all_conform(made["items"])})
    assert response.status_code == 200, response.get_data(as_text=True)
    return made["id"]


def test_self_checks_and_effect_evaluations_on_the_supervision_page_and_in_the_dossier(people, api, login):
    import io
    import zipfile
    from datetime import datetime
    from app.clock import SHANGHAI, clock
    from tests.effect_evaluation_support import closed_major, commission, pool_expert
    from tests.test_enterprise_dossier import rows_of
    from tests.test_self_checks import load_lists, start
    load_lists()
    clock.set(datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI))
    october = _submitted_self_check(api)
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI))
    november = _submitted_self_check(api)
    start(api)  # a draft: in the dossier, not counted as submitted
    case_id = closed_major(people)
    commission(people.bureau, case_id, expert_ids=[pool_expert().id], note="内部委托说明，不给企业看")
    closed_major(people, enterprise=people.enterprise_b)  # another enterprise's evaluation stays out
    ent = people.enterprise_a
    # the supervision page: this year's submitted self-checks, the ended months that had one, the list linked
    page = login("bureau").get(f"/supervision/enterprises/{ent.id}").get_data(as_text=True)
    assert 'data-self-checks="2"' in page and f"/self-checks?enterprise_id={ent.id}" in page
    assert "2026 年已提交自查 2 次；已结束的 10 个月中有 1 个月达到每月至少 1 次。" in page
    # the dossier: self_checks.csv (drafts too) and effect_evaluations.csv (the enterprise's side only)
    archive = zipfile.ZipFile(io.BytesIO(login("bureau").get(f"/supervision/enterprises/{ent.id}/dossier.zip").data))
    listed = {r[0]: r for r in rows_of(archive, "index.csv")[8:]}
    assert listed["self_checks.csv"][2] == "3" and listed["effect_evaluations.csv"][2] == "1"
    checks = rows_of(archive, "self_checks.csv")
    assert [(int(r[0]), r[3]) for r in checks[1:3]] == [(october, "已提交"), (november, "已提交")]
    assert checks[3][3] == "草稿"
    evaluations = rows_of(archive, "effect_evaluations.csv")
    assert evaluations[1][0] == db.session.get(HazardCase, case_id).code
    assert evaluations[1][4] == "观察期" and evaluations[1][6] == "周建国"
    assert "内部委托说明" not in archive.read("effect_evaluations.csv").decode("utf-8-sig")
    assert not [name for name in archive.namelist() if "incident" in name]  # quality incidents are internal
