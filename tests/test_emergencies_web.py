"""The emergency incident pages over HTTP (web/emergencies.py, emergency_response.py, emergency_duty.py): receiving an
incident (the app clock's now and the one on duty by default; bad input 400 with the errors next to their fields and
the input kept; no future time), the stages in order (refusals 400 on the stage's field), people and instruments
sent (a loan of the equipment register; a lapsed calibration 409), closing with the analysis report and its PDF,
登记为隐患 prefilled and linked once, the list's late filter, statistics and CSV, the audit before → after, and who
sees what: enterprise staff their own enterprise's only and no internal note (another's 404), a township office its
area's, the bureau reads but does not record (403), a department user 403."""
from datetime import timedelta

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, EmergencyEvent, EmergencyInstrument, HazardCase, InstrumentLoan, UserTownship
from app.services import emergency_limits as limits
from scheduler import jobs
from tests.emergency_support import REPORT, close, duty, receive, walk
from tests.pdf_support import missing
from tests.resource_support import instrument
from tests.test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
from tests.test_web_support import csv_rows, field_html, registration, text, upload

FORM = {"reporter": "王班长", "reporter_contact": "13800000001", "place": "二号罐区", "level": "larger",
        "description": "储罐呼吸阀处有异味，压力表读数偏高"}


def _local(moment):
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M:%S")


def _row(event_id):
    db.session.expire_all()
    return db.session.get(EmergencyEvent, event_id)


def test_receiving_defaults_to_now_and_the_one_on_duty_and_keeps_bad_input(people, login):
    today = clock.local_now().date()
    duty(people.project_lead, people.project_team, today.isoformat(), (today + timedelta(days=2)).isoformat(),
         phone="0373-5550119")
    inspector = login("inspector")
    page = text(inspector.get("/emergencies/new"))
    assert f'value="{_local(clock.now())}"' in page  # received at: the app clock
    assert f'<option value="{people.project_team.id}" selected>' in field_html(page, "received_by_id")
    assert "0373-5550119" in page  # who is on duty, with the phone
    future = _local(clock.now() + timedelta(minutes=10))
    bad = inspector.post("/emergencies/new", data={**FORM, "reporter": "", "level": "huge", "received_at": future,
                                                   "enterprise_id": "999999", "place": "库区东侧"})
    page = text(bad)
    assert bad.status_code == 400
    for name in ("reporter", "level", "received_at", "enterprise_id"):
        assert f'id="err-{name}"' in field_html(page, name), name
    assert "不能晚于现在" in field_html(page, "received_at")
    assert 'value="库区东侧"' in page and f'value="{future}"' in page and "储罐呼吸阀处有异味" in page
    assert db.session.query(EmergencyEvent).count() == 0
    done = inspector.post("/emergencies/new", data={**FORM, "received_by_id": "", "received_at": "",
                                                    "enterprise_id": str(people.enterprise_a.id)})
    row = db.session.query(EmergencyEvent).one()
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/emergencies/{row.id}")
    assert (row.code, row.received_at, row.received_by_id) == ("TF-2026-0001", clock.now(), people.project_team.id)
    assert row.township == people.enterprise_a.township and row.recorded_by_id == people.inspector.id
    earlier = inspector.post("/emergencies/new", data={**FORM, "received_at": "2026-11-23T08:10"})
    assert earlier.status_code == 302
    assert _row(row.id + 1).received_at == clock.now() - timedelta(minutes=50)  # back in time is fine


