"""Standard inspection checklists (标准化检查表): the shipped lists (a general one and ≥ 30 items for each key
industry), loading them idempotently by code (CLI and service: new items added, changed ones updated, dropped ones
deactivated, approved browser edits kept, each load that changes a list archived as its next version), which lists
apply to an enterprise, and their upkeep in the browser (proposals until the technical lead approves them: the
review itself is in tests/test_checklist_versions*.py)."""
import json
import shutil

import pytest

from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import DIMENSIONS, AuditEvent, Checklist, ChecklistChange, ChecklistItem, ChecklistResult, \
    ChecklistVersion
from app.services import checklist_changes, checklist_load, checklists
from app.services.uow import UnitOfWork
from tests.checklist_support import approve, approved, make_lead
from tests.test_web_support import text

KEY_INDUSTRIES = ("化工", "冶金", "建筑施工", "交通运输")


def load_standard():
    with UnitOfWork() as uow:
        counts = checklist_load.load_standard(uow, None)
        uow.commit()
    return counts


@pytest.fixture
def standard():
    load_standard()


def item(code):
    return db.session.query(ChecklistItem).filter_by(code=code).one()


def test_the_shipped_lists_cover_the_key_industries_with_30_items_each():
    specs = checklist_load.read_files(checklist_load.standard_files())
    general = [s for s in specs if s["applies_to_all"]]
    assert len(general) == 1 and len(general[0]["items"]) >= 30
    for industry in KEY_INDUSTRIES:
        [spec] = [s for s in specs if industry in s["industries"]]
        assert len(spec["items"]) >= 30, industry
        assert len({i["dimension"] for i in spec["items"]}) >= 4, industry  # management, equipment, environment...
        assert all(i["content"] and i["basis"] for i in spec["items"]), industry
    assert "危险化学品" in next(s for s in specs if s["code"] == "chemical")["industries"]  # the demo's chemical plant


def test_loading_twice_changes_nothing_and_is_audited_once(app):
    counts = load_standard()
    assert counts["lists_added"] == 5 and counts["added"] == db.session.query(ChecklistItem).count() >= 150
    assert counts["versions"] == dict.fromkeys(("general", "chemical", "metallurgy", "construction", "transport"), 1)
    assert load_standard() == {**dict.fromkeys(counts, 0), "versions": {}}
    assert db.session.query(ChecklistVersion).count() == 5  # the second load archived nothing
    [event] = db.session.query(AuditEvent).filter_by(action="checklists_loaded").all()
    assert event.details["added"] == counts["added"] and {"TY-01", "HG-01", "JT-32"} <= set(event.details["added_items"])


