"""Forms over HTTP: registration with a photo, errors next to their fields with every value kept, uploads."""
import io

from app.extensions import db
from app.models import Attachment, HazardCase
from test_web_support import (ASSIGNMENT, PNG, field_html, open_task, register, registration, submit, text, upload,
                              )


def test_registration_form_renders_every_widget(people, login):
    page = text(login("inspector").get("/hazards/new"))
    assert '<select id="f-enterprise_id"' in page and people.enterprise_b.name in page
    assert 'type="datetime-local"' in page and 'id="f-description"' in page and "<textarea" in page
    assert 'type="radio" name="legal_major" value="false" checked' in page
    assert 'class="upload" data-field="photos"' in page and 'accept="image/' in page
    assert "电气安全" in page  # enum labels from the form's UI options
    assert "获取当前位置" in page


def test_only_inspectors_register(people, login):
    assert login("project_lead").get("/hazards/new").status_code == 403
    assert "登记隐患" not in text(login("project_lead").get("/")).split("</nav>")[0]
    assert "登记隐患" in text(login("inspector").get("/")).split("</nav>")[0]


def test_register_with_photo_upload(people, login):
    inspector = login("inspector")
    photo = upload(inspector)
    response = inspector.post("/hazards/new", data=registration(people.enterprise_a, photo))
    assert response.status_code == 302
    case = HazardCase.query.one()
    assert response.headers["Location"] == f"/cases/{case.id}"
    assert (case.grade, case.status, case.enterprise_id) == ("general", "assigning", people.enterprise_a.id)
    assert Attachment.query.filter_by(public_id=photo).one().case_id == case.id
    page = text(inspector.get(f"/cases/{case.id}"))
    assert case.code in page and f"/attachments/{photo}" in page and "一号车间配电房" in page
    assert "2026-11-23 08:30" in page  # found_at typed as local time, kept as +08:00, shown local again


def test_registration_errors_next_to_fields_values_kept(people, login):
    inspector = login("inspector")
    photo = upload(inspector)
    response = inspector.post("/hazards/new", data=registration(people.enterprise_a, photo, score="abc", place=""))
    assert response.status_code == 400
    page = text(response)
    assert "表单有错误" in page
    assert "请输入整数" in field_html(page, "score") and 'value="abc"' in field_html(page, "score")
    assert "必填项" in field_html(page, "place")
    assert "配电柜前堆放杂物" in field_html(page, "description")
    assert f'name="photos" value="{photo}"' in field_html(page, "photos")  # the upload is not lost
    assert "site.png" in field_html(page, "photos")
    assert f'<option value="{people.enterprise_a.id}" selected>' in field_html(page, "enterprise_id")
    assert 'value="electrical" selected' in field_html(page, "hazard_type")
    assert 'value="2026-11-23T08:30"' in field_html(page, "found_at")
    assert HazardCase.query.count() == 0

    page = text(inspector.post("/hazards/new", data=registration(people.enterprise_a, photo, photos=[],
                                                                  score="101")))
    assert "至少需要 1 项" in field_html(page, "photos") or "必填项" in field_html(page, "photos")
    assert "不能大于 100" in field_html(page, "score")

    page = text(inspector.post("/hazards/new", data=registration(people.enterprise_a, photo, legal_major="true",
                                                                  score="")))
    assert 'value="true" checked' in field_html(page, "legal_major")
    assert HazardCase.query.count() == 0


def test_task_form_errors_next_to_field_values_kept(people, login):
    case = register(login("inspector"), people.enterprise_a)
    task = open_task(case, "assignment")
    lead = login("project_lead")
    page = text(lead.get(f"/tasks/{task.id}"))
    assert "整改要求" in page and 'id="f-contact_phone"' in page and case.code in page

    data = dict(ASSIGNMENT, contact_phone="12345", deadline_days="abc")
    response = lead.post(f"/tasks/{task.id}", data=data)
    assert response.status_code == 400
    page = text(response)
    assert "格式不正确" in field_html(page, "contact_phone") and 'value="12345"' in field_html(page, "contact_phone")
    assert "请输入整数" in field_html(page, "deadline_days") and 'value="abc"' in field_html(page, "deadline_days")
    assert ASSIGNMENT["rectification_requirements"] in field_html(page, "rectification_requirements")
    assert 'value="王安全"' in field_html(page, "contact_person")
    assert "field-error" not in field_html(page, "contact_person")
    assert open_task(case, "assignment").id == task.id  # nothing happened

    submit(lead, task, dict(ASSIGNMENT, deadline_days="5"))
    assert HazardCase.query.one().status == "rectifying"


def test_rectification_photos_before_after_and_files_kept(people, login):
    case = register(login("inspector"), people.enterprise_a)
    submit(login("project_lead"), open_task(case, "assignment"), ASSIGNMENT)
    ent = login("ent_a")
    task = open_task(case, "rectification")
    page = text(ent.get(f"/tasks/{task.id}"))
    assert 'class="pair"' in page and page.index('id="field-before_photos"') < page.index('id="field-after_photos"')
    assert ASSIGNMENT["rectification_requirements"] in page  # what the lead asked for is on the page
    before, after = upload(ent, "before_photos"), upload(ent, "after_photos")
    pdf = upload(ent, "evidence_files", data=b"%PDF-1.4\n%test\n", name="验收报告.pdf")
    response = ent.post(f"/tasks/{task.id}", data={"measures": "已清理", "progress_percent": "100",
                                                   "before_photos": [before], "after_photos": [after],
                                                   "evidence_files": [pdf]})
    assert response.status_code == 400
    page = text(response)
    assert "必填项" in field_html(page, "responsible_person") and "请勾选此项" in field_html(page, "completed")
    assert f'value="{before}"' in field_html(page, "before_photos")
    assert f'value="{after}"' in field_html(page, "after_photos")
    assert "验收报告.pdf" in field_html(page, "evidence_files")


def test_upload_rejects_disguised_text_and_large_files(people, login):
    inspector = login("inspector")
    response = inspector.post("/attachments", data={"file": (io.BytesIO(b"just some text\n"), "photo.jpg"),
                                                    "field": "photos"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "只接受" in response.get_json()["message"]

    big = PNG + b"\0" * 200_001
    response = inspector.post("/attachments", data={"file": (io.BytesIO(big), "big.png"), "field": "photos"},
                              content_type="multipart/form-data")
    assert response.status_code == 400 and "超过大小限制" in response.get_json()["message"]

    response = inspector.post("/attachments", data={"field": "photos"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert Attachment.query.count() == 0


def test_attachment_download_headers_and_access(people, login):
    inspector = login("inspector")
    photo = upload(inspector)
    pdf = upload(inspector, "photos", data=b"%PDF-1.4\n%x\n", name="report.pdf")
    response = inspector.get(f"/attachments/{photo}")
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")
    response = inspector.get(f"/attachments/{pdf}")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    # Not yet linked to a case: only the uploader may fetch it.
    assert login("project_lead").get(f"/attachments/{photo}").status_code == 404
    assert login("inspector").get("/attachments/doesnotexist").status_code == 404
    assert db.session.query(Attachment).count() == 2
