"""The equipment register (设备储备清单) from the outside: the form's checks (a due date before the calibration: 400
with field errors and the input kept), the asset number's uniqueness, loans (a second loan 409, an overdue calibration
409 with its message, not in service 409, return by the borrower or a keeper, back for repair), the calibration rate,
the filters and CSV, who reads (enterprise staff and township offices: 403), and the daily calibration reminder —
30 days before and once overdue, each once, moved by the injected clock."""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import (AuditEvent, Expert, ExpertDispatch, HazardCase, Instrument, InstrumentLoan, Notification,
                        SchedulerHeartbeat)
from app.services import equipment, equipment_calibration
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.resource_support import dispatch, expert, instrument, lend
from tests.test_lifecycle_service import register
from tests.test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
from tests.test_web_support import csv_rows, text

FORM = {"kind": "gas_detector", "model": "MSA Altair 4XR", "serial_no": "4XR-1", "asset_no": "SB-QT-001",
        "certificate_no": "JZ2026-0001", "calibrated_on": "2026-06-01", "calibration_due": "2027-05-31",
        "status": "in_service", "keeper": "张强", "location": "项目部设备室"}


def test_the_form_refuses_a_due_date_before_the_calibration_and_keeps_the_input(people, login):
    lead = login("project_lead")
    bad = lead.post("/equipment/new", data={**FORM, "calibration_due": "2026-05-01"})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-calibration_due"' in page and "不能早于校准日期" in page
    assert 'value="SB-QT-001"' in page and 'value="2026-05-01"' in page and 'value="MSA Altair 4XR"' in page
    missing = lead.post("/equipment/new", data={**FORM, "certificate_no": "", "calibrated_on": "2026-12-01"})
    assert missing.status_code == 400 and 'id="err-certificate_no"' in text(missing)
    assert 'id="err-calibrated_on"' in text(missing)  # not in the future
    drone = lead.post("/equipment/new", data={**FORM, "kind": "drone", "asset_no": "SB-WRJ-001", "certificate_no": "",
                                              "calibrated_on": "", "calibration_due": ""})
    assert drone.status_code == 302  # no measuring instrument: no calibration needed
    done = lead.post("/equipment/new", data=FORM)
    row = db.session.query(Instrument).filter_by(asset_no="SB-QT-001").one()
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/equipment/{row.id}")
    clash = lead.post("/equipment/new", data={**FORM, "serial_no": "other"})
    assert clash.status_code == 409 and 'id="err-asset_no"' in text(clash)
    edited = lead.post(f"/equipment/{row.id}/edit", data={**FORM, "calibrated_on": "2026-11-20",
                                                         "calibration_due": "2027-11-19",
                                                         "certificate_no": "JZ2026-0099"})
    assert edited.status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="instrument_saved").one()
    assert event.changes == {"instrument_certificate_no": ["JZ2026-0001", "JZ2026-0099"],
                             "instrument_calibrated_on": ["2026-06-01", "2026-11-20"],
                             "instrument_calibration_due": ["2027-05-31", "2027-11-19"]}
    assert "JZ2026-0099" in text(lead.get(f"/equipment/{row.id}"))


def test_loans_one_at_a_time_never_with_a_lapsed_calibration(people, login):
    lead = people.project_lead
    good = instrument(lead, "SB-QT-001")
    lapsed = instrument(lead, "SB-SJ-001", kind="sound_level_meter", calibrated_days_ago=380, valid_days=365)
    case_id = register(people, score=60)
    code = db.session.get(HazardCase, case_id).code
    inspector = login("inspector")
    bad = inspector.post(f"/equipment/{good}/loans", data={"purpose": "", "case_code": "YH-0000-000000",
                                                           "expected_return": "2026-11-01"})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-purpose"' in page and 'id="err-case_code"' in page
    assert 'id="err-expected_return"' in page and 'value="YH-0000-000000"' in page
    done = inspector.post(f"/equipment/{good}/loans", data={"purpose": "配电房红外测温", "case_code": code.lower()})
    assert done.status_code == 302
    loan = db.session.query(InstrumentLoan).one()
    assert (loan.borrower_id, loan.case_id, loan.returned_at) == (people.inspector.id, case_id, None)
    second = login("project_team").post(f"/equipment/{good}/loans", data={"purpose": "另一处检测"})
    assert second.status_code == 409 and "尚未归还" in text(second)
    refused = inspector.post(f"/equipment/{lapsed}/loans", data={"purpose": "噪声检测"})
    assert refused.status_code == 409 and "校准逾期的设备不能借出" in text(refused)
    assert db.session.query(InstrumentLoan).count() == 1
    # retiring an instrument that is out is refused until it is back
    row = db.session.get(Instrument, good)
    retire = {**FORM, "status": "retired", "calibrated_on": row.calibrated_on.isoformat(),
              "calibration_due": row.calibration_due.isoformat()}
    out = login("project_lead").post(f"/equipment/{good}/edit", data=retire)
    assert out.status_code == 409
    # only the borrower or a keeper records the return; back needing repair, it goes to 维修中
    assert login("project_team").post(f"/equipment/{good}/return", data={"condition": "good"}).status_code == 403
    no_note = inspector.post(f"/equipment/{good}/return", data={"condition": "needs_repair", "return_note": ""})
    assert no_note.status_code == 400 and 'id="err-return_note"' in text(no_note)
    back = inspector.post(f"/equipment/{good}/return", data={"condition": "needs_repair", "return_note": "镜头有划痕"})
    assert back.status_code == 302
    db.session.expire_all()
    assert db.session.get(InstrumentLoan, loan.id).returned_at is not None
    assert db.session.get(Instrument, good).status == "repair"
    returned = db.session.query(AuditEvent).filter_by(action="instrument_returned").one()
    assert returned.changes == {"instrument_borrower": ["inspector", None],
                                "instrument_status": ["in_service", "repair"]}
    again = inspector.post(f"/equipment/{good}/return", data={"condition": "good"})
    assert again.status_code == 409
    not_in_service = inspector.post(f"/equipment/{good}/loans", data={"purpose": "现场检测"})
    assert not_in_service.status_code == 409


