"""Hazards registered from an inspection visit (排查记录 → 隐患): the case names its visit, the visit's page lists its
hazards and registers the next one, and what does not fit (another enterprise's visit, another day) is refused."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HazardCase, InspectionVisit
from app.services import hazards, inspections
from app.services.uow import UnitOfWork
from tests.test_inspections import visit
from tests.visit_review_support import released
from tests.test_lifecycle_service import photo, register
from tests.test_web_support import field_html, registration, text, upload


def register_from(people, visit_row, enterprise=None, **changes):
    with UnitOfWork() as uow:
        case = hazards.register_hazard(uow, people.inspector, {
            "enterprise_id": (enterprise or people.enterprise_a).id, "score": 90, "legal_major": False,
            "hazard_type": "electrical", "place": "配电房", "description": "线路老化",
            "photos": [photo(people.inspector)], "inspection_visit_id": visit_row.id, **changes})
        uow.commit()
        return case.id


def test_a_case_names_its_visit_and_the_visit_lists_it(people):
    first = visit(people.inspector, people.enterprise_a, inspectors="张排查")
    second = visit(people.project_lead, people.enterprise_a, inspectors="李排查")  # another team, the same day
    linked = register_from(people, second)
    unnamed = register(people)  # registered without a visit: counted for each visit there that day, as before
    code = {case_id: db.session.get(HazardCase, case_id).code for case_id in (linked, unnamed)}
    assert db.session.get(HazardCase, linked).inspection_visit_id == second.id
    found = inspections.hazards_found(db.session, [first, second])
    assert found == {first.id: [code[unnamed]], second.id: sorted([code[linked], code[unnamed]])}
    assert [c.id for c in inspections.hazards_of_visit(db.session, second)] == sorted([linked, unnamed])
    event = db.session.query(AuditEvent).filter_by(case_id=linked, action="hazard_registered").one()
    assert event.changes["inspection_visit"] == [None, f"{second.visited_on.isoformat()} 李排查"]
    assert event.details["inspection_visit_id"] == second.id


def test_a_hazard_registered_days_after_its_visit_stays_with_it(people):
    earlier = (clock.local_now() - timedelta(days=3)).date()
    row = visit(people.inspector, people.enterprise_a, visited_on=earlier.isoformat())
    case_id = register_from(people, row, found_at=f"{earlier.isoformat()}T10:30")
    assert inspections.hazards_found(db.session, [row])[row.id] == [db.session.get(HazardCase, case_id).code]


@pytest.mark.parametrize("wrong, field", [
    ({"inspection_visit_id": 99999}, "inspection_visit_id"),
    ({"inspection_visit_id": "abc"}, "inspection_visit_id"),
    ({"inspection_visit_id": True}, "inspection_visit_id"),
    ({"inspection_visit_id": 2 ** 40}, "inspection_visit_id"),
    ({"enterprise": "b"}, "inspection_visit_id"),  # the visit was at enterprise A
    ({"found_at": "2026-11-20T09:00"}, "found_at"),  # the visit is today (2026-11-23)
])
def test_a_visit_that_does_not_fit_is_refused_and_nothing_is_stored(people, wrong, field):
    row = visit(people.inspector, people.enterprise_a)
    wrong = dict(wrong)
    enterprise = people.enterprise_b if wrong.pop("enterprise", None) else None
    with pytest.raises(ValidationFailed) as caught:
        register_from(people, row, enterprise=enterprise, **wrong)
    assert set(caught.value.fields) == {field}
    assert db.session.query(HazardCase).count() == 0


# ---- the pages ----------------------------------------------------------------------------------------------
def test_inspector_registers_from_the_visit_page(people, login):
    earlier = (clock.local_now() - timedelta(days=2)).date().isoformat()
    row = visit(people.inspector, people.enterprise_b, visited_on=earlier, scope="乙厂仓库")
    inspector = login("inspector")
    page = text(inspector.get(f"/inspections/{row.id}"))
    assert "乙厂仓库" in page and "未发现隐患" in page and f"/hazards/new?visit={row.id}" in page
    form = text(inspector.get(f"/hazards/new?visit={row.id}"))
    assert f'<option value="{people.enterprise_b.id}" selected>' in form
    assert f'name="inspection_visit_id" value="{row.id}"' in form and f'value="{earlier}T09:00"' in field_html(
        form, "found_at")
    photo_id = upload(inspector)
    bad = inspector.post("/hazards/new", data=registration(
        people.enterprise_b, photo_id, inspection_visit_id=str(row.id), found_at="2026-11-23T08:30"))
    assert bad.status_code == 400 and "发现时间应在排查当天" in field_html(text(bad), "found_at")
    assert f'name="inspection_visit_id" value="{row.id}"' in text(bad)  # the visit is kept on the form
    done = inspector.post("/hazards/new", data=registration(
        people.enterprise_b, photo_id, inspection_visit_id=str(row.id), found_at=f"{earlier}T15:00"))
    assert done.status_code == 302
    case = db.session.query(HazardCase).one()
    assert case.inspection_visit_id == row.id
    assert f"/inspections/{row.id}" in text(inspector.get(f"/cases/{case.id}"))
    assert case.code in text(inspector.get(f"/inspections/{row.id}"))
    assert case.code in text(inspector.get("/inspections"))


def test_recording_a_visit_leads_to_its_page(people, login):
    inspector = login("inspector")
    done = inspector.post("/inspections/new", data={"enterprise_id": str(people.enterprise_a.id),
                                                    "visited_on": "2026-11-23", "inspectors": "张",
                                                    "scope": "配电房", "findings": ""})
    row = db.session.query(InspectionVisit).one()
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/inspections/{row.id}")


def test_who_sees_a_visit_page_and_who_registers_from_it(people, login, client):
    row = visit(people.inspector, people.enterprise_a, scope="甲厂检查")
    assert login("ent_a").get(f"/inspections/{row.id}").status_code == 404  # until its report passed the review
    released(row)
    assert "甲厂检查" in text(login("ent_a").get(f"/inspections/{row.id}"))
    assert "/hazards/new?visit=" not in text(login("ent_a").get(f"/inspections/{row.id}"))
    assert "甲厂检查" in text(login("bureau").get(f"/inspections/{row.id}"))
    assert login("ent_b").get(f"/inspections/{row.id}").status_code == 404  # another enterprise's: not there
    assert login("inspector").get("/inspections/99999").status_code == 404
    assert login("inspector").get("/hazards/new?visit=99999").status_code == 404
    assert login("inspector").get("/hazards/new?visit=abc").status_code == 404
    assert login("project_lead").get(f"/hazards/new?visit={row.id}").status_code == 403
    assert client.get(f"/inspections/{row.id}").status_code == 302


# ---- the API ------------------------------------------------------------------------------------------------
def test_the_api_registers_from_a_visit(api, people):
    from test_api_support import registration as api_registration
    row = visit(people.inspector, people.enterprise_a)
    inspector = api("inspector")
    created = inspector.post("/api/v1/hazards", json=dict(api_registration(inspector, people.enterprise_a.id),
                                                          inspection_visit_id=row.id))
    assert created.status_code == 201 and created.get_json()["inspection_visit_id"] == row.id
    other = inspector.post("/api/v1/hazards", json=dict(api_registration(inspector, people.enterprise_b.id),
                                                        inspection_visit_id=row.id))
    assert other.status_code == 400 and set(other.get_json()["fields"]) == {"inspection_visit_id"}
    plain = inspector.post("/api/v1/hazards", json=api_registration(inspector, people.enterprise_a.id))
    assert plain.get_json()["inspection_visit_id"] is None
    schema = inspector.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["HazardRegistration"]
    assert "inspection_visit_id" in schema["properties"]
