"""Quality incidents (质量事故分类分级处置, services/quality_incidents.py, quality_incident_handling.py) through HTTP: the
handling limit by grade in clock hours, the bureau told of a 重大 one at once, the steps in order (409 otherwise), the
investigation group and recording of a 重大 one, accountability and the company-wide notice, the learning, the overdue
urging once, who may see what (enterprise 404, other roles 403), bad input kept with field errors, the API and PDF."""
import io
from datetime import datetime, timedelta

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import (AuditEvent, Notification, QualityIncident, ServiceComplaint, TrainingSession)
from scheduler import jobs

FOUND = "2026-11-23T08:30"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def _form(**extra):
    return {"title": "复核验收照片与现场不符", "description": "抽查发现 3 起隐患的整改后照片取自其他企业。", "found_at": FOUND,
            "grade": "general", "source_ref": "other", "case_codes": "", "visit_ids": "", **extra}


def _register(client, **extra):
    r = client.post("/quality-incidents/new", data=_form(**extra))
    assert r.status_code == 302, r.get_data(as_text=True)
    return QualityIncident.query.order_by(QualityIncident.id.desc()).first()


def _training(people, held=datetime(2026, 11, 25, 14, 0, tzinfo=SHANGHAI), kind="internal"):
    row = TrainingSession(kind=kind, held_at=held, hours=2, topic="质量事故案例学习", modules=["cases"], content="",
                          trainer="郑质检", location="", attendee_count=5, recorded_by_id=people.project_lead.id,
                          recorded_at=clock.now(), updated_at=clock.now())
    db.session.add(row)
    db.session.commit()
    return row