def test_a_changed_file_updates_adds_and_deactivates_but_keeps_browser_edits(standard, people, make_user, tmp_path):
    lead = make_lead(make_user)
    # a process owner's edit and deactivation in the browser, approved by the technical lead: versions 2 and 3
    approved(people.process_owner, lead, "update", item("HG-02").id,
             {"dimension": "personnel", "content": "本地细化：主要负责人考核", "basis": "地方规定"})
    assert approved(people.process_owner, lead, "active", item("HG-03").id, False) == 3
    path = tmp_path / "chemical.json"
    shutil.copy(checklist_load.STANDARD_DIR / "chemical.json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["items"][0]["content"] = "许可证在有效期内（修订）"  # HG-01 changed
    data["items"] = [i for i in data["items"] if i["code"] != "HG-33"]  # dropped
    data["items"].insert(1, {"code": "HG-99", "dimension": "environment", "content": "新增检查项", "basis": "GB 50016"})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with UnitOfWork() as uow:
        counts = checklist_load.load(uow, None, checklist_load.read_files([path]))
        uow.commit()
    assert (counts["added"], counts["updated"], counts["deactivated"]) == (1, 1, 1)
    assert item("HG-01").content == "许可证在有效期内（修订）" and item("HG-99").active
    assert not item("HG-33").active  # dropped from its file: deactivated, not deleted
    assert item("HG-02").content == "本地细化：主要负责人考核" and not item("HG-03").active  # the browser's stay
    assert (item("HG-99").position, item("HG-02").position) == (2, 3)  # the file's order
    assert item("TY-01").active  # another file's items are not touched
    event = db.session.query(AuditEvent).filter_by(action="checklists_loaded").order_by(AuditEvent.id.desc()).first()
    assert set(event.changes) == {"HG-01", "HG-33"} and event.details["added_items"] == ["HG-99"]
    # the load took effect at once, archived as version 4, approved by the file load
    assert counts["versions"] == {"chemical": 4}
    version = db.session.query(ChecklistVersion).filter_by(version=4).one()
    assert (version.source, version.signed_role, version.approved_by_id) == ("file", "file_load", None)
    kinds = {(c["code"], c["kind"]) for c in version.changes}
    assert {("HG-01", "update"), ("HG-33", "deactivate"), ("HG-99", "add")} <= kinds


def test_cli_loads_and_refuses_bad_files(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["checklists", "load"])
    assert result.exit_code == 0 and "5 lists added" in result.output
    assert "0 items added" in runner.invoke(args=["checklists", "load"]).output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"code": "mining", "name": "矿山", "industries": ["矿山"], "items": [
        {"code": "KS-01", "dimension": "weather", "content": "x"}, {"code": "ks 2", "dimension": "management",
                                                                    "content": ""}]}), encoding="utf-8")
    result = runner.invoke(args=["checklists", "load", str(bad)])
    assert result.exit_code == 1 and "nothing was loaded" in result.output
    assert "bad.json: item 1 (KS-01) dimension" in result.output and "item 2" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["checklists", "load", str(broken)])
    assert result.exit_code == 2 and "broken.json" in result.output
    assert runner.invoke(args=["checklists", "load", str(tmp_path / "missing.json")]).exit_code == 2
    assert db.session.query(Checklist).filter_by(code="mining").count() == 0


def test_a_code_used_twice_across_files_is_refused(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.json").write_text(json.dumps({
            "code": name, "name": name, "industries": [name],
            "items": [{"code": "XX-01", "dimension": "management", "content": "同一编号", "basis": ""}]}),
            encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        checklist_load.read_files(sorted(tmp_path.glob("*.json")))
    assert "b: XX-01" in caught.value.fields


def test_the_lists_for_an_enterprise_follow_its_industry(standard, people):
    codes = {c.code for c in checklists.checklists_for(db.session, people.enterprise_a.industry)}  # 化工
    assert codes == {"general", "chemical"}
    assert {c.code for c in checklists.checklists_for(db.session, " 机械 ")} == {"general"}
    assert {c.code for c in checklists.checklists_for(db.session, "建筑施工")} == {"general", "construction"}
    items = checklists.items_for(db.session, checklists.checklists_for(db.session, "交通运输"))
    assert items[0].code == "TY-01" and items[-1].code.startswith("JT-")