def test_stages_only_in_order_never_in_the_future(people, login):
    event_id = receive(people.project_lead, "major")
    received = clock.now()
    team = login("project_team")

    def post(stage, at):
        return team.post(f"/emergencies/{event_id}/stage", data={"stage": stage, "at": at})
    skipped = post("arrived", "")
    assert skipped.status_code == 400 and 'id="err-arrived_at"' in text(skipped) and "请先记录出动时间" in text(skipped)
    before = post("acknowledged", _local(received - timedelta(minutes=1)))
    assert before.status_code == 400 and "不能早于接报时间" in text(before)
    assert f'value="{_local(received - timedelta(minutes=1))}"' in text(before)  # the input kept
    future = post("acknowledged", _local(received + timedelta(minutes=1)))
    assert future.status_code == 400 and "不能晚于现在" in text(future)
    clock.advance(minutes=3)
    assert post("acknowledged", "").status_code == 302  # empty: now
    assert post("dispatched", _local(received + timedelta(minutes=1))).status_code == 400  # before 接警
    assert post("dispatched", _local(received + timedelta(minutes=3))).status_code == 302  # equal is fine
    assert post("acknowledged", _local(received + timedelta(minutes=2))).status_code == 302  # corrected
    clock.advance(minutes=1)
    assert post("acknowledged", "").status_code == 400  # a correction after the next stage's time
    assert post("closed", "").status_code == 400  # closing has its own form with the report
    row = _row(event_id)
    assert (row.acknowledged_at, row.dispatched_at) == (received + timedelta(minutes=2),
                                                        received + timedelta(minutes=3))
    events = db.session.query(AuditEvent).filter_by(action="emergency_stage_recorded").order_by(AuditEvent.id).all()
    assert [list(e.changes) for e in events] == [["acknowledged_at"], ["dispatched_at"], ["acknowledged_at"]]
    assert events[2].changes["acknowledged_at"] == [(received + timedelta(minutes=3)).isoformat(),
                                                    (received + timedelta(minutes=2)).isoformat()]
    received_later = team.post(f"/emergencies/{event_id}/edit",
                               data={**FORM, "received_at": _local(received + timedelta(minutes=2, seconds=1))})
    assert received_later.status_code == 400 and "不能晚于接警时间" in field_html(text(received_later), "received_at")


def test_the_page_shows_each_stage_against_its_limit(people, login):
    event_id = receive(people.project_lead, "major")
    clock.advance(minutes=6)
    page = text(login("bureau").get(f"/emergencies/{event_id}"))
    assert 'data-stage="acknowledged" data-state="overdue"' in page
    assert 'data-stage="arrived" data-state="running"' in page and "30 分钟" in page
    assert 'id="stage-acknowledged"' not in page  # the bureau reads only
    assert 'id="stage-acknowledged"' in text(login("inspector").get(f"/emergencies/{event_id}"))


def test_people_and_instruments_sent_through_the_equipment_register(people, login):
    event_id = receive(people.project_lead, "larger")
    detector = instrument(people.project_lead, "SB-QT-001")
    lapsed = instrument(people.project_lead, "SB-QT-002", calibrated_days_ago=400, valid_days=365)
    lead = login("project_lead")
    assert lead.post(f"/emergencies/{event_id}/responders", data={"user_id": str(people.inspector.id)}).status_code == 302
    again = lead.post(f"/emergencies/{event_id}/responders", data={"user_id": str(people.inspector.id)})
    assert again.status_code == 409
    outsider = lead.post(f"/emergencies/{event_id}/responders", data={"user_id": str(people.ent_a.id)})
    assert outsider.status_code == 400 and 'id="err-user_id"' in text(outsider)
    sent = lead.post(f"/emergencies/{event_id}/instruments",
                     data={"instrument_id": str(detector), "borrower_id": str(people.inspector.id)})
    assert sent.status_code == 302
    loan = db.session.query(InstrumentLoan).one()
    assert (loan.instrument_id, loan.borrower_id, loan.returned_at) == (detector, people.inspector.id, None)
    assert "TF-2026-0001" in loan.purpose
    assert db.session.query(EmergencyInstrument).one().loan_id == loan.id
    refused = lead.post(f"/emergencies/{event_id}/instruments", data={"instrument_id": str(lapsed)})
    assert refused.status_code == 409 and "校准逾期的设备不能借出" in text(refused)
    out = lead.post(f"/emergencies/{event_id}/instruments", data={"instrument_id": str(detector)})
    assert out.status_code == 409 and "尚未归还" in text(out)
    page = text(lead.get(f"/emergencies/{event_id}"))
    assert 'data-responder="%s"' % people.inspector.id in page and "SB-QT-001" in page and "未归还" in page
    assert "SB-QT-001" in text(lead.get(f"/equipment/{detector}"))  # the loan shows on the instrument too
    removed = lead.post(f"/emergencies/{event_id}/responders/{people.inspector.id}/remove")
    assert removed.status_code == 302 and not _row(event_id).responders
    assert db.session.query(AuditEvent).filter_by(action="emergency_responder_removed").one().changes == {
        "responder": ["inspector", None]}