def test_general_incident_through_every_step(people, login):
    quality, lead = login("quality"), login("project_lead")
    row = _register(quality, responsible_ids=[str(people.inspector.id)])
    assert row.status == "registered" and row.due_at == row.registered_at + timedelta(hours=48)
    assert Notification.query.filter_by(kind="quality_incident_major").count() == 0
    # out of order: 409
    assert lead.post(f"/quality-incidents/{row.id}/handle", data={"findings": "a", "cause": "b",
                                                                    "remedy": "c"}).status_code == 409
    assert lead.post(f"/quality-incidents/{row.id}/investigate").status_code == 302
    assert lead.post(f"/quality-incidents/{row.id}/investigate").status_code == 409
    r = lead.post(f"/quality-incidents/{row.id}/handle", data={"findings": "", "cause": "", "remedy": "重新复核"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert 'id="err-findings"' in page and 'id="err-cause"' in page and "重新复核" in page
    assert lead.post(f"/quality-incidents/{row.id}/handle", data={
        "findings": "照片系复制", "cause": "复核人员未到现场", "remedy": "3 起隐患重新现场复核"}).status_code == 302
    row = db.session.get(QualityIncident, row.id)
    assert row.status == "handled" and not row.handled_late
    assert quality.post(f"/quality-incidents/{row.id}/edit", data=_form()).status_code == 409  # handled: fixed
    # accountability required per responsible person, then the whole company is told (not enterprise staff)
    uid = people.inspector.id
    r = quality.post(f"/quality-incidents/{row.id}/notify", data={"lesson": "复核必须到现场"})
    assert r.status_code == 400 and f'id="err-measures_{uid}"' in r.get_data(as_text=True)
    r = quality.post(f"/quality-incidents/{row.id}/notify", data={
        "lesson": "复核必须到现场", f"measures_{uid}": ["criticism", "pay_cut"], f"note_{uid}": "扣减当月绩效"})
    assert r.status_code == 302
    row = db.session.get(QualityIncident, row.id)
    assert row.status == "notified" and row.responsible[0].measures == ["criticism", "pay_cut"]
    told = {n.user_id for n in Notification.query.filter_by(kind="quality_incident_notice")}
    assert {people.inspector.id, people.project_team.id, people.quality.id, people.manager.id} <= told
    assert not told & {people.ent_a.id, people.bureau.id} and row.notice_count == len(told)
    notified = AuditEvent.query.filter_by(action="quality_incident_notified").one()
    assert notified.changes["qi_accountability"][1] == {"inspector": [["criticism", "pay_cut"], "扣减当月绩效"]}
    # the learning: an internal training after the incident was found
    on_site = _training(people, kind="enterprise")
    r = quality.post(f"/quality-incidents/{row.id}/close", data={"training_id": str(on_site.id)})
    assert r.status_code == 400 and 'id="err-training_id"' in r.get_data(as_text=True)
    training = _training(people)
    assert quality.post(f"/quality-incidents/{row.id}/close", data={"training_id": str(training.id)}).status_code == 302
    row = db.session.get(QualityIncident, row.id)
    assert row.status == "closed" and row.training_id == training.id
    assert quality.post(f"/quality-incidents/{row.id}/close", data={"training_id": str(training.id)}).status_code == 409
    page = lead.get(f"/quality-incidents/{row.id}").get_data(as_text=True)
    assert "质量事故案例学习" in page and "复核人员未到现场" in page
    audit_page = login("manager").get("/audit")  # the audit log names the actions and fields
    assert audit_page.status_code == 200 and "质量事故追责并全公司通报" in audit_page.get_data(as_text=True)
    pdf = lead.get(f"/quality-incidents/{row.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_major_incident_needs_a_group_and_a_recording_and_tells_the_bureau_at_once(people, login):
    quality = login("quality")
    row = _register(quality, grade="major")
    assert row.due_at == row.registered_at + timedelta(hours=12)
    assert Notification.query.filter_by(kind="quality_incident_major", user_id=people.bureau.id).count() == 1
    r = quality.post(f"/quality-incidents/{row.id}/investigate", data={"investigator_ids": [str(people.quality.id)]})
    assert r.status_code == 400 and 'id="err-investigator_ids"' in r.get_data(as_text=True)
    group = [str(people.quality.id), str(people.project_lead.id)]
    assert quality.post(f"/quality-incidents/{row.id}/investigate", data={"investigator_ids": group}).status_code == 302
    handling = {"findings": "调查组询问 4 人", "cause": "数据造假", "remedy": "全部重新排查"}
    r = quality.post(f"/quality-incidents/{row.id}/handle", data=handling)
    assert r.status_code == 400 and "录音录像" in r.get_data(as_text=True)
    r = quality.post(f"/quality-incidents/{row.id}/files", data={"upload": (io.BytesIO(VIDEO), "调查.mp4")},
                     content_type="multipart/form-data")
    assert r.status_code == 302
    assert quality.post(f"/quality-incidents/{row.id}/handle", data=handling).status_code == 302
    file = db.session.get(QualityIncident, row.id).attachments[0]
    assert file.content_type == "video/mp4"
    assert quality.get(f"/quality-incidents/{row.id}/files/{file.public_id}").status_code == 200
    assert login("bureau").get(f"/quality-incidents/{row.id}/files/{file.public_id}").status_code == 200
    assert login("ent_a").get(f"/quality-incidents/{row.id}/files/{file.public_id}").status_code == 404
    assert login("ent_a").get(f"/attachments/{file.public_id}").status_code == 404
    # raising a general one to 重大 tells the bureau then, once
    other = _register(quality)
    assert quality.post(f"/quality-incidents/{other.id}/edit", data=_form(grade="major")).status_code == 302
    assert quality.post(f"/quality-incidents/{other.id}/edit", data=_form(grade="major", title="改")).status_code == 302
    assert Notification.query.filter_by(kind="quality_incident_major", user_id=people.bureau.id).count() == 2
    other = db.session.get(QualityIncident, other.id)
    assert other.due_at == other.registered_at + timedelta(hours=12)
    updated = AuditEvent.query.filter_by(action="quality_incident_updated").order_by(AuditEvent.id).first()
    assert updated.changes["qi_grade"] == ["general", "major"]


def test_overdue_incident_is_told_once_and_handled_late_shows(people, login):
    quality, lead = login("quality"), login("project_lead")
    row = _register(quality, grade="larger")
    clock.advance(hours=23)
    assert jobs.urge_quality_incidents() == 0
    clock.advance(hours=2)
    assert "tag-overdue" in lead.get("/quality-incidents").get_data(as_text=True)
    assert jobs.urge_quality_incidents() == 1
    assert jobs.urge_quality_incidents() == 0
    for user in (people.quality, people.project_lead):
        assert Notification.query.filter_by(kind="quality_incident_overdue", user_id=user.id).count() == 1
    assert f'/quality-incidents/{row.id}"' in lead.get("/notifications").get_data(as_text=True)
    lead.post(f"/quality-incidents/{row.id}/investigate")
    lead.post(f"/quality-incidents/{row.id}/handle", data={"findings": "a", "cause": "b", "remedy": "c"})
    row = db.session.get(QualityIncident, row.id)
    assert row.handled_late
    assert 'id="handled-late"' in lead.get(f"/quality-incidents/{row.id}").get_data(as_text=True)
    assert AuditEvent.query.filter_by(action="quality_incident_handled").one().details["late"] is True


def test_who_may_see_and_do_what(people, login):
    row = _register(login("quality"))
    for reader in ("quality", "project_lead", "bureau"):
        c = login(reader)
        assert c.get("/quality-incidents").status_code == 200
        assert c.get(f"/quality-incidents/{row.id}").status_code == 200
        assert c.get(f"/quality-incidents/{row.id}/report.pdf").status_code == 200
    for path in ("/quality-incidents", f"/quality-incidents/{row.id}", f"/quality-incidents/{row.id}/report.pdf",
                 "/quality-incidents/new"):
        assert login("ent_a").get(path).status_code == 404
        for other in ("inspector", "manager", "admin"):
            assert login(other).get(path).status_code == 403
    bureau = login("bureau")
    assert bureau.get("/quality-incidents/new").status_code == 403
    assert bureau.post(f"/quality-incidents/{row.id}/investigate").status_code == 403
    assert login("ent_a").post(f"/quality-incidents/{row.id}/investigate").status_code == 404
    assert login("quality").get("/quality-incidents/999").status_code == 404
    assert "质量事故" not in login("ent_a").get("/").get_data(as_text=True)


def test_bad_input_shows_field_errors_and_keeps_it(people, login, make_enterprise):
    quality = login("quality")
    r = quality.post("/quality-incidents/new", data=_form(title="", grade="huge", found_at="2030-01-01T00:00",
                                                          case_codes="NOPE-1", description="经过<b>",
                                                          responsible_ids=[str(people.ent_a.id)]))
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    for name in ("title", "grade", "found_at", "case_codes", "responsible_ids"):
        assert f'id="err-{name}"' in page, name
    assert "经过&lt;b&gt;" in page
    # a complaint not concluded upheld cannot be the source
    complaint = ServiceComplaint(enterprise_id=people.enterprise_a.id, kind="conduct", text="态度差",
                                 raised_at=clock.now(), investigate_due=clock.now(), answer_due=clock.now())
    db.session.add(complaint)
    db.session.commit()
    r = quality.post("/quality-incidents/new", data=_form(source_ref=f"complaint:{complaint.id}"))
    assert r.status_code == 400 and 'id="err-source_ref"' in r.get_data(as_text=True)
    complaint.upheld = True
    db.session.commit()
    row = _register(quality, source_ref=f"complaint:{complaint.id}")
    assert row.complaint_id == complaint.id and row.source == "complaint"
    assert QualityIncident.query.count() == 1


def test_api(people, api):
    quality = api("quality")
    body = {"title": "报告数据错误", "description": "月报漏报 2 起较大隐患", "found_at": "2026-11-23T08:00:00",
            "source": "other", "grade": "larger", "responsible_ids": [people.project_team.id]}
    r = quality.post("/api/v1/quality-incidents", json=body)
    assert r.status_code == 201, r.get_data(as_text=True)
    made = r.get_json()
    assert made["limit_hours"] == 24 and made["status"] == "registered" and made["people"][0]["part"] == "responsible"
    assert made["due_at"] == "2026-11-24T09:00:00+08:00"
    r = quality.post("/api/v1/quality-incidents", json={**body, "grade": "huge", "title": ""})
    assert r.status_code == 400 and {"grade", "title"} <= set(r.get_json()["fields"])
    r = quality.post("/api/v1/quality-incidents", json={**body, "source": "complaint", "source_id": 999})
    assert r.status_code == 400 and "source_id" in r.get_json()["fields"]
    assert api("bureau").get("/api/v1/quality-incidents").get_json()["total"] == 1
    assert api("bureau").get(f"/api/v1/quality-incidents/{made['id']}").status_code == 200
    assert api("bureau").post("/api/v1/quality-incidents", json=body).status_code == 403
    assert api("ent_a").get("/api/v1/quality-incidents").status_code == 404
    assert api("ent_a").get(f"/api/v1/quality-incidents/{made['id']}").status_code == 404
    assert api("ent_a").post("/api/v1/quality-incidents", json=body).status_code == 404
    assert api("inspector").get("/api/v1/quality-incidents").status_code == 403
    doc = quality.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(doc["paths"]["/api/v1/quality-incidents"])
    assert "get" in doc["paths"]["/api/v1/quality-incidents/{incident_id}"]


def test_the_demo_has_a_closed_general_incident_and_a_major_one_under_investigation(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    rows = {r.grade: r for r in QualityIncident.query.all()}
    assert rows["general"].status == "closed" and rows["general"].source == "supervision"
    assert rows["general"].training_id is not None and not rows["general"].handled_late
    assert rows["major"].status == "investigating" and len(rows["major"].investigators) == 2
    assert Notification.query.filter_by(kind="quality_incident_major").count() >= 1
    assert Notification.query.filter_by(kind="quality_incident_notice").count() >= 3


def test_english_pages_and_report_show_no_chinese_outside_user_data(people, login):
    import re

    from pdf_support import pdf_text
    from test_web_support import compile_translations
    compile_translations()
    cjk = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
    quality = login("quality")
    quality.get("/lang/en")
    row = _register(quality, title="Copied photos", description="Photos from another site",
                    responsible_ids=[str(people.inspector.id)])
    uid = people.inspector.id
    steps = [("investigate", {}), ("handle", {"findings": "Asked 4 people", "cause": "No site visit",
                                              "remedy": "Verify again"}),
             ("notify", {"lesson": "Go on site", f"measures_{uid}": ["criticism"], f"note_{uid}": "warned"}),
             ("close", {"training_id": str(_training(people).id)})]
    pages = ["/quality-incidents", "/quality-incidents/new", f"/quality-incidents/{row.id}/edit"]
    for step, data in steps:
        pages.append(f"/quality-incidents/{row.id}")
        bad = quality.post(f"/quality-incidents/{row.id}/{step}", data={})  # the step's errors, in English
        assert bad.status_code in (302, 400)
        leftover = cjk.findall(bad.get_data(as_text=True).replace("中文", "").replace("质量事故案例学习", ""))
        assert leftover == [] or bad.status_code == 302, (step, leftover)
        assert quality.post(f"/quality-incidents/{row.id}/{step}", data=data).status_code in (302, 409), step
    pages.append(f"/quality-incidents/{row.id}")
    for url in pages:
        page = quality.get(url).get_data(as_text=True)
        assert '<html lang="en">' in page, url
        leftover = cjk.findall(page.replace("中文", "").replace("质量事故案例学习", ""))
        assert leftover == [], (url, leftover)
    assert cjk.findall(pdf_text(quality.get(f"/quality-incidents/{row.id}/report.pdf").data)
                       .replace("质量事故案例学习", "")) == []
