"""A visit's checklist (逐项核对): the items for its enterprise (general + its industry's) on the visit's page, whole or
partial results recorded by the inspection team (validated beside each item, audited before → after), read by
everyone who sees the visit, and a hazard registered from a nonconforming item linked back to it."""
import pytest

from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, ChecklistItem, ChecklistResult, HazardCase
from app.services import checklist_results
from app.services.uow import UnitOfWork
from tests.checklist_support import approved, make_lead
from tests.test_checklists import item, load_standard
from tests.test_inspections import visit
from tests.visit_review_support import released
from tests.test_web_support import field_html, registration, text, upload


@pytest.fixture(autouse=True)
def standard(app):
    load_standard()


def record(actor, visit_row, *entries):
    with UnitOfWork() as uow:
        changes = checklist_results.record(uow, actor, visit_row.id, [
            {"item_id": item(code).id if isinstance(code, str) else code, "result": result, "note": note}
            for code, result, note in entries])[1]
        uow.commit()
    return changes


def result_of(visit_row, code):
    return db.session.query(ChecklistResult).filter_by(visit_id=visit_row.id, item_id=item(code).id).one_or_none()


def test_partial_results_are_recorded_and_audited_before_and_after(people):
    row = visit(people.inspector, people.enterprise_a)  # 化工: the general list and the chemical one
    sheet = checklist_results.visit_checklist(db.session, row)
    assert [s.checklist.code for s in sheet.sections] == ["general", "chemical"]
    assert (sheet.total, sheet.checked, sheet.nonconform) == (70, 0, 0)
    assert [d for d, _ in sheet.sections[0].groups] == ["management", "personnel", "equipment", "environment",
                                                         "emergency"]
    record(people.inspector, row, ("TY-01", "conform", ""), ("HG-24", "nonconform", "甲类仓库超量储存"),
           ("HG-19", "not_applicable", ""), ("TY-02", "", ""))  # TY-02 left open
    sheet = checklist_results.visit_checklist(db.session, row)
    assert (sheet.checked, sheet.nonconform) == (3, 1) and result_of(row, "TY-02") is None
    changes = record(people.project_lead, row, ("TY-01", "nonconform", "责任制未公示"), ("HG-19", "not_applicable", ""))
    assert changes == {"TY-01": ["conform", "nonconform: 责任制未公示"]}  # HG-19 unchanged: not in the record
    events = db.session.query(AuditEvent).filter_by(action="checklist_recorded").order_by(AuditEvent.id).all()
    assert len(events) == 2 and events[0].changes["HG-24"] == [None, "nonconform: 甲类仓库超量储存"]
    assert events[1].details == {"visit_id": row.id, "enterprise_id": people.enterprise_a.id, "name": "甲化工有限公司"}
    assert record(people.inspector, row, ("TY-01", "nonconform", "责任制未公示")) == {}  # nothing changed: no row
    assert db.session.query(AuditEvent).filter_by(action="checklist_recorded").count() == 2


def test_wrong_entries_are_named_and_nothing_is_stored(people):
    row = visit(people.inspector, people.enterprise_b)  # 机械: the general list only
    with pytest.raises(ValidationFailed) as caught:
        record(people.inspector, row, ("TY-01", "conform", ""), ("TY-02", "nonconform", " "),
               ("TY-03", "maybe", ""), ("TY-04", "", "写了说明却没选结果"), ("HG-01", "conform", ""),
               (99999, "conform", ""), ("TY-05", "conform", "x" * 2001))
    ids = {code: item(code).id for code in ("TY-02", "TY-03", "TY-04", "HG-01", "TY-05")}
    assert set(caught.value.fields) == {f"results.{ids['TY-02']}.note", f"results.{ids['TY-03']}.result",
                                        f"results.{ids['TY-04']}.result", f"results.{ids['HG-01']}.result",
                                        "results.99999.result", f"results.{ids['TY-05']}.note"}
    assert db.session.query(ChecklistResult).count() == 0
    with pytest.raises(ValidationFailed) as caught:
        record(people.inspector, row, ("TY-01", "conform", ""), ("TY-01", "conform", ""))
    assert list(caught.value.fields) == [f"results.{item('TY-01').id}.result"]


def test_the_same_item_saved_by_two_at_once_is_a_conflict_not_an_error(people, monkeypatch):
    row = visit(people.inspector, people.enterprise_a)
    record(people.inspector, row, ("TY-01", "conform", ""))
    real = checklist_results.items_of_visit
    # the second save read the visit before the first one's row was there
    monkeypatch.setattr(checklist_results, "items_of_visit", lambda session, v: (real(session, v)[0], {}))
    with pytest.raises(Conflict):
        record(people.project_lead, row, ("TY-01", "nonconform", "未公示"))
    assert result_of(row, "TY-01").result == "conform"