def test_closing_with_the_report_its_pdf_and_registration_as_a_hazard(people, login):
    lead = people.project_lead
    event_id = receive(lead, "larger", enterprise_id=str(people.enterprise_a.id))
    clock.advance(minutes=2)
    walk(lead, event_id, "acknowledged", "dispatched")
    team = login("project_team")
    early = team.post(f"/emergencies/{event_id}/close", data=REPORT)
    assert early.status_code == 400 and "请先记录初步处置时间" in field_html(text(early), "closed_at")
    clock.advance(minutes=40)
    walk(lead, event_id, "arrived", "handled")
    bad = team.post(f"/emergencies/{event_id}/close", data={**REPORT, "report_lessons": "",
                                                          "closed_at": _local(clock.now() + timedelta(hours=1))})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-report_lessons"' in field_html(page, "report_lessons")
    assert 'id="err-closed_at"' in field_html(page, "closed_at") and "储罐呼吸阀堵塞导致罐内压力升高" in page
    assert team.get(f"/emergencies/{event_id}/report.pdf").status_code == 404  # not closed yet
    clock.advance(hours=2)
    assert team.post(f"/emergencies/{event_id}/close", data=REPORT).status_code == 302
    row = _row(event_id)
    assert row.closed_at == clock.now() and row.report_improvements == REPORT["report_improvements"]
    assert team.post(f"/emergencies/{event_id}/stage", data={"stage": "handled", "at": ""}).status_code == 409
    assert team.post(f"/emergencies/{event_id}/edit", data=FORM).status_code == 409
    pdf = team.get(f"/emergencies/{event_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert missing(pdf.data, "突发状况事件分析报告", "TF-2026-0001", "甲化工有限公司", "II级（较大）", "储罐呼吸阀堵塞导致罐内压力升高",
                   "将呼吸阀纳入每日巡检表", "巡检未覆盖呼吸阀", "到达现场", "按时") == []
    # 登记为隐患: the registration page prefilled from the incident and its report, linked once
    inspector = login("inspector")
    assert f'/hazards/new?emergency={event_id}' in text(inspector.get(f"/emergencies/{event_id}"))
    assert f'/hazards/new?emergency={event_id}' not in text(team.get(f"/emergencies/{event_id}"))
    form = text(inspector.get(f"/hazards/new?emergency={event_id}"))
    assert "储罐呼吸阀堵塞导致罐内压力升高" in form and f'name="emergency_id" value="{event_id}"' in form
    photo = upload(inspector)
    done = inspector.post("/hazards/new", data={**registration(people.enterprise_a, photo, description="呼吸阀未纳入巡检"),
                                                "emergency_id": str(event_id)})
    assert done.status_code == 302, text(done)
    case = db.session.query(HazardCase).one()
    assert _row(event_id).case_id == case.id
    assert inspector.get(f"/hazards/new?emergency={event_id}").status_code == 409
    assert case.code in text(team.get(f"/emergencies/{event_id}"))


