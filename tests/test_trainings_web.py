"""Training and drill pages and API over HTTP (web/trainings.py, training_plans.py, drills.py, api/trainings.py): who
gets what (another enterprise's session or drill 404, wrong role 403), a bad form back with 400, its errors next to
the fields and the input kept, materials, the assessment, the sign-in sheet PDF, the CSV files, a drill's problem
registered as a hazard from the prefilled registration page, the targets page and the scoped API."""
import io

from app.extensions import db
from app.models import Attachment, AuditEvent, DrillHazard, HazardCase, TrainingAttendee, TrainingSession
from tests.pdf_support import missing
from tests.test_web_support import PNG, csv_rows, field_html, registration, text, upload
from tests.training_support import drill, internal, onsite, plan_item

PDF = b"%PDF-1.4\n%test\n"


def _form(people, **changes):
    form = {"kind": "enterprise", "held_at": "2026-11-20T09:00", "hours": "2", "topic": "典型案例讲解排查要点",
            "modules": ["cases", "practice"], "trainer": "王专家", "location": "甲化工会议室",
            "enterprise_ids": [str(people.enterprise_a.id)], "attendees": "张三 安全员\n李四 车间主任",
            "attendee_count": "20"}
    form.update(changes)
    return form


def test_a_project_lead_records_an_on_site_training_with_materials(people, login):
    lead = login("project_lead")
    page = text(lead.get("/training/new?kind=enterprise"))
    assert 'name="_csrf"' in page and 'value="enterprise" checked' in page
    data = _form(people)
    data["upload"] = [(io.BytesIO(PDF), "课件.pdf")]
    done = lead.post("/training/new", data=data, content_type="multipart/form-data")
    assert done.status_code == 302, text(done)
    row = TrainingSession.query.one()
    assert done.headers["Location"].endswith(f"/training/{row.id}")
    item = Attachment.query.filter_by(training_id=row.id).one()
    assert item.original_name == "课件.pdf"
    page = text(lead.get(f"/training/{row.id}"))
    assert "典型案例讲解排查要点" in page and "张三" in page and "课件.pdf" in page
    ent = login("ent_a")
    assert ent.get(f"/training/{row.id}/files/{item.public_id}").status_code == 200
    assert ent.get(f"/attachments/{item.public_id}").status_code == 200  # the general download follows the session
    other = login("ent_b")
    for path in (f"/training/{row.id}", f"/training/{row.id}/files/{item.public_id}",
                 f"/training/{row.id}/sign-in.pdf", f"/attachments/{item.public_id}",
                 f"/training/{row.id}/edit"):
        assert other.get(path).status_code == 404, path
    assert AuditEvent.query.filter_by(action="training_recorded", subject_id=row.id).one().changes["topic"] == [
        None, "典型案例讲解排查要点"]


def test_a_training_material_cannot_be_put_on_a_case(people, login, make_user):
    """A file has one owner: the registration's link statement passes over a training's material (a 400 naming the
    file, not a 500 from the CHECK constraint), even for its uploader."""
    make_user("lead_inspector", "project_lead", "inspector")
    both = login("lead_inspector")
    photo = upload(both, data=PNG, name="scan.png", field="training")
    assert both.post("/training/new", data=_form(people, files=[photo])).status_code == 302
    assert Attachment.query.filter_by(public_id=photo).one().training_id is not None
    assert login("inspector").get(f"/attachments/{photo}").status_code == 404
    refused = both.post("/hazards/new", data=registration(people.enterprise_a, photo))
    assert refused.status_code == 400 and HazardCase.query.count() == 0


def test_a_bad_form_comes_back_with_its_errors_and_input(people, login):
    lead = login("project_lead")
    bad = lead.post("/training/new", data=_form(people, hours="30", topic="", trainer="王专家",
                                                attendees="甲 乙\n丙\n丁", attendee_count="2",
                                                location="三号会议室"))
    assert bad.status_code == 400
    page = text(bad)
    assert 'id="err-hours"' in field_html(page, "hours") and 'id="err-topic"' in field_html(page, "topic")
    assert 'id="err-attendee_count"' in page
    assert 'value="三号会议室"' in field_html(page, "location") and "甲 乙\n丙\n丁" in page
    assert f'value="{people.enterprise_a.id}" selected' in page and 'value="cases" checked' in page
    assert TrainingSession.query.count() == 0


