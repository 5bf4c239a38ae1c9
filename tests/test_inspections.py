"""Inspection visits (排查记录): recording (services/inspections.py), the list with its coverage and files, who sees
and records them, the hazards found that day, and the priority list's "last inspected"."""
import re
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HazardCase, InspectionVisit
from app.services import inspection_priority, inspections
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import register
from tests.visit_review_support import released
from tests.test_web_support import csv_rows, text


def visit(actor, enterprise, **changes):
    fields = {"visited_on": clock.local_now().date().isoformat(), "inspectors": "张排查、李排查",
              "scope": "配电房、危化品仓库", "findings": "", **changes}
    with UnitOfWork() as uow:
        row = inspections.record(uow, actor, enterprise.id, **fields)
        uow.commit()
        return row


def test_a_visit_is_recorded_and_audited_and_finds_the_day_s_hazards(people):
    case_id = register(people)  # registered today at enterprise A
    first = visit(people.inspector, people.enterprise_a, findings="建议完善动火审批台账")
    other = visit(people.project_lead, people.enterprise_b)
    found = inspections.hazards_found(db.session, [first, other])
    assert found[first.id] == [db.session.get(HazardCase, case_id).code] and found[other.id] == []
    event = db.session.query(AuditEvent).filter_by(action="inspection_recorded").order_by(AuditEvent.id).first()
    assert event.changes["scope"] == [None, "配电房、危化品仓库"] and event.details["visit_id"] == first.id


@pytest.mark.parametrize("changes, wrong", [
    ({"visited_on": ""}, "visited_on"),
    ({"visited_on": "2026-02-30"}, "visited_on"),
    ({"visited_on": "2099-01-01"}, "visited_on"),
    ({"inspectors": " "}, "inspectors"),
    ({"scope": ""}, "scope"),
    ({"findings": "x" * 4001}, "findings"),
])
def test_bad_fields_are_named(people, changes, wrong):
    with pytest.raises(ValidationFailed) as caught:
        visit(people.inspector, people.enterprise_a, **changes)
    assert set(caught.value.fields) == {wrong}
    assert db.session.query(InspectionVisit).count() == 0


def test_only_inspectors_and_project_leads_record(people):
    for who in ("project_team", "bureau", "ent_a"):
        with pytest.raises(NotAllowed):
            visit(people[who], people.enterprise_a)
    with UnitOfWork() as uow, pytest.raises(ValidationFailed) as caught:
        inspections.record(uow, people.inspector, 99999, "2026-11-01", "张", "x")
    assert set(caught.value.fields) == {"enterprise_id"}


def test_coverage_and_last_inspected_on_the_priority_list(people):
    people.enterprise_a.major_hazard_sources = "液氨储罐"
    db.session.commit()
    [row] = inspection_priority.priority_list(db.session)
    assert row.last_inspected is None
    today = clock.local_now().date()
    visit(people.inspector, people.enterprise_a, visited_on=(today - timedelta(days=20)).isoformat())
    assert inspection_priority.priority_list(db.session)[0].last_inspected == today - timedelta(days=20)
    assert inspections.coverage(db.session, today - timedelta(days=30), today) == (1, 2)
    assert inspections.coverage(db.session, today - timedelta(days=10), today) == (0, 2)
    register(people, enterprise=people.enterprise_b)  # a hazard registered today is an inspection today
    register(people)
    assert inspection_priority.priority_list(db.session)[0].last_inspected == today
    assert inspections.coverage(db.session, today - timedelta(days=10), today) == (2, 2)
    assert inspections.coverage(db.session, today - timedelta(days=30), today, enterprise_id=people.enterprise_a.id) \
        == (1, 1)
    assert inspections.coverage(db.session, today - timedelta(days=30), today, township="南湖镇") == (0, 0)