def test_who_sees_what(people, login, make_user):
    ours = receive(people.project_lead, "general", enterprise_id=str(people.enterprise_a.id),
                   internal_note="企业负责人电话未接通，疑似瞒报")
    theirs = receive(people.project_lead, "general", enterprise_id=str(people.enterprise_b.id))
    people.enterprise_b.township = "西区园区"
    db.session.commit()
    elsewhere = receive(people.project_lead, "general", enterprise_id=str(people.enterprise_b.id))
    ent = login("ent_a")
    page = text(ent.get(f"/emergencies/{ours}"))
    assert "二号罐区" in page and "疑似瞒报" not in page and 'id="history"' not in page
    assert ent.get(f"/emergencies/{theirs}").status_code == 404
    listing = text(ent.get("/emergencies"))
    assert f'data-emergency="{ours}"' in listing and f'data-emergency="{theirs}"' not in listing
    assert ent.get("/emergencies/new").status_code == 403
    assert ent.post(f"/emergencies/{ours}/stage", data={"stage": "acknowledged"}).status_code == 403
    assert ent.get("/emergencies/duty").status_code == 403
    rows = csv_rows(ent.get("/emergencies.csv"))
    assert len(rows) == 2 and "内部备注" not in rows[0]
    town = make_user("town", "township")
    town.townships_rel = [UserTownship(township=people.enterprise_a.township)]
    db.session.commit()
    township = login("town")
    assert township.get(f"/emergencies/{theirs}").status_code == 200  # 城关镇 then
    assert township.get(f"/emergencies/{elsewhere}").status_code == 404
    assert "疑似瞒报" in text(township.get(f"/emergencies/{ours}"))
    assert township.get("/emergencies/duty").status_code == 200
    bureau = login("bureau")
    assert "疑似瞒报" in text(bureau.get(f"/emergencies/{ours}"))
    assert bureau.get("/emergencies/new").status_code == 403
    assert bureau.post(f"/emergencies/{ours}/stage", data={"stage": "acknowledged"}).status_code == 403
    assert login("manager").get("/emergencies").status_code == 200
    make_user("dept", "department")
    assert login("dept").get("/emergencies").status_code == 403
    assert login("inspector").get("/emergencies/999999").status_code == 404


def test_the_list_filters_late_ones_counts_and_exports(people, login):
    lead = people.project_lead
    received = clock.now()
    late = receive(lead, "major", place="三号仓库")
    fine = receive(lead, "general", place="锅炉房")
    clock.set(received + timedelta(minutes=3))
    walk(lead, fine, "acknowledged")
    clock.set(received + timedelta(minutes=6))
    page = text(login("manager").get("/emergencies?late=1"))
    assert f'data-emergency="{late}" data-late="1"' in page and f'data-emergency="{fine}"' not in page
    assert 'id="stat-total"><span class="kpi-value">2<' in page  # the statistics ignore "late only"
    assert '<tr data-stage="acknowledged">' in page and "50.0 %" in page
    assert f'data-emergency="{fine}"' in text(login("manager").get("/emergencies?level=general"))
    next_day = (received + timedelta(days=1)).astimezone(SHANGHAI).date().isoformat()
    assert "没有突发状况记录" in text(login("manager").get(f"/emergencies?date_from={next_day}"))
    bad = login("manager").get("/emergencies?date_from=2026-13-01")
    assert bad.status_code == 200 and 'id="err-date_from"' in text(bad)
    rows = csv_rows(login("manager").get("/emergencies.csv?late=1"))
    assert len(rows) == 2 and rows[1][0] == "TF-2026-0001" and rows[1][15] == "接警" and rows[0][-1] == "内部备注"