def test_a_keeper_lends_to_someone_else_and_the_register_shows_it(people, login):
    lead = people.project_lead
    good = instrument(lead, "SB-QT-001")
    keeper = login("project_lead")
    done = keeper.post(f"/equipment/{good}/loans", data={"borrower_id": str(people.inspector.id), "purpose": "巡检"})
    assert done.status_code == 302
    assert db.session.query(InstrumentLoan).one().borrower_id == people.inspector.id
    refused = keeper.post(f"/equipment/{instrument(lead, 'SB-QT-002')}/loans",
                          data={"borrower_id": str(people.ent_a.id), "purpose": "巡检"})
    assert refused.status_code == 400 and 'id="err-borrower_id"' in text(refused)  # enterprise staff borrow nothing
    listing = text(keeper.get("/equipment?on_loan=1"))
    assert f'data-instrument="{good}"' in listing and "SB-QT-002" not in listing
    # the borrower's own loans: a non-keeper cannot name another borrower (the field is ignored)
    lend(people.project_team, instrument(lead, "SB-QT-003"), borrower_id=str(people.inspector.id))
    assert db.session.query(InstrumentLoan).filter_by(borrower_id=people.project_team.id).count() == 1


def test_the_calibration_rate_filters_csv_and_roles(people, login, make_user):
    lead = people.project_lead
    instrument(lead, "SB-QT-001")  # valid
    instrument(lead, "SB-QT-002", calibrated_days_ago=350, valid_days=365)  # due within 30 days: still valid
    instrument(lead, "SB-SJ-001", kind="sound_level_meter", calibrated_days_ago=380, valid_days=365)  # overdue
    instrument(lead, "SB-ZD-001", kind="illuminance_meter", calibrated_days_ago=380, valid_days=365,
               status="retired")  # not in service: not counted
    instrument(lead, "SB-WRJ-001", kind="drone", certificate_no="", calibrated_on="", calibration_due="")
    rate = equipment_calibration.rate(db.session)
    assert (rate.valid, rate.total, rate.percent) == (2, 3, 66.7)
    page = text(login("inspector").get("/equipment"))
    rate_box = page[page.index('id="calibration-rate"'):]
    assert "66.7 %" in rate_box[:400] and "校准有效 2 / 需校准 3" in rate_box[:400]
    overdue = text(login("inspector").get("/equipment?calibration=overdue"))
    assert "SB-SJ-001" in overdue and "SB-ZD-001" in overdue and "SB-QT-001" not in overdue
    soon = text(login("inspector").get("/equipment?calibration=due_soon"))
    assert "SB-QT-002" in soon and "SB-QT-001" not in soon
    assert "SB-WRJ-001" in text(login("inspector").get("/equipment?calibration=none"))
    rows = csv_rows(login("manager").get("/equipment/export.csv?kind=gas_detector"))
    assert rows[0][:4] == ["设备类别", "型号", "出厂编号", "资产编号"] and [r[3] for r in rows[1:]] == ["SB-QT-001",
                                                                                                "SB-QT-002"]
    assert rows[2][7] == "30天内到期"
    make_user("town", "township")
    for username in ("ent_a", "town"):
        client = login(username)
        assert client.get("/equipment").status_code == 403, username
        assert client.get("/equipment/export.csv").status_code == 403, username
    assert login("inspector").get("/equipment/new").status_code == 403
    assert login("inspector").post("/equipment/new", data=FORM).status_code == 403
    assert login("bureau").get("/equipment/new").status_code == 200


