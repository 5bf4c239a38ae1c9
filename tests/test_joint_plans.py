"""Joint inspection plans (联合检查计划): the units with their participants, division of work and instruments; the
week's notice; sending to the units (in-app and outbox); each unit's sign-off once; the daily urging three days
before; who sees what (department users their department's plans, enterprise staff never the units); the visit
recorded from the plan carries the units; the API."""
from datetime import datetime, timedelta

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Instrument, InspectionPlan, Notification, OutboxMessage
from app.services import inspection_plans, joint_plan_signoff
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.referral_support import department
from tests.test_web_support import text

DAY = "2026-12-01"  # Monday 2026-11-23 + 8 days; five working days and a week ahead


@pytest.fixture
def units(people, make_user):
    """The fire brigade (user `fire_user`) and the housing bureau (user `housing_user`) of the register."""
    fire = department(people.bureau, "县消防救援大队", "fire", "xf@example.gov.cn")
    housing = department(people.bureau, "县住建局", "housing", "zj@example.gov.cn")
    for username, department_id in (("fire_user", fire), ("housing_user", housing)):
        user = make_user(username, "department")
        user.department_id = department_id
        db.session.commit()
        people[username] = user
    people["fire"], people["housing"] = fire, housing
    instrument = Instrument(kind="gas_detector", model="MX6", asset_no="SB-001", status="in_service",
                            created_at=clock.now(), updated_at=clock.now())
    db.session.add(instrument)
    db.session.commit()
    people["gas"] = instrument.id
    return people


def unit_list(p):
    return [{"kind": "bureau", "participant_ids": [p.bureau.id], "duties": "总体协调，审阅检查结论"},
            {"kind": "department", "department_id": p.fire, "participant_names": "王参谋", "duties": "消防设施、疏散通道"},
            {"kind": "department", "department_id": p.housing, "participant_names": "赵工", "duties": "在建厂房脚手架"},
            {"kind": "contractor", "participant_ids": [p.inspector.id], "participant_names": "钱工程师",
             "duties": "危化品仓库气体检测、配电室红外热成像"}]


def make_plan(p, day=DAY, units=None, instruments=None, who="inspector"):
    with UnitOfWork() as uow:
        row = inspection_plans.plan(uow, p[who], p.enterprise_a.id, day, "危化品仓库、配电室、在建厂房", "联合检查组",
                                    "joint", None, unit_list(p) if units is None else units,
                                    [p.gas] if instruments is None else instruments)
        uow.commit()
        return row.id


def send(user, plan_id):
    with UnitOfWork() as uow:
        joint_plan_signoff.send(uow, user, plan_id)
        uow.commit()


def sign(user, plan_id, remark=""):
    with UnitOfWork() as uow:
        unit = joint_plan_signoff.sign(uow, user, plan_id, remark)
        uow.commit()
        return unit.id


def notices(user, kind):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=kind).all()


def test_plan_send_sign_and_urge(units):
    p = units
    plan_id = make_plan(p)
    row = db.session.get(InspectionPlan, plan_id)
    assert [u.kind for u in row.units] == ["bureau", "department", "department", "contractor"]
    assert [i.instrument.asset_no for i in row.instruments] == ["SB-001"]
    assert notices(p.ent_a, "inspection_planned")  # the enterprise's five working days' notice as before
    with pytest.raises(Conflict):  # not sent yet
        sign(p.fire_user, plan_id)
    for who in ("bureau", "ent_a", "project_team"):
        with pytest.raises(NotAllowed):
            send(p[who], plan_id)
    send(p.inspector, plan_id)
    for who in ("fire_user", "housing_user", "bureau", "inspector"):
        [notice] = notices(p[who], "joint_plan_sent")
        assert DAY in notice.title
    assert "消防设施" in notices(p.fire_user, "joint_plan_sent")[0].body
    assert notices(p.project_lead, "joint_plan_sent") == []  # not a named participant of the contractor
    assert db.session.query(OutboxMessage).count() >= 4
    with pytest.raises(Conflict):
        send(p.inspector, plan_id)
    sign(p.fire_user, plan_id, "王参谋改为李参谋")
    with pytest.raises(Conflict):  # twice
        sign(p.fire_user, plan_id)
    assert "李参谋" in notices(p.inspector, "joint_plan_signed")[0].body
    with pytest.raises(NotAllowed):  # signs for no unit of the plan
        sign(p.quality, plan_id)
    sign(p.project_lead, plan_id)  # for the contractor
    event = db.session.query(AuditEvent).filter_by(action="joint_plan_signed").order_by(AuditEvent.id).first()
    assert event.changes["signed"] == [None, "县消防救援大队"] and event.changes["remark"][1] == "王参谋改为李参谋"
    # three days before the day: the bureau and the housing bureau have not signed
    assert jobs.urge_joint_plan_signatures() == 0
    clock.set(datetime(2026, 11, 28, 8, 0, tzinfo=SHANGHAI))
    assert jobs.urge_joint_plan_signatures() == 2 and jobs.urge_joint_plan_signatures() == 0  # once
    assert notices(p.housing_user, "joint_plan_sign_urged") and not notices(p.fire_user, "joint_plan_sign_urged")
    [told] = notices(p.inspector, "joint_plan_unsigned")
    assert "县住建局" in told.body and "应急管理局" in told.body
    # a cancelled sent plan: the units are told too
    with UnitOfWork() as uow:
        inspection_plans.cancel(uow, p.inspector, plan_id, "企业停产检修")
        uow.commit()
    assert notices(p.fire_user, "joint_plan_cancelled")