def test_roles_from_the_outside(people, login):
    training_id = onsite(people.project_lead, [people.enterprise_a])
    drill_id = drill(people.project_lead, people.enterprise_a)
    for role in ("bureau", "manager"):
        c = login(role)
        assert c.get("/training").status_code == 200 and c.get(f"/training/{training_id}").status_code == 200
        assert c.get("/training/new").status_code == 403
        assert c.post(f"/training/{training_id}/edit", data=_form(people)).status_code == 403
        assert c.get("/training/plan").status_code == 200 and c.get("/training/targets").status_code == 200
        assert c.post("/drills/new", data={}).status_code == 403
    for role in ("expert", "quality", "process_owner"):
        c = login(role)
        for path in ("/training", f"/training/{training_id}", "/drills", f"/drills/{drill_id}", "/training/plan"):
            assert c.get(path).status_code == 403, (role, path)
    inspector = login("inspector")
    assert inspector.get("/training").status_code == 403 and inspector.get(f"/drills/{drill_id}").status_code == 200
    ent_a, ent_b = login("ent_a"), login("ent_b")
    assert f'data-training="{training_id}"' in text(ent_a.get("/training"))
    assert f'data-training="{training_id}"' not in text(ent_b.get("/training"))
    assert ent_a.get("/training/plan").status_code == 403 and ent_a.get("/training/targets").status_code == 403
    assert ent_a.get(f"/drills/{drill_id}").status_code == 200 and ent_b.get(f"/drills/{drill_id}").status_code == 404
    assert ent_a.post(f"/training/{training_id}/assessment", data={}).status_code == 403
    assert ent_b.post(f"/training/{training_id}/assessment", data={}).status_code == 404
    team = login("project_team")
    assert team.get("/training/new").status_code == 200 and team.get("/drills/new").status_code == 200


def test_the_assessment_and_the_sign_in_sheet(people, login):
    training_id = internal(people.project_lead, [people.inspector, people.project_team])
    ids = {a.name: a.id for a in TrainingAttendee.query.filter_by(training_id=training_id)}
    lead = login("project_lead")
    bad = lead.post(f"/training/{training_id}/assessment", data={f"result_{ids['inspector']}": "pass",
                                                                 f"score_{ids['inspector']}": "150"})
    assert bad.status_code == 400 and 'value="150"' in text(bad)
    done = lead.post(f"/training/{training_id}/assessment", data={f"result_{ids['inspector']}": "pass",
                                                                  f"score_{ids['inspector']}": "88",
                                                                  f"result_{ids['project_team']}": "fail"})
    assert done.status_code == 302
    assert db.session.get(TrainingAttendee, ids["inspector"]).score == 88
    pdf = lead.get(f"/training/{training_id}/sign-in.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert missing(pdf.data, "培训签到表", "《安全生产事故隐患排查治理暂行规定》解读", "inspector", "现场排查人员",
                   "合格88", "不合格", "刘工") == []


def test_csv_exports_follow_the_filters_and_the_scope(people, login):
    onsite(people.project_lead, [people.enterprise_a], topic="=HYPERLINK(\"x\")")
    onsite(people.project_lead, [people.enterprise_b], topic="乙厂培训", held_at="2026-10-01T09:00")
    internal(people.project_lead, [people.inspector])
    drill(people.project_lead, people.enterprise_b)
    bureau = login("bureau")
    rows = csv_rows(bureau.get("/training.csv?kind=enterprise&date_from=2026-11-01"))
    assert len(rows) == 2 and rows[1][4] == "'=HYPERLINK(\"x\")" and rows[1][8] == "甲化工有限公司"
    assert len(csv_rows(bureau.get("/training.csv"))) == 4
    assert [r[2] for r in csv_rows(login("ent_b").get("/training.csv"))[1:]] == ["2026-10-01 09:00"]
    assert len(csv_rows(bureau.get("/drills.csv"))) == 2 and len(csv_rows(login("ent_a").get("/drills.csv"))) == 1
    targets = csv_rows(bureau.get("/training/targets.csv?quarter=2026Q4"))
    assert targets[0][0] == "对象"
    assert csv_rows(bureau.get("/training/plan.csv?year=2026"))[0][0] == "月份"


