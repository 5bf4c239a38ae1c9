"""An inspection visit's report (排查报告, PDF) and the enterprise's online confirmation of its results: staff told
when the report passed its review (三级审核; before, the visit is not there for them), one confirmation with
remarks, the recorder told, shown on the page and in the report; who may do what, from outside."""
import pytest

from app.extensions import db
from app.models import AuditEvent, InspectionVisit, Notification
from app.services import visit_reports
from app.services.uow import UnitOfWork
from tests.test_checklist_results import record, standard  # noqa: F401
from tests.test_inspections import visit
from tests.test_lifecycle_service import register
from tests.visit_review_support import finish_checklist, released, walk


def test_the_enterprise_is_told_and_confirms_once_with_remarks(people, make_user):
    row = visit(people.inspector, people.enterprise_a)
    # Told once the report passed its three-level review (三级审核), no longer when the visit is recorded.
    assert db.session.query(Notification).filter_by(kind="inspection_recorded").count() == 0
    finish_checklist(people.inspector, row)
    row = walk(row, people.inspector, people.project_lead, make_user("tech", "technical_lead"))
    told = db.session.query(Notification).filter_by(kind="inspection_recorded").all()
    assert [n.user_id for n in told] == [people.ent_a.id]
    with UnitOfWork() as uow:
        visit_reports.acknowledge(uow, people.ent_a, row.id, "对第3项有不同意见：仓库已于上周清理")
        uow.commit()
    db.session.expire_all()
    row = db.session.get(InspectionVisit, row.id)
    assert row.acknowledged_by_id == people.ent_a.id and row.enterprise_remarks.startswith("对第3项")
    event = db.session.query(AuditEvent).filter_by(action="inspection_acknowledged").one()
    assert event.actor_id == people.ent_a.id and event.details["visit_id"] == row.id
    assert db.session.query(Notification).filter_by(kind="inspection_acknowledged",
                                                     user_id=people.inspector.id).count() == 1
    from app.errors import Conflict
    with pytest.raises(Conflict), UnitOfWork() as uow:
        visit_reports.acknowledge(uow, people.ent_a, row.id, "")


def test_who_confirms(people, login):
    row = visit(people.inspector, people.enterprise_a)
    url = f"/inspections/{row.id}/acknowledge"
    assert login("ent_a").post(url).status_code == 404  # not before the report passed its review
    row = released(row)
    assert login("ent_b").post(url).status_code == 404  # another enterprise's visit does not exist for it
    for who in ("inspector", "bureau", "project_lead"):
        assert login(who).post(url).status_code == 403, who
    enterprise = login("ent_a")
    page = enterprise.get(f"/inspections/{row.id}").get_data(as_text=True)
    assert url in page and "确认排查结果" in page
    too_long = enterprise.post(url, data={"enterprise_remarks": "意" * 2001})
    body = too_long.get_data(as_text=True)
    assert too_long.status_code == 400 and 'id="err-enterprise_remarks"' in body and "意" * 2001 in body
    assert enterprise.post(url, data={"enterprise_remarks": "无异议"}).status_code == 302
    page = login("inspector").get(f"/inspections/{row.id}").get_data(as_text=True)
    assert "已确认" in page and "无异议" in page and url not in page
    again = enterprise.post(url, data={})
    assert again.status_code == 409 and "已经确认" in again.get_data(as_text=True)


def test_the_report_pdf(people, login):
    row = visit(people.inspector, people.enterprise_a, findings="建议完善动火审批台账")
    case_id = register(people)
    record(people.inspector, row, ("HG-24", "nonconform", "甲类仓库超量储存"), ("TY-01", "conform", ""))
    url = f"/inspections/{row.id}/report.pdf"
    assert login("ent_a").get(url).status_code == 404  # not before the report passed its review
    row = released(row)
    for who in ("inspector", "ent_a", "bureau"):
        response = login(who).get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", who
        assert response.data.startswith(b"%PDF")
    assert login("ent_b").get(url).status_code == 404
    report = visit_reports.report(db.session, people.ent_a, row.id)  # what the PDF prints
    assert [r.item.code for r in report.nonconforming] == ["HG-24"]
    assert report.nonconforming[0].result.note == "甲类仓库超量储存"
    assert [c.id for c in report.cases] == [case_id] and report.checklist.checked == 2
    with UnitOfWork() as uow:
        visit_reports.acknowledge(uow, people.ent_a, row.id, "同意")
        uow.commit()
    assert login("inspector").get(url).status_code == 200  # now with the confirmation instead of signature lines
    assert f"/inspections/{row.id}/report.pdf" in login("ent_a").get(f"/inspections/{row.id}").get_data(as_text=True)


def test_the_api(people, api):
    row = visit(people.inspector, people.enterprise_a)
    assert api("ent_a").get(f"/api/v1/inspections/{row.id}").status_code == 404  # until the review released it
    row = released(row)
    assert api("ent_b").get(f"/api/v1/inspections/{row.id}").status_code == 404
    assert api("inspector").post(f"/api/v1/inspections/{row.id}/acknowledge", json={}).status_code == 403
    bad = api("ent_a").post(f"/api/v1/inspections/{row.id}/acknowledge", json={"enterprise_remarks": 5})
    assert bad.status_code == 400 and "enterprise_remarks" in bad.get_json()["fields"]
    done = api("ent_a").post(f"/api/v1/inspections/{row.id}/acknowledge", json={"enterprise_remarks": "同意"})
    assert done.status_code == 200 and done.get_json()["acknowledged_by"] == "ent_a"
    assert api("ent_a").post(f"/api/v1/inspections/{row.id}/acknowledge", json={}).status_code == 409
    shown = api("bureau").get(f"/api/v1/inspections/{row.id}").get_json()
    assert shown["enterprise_remarks"] == "同意" and shown["acknowledged_at"]
    report = api("ent_a").get(f"/api/v1/inspections/{row.id}/report")
    assert report.status_code == 200 and report.data.startswith(b"%PDF")