@pytest.mark.parametrize("change, wrong", [
    ({"day": "2026-11-27"}, "planned_on"),
    ({"units": []}, "units"),
    ({"units": [{"kind": "department", "department_id": 99999, "participant_names": "x", "duties": "y"}]}, "units"),
    ({"units": [{"kind": "bureau", "participant_ids": [1], "duties": ""}]}, "unit_bureau"),
    ({"instruments": [99999]}, "instrument_ids"),
])
def test_bad_joint_plans_are_refused_with_the_field(units, change, wrong):
    if change.get("units") and change["units"][0]["kind"] == "bureau":
        change["units"][0]["participant_ids"] = [units.bureau.id]
    with pytest.raises(ValidationFailed) as caught:
        make_plan(units, **change)
    assert wrong in caught.value.fields
    assert db.session.query(InspectionPlan).count() == 0


def test_five_working_days_are_not_a_week(units):
    clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI))  # a Saturday: five working days on is Friday 12-04
    assert inspection_plans.earliest_day().isoformat() == "2026-12-04"
    with pytest.raises(ValidationFailed) as caught:
        make_plan(units, day="2026-12-04")
    assert "2026-12-05" in caught.value.fields["planned_on"]
    assert make_plan(units, day="2026-12-05")


def test_too_late_to_send_a_week_ahead(units):
    plan_id = make_plan(units)
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(Conflict):
        send(units.inspector, plan_id)


def test_who_sees_the_plan_and_its_units(units, make_user):
    p = units
    plan_id = make_plan(p, units=unit_list(p)[:2])  # the bureau and the fire brigade only
    with pytest.raises(NotFound):
        inspection_plans.get_visible(db.session, p.housing_user, plan_id)
    assert inspection_plans.get_visible(db.session, p.fire_user, plan_id).id == plan_id
    rows, total = inspection_plans.listing(db.session, p.housing_user, inspection_plans.PlanFilter())
    assert total == 0
    rows, total = inspection_plans.listing(db.session, p.fire_user, inspection_plans.PlanFilter())
    assert [r.id for r in rows] == [plan_id]


