"""Spot measurements taken with an instrument of the equipment register: the row picks it, the server writes the
register's name and certificate number (not what was typed), refuses one whose calibration was overdue on the
measurement's day (400 under the row's instrument cell, everything typed kept, nothing saved) — but not a check dated
back to when it was still valid —, one calibrated only after that day, one not in service or without calibration data;
the instrument's page lists the readings taken with it (a check's only to those who see checks); the API takes and
returns `instrument_id`."""
from datetime import timedelta

from app.clock import clock
from app.extensions import db
from app.models import SiteMeasurement
from app.services import followups
from tests.resource_support import instrument
from tests.test_check_measurements_web import check_form
from tests.test_follow_ups import closed_case
from tests.test_rectification_checks import rectifying
from tests.test_web_support import text

ROW = {"m-0-kind": "grounding_resistance", "m-0-value": "3.2", "m-0-location": "1号配电室",
       "m-0-instrument": "随手写的仪器", "m-0-calibration_no": "随手写的编号"}


def test_a_picked_instrument_fills_the_row_from_the_register_and_lists_the_reading(people, login):
    tester = instrument(people.project_lead, "SB-JD-001", kind="earth_resistance_tester", model="优利德 UT522",
                        certificate_no="JZ2026-JD-0031")
    case_id = rectifying(people)
    page = login("supervision")
    form_page = text(page.get(f"/cases/{case_id}/checks/new"))
    assert f'<option value="{tester}">' in form_page and "SB-JD-001" in form_page
    done = page.post(f"/cases/{case_id}/checks/new", data=check_form(**ROW, **{"m-0-instrument_id": str(tester)}))
    assert done.status_code == 302
    row = db.session.query(SiteMeasurement).one()
    assert (row.instrument_id, row.instrument, row.calibration_no) == (
        tester, "接地电阻测试仪 优利德 UT522（SB-JD-001）", "JZ2026-JD-0031")
    assert f'href="/equipment/{tester}"' in text(page.get(f"/cases/{case_id}"))
    listed = text(login("project_lead").get(f"/equipment/{tester}"))
    assert f'data-measurement="{row.id}"' in listed and "1号配电室" in listed
    # inspectors read the register but not the cases' supervision checks: the check's reading is not theirs
    assert f'data-measurement="{row.id}"' not in text(login("inspector").get(f"/equipment/{tester}"))
    # free text stays for instruments not on the register
    other = rectifying(people)
    assert page.post(f"/cases/{other}/checks/new", data=check_form(**ROW)).status_code == 302
    typed = db.session.query(SiteMeasurement).filter_by(case_id=other).one()
    assert (typed.instrument_id, typed.instrument, typed.calibration_no) == (None, "随手写的仪器", "随手写的编号")


def test_an_instrument_overdue_on_the_day_is_refused_and_the_input_kept(people, login):
    lapsed = instrument(people.project_lead, "SB-SJ-001", kind="sound_level_meter", calibrated_days_ago=368,
                        valid_days=365)  # valid through three days ago
    case_id = rectifying(people)
    page = login("supervision")
    data = check_form(**ROW, **{"m-0-instrument_id": str(lapsed)})
    bad = page.post(f"/cases/{case_id}/checks/new", data=data)
    shown = text(bad)
    assert bad.status_code == 400 and 'id="err-m-0-instrument_id"' in shown and "校准逾期" in shown
    assert f'<option value="{lapsed}" selected>' in shown and 'value="3.2"' in shown and 'value="1号配电室"' in shown
    assert db.session.query(SiteMeasurement).count() == 0
    # a check dated back to a day its calibration still covered is evidence
    earlier = (clock.local_now() - timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    assert page.post(f"/cases/{case_id}/checks/new", data={**data, "checked_on": earlier}).status_code == 302
    assert db.session.query(SiteMeasurement).one().instrument_id == lapsed


def test_instruments_that_cannot_give_evidence_are_refused(people, login):
    case_id = rectifying(people)
    fresh = instrument(people.project_lead, "SB-QT-009", calibrated_days_ago=1)  # calibrated yesterday
    retired = instrument(people.project_lead, "SB-QT-010", status="retired")
    drone = instrument(people.project_lead, "SB-WRJ-001", kind="drone", certificate_no="", calibrated_on="",
                       calibration_due="")
    page = login("supervision")
    options = text(page.get(f"/cases/{case_id}/checks/new"))
    assert f'<option value="{fresh}">' in options
    assert f'<option value="{retired}">' not in options and f'<option value="{drone}">' not in options
    earlier = (clock.local_now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    for instrument_id, checked_on, words in ((fresh, earlier, "更早的检测"), (retired, None, "不在用"),
                                             (drone, None, "没有校准信息"), (999999, None, "请从设备清单中选择"),
                                             ("abc", None, "请从设备清单中选择")):
        data = check_form(**ROW, **{"m-0-instrument_id": str(instrument_id)})
        if checked_on:
            data["checked_on"] = checked_on
        bad = page.post(f"/cases/{case_id}/checks/new", data=data)
        assert bad.status_code == 400 and 'id="err-m-0-instrument_id"' in text(bad), instrument_id
        assert words in text(bad), instrument_id
    assert db.session.query(SiteMeasurement).count() == 0


def test_the_api_of_re_inspections_takes_and_returns_the_instrument(people, api, login):
    gauge = instrument(people.project_lead, "SB-QT-001", model="MSA Altair 4XR", certificate_no="JZ2026-QT-0113")
    lapsed = instrument(people.project_lead, "SB-QT-002", calibrated_days_ago=400, valid_days=365)
    case_id = closed_case(people)
    first = followups.for_case(db.session, case_id)[0]
    url = f"/api/v1/followups/{first.id}"
    body = {"result": "held", "measurements": [
        {"kind": "o2", "value": 20.8, "location": "池底", "instrument_id": gauge, "calibration_no": "typed"},
        {"kind": "lel", "value": 0, "location": "池底", "instrument_id": lapsed}]}
    bad = api("inspector").post(url, json=body)
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"measurements.1.instrument_id"}
    body["measurements"][1].pop("instrument_id")
    made = api("inspector").post(url, json=body)
    assert made.status_code == 200
    readings = made.get_json()["measurements"]
    assert [(m["instrument_id"], m["calibration_no"]) for m in readings] == [(gauge, "JZ2026-QT-0113"), (None, "")]
    assert readings[0]["instrument"] == "气体检测仪 MSA Altair 4XR（SB-QT-001）"
    # a re-inspection's reading is listed on the instrument's page for every reader of the register
    taken = db.session.query(SiteMeasurement).filter_by(instrument_id=gauge).one()
    assert f'data-measurement="{taken.id}"' in text(login("inspector").get(f"/equipment/{gauge}"))
    assert api("inspector").get(f"/api/v1/hazards/{case_id}/followups").get_json()["items"][0]["measurements"][0][
        "instrument_id"] == gauge