def test_the_duty_roster(people, login):
    lead = login("project_lead")
    today = clock.local_now().date()
    data = {"user_id": str(people.inspector.id), "phone": "13900001111", "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=6)).isoformat(), "note": "带班"}
    assert lead.post("/emergencies/duty", data=data).status_code == 302
    overlap = lead.post("/emergencies/duty", data={**data, "starts_on": (today + timedelta(days=3)).isoformat(),
                                                   "phone": "13900002222"})
    assert overlap.status_code == 400 and 'id="err-starts_on"' in field_html(text(overlap), "starts_on")
    assert 'value="13900002222"' in text(overlap)
    backwards = lead.post("/emergencies/duty", data={**data, "user_id": str(people.project_team.id),
                                                     "ends_on": (today - timedelta(days=1)).isoformat(),
                                                     "phone": "abc"})
    assert backwards.status_code == 400 and 'id="err-ends_on"' in text(backwards) and 'id="err-phone"' in text(backwards)
    page = text(login("bureau").get("/emergencies/duty"))
    assert "13900001111" in page and "值班中" in page and 'action="/emergencies/duty"' not in page
    assert login("bureau").post("/emergencies/duty", data=data).status_code == 403
    assert "13900001111" in text(login("inspector").get("/emergencies"))  # on duty today, on the list page
    line = db.session.query(AuditEvent).filter_by(action="emergency_duty_added").one()
    assert lead.post(f"/emergencies/duty/{line.subject_id}/remove").status_code == 302
    assert "13900001111" not in text(lead.get("/emergencies/duty"))
    assert db.session.query(AuditEvent).filter_by(action="emergency_duty_removed").one().changes["duty_phone"] == [
        "13900001111", None]


def test_a_correction_is_audited_before_and_after(people, login):
    event_id = receive(people.project_lead, "general")
    done = login("inspector").post(f"/emergencies/{event_id}/edit", data={
        **FORM, "level": "major", "received_at": _local(clock.now()), "received_by_id": str(people.project_lead.id),
        "enterprise_id": str(people.enterprise_a.id)})
    assert done.status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="emergency_updated").one()
    assert event.changes["level"] == ["general", "major"]
    assert event.changes["enterprise"] == [None, "甲化工有限公司"]
    assert event.subject_type == "emergency" and event.subject_id == event_id
    page = text(login("bureau").get(f"/emergencies/{event_id}"))
    assert 'id="history"' in page and "I级（重大）" in page


def test_the_demo_has_a_roster_on_duty_and_a_closed_larger_incident_with_its_report(app, login, make_user):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    (row,) = db.session.query(EmergencyEvent).all()
    assert row.level == "larger" and row.closed_at is not None and row.enterprise.name == "绿源食品有限公司"
    assert not limits.is_late(row) and len(row.responders) == 2
    assert row.instruments[0].loan.returned_at is not None
    make_user("reader", "bureau")
    bureau = login("reader")
    assert "赵执行" in text(bureau.get("/emergencies")) and "0373-5550119" in text(bureau.get("/emergencies/duty"))
    pdf = bureau.get(f"/emergencies/{row.id}/report.pdf")
    assert missing(pdf.data, "阀门填料老化", "液氨泄漏现场处置演练") == []
    assert jobs.watch_emergencies() == 0


def test_english_pages_show_no_chinese_outside_user_data(people, login):
    today = clock.local_now().date()
    duty(people.project_lead, people.inspector, today.isoformat(), today.isoformat(), note="带班")
    event_id = receive(people.project_lead, "major", enterprise_id=str(people.enterprise_a.id))
    clock.advance(minutes=10)
    walk(people.project_lead, event_id, "acknowledged", "dispatched", "arrived", "handled")
    closed = receive(people.project_lead, "general")
    walk(people.project_lead, closed, "acknowledged", "dispatched", "arrived", "handled")
    close(people.project_lead, closed)
    lead, bureau = login("project_lead"), login("bureau")
    for client in (lead, bureau):
        client.get("/lang/en")
    for client, url in [(lead, u) for u in ("/emergencies", "/emergencies?late=1", f"/emergencies/{event_id}",
                                            f"/emergencies/{closed}", "/emergencies/new",
                                            f"/emergencies/{event_id}/edit", "/emergencies/duty")] + \
            [(bureau, u) for u in ("/notifications", "/audit", f"/emergencies/{event_id}")]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = without_user_data(text(response))
        assert [w for w in UI_WORDS if w in page] == [], url
        assert leftover_chinese(page) == {}, url
    pdf = lead.get(f"/emergencies/{closed}/report.pdf")
    assert missing(pdf.data, "Emergency incident analysis report", "Arrived on site") == []