# ---- pages and API ------------------------------------------------------------------------------------------
def test_the_pages(units, login):
    p = units
    inspector = login("inspector")
    form = text(inspector.get("/inspections/plans/new"))
    assert 'name="units" value="dept_%s"' % p.fire in form and "SB-001" in form
    bad = inspector.post("/inspections/plans/new", data={
        "enterprise_id": str(p.enterprise_a.id), "planned_on": DAY, "areas": "配电室", "team": "联合检查组",
        "kind": "joint", "units": ["bureau"], "names_bureau": "", "duties_bureau": "协调"})
    assert bad.status_code == 400 and 'id="err-unit_bureau"' in text(bad)
    done = inspector.post("/inspections/plans/new", data={
        "enterprise_id": str(p.enterprise_a.id), "planned_on": DAY, "areas": "配电室", "team": "联合检查组",
        "kind": "joint", "units": ["bureau", f"dept_{p.fire}"], "people_bureau": [str(p.bureau.id)],
        "duties_bureau": "总体协调", f"names_dept_{p.fire}": "王参谋", f"duties_dept_{p.fire}": "消防设施检查",
        "instrument_ids": [str(p.gas)]})
    assert done.status_code == 302
    plan_id = db.session.query(InspectionPlan.id).scalar()
    page = text(inspector.get(f"/inspections/plans/{plan_id}"))
    assert "消防设施检查" in page and "SB-001" in page and "/send" in page
    assert inspector.post(f"/inspections/plans/{plan_id}/send").status_code == 302
    assert inspector.post(f"/inspections/plans/{plan_id}/send").status_code == 409
    fire = login("fire_user")
    assert fire.get("/inspections/plans").status_code == 200
    page = text(fire.get(f"/inspections/plans/{plan_id}"))
    assert "签收确认" in page
    assert fire.post(f"/inspections/plans/{plan_id}/sign", data={"remark": "李参谋参加"}).status_code == 302
    assert fire.post(f"/inspections/plans/{plan_id}/sign").status_code == 409
    assert "李参谋参加" in text(fire.get(f"/inspections/plans/{plan_id}"))
    assert fire.get("/inspections").status_code == 403  # the rest stays closed
    assert login("housing_user").get(f"/inspections/plans/{plan_id}").status_code == 404
    enterprise = text(login("ent_a").get(f"/inspections/plans/{plan_id}"))
    assert "配电室" in enterprise and "消防设施检查" not in enterprise and "王参谋" not in enterprise
    assert login("ent_b").get(f"/inspections/plans/{plan_id}").status_code == 404
    # the visit recorded from the plan carries the units
    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))
    visit = inspector.post(f"/inspections/new?plan={plan_id}", data={
        "enterprise_id": str(p.enterprise_a.id), "visited_on": DAY, "inspectors": "联合检查组", "scope": "配电室",
        "findings": "", "kind": "joint", "plan_id": str(plan_id)})
    assert visit.status_code == 302, text(visit)
    visit_id = db.session.get(InspectionPlan, plan_id).visit_id
    assert visit_id and "县消防救援大队：王参谋" in text(inspector.get(f"/inspections/{visit_id}"))


def test_the_api(units, api):
    p = units
    plan_id = make_plan(p)
    inspector = api("inspector")
    body = inspector.get(f"/api/v1/inspection-plans/{plan_id}").get_json()
    assert [u["name"] for u in body["units"]][:2] == ["应急管理局", "县消防救援大队"] and body["sent_at"] is None
    assert api("project_team").post(f"/api/v1/inspection-plans/{plan_id}/send").status_code == 403
    assert inspector.post(f"/api/v1/inspection-plans/{plan_id}/send").get_json()["sent_at"]
    fire = api("fire_user")
    signed = fire.post(f"/api/v1/inspection-plans/{plan_id}/sign", json={"remark": "按时参加"})
    assert signed.status_code == 200
    unit = [u for u in signed.get_json()["units"] if u["department_id"] == p.fire][0]
    assert unit["signed_at"] and unit["sign_remark"] == "按时参加"
    assert fire.post(f"/api/v1/inspection-plans/{plan_id}/sign", json={}).status_code == 409
    assert fire.post(f"/api/v1/inspection-plans/{plan_id}/sign", json={"remark": "x" * 501}).status_code == 400
    assert [r["id"] for r in fire.get("/api/v1/inspection-plans").get_json()["items"]] == [plan_id]
    assert "units" not in api("ent_a").get(f"/api/v1/inspection-plans/{plan_id}").get_json()
    assert api("ent_b").get(f"/api/v1/inspection-plans/{plan_id}").status_code == 404
    paths = inspector.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/inspection-plans/{plan_id}/sign" in paths


def test_urging_window_uses_the_day(units):
    plan_id = make_plan(units, day=(clock.local_now().date() + timedelta(days=10)).isoformat())
    send(units.inspector, plan_id)
    clock.set(datetime(2026, 11, 29, 9, 0, tzinfo=SHANGHAI))  # four days before
    assert jobs.urge_joint_plan_signatures() == 0


def test_the_demo_has_a_sent_joint_plan_signed_by_the_fire_brigade_only(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    [row] = db.session.query(InspectionPlan).filter_by(kind="joint").all()
    assert row.sent_at is not None and len(row.instruments) >= 1
    signed = {u.department.kind: u.signed_at is not None for u in row.units if u.kind == "department"}
    assert signed == {"fire": True, "housing": False}