# ---- the pages ----------------------------------------------------------------------------------------------
def test_inspector_records_a_visit_through_the_form(people, login):
    inspector = login("inspector")
    form = text(inspector.get("/inspections/new"))
    assert 'value="inspector"' in form and f'value="{clock.local_now().date().isoformat()}"' in form
    bad = inspector.post("/inspections/new", data={"enterprise_id": str(people.enterprise_a.id), "visited_on": "",
                                                   "inspectors": "张", "scope": "留着"})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-visited_on"' in page and "留着" in page
    done = inspector.post("/inspections/new", data={"enterprise_id": str(people.enterprise_a.id),
                                                    "visited_on": "2026-11-20", "inspectors": "张、李",
                                                    "scope": "配电房\n仓库", "findings": ""})
    assert done.status_code == 302
    listing = text(inspector.get("/inspections"))
    assert "已登记对 甲化工有限公司 的排查" in listing and "2026-11-20" in listing and "未发现隐患" in listing
    assert re.search(r"已排查 1 家企业，占企业名录 2 家的 50.0%", listing)
    rows = csv_rows(inspector.get("/inspections/export.csv"))
    assert rows[0][0] == "排查日期" and rows[1][:2] == ["2026-11-20", "甲化工有限公司"] and rows[1][7] == "0"
    assert inspector.get("/inspections/export.xlsx").status_code == 200


def test_enterprise_staff_see_only_their_own_visits_and_record_none(people, login):
    mine = visit(people.inspector, people.enterprise_a, scope="甲厂检查")
    released(visit(people.inspector, people.enterprise_b, scope="乙厂检查"))
    own = login("ent_a")
    assert "甲厂检查" not in text(own.get("/inspections"))  # not before its report passed the review (三级审核)
    released(mine)
    page = text(own.get("/inspections"))
    assert "甲厂检查" in page and "乙厂检查" not in page and "已排查" not in page
    rows = csv_rows(own.get("/inspections/export.csv"))
    assert [r[1] for r in rows[1:]] == ["甲化工有限公司"]
    assert "乙厂检查" not in text(own.get(f"/inspections?enterprise_id={people.enterprise_b.id}"))
    assert own.get("/inspections/new").status_code == 403
    assert own.post("/inspections/new", data={"enterprise_id": str(people.enterprise_a.id)}).status_code == 403
    assert login("bureau").get("/inspections/new").status_code == 403
    assert "乙厂检查" in text(login("bureau").get("/inspections"))


def test_list_filters_and_a_bad_date(people, login):
    visit(people.inspector, people.enterprise_a, visited_on="2026-11-01", scope="十一月一日")
    visit(people.inspector, people.enterprise_b, visited_on="2026-11-20", scope="十一月二十日")
    lead = login("project_lead")
    page = text(lead.get("/inspections?since=2026-11-10"))
    assert "十一月二十日" in page and "十一月一日" not in page
    page = text(lead.get(f"/inspections?township=城关镇&enterprise_id={people.enterprise_a.id}"))
    assert "十一月一日" in page and "十一月二十日" not in page
    bad = lead.get("/inspections?until=2026-13-01")
    assert bad.status_code == 400 and "日期格式应为" in text(bad)
    assert lead.get("/inspections/export.csv?since=bad").status_code == 400  # not a file of everything
    backwards = lead.get("/inspections?since=2026-11-20&until=2026-11-01")
    assert backwards.status_code == 400 and "结束日期不能早于开始日期" in text(backwards)
    assert lead.get("/inspections?enterprise_id=99999999999999999999&page=99999999999999").status_code == 200


def test_the_priority_list_links_to_recording_a_visit_there(people, login):
    people.enterprise_b.major_hazard_sources = "液氯钢瓶"
    db.session.commit()
    link = f'/inspections/new?enterprise_id={people.enterprise_b.id}'
    assert link in text(login("inspector").get("/supervision/priorities"))
    assert link not in text(login("bureau").get("/supervision/priorities"))
    form = text(login("inspector").get(link))
    assert f'<option value="{people.enterprise_b.id}" selected>' in form


def test_anonymous_is_sent_to_log_in(client):
    for path in ("/inspections", "/inspections/new", "/inspections/export.csv"):
        assert client.get(path).status_code == 302