# ---- upkeep in the browser ------------------------------------------------------------------------------------
def test_process_owners_propose_adds_edits_and_deactivations_which_wait_for_the_lead(standard, people, login,
                                                                                    make_user):
    lead = make_lead(make_user)
    owner = login("process_owner")
    chemical = db.session.query(Checklist).filter_by(code="chemical").one()
    page = text(owner.get("/inspections/checklists?list=chemical"))
    assert "HG-01" in page and "TY-01" not in page and "现行版本：第 1 版" in page
    assert "/inspections/checklists" in text(owner.get("/inspections"))
    bad = owner.post("/inspections/checklists/new", data={"checklist_id": str(chemical.id), "code": "HG-01",
                                                           "dimension": "nowhere", "content": "留着", "basis": ""})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-code"' in page and 'id="err-dimension"' in page and "留着" in page
    done = owner.post("/inspections/checklists/new", data={"checklist_id": str(chemical.id), "code": "hg-40",
                                                            "dimension": "equipment", "content": "储罐液位计完好",
                                                            "basis": "GB 50160"})
    assert done.status_code == 302
    assert db.session.query(ChecklistItem).filter_by(code="HG-40").count() == 0  # nothing before the approval
    page = text(owner.get("/inspections/checklists?list=chemical"))
    assert "待审核：新增检查项" in page and "储罐液位计完好" in page
    change = db.session.query(ChecklistChange).filter_by(item_code="HG-40").one()
    assert (change.kind, change.status, change.proposed_by_id) == ("add", "pending", people.process_owner.id)
    approve(lead, change.id)
    added = item("HG-40")
    assert added.checklist_id == chemical.id and added.position == 34 and added.source_hash is None
    assert owner.post(f"/inspections/checklists/items/{added.id}", data={
        "dimension": "environment", "content": " ", "basis": ""}).status_code == 400
    edited = owner.post(f"/inspections/checklists/items/{added.id}", data={
        "dimension": "environment", "content": "储罐液位计和高液位报警完好", "basis": "GB 50160"})
    assert edited.status_code == 302 and item("HG-40").dimension == "equipment"  # still the approved text
    approve(lead, db.session.query(ChecklistChange).filter_by(item_code="HG-40", status="pending").one().id)
    assert item("HG-40").dimension == "environment"
    assert owner.post(f"/inspections/checklists/items/{added.id}/active", data={"active": "0"}).status_code == 302
    assert item("HG-40").active and "待审核：停用检查项" in text(owner.get("/inspections/checklists?list=chemical"))
    approve(lead, db.session.query(ChecklistChange).filter_by(item_code="HG-40", status="pending").one().id)
    assert not item("HG-40").active and "已停用" in text(owner.get("/inspections/checklists?list=chemical"))
    assert chemical.version == 4 and db.session.query(ChecklistVersion).filter_by(checklist_id=chemical.id).count() == 4
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)
               if e.action.startswith("checklist_change")]
    assert actions == ["checklist_change_proposed", "checklist_change_approved"] * 3
    update = db.session.query(AuditEvent).filter_by(action="checklist_change_approved").order_by(AuditEvent.id).all()[1]
    assert update.changes["content"] == ["储罐液位计完好", "储罐液位计和高液位报警完好"]
    assert owner.get("/inspections/checklists/items/99999").status_code == 404
    assert owner.post("/inspections/checklists/items/99999/active", data={"active": "0"}).status_code == 404
    assert login("admin").get("/inspections/checklists").status_code == 200


@pytest.mark.parametrize("username", ["inspector", "project_lead", "manager", "bureau", "ent_a", "technical_lead"])
def test_others_may_not_maintain_checklists(standard, people, login, make_user, username):
    users = {**people, "technical_lead": make_lead(make_user)}
    user = login(username)
    item_id = item("TY-01").id
    for method, url in (("get", "/inspections/checklists"), ("get", "/inspections/checklists/new"),
                        ("post", "/inspections/checklists/new"), ("get", f"/inspections/checklists/items/{item_id}"),
                        ("post", f"/inspections/checklists/items/{item_id}"),
                        ("post", f"/inspections/checklists/items/{item_id}/active")):
        assert getattr(user, method)(url).status_code == 403, (method, url)
    assert "/inspections/checklists\"" not in text(user.get("/inspections"))
    assert item("TY-01").active and db.session.query(ChecklistChange).count() == 0
    with pytest.raises(NotAllowed), UnitOfWork() as uow:
        checklist_changes.propose_active(uow, users[username], item_id, False)


def test_anonymous_is_sent_to_log_in(client):
    for path in ("/inspections/checklists", "/inspections/checklist-stats"):
        assert client.get(path).status_code == 302


def test_every_dimension_has_a_chinese_and_an_english_name():
    assert all(len(names) == 2 and all(names) for names in DIMENSIONS.values())


def test_the_demo_has_the_standard_lists_and_checklist_results(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert db.session.query(Checklist).count() == 5
    results = db.session.query(ChecklistResult).all()
    assert {r.result for r in results} == {"conform", "nonconform", "not_applicable"}
    linked = [r for r in results if r.case_id]
    assert len(linked) >= 3 and all(r.result == "nonconform" and r.case.inspection_visit_id == r.visit_id
                                    for r in linked)