def test_only_the_inspection_team_records_and_other_enterprises_see_nothing(people):
    row = visit(people.inspector, people.enterprise_a)
    for who in ("bureau", "project_team", "process_owner"):
        with pytest.raises(NotAllowed):
            record(people[who], row, ("TY-01", "conform", ""))
    for who in ("ent_b", "ent_a"):  # the visited enterprise too, until the report passed its review (三级审核)
        with pytest.raises(NotFound):
            record(people[who], row, ("TY-01", "conform", ""))
    released(row)
    with pytest.raises(NotAllowed):
        record(people.ent_a, row, ("TY-01", "conform", ""))


def test_a_deactivated_item_stays_with_the_visits_that_checked_it(people, make_user):
    row = visit(people.inspector, people.enterprise_a)
    record(people.inspector, row, ("TY-01", "nonconform", "未公示"))
    approved(people.admin, make_lead(make_user), "active", item("TY-01").id, False)
    codes = [r.item.code for r in checklist_results.visit_checklist(db.session, row).rows]
    assert "TY-01" in codes
    later = visit(people.inspector, people.enterprise_a, scope="复查")
    assert "TY-01" not in [r.item.code for r in checklist_results.visit_checklist(db.session, later).rows]
    with pytest.raises(ValidationFailed):
        record(people.inspector, later, ("TY-01", "conform", ""))


