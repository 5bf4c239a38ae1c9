"""Spot measurements and photos on on-site checks through the pages, the PDFs and the API: the check form's rows sent
back with the error under the wrong cell and everything typed kept (the uploaded photo too), the case page and the
record flag what is out of limit, the PDF prints the table, the files and readings are for those who see the check
(another enterprise: 404), and the JSON of checks and re-inspections carries them."""
from app.clock import clock
from app.extensions import db
from app.models import Attachment, SiteMeasurement
from app.services import followups
from pdf_support import missing
from tests.test_follow_ups import closed_case
from tests.test_rectification_checks import rectifying
from tests.test_web_support import text, upload


def check_form(**rows):
    form = {"checked_on": clock.local_now().strftime("%Y-%m-%dT%H:%M"), "checkers": "赵督导",
            "progress_percent": "60", "findings": "接地线已更换", "conclusion": "on_track"}
    form.update(rows)
    return form


GOOD_ROWS = {"m-0-kind": "grounding_resistance", "m-0-value": "5.2", "m-0-location": "1号配电室",
             "m-0-instrument": "ZC-8 接地电阻测试仪", "m-0-calibration_no": "JZ-2026-118",
             "m-2-kind": "o2", "m-2-value": "20.9", "m-2-location": "储罐区入口"}  # m-1 left blank: not a row


def test_the_form_keeps_what_was_typed_and_names_the_wrong_cell(people, login):
    case_id = rectifying(people)
    page = login("supervision")
    blank = text(page.get(f"/cases/{case_id}/checks/new"))
    assert 'name="m-0-kind"' in blank and 'value="o2"' in blank and "measurement_rows.js" in blank
    photo = upload(page, field="check_files")
    bad = page.post(f"/cases/{case_id}/checks/new", data=check_form(**{
        **GOOD_ROWS, "m-2-value": "101", "files": [photo], "m-4-kind": "radon", "m-4-value": "abc",
        "m-4-location": "地下室"}))
    shown = text(bad)
    assert bad.status_code == 400
    # the rows are numbered again without the blank one: o2 is row 1, the unknown kind row 2
    assert 'id="err-m-1-value"' in shown and 'id="err-m-2-kind"' in shown and 'id="err-m-2-value"' in shown
    assert 'id="err-m-0-value"' not in shown and 'value="101"' in shown and 'value="地下室"' in shown
    assert 'value="JZ-2026-118"' in shown and f'name="files" value="{photo}"' in shown
    assert db.session.query(SiteMeasurement).count() == 0
    ok = page.post(f"/cases/{case_id}/checks/new", data=check_form(**GOOD_ROWS, files=[photo]))
    assert ok.status_code == 302
    rows = db.session.query(SiteMeasurement).order_by(SiteMeasurement.position).all()
    assert [(r.kind, r.verdict) for r in rows] == [("grounding_resistance", "exceeded"), ("o2", "pass")]
    assert db.session.query(Attachment).filter_by(public_id=photo).one().check_id == rows[0].check_id


def _checked_case(people, login):
    case_id = rectifying(people)
    page = login("supervision")
    photo = upload(page, field="check_files", name="接地检测.png")
    assert page.post(f"/cases/{case_id}/checks/new", data=check_form(**GOOD_ROWS, files=[photo])).status_code == 302
    return case_id, db.session.query(SiteMeasurement).first().check_id, photo


def test_the_case_page_and_the_pdf_show_and_flag_the_readings(people, login):
    case_id, check_id, photo = _checked_case(people, login)
    page = text(login("ent_a").get(f"/cases/{case_id}"))
    assert "现场检测超标 1 项" in page and 'data-verdict="exceeded"' in page and "≤ 4 Ω" in page
    assert f"/attachments/{photo}" in page and "JZ-2026-118" in page
    assert text(login("inspector").get(f"/cases/{case_id}")).count("JZ-2026-118") == 0  # no checks card for them
    body = login("ent_a").get(f"/cases/{case_id}/checks/{check_id}.pdf").get_data()
    assert missing(body, "现场检测数据（超标1项）", "接地电阻", "5.2Ω", "≤4Ω", "超标", "1号配电室", "JZ-2026-118",
                   "氧气含量", "20.9%VOL", "19.5–23.5%VOL", "合格", "接地检测.png") == []
    english = login("ent_a").get(f"/cases/{case_id}/checks/{check_id}.pdf?lang=en").get_data()
    assert missing(english, "Earthingresistance", "Outoflimit") == []