def test_a_drill_problem_registered_as_a_hazard_from_the_prefilled_page(people, login):
    drill_id = drill(people.project_lead, people.enterprise_a)
    inspector = login("inspector")
    page = text(inspector.get(f"/drills/{drill_id}"))
    assert f'href="/hazards/new?drill={drill_id}&amp;problem=1"' in page
    form = text(inspector.get(f"/hazards/new?drill={drill_id}&problem=1"))
    assert "应急广播无法覆盖二号仓库" in form and f'name="drill_id" value="{drill_id}"' in form
    photo = upload(inspector)
    done = inspector.post("/hazards/new", data={**registration(people.enterprise_a, photo, description="应急广播盲区"),
                                                "drill_id": str(drill_id), "drill_problem": "1"})
    assert done.status_code == 302, text(done)
    case = HazardCase.query.one()
    assert DrillHazard.query.one().case_id == case.id
    assert inspector.get(f"/hazards/new?drill={drill_id}&problem=1").status_code == 409  # registered once
    assert inspector.get(f"/hazards/new?drill={drill_id}&problem=9").status_code == 400
    assert case.code in text(login("ent_a").get(f"/drills/{drill_id}"))
    assert AuditEvent.query.filter_by(action="drill_problem_registered").one().details["case"] == case.code
    lead = login("project_lead")
    assert f'/hazards/new?drill={drill_id}' not in text(lead.get(f"/drills/{drill_id}"))  # leads do not register


def test_a_drill_form_keeps_its_input_and_an_edit_is_audited(people, login):
    lead = login("project_lead")
    bad = lead.post("/drills/new", data={"enterprise_id": str(people.enterprise_a.id), "held_on": "2026-11-30",
                                         "kind": "tabletop", "participants": "x", "scenario": "有限空间作业应急预案"})
    assert bad.status_code == 400
    page = text(bad)
    assert 'id="err-held_on"' in field_html(page, "held_on") and 'id="err-participants"' in page
    assert 'value="有限空间作业应急预案"' in page
    drill_id = drill(people.project_lead, people.enterprise_a)
    done = lead.post(f"/drills/{drill_id}/edit", data={"enterprise_id": str(people.enterprise_a.id),
                                                       "held_on": "2026-11-18", "kind": "full", "participants": "40",
                                                       "scenario": "危险化学品泄漏现场处置方案"})
    assert done.status_code == 302
    event = AuditEvent.query.filter_by(action="drill_updated").one()
    assert event.changes["kind"] == ["field", "full"] and event.changes["participants"] == [35, 40]


def test_the_plan_and_targets_pages(people, login, make_enterprise):
    item = plan_item(people.project_lead, month=11, kind="enterprise", topic="企业安全管理人员培训")
    onsite(people.project_lead, [people.enterprise_a], plan_item_id=str(item))
    lead = login("project_lead")
    page = text(lead.get("/training/plan?year=2026"))
    assert "企业安全管理人员培训" in page and "计划 1 次，已举办 1 次" in page
    bad = lead.post("/training/plan/items", data={"year": "2026", "month": "13", "kind": "internal", "topic": "法规"})
    assert bad.status_code == 400 and 'id="err-month"' in field_html(text(bad), "month") and 'value="法规"' in text(bad)
    assert lead.post(f"/training/plan/items/{item}/remove", data={"year": "2026"}).status_code == 409
    assert login("manager").post("/training/plan/items", data={}).status_code == 403
    page = text(login("bureau").get("/training/targets?quarter=2026Q4&year=2026"))
    assert "每家服务企业每季度不少于 2 次" in page and "每人不少于 40 学时" in page
    assert f'data-user="{people.inspector.id}" class="below"' in page


def test_the_api_is_scoped(people, api):
    training_id = onsite(people.project_lead, [people.enterprise_a])
    internal(people.project_lead, [people.inspector])
    drill_id = drill(people.project_lead, people.enterprise_a)
    body = api("bureau").get("/api/v1/trainings?kind=enterprise").get_json()
    assert body["total"] == 1 and body["items"][0]["enterprises"] == ["甲化工有限公司"]
    assert body["items"][0]["attendees"][0]["name"] == "张三"
    assert api("bureau").get("/api/v1/trainings").get_json()["total"] == 2
    ent_a, ent_b = api("ent_a"), api("ent_b")
    assert [i["id"] for i in ent_a.get("/api/v1/trainings").get_json()["items"]] == [training_id]
    assert ent_b.get("/api/v1/trainings").get_json()["total"] == 0
    assert ent_b.get(f"/api/v1/trainings/{training_id}").status_code == 404
    assert ent_a.get(f"/api/v1/drills/{drill_id}").get_json()["problems"][0] == "应急广播无法覆盖二号仓库"
    assert ent_b.get(f"/api/v1/drills/{drill_id}").status_code == 404
    assert api("expert").get("/api/v1/trainings").status_code == 403
    bad = api("bureau").get("/api/v1/drills?kind=party&date_from=yesterday")
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) >= {"kind", "date_from"}
    assert api("inspector").get("/api/v1/drills").get_json()["total"] == 1
