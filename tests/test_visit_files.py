"""Evidence files on inspection visits (现场资料, services/visit_files.py): uploaded through POST /attachments and
linked when the visit's form is saved, shown with where and when the photo was taken, served only to those who see
the visit, never also on a case, and in the API and the report."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.clock import clock
from app.extensions import db
from app.models import Attachment, AuditEvent
from pdf_support import pdf_text
from tests.test_inspections import visit
from tests.test_photo_positions import jpeg
from tests.test_visit_checkins import FAR, NEAR, SITE, place_cases
from tests.test_web_support import register as register_on_form, text, upload
from tests.visit_review_support import released


def photo(client, position=None, taken=None, name="site.jpg"):
    return upload(client, field="visit_files", data=jpeg(*(position or (None, None)), taken=taken), name=name)


def test_files_are_linked_shown_with_their_checks_and_audited(people, login):
    place_cases(people, SITE)
    row = visit(people.inspector, people.enterprise_a)
    inspector = login("inspector")
    near = photo(inspector, NEAR, clock.now(), "near.jpg")
    far = photo(inspector, FAR, clock.now() - timedelta(days=40), "far.jpg")
    pdf = upload(inspector, field="visit_files", data=b"%PDF-1.4 test", name="record.pdf")
    response = inspector.post(f"/inspections/{row.id}/files", data={"visit_files": [near, far, pdf]})
    assert response.status_code == 302 and response.headers["Location"].endswith("#visit-files")
    assert sorted(a.public_id for a in Attachment.query.filter_by(visit_id=row.id)) == sorted([near, far, pdf])
    page = text(inspector.get(f"/inspections/{row.id}"))
    assert "共 3 个" in page and "距企业 33 米" in page and "拍摄地点离企业位置超过 500 米" in page
    assert "拍摄日期不是排查当天" in page and "拍摄于上传 30 天以前" in page and "record.pdf" in page
    event = db.session.query(AuditEvent).filter_by(action="visit_files_added").one()
    assert sorted(event.details["files"]) == sorted([near, far, pdf])
    shown = pdf_text(inspector.get(f"/inspections/{row.id}/report.pdf").get_data()).replace("\n", "")
    assert "near.jpg" in shown and "record.pdf" in shown


def test_files_are_served_only_to_those_who_see_the_visit(people, login):
    row = visit(people.inspector, people.enterprise_a)
    inspector = login("inspector")
    item = photo(inspector)
    assert login("ent_a").get(f"/attachments/{item}").status_code == 404  # not linked yet: the uploader's own
    inspector.post(f"/inspections/{row.id}/files", data={"visit_files": [item]})
    assert login("ent_a").get(f"/attachments/{item}").status_code == 404  # until the review released the visit
    released(row)
    for who in ("ent_a", "bureau", "project_lead"):
        assert login(who).get(f"/attachments/{item}").status_code == 200, who
    assert login("ent_b").get(f"/attachments/{item}").status_code == 404
    assert login("ent_b").get(f"/inspections/{row.id}").status_code == 404


def test_who_adds_files_and_which_files(people, login):
    row = visit(people.inspector, people.enterprise_a)
    other = visit(people.inspector, people.enterprise_a)
    inspector, lead = login("inspector"), login("project_lead")
    mine = photo(inspector)
    assert login("ent_b").post(f"/inspections/{row.id}/files", data={"visit_files": [mine]}).status_code == 404
    assert login("ent_a").post(f"/inspections/{row.id}/files", data={"visit_files": [mine]}).status_code == 404
    released(other)  # once the enterprise sees the visit, adding files is still not for it
    assert login("ent_a").post(f"/inspections/{other.id}/files", data={"visit_files": [mine]}).status_code == 403
    response = lead.post(f"/inspections/{row.id}/files", data={"visit_files": [mine]})  # not the lead's upload
    assert response.status_code == 400 and "附件无效" in text(response)
    response = lead.post(f"/inspections/{row.id}/files", data={})
    assert response.status_code == 400 and "请先上传文件" in text(response)
    assert inspector.post(f"/inspections/{row.id}/files", data={"visit_files": [mine]}).status_code == 302
    assert inspector.post(f"/inspections/{row.id}/files", data={"visit_files": [mine]}).status_code == 302  # again
    response = inspector.post(f"/inspections/{other.id}/files", data={"visit_files": [mine]})
    assert response.status_code == 400  # on one visit only
    assert Attachment.query.filter_by(public_id=mine).one().visit_id == row.id


def test_a_visit_s_file_cannot_go_on_a_case_nor_a_case_s_on_a_visit(people, login):
    row = visit(people.inspector, people.enterprise_a)
    inspector = login("inspector")
    on_visit = photo(inspector)
    inspector.post(f"/inspections/{row.id}/files", data={"visit_files": [on_visit]})
    response = inspector.post("/hazards/new", data={
        "enterprise_id": str(people.enterprise_a.id), "place": "配电房", "hazard_type": "electrical",
        "description": "配电柜前堆放杂物", "photos": [on_visit], "score": "90", "legal_major": "false",
        "found_at": "2026-11-23T08:30"})
    assert response.status_code == 400 and "unknown attachment" in text(response)
    case = register_on_form(inspector, people.enterprise_a)
    case_photo = Attachment.query.filter_by(case_id=case.id).first().public_id
    response = inspector.post(f"/inspections/{row.id}/files", data={"visit_files": [case_photo]})
    assert response.status_code == 400
    with pytest.raises(sa.exc.IntegrityError):  # the table says it too
        db.session.execute(sa.update(Attachment).where(Attachment.public_id == case_photo).values(visit_id=row.id))
        db.session.flush()
    db.session.rollback()


def test_the_api(people, api):
    place_cases(people, SITE)
    row = visit(people.inspector, people.enterprise_a)
    inspector = api("inspector")
    response = inspector.post("/api/v1/attachments", data={
        "file": (io.BytesIO(jpeg(*NEAR, taken=clock.now())), "near.jpg"), "field": "visit_files"},
        content_type="multipart/form-data")
    item = response.get_json()["id"]
    assert api("ent_b").post(f"/api/v1/inspections/{row.id}/files", json={"attachments": [item]}).status_code == 404
    assert inspector.post(f"/api/v1/inspections/{row.id}/files", json={"attachments": []}).status_code == 400
    response = inspector.post(f"/api/v1/inspections/{row.id}/files", json={"attachments": [item]})
    assert response.status_code == 200
    [listed] = response.get_json()["files"]
    assert listed["id"] == item and round(listed["distance_m"]) == 33 and listed["warnings"] == []
    released(row)  # the enterprise sees the visit's files once the review released it
    assert api("ent_a").get(f"/api/v1/attachments/{item}").status_code == 200
    assert api("ent_b").get(f"/api/v1/attachments/{item}").status_code == 404