# ---- the visit's page ---------------------------------------------------------------------------------------------
def test_inspector_records_the_checklist_on_the_visit_page(people, login):
    row = visit(people.inspector, people.enterprise_a)
    inspector = login("inspector")
    page = text(inspector.get(f"/inspections/{row.id}"))
    assert 'id="checklist"' in page and "已检查 0 / 70 项，不符合 0 项" in page
    assert f'action="/inspections/{row.id}/checks"' in page and "HG-24" in page and "设备设施" in page
    ty01, ty02, hg24 = item("TY-01").id, item("TY-02").id, item("HG-24").id
    bad = inspector.post(f"/inspections/{row.id}/checks", data={
        f"results.{ty01}.result": "conform", f"results.{ty02}.note": "留着的说明",
        f"results.{hg24}.result": "nonconform", f"results.{hg24}.note": ""})
    page = text(bad)
    assert bad.status_code == 400 and f'id="err-results.{hg24}.note"' in page
    assert f'id="err-results.{ty02}.result"' in page and "留着的说明" in page
    assert f'name="results.{ty01}.result" value="conform" checked' in page  # nothing lost
    assert db.session.query(ChecklistResult).count() == 0
    done = inspector.post(f"/inspections/{row.id}/checks", data={
        f"results.{ty01}.result": "conform", f"results.{hg24}.result": "nonconform",
        f"results.{hg24}.note": "甲类仓库超量储存"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/inspections/{row.id}#checklist")
    page = text(inspector.get(f"/inspections/{row.id}"))
    assert "已保存 2 项检查结果" in page and "已检查 2 / 70 项，不符合 1 项" in page
    assert f"/hazards/new?visit={row.id}&amp;checklist_item={hg24}" in page
    unknown = inspector.post(f"/inspections/{row.id}/checks", data={"results.99999.result": "conform"})
    assert unknown.status_code == 400 and "results.99999.result" in text(unknown)


def test_who_sees_and_who_records_the_checklist(people, login, client):
    row = visit(people.inspector, people.enterprise_a)
    record(people.inspector, row, ("HG-24", "nonconform", "甲类仓库超量储存"))
    lead = text(login("project_lead").get(f"/inspections/{row.id}"))
    assert f'action="/inspections/{row.id}/checks"' in lead and "checklist_item=" not in lead  # records, registers none
    data = {f"results.{item('TY-01').id}.result": "conform"}
    assert login("ent_a").get(f"/inspections/{row.id}").status_code == 404  # until the report passed its review
    released(row)  # then its checklist is frozen (三级审核): nobody's page has the form
    for username in ("bureau", "ent_a", "manager", "project_lead"):
        page = text(login(username).get(f"/inspections/{row.id}"))
        form = f'action="/inspections/{row.id}/checks"'
        assert "甲类仓库超量储存" in page and "不符合" in page and form not in page, username
        assert "checklist_item=" not in page
    assert login("ent_a").post(f"/inspections/{row.id}/checks", data=data).status_code == 403
    assert login("bureau").post(f"/inspections/{row.id}/checks", data=data).status_code == 403
    assert login("ent_b").get(f"/inspections/{row.id}").status_code == 404
    assert login("ent_b").post(f"/inspections/{row.id}/checks", data=data).status_code == 404
    assert login("inspector").post("/inspections/99999/checks", data=data).status_code == 404
    assert client.post(f"/inspections/{row.id}/checks", data=data).status_code == 302  # to the login page
    assert result_of(row, "TY-01") is None


# ---- a hazard registered from a nonconforming item -----------------------------------------------------------------
def test_a_hazard_registered_from_a_nonconforming_item_is_linked_to_it(people, login):
    row = visit(people.inspector, people.enterprise_a)
    record(people.inspector, row, ("HG-24", "nonconform", "甲类仓库超量储存"), ("TY-01", "conform", ""))
    inspector = login("inspector")
    hg24 = item("HG-24")
    form = text(inspector.get(f"/hazards/new?visit={row.id}&checklist_item={hg24.id}"))
    assert f'name="checklist_item_id" value="{hg24.id}"' in form and "甲类仓库超量储存" in form
    assert f"{hg24.content}\n甲类仓库超量储存" in field_html(form, "description")
    assert inspector.get(f"/hazards/new?visit={row.id}&checklist_item={item('TY-01').id}").status_code == 409
    assert inspector.get(f"/hazards/new?checklist_item={hg24.id}").status_code == 404  # no visit named
    photo = upload(inspector)
    done = inspector.post("/hazards/new", data=registration(
        people.enterprise_a, photo, inspection_visit_id=str(row.id), checklist_item_id=str(hg24.id),
        description=hg24.content, found_at="2026-11-23T08:30"))
    assert done.status_code == 302
    case = db.session.query(HazardCase).one()
    assert result_of(row, "HG-24").case_id == case.id and case.inspection_visit_id == row.id
    page = text(inspector.get(f"/inspections/{row.id}"))
    assert f'href="/cases/{case.id}">{case.code}</a>' in page and "checklist_item=" not in page
    event = db.session.query(AuditEvent).filter_by(case_id=case.id, action="hazard_registered").one()
    assert event.changes["checklist_item"] == [None, f"HG-24 {hg24.content}"]
    assert inspector.get(f"/hazards/new?visit={row.id}&checklist_item={hg24.id}").status_code == 409  # once
    again = inspector.post("/hazards/new", data=registration(
        people.enterprise_a, upload(inspector), inspection_visit_id=str(row.id), checklist_item_id=str(hg24.id)))
    assert again.status_code == 409 and db.session.query(HazardCase).count() == 1
    with pytest.raises(ValidationFailed) as caught:  # the result stays nonconform while a case comes from it
        record(people.inspector, row, ("HG-24", "conform", ""))
    assert case.code in next(iter(caught.value.fields.values()))
    record(people.inspector, row, ("HG-24", "nonconform", "甲类仓库超量储存，已立案"))  # the note may change


def test_the_service_refuses_an_item_without_its_visit_or_not_nonconforming(people):
    from app.services import hazards
    from tests.test_lifecycle_service import photo
    row = visit(people.inspector, people.enterprise_a)
    record(people.inspector, row, ("TY-01", "conform", ""))
    base = {"enterprise_id": people.enterprise_a.id, "score": 90, "legal_major": False, "hazard_type": "electrical",
            "place": "配电房", "description": "线路老化"}
    for extra in ({"checklist_item_id": item("TY-01").id},
                  {"checklist_item_id": item("TY-01").id, "inspection_visit_id": row.id},
                  {"checklist_item_id": "abc", "inspection_visit_id": row.id}):
        with pytest.raises(ValidationFailed) as caught, UnitOfWork() as uow:
            hazards.register_hazard(uow, people.inspector, {**base, "photos": [photo(people.inspector)], **extra})
        assert set(caught.value.fields) == {"checklist_item_id"}
    assert db.session.query(HazardCase).count() == 0


def test_the_items_of_a_visit_follow_its_enterprise_industry(people):
    people.enterprise_b.industry = "建筑施工"
    db.session.commit()
    row = visit(people.inspector, people.enterprise_b)
    codes = {r.item.code[:2] for r in checklist_results.visit_checklist(db.session, row).rows}
    assert codes == {"TY", "JZ"}
    assert db.session.query(ChecklistItem).filter(ChecklistItem.code.like("JZ-%")).count() >= 30