def test_files_and_readings_are_for_those_who_see_the_check(people, login, api):
    case_id, check_id, photo = _checked_case(people, login)
    for who in ("ent_a", "project_lead", "bureau", "supervision"):
        assert login(who).get(f"/attachments/{photo}").status_code == 200, who
    for who in ("ent_b", "inspector"):  # another enterprise; a role that does not see the case's checks
        assert login(who).get(f"/attachments/{photo}").status_code == 404, who
    assert login("ent_b").get(f"/cases/{case_id}/checks/{check_id}.pdf").status_code == 404
    assert api("ent_b").get(f"/api/v1/hazards/{case_id}/checks").status_code == 404
    assert api("ent_b").get(f"/api/v1/attachments/{photo}").status_code == 404
    # the check's photo cannot be put on a case or a visit afterwards
    other = rectifying(people)
    again = login("supervision").post(f"/cases/{other}/checks/new", data=check_form(files=[photo]))
    assert again.status_code == 400 and 'id="err-check_files"' in text(again)


def test_the_api_takes_and_returns_readings_and_files(people, api, login):
    case_id = rectifying(people)
    url = f"/api/v1/hazards/{case_id}/checks"
    photo = upload(login("supervision"), field="check_files")
    body = {"checked_at": clock.local_now().strftime("%Y-%m-%dT%H:%M"), "checkers": "赵督导", "progress_percent": 30,
            "findings": "线路更换过半", "conclusion": "lagging", "files": [photo],
            "measurements": [{"kind": "lel", "value": 25, "location": "罐区"},
                             {"kind": "o2", "value": "120", "location": "罐区"}]}
    bad = api("supervision").post(url, json=body)
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"measurements.1.value"}
    body["measurements"][1]["value"] = 20.9
    made = api("supervision").post(url, json=body)
    assert made.status_code == 201
    readings = made.get_json()["measurements"]
    assert [(m["kind"], m["value"], m["verdict"], m["limit_text"]) for m in readings] == [
        ("lel", 25.0, "exceeded", "< 25 %LEL"), ("o2", 20.9, "pass", "19.5–23.5 %VOL")]
    assert made.get_json()["files"][0]["id"] == photo
    listed = api("ent_a").get(url).get_json()["items"][0]
    assert listed["measurements"][0]["exceeded"] is True and listed["files"][0]["id"] == photo


def test_a_re_inspection_s_form_record_pdf_and_api(people, login, api):
    case_id = closed_case(people)
    first = followups.for_case(db.session, case_id)[0]
    page = login("inspector")
    bad = page.post(f"/followups/{first.id}/record", data={"result": "held", "m-0-kind": "noise",
                                                            "m-0-value": "八十", "m-0-location": "冲压车间"})
    assert bad.status_code == 400 and 'id="err-m-0-value"' in text(bad) and 'value="冲压车间"' in text(bad)
    ok = page.post(f"/followups/{first.id}/record", data={"result": "held", "m-0-kind": "noise", "m-0-value": "88",
                                                           "m-0-location": "冲压车间"})
    assert ok.status_code == 302
    assert "现场检测超标 1 项" in text(login("ent_a").get(f"/cases/{case_id}"))
    assert "88 dB(A)" in text(page.get(f"/followups/{first.id}/record"))
    body = login("ent_a").get(f"/followups/{first.id}.pdf").get_data()
    assert missing(body, "现场检测数据（超标1项）", "噪声", "88dB(A)", "≤85dB(A)", "冲压车间") == []
    listed = api("ent_a").get(f"/api/v1/hazards/{case_id}/followups").get_json()["items"]
    assert listed[0]["measurements"][0]["verdict"] == "exceeded" and listed[1]["measurements"] == []
    assert api("ent_b").get(f"/api/v1/hazards/{case_id}/followups").status_code == 404
    second = followups.for_case(db.session, case_id)[1]
    clock.set(clock.now().replace(year=clock.now().year + 1))
    made = api("inspector").post(f"/api/v1/followups/{second.id}", json={
        "result": "held", "measurements": [{"kind": "o2", "value": 20.8, "location": "池底"}]})
    assert made.status_code == 200 and made.get_json()["measurements"][0]["verdict"] == "pass"