def test_the_daily_job_reminds_the_project_leads_30_days_before_and_when_overdue_once_each(people, make_user):
    second_lead = make_user("lead2", "project_lead")
    today = clock.local_now().date()
    gauge = instrument(people.project_lead, "SB-QT-001", calibrated_days_ago=300, valid_days=340)  # due in 40 days
    instrument(people.project_lead, "SB-QT-002", calibrated_days_ago=10, valid_days=365)  # far off

    def notices():
        db.session.expire_all()
        return db.session.query(Notification).filter_by(kind="instrument_calibration_due") \
            .order_by(Notification.id).all()

    assert jobs.remind_equipment_calibration() == 0 and notices() == []
    clock.advance(days=10)  # due in 30 days
    assert jobs.remind_equipment_calibration() == 1
    first = notices()
    assert {n.user_id for n in first} == {people.project_lead.id, second_lead.id}
    assert "即将到期" in first[0].title and (today + timedelta(days=40)).isoformat() in first[0].body
    assert jobs.remind_equipment_calibration() == 0  # again the same day: nothing new
    clock.advance(days=20)
    assert jobs.remind_equipment_calibration() == 0 and len(notices()) == 2  # still the same stage
    clock.advance(days=11)  # the day after the due date
    assert jobs.remind_equipment_calibration() == 1
    overdue = notices()[2:]
    assert len(overdue) == 2 and all("已逾期" in n.title for n in overdue)
    clock.advance(days=1)
    assert jobs.remind_equipment_calibration() == 0 and len(notices()) == 4
    # calibrated again: a new due date starts over, and a retired instrument is not reminded of
    row = db.session.get(Instrument, gauge)
    with UnitOfWork() as uow:
        equipment.save(uow, people.project_lead, {
            "kind": row.kind, "model": row.model, "asset_no": row.asset_no, "certificate_no": "JZ2027-0001",
            "calibrated_on": clock.local_now().date().isoformat(),
            "calibration_due": (clock.local_now().date() + timedelta(days=20)).isoformat(), "status": "in_service"},
            gauge)
        uow.commit()
    assert jobs.remind_equipment_calibration() == 1 and len(notices()) == 6
    beat = db.session.get(SchedulerHeartbeat, "remind_equipment_calibration")
    assert beat is not None and beat.ok


def test_english_pages_of_the_pool_and_the_register_show_no_chinese_outside_user_data(people, login):
    chemist = expert(people.project_lead, "周建国", ["chemical", "fire"], user_id=people.expert.id)
    case_id = register(people)  # a general case: the major hazards' card has English of its own to fix
    dispatch(people.bureau, case_id, chemist, "需危化专家研判")
    gauge = instrument(people.project_lead, "SB-QT-001")
    instrument(people.project_lead, "SB-SJ-001", kind="sound_level_meter", calibrated_days_ago=380, valid_days=365)
    lend(people.inspector, gauge, purpose="巡检")
    client = login("bureau")
    client.get("/lang/en")
    for url in ("/experts", f"/experts/{chemist}", f"/experts/{chemist}/edit", "/experts/new",
                f"/cases/{case_id}/experts", f"/cases/{case_id}", "/equipment", f"/equipment/{gauge}",
                "/equipment/new", f"/equipment/{gauge}/edit", "/audit"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = without_user_data(text(response))
        assert [w for w in UI_WORDS if w in page] == [], url
        assert leftover_chinese(page) == {}, url


def test_the_demo_has_experts_one_dispatched_and_instruments_one_lent_one_due_one_overdue(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert db.session.query(Expert).count() == 5
    (sent,) = db.session.query(ExpertDispatch).all()
    assert sent.expert.name == "周建国" and sent.expert.user.username == "expert" and sent.case.grade == "major"
    states = {i.asset_no: equipment_calibration.state(i) for i in db.session.query(Instrument)}
    assert states["SB-QT-002"] == "due_soon" and states["SB-SJ-001"] == "overdue" and states["SB-WRJ-001"] == "none"
    (loan,) = db.session.query(InstrumentLoan).filter_by(returned_at=None).all()  # the emergency demo's came back
    assert loan.instrument.asset_no == "SB-RX-001" and loan.borrower.username == "inspector"
    assert loan.case_id == sent.case_id
    assert jobs.remind_equipment_calibration() == 2  # the due and the overdue one, told to the project lead
