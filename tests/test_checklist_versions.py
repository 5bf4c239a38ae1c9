"""Standards version management (标准版本管理) in the services: a browser change of a checklist item is a proposal
until the technical lead approves it — then it applies, the list's version rises, the whole list is archived signed
with the lead's name and role, and the inspection team gets the standards-update notice; a rejection needs a reason
and tells the proposer; the proposer may withdraw; one pending change per item (409); who may do what; a change
whose item moved on since is refused; file loads archive versions of their own. (Migration 0032's baseline:
tests/test_migrations.py.)"""
import json
import shutil

import pytest

from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Checklist, ChecklistChange, ChecklistVersion, Notification
from app.services import checklist_changes, checklist_load, checklist_results, checklist_review, checklist_versions
from app.services.uow import UnitOfWork
from tests.checklist_support import CHANGED, approve, approved, item, make_lead, propose, reject
from tests.checklist_support import lead, standard  # noqa: F401 (fixtures)
from tests.concurrency_support import meet_at, needs_two_sessions, one_wins
from tests.test_inspections import visit

NEW_ITEM = {"code": "HG-40", "dimension": "equipment", "content": "储罐液位计和高液位报警完好", "basis": "GB 50160"}


def chemical():
    return db.session.query(Checklist).filter_by(code="chemical").one()


def notices(kind):
    return db.session.query(Notification).filter_by(kind=kind).all()


def on_the_visit(people):
    """{code: content} of what an inspector checks at enterprise A today."""
    row = visit(people.inspector, people.enterprise_a)
    return {r.item.code: r.item.content for r in checklist_results.visit_checklist(db.session, row).rows}


def test_an_edit_waits_for_the_lead_then_applies_is_archived_and_announced(people, lead):
    before = item("HG-02").content
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    assert item("HG-02").content == before and on_the_visit(people)["HG-02"] == before  # nothing yet
    assert chemical().version == 1
    [told] = notices("checklist_change_proposed")
    assert told.user_id == lead.id and "HG-02" in told.title
    proposed = db.session.query(AuditEvent).filter_by(action="checklist_change_proposed").one()
    assert proposed.changes["content"] == [before, CHANGED["content"]] and proposed.subject_type == "checklist"

    assert approve(lead, change_id, "依据地方规定细化") == 2
    assert item("HG-02").content == CHANGED["content"] and on_the_visit(people)["HG-02"] == CHANGED["content"]
    assert chemical().version == 2
    version = db.session.query(ChecklistVersion).filter_by(checklist_id=chemical().id, version=2).one()
    assert (version.source, version.signed_name, version.signed_role, version.approved_by_id, version.note) == \
        ("review", lead.display_name, "technical_lead", lead.id, "依据地方规定细化")
    assert version.change_id == change_id and len(version.items) == 33
    assert next(i for i in version.items if i["code"] == "HG-02")["content"] == CHANGED["content"]
    assert version.changes == [{"code": "HG-02", "kind": "update",
                                "before": {"dimension": "management", "content": before, "basis": version.changes[0][
                                    "before"]["basis"]},
                                "after": {"dimension": "personnel", "content": CHANGED["content"],
                                          "basis": "地方规定"}}]
    old = checklist_versions.get_version(db.session, chemical(), 1)  # the old version stays as it was
    assert next(i for i in old.items if i["code"] == "HG-02")["content"] == before
    change = db.session.get(ChecklistChange, change_id)
    assert (change.status, change.decided_by_id, change.version, change.pending_key) == ("approved", lead.id, 2, None)
    # the standards-update notice: inspectors, project leads and the supervision group, no one else
    announced = notices("checklist_updated")
    assert {n.user_id for n in announced} == {people.inspector.id, people.project_lead.id, people.supervision.id}
    assert "第2版" in announced[0].title and "修改 HG-02" in announced[0].body
    assert [n.user_id for n in notices("checklist_change_approved")] == [people.process_owner.id]
    signed = db.session.query(AuditEvent).filter_by(action="checklist_change_approved").one()
    assert signed.actor_name == "technical_lead" and signed.reason == "依据地方规定细化"
    assert signed.changes["dimension"] == ["management", "personnel"] and signed.details["version"] == 2


def test_adding_deactivating_and_reactivating_each_make_a_version(people, lead):
    assert approved(people.admin, lead, "add", chemical().id, NEW_ITEM) == 2
    added = item("HG-40")
    assert (added.position, added.active, added.source_hash) == (34, True, None)
    assert "HG-40" in on_the_visit(people)
    assert approved(people.process_owner, lead, "active", added.id, False) == 3
    assert "HG-40" not in on_the_visit(people)
    assert approved(people.process_owner, lead, "active", added.id, True) == 4
    kinds = [v.changes[0]["kind"] for v in checklist_versions.versions_of(db.session, chemical())[:3]]
    assert kinds == ["activate", "deactivate", "add"]
    # nothing to propose: the same text, or an item already so
    with UnitOfWork() as uow:
        assert checklist_changes.propose_update(uow, people.admin, added.id, {
            k: NEW_ITEM[k] for k in ("dimension", "content", "basis")}) is None
        assert checklist_changes.propose_active(uow, people.admin, added.id, True) is None


def test_a_rejection_needs_a_reason_and_tells_the_proposer(people, lead):
    change_id = propose(people.process_owner, "active", item("HG-05").id, False)
    with pytest.raises(ValidationFailed) as caught, UnitOfWork() as uow:
        checklist_review.reject(uow, lead, change_id, "  ")
    assert set(caught.value.fields) == {"reason"}
    reject(lead, change_id, "该条款仍然有效")
    change = db.session.get(ChecklistChange, change_id)
    assert (change.status, change.decision_note, change.pending_key, change.version) == \
        ("rejected", "该条款仍然有效", None, None)
    assert item("HG-05").active and chemical().version == 1 and not notices("checklist_updated")
    [told] = notices("checklist_change_rejected")
    assert told.user_id == people.process_owner.id and "该条款仍然有效" in told.body
    event = db.session.query(AuditEvent).filter_by(action="checklist_change_rejected").one()
    assert event.reason == "该条款仍然有效" and event.changes == {"active": [True, False]}
    with pytest.raises(Conflict), UnitOfWork() as uow:  # decided: neither approved nor rejected again
        checklist_review.approve(uow, lead, change_id)
    assert propose(people.process_owner, "active", item("HG-05").id, False)  # and the item is free again


def test_the_proposer_withdraws_their_own_pending_change(people, lead):
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    for other in (people.admin, lead):
        with pytest.raises(NotAllowed), UnitOfWork() as uow:
            checklist_changes.withdraw(uow, other, change_id)
    with UnitOfWork() as uow:
        checklist_changes.withdraw(uow, people.process_owner, change_id)
        uow.commit()
    assert db.session.get(ChecklistChange, change_id).status == "withdrawn"
    assert db.session.query(AuditEvent).filter_by(action="checklist_change_withdrawn").count() == 1
    with pytest.raises(Conflict), UnitOfWork() as uow:
        checklist_review.approve(uow, lead, change_id)
    with pytest.raises(Conflict), UnitOfWork() as uow:
        checklist_changes.withdraw(uow, people.process_owner, change_id)
    assert item("HG-02").content != CHANGED["content"]


def test_a_second_pending_change_of_one_item_is_a_conflict(people, lead):
    first = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    for how, args in (("active", (item("HG-02").id, False)), ("update", (item("HG-02").id, {**CHANGED, "basis": ""}))):
        with pytest.raises(Conflict) as caught, UnitOfWork() as uow:
            getattr(checklist_changes, f"propose_{how}")(uow, people.admin, *args)
        assert "HG-02" in caught.value.message and "process_owner" in caught.value.message
    propose(people.process_owner, "add", chemical().id, NEW_ITEM)
    with pytest.raises(Conflict), UnitOfWork() as uow:  # two new items with one code
        checklist_changes.propose_add(uow, people.admin, chemical().id, {**NEW_ITEM, "content": "另一条"})
    assert db.session.query(ChecklistChange).filter_by(status="pending").count() == 2
    approve(lead, first)
    assert propose(people.admin, "active", item("HG-02").id, False)  # decided: the item takes a new proposal


def test_who_may_propose_review_and_read(people, lead, make_user):
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    for who in (people.inspector, people.project_lead, people.bureau, people.ent_a, lead):
        with pytest.raises(NotAllowed), UnitOfWork() as uow:
            checklist_changes.propose_active(uow, who, item("HG-03").id, False)
    for who in (people.process_owner, people.admin, people.bureau, people.inspector):
        with pytest.raises(NotAllowed), UnitOfWork() as uow:
            checklist_review.approve(uow, who, change_id)
        with pytest.raises(NotAllowed), UnitOfWork() as uow:
            checklist_review.reject(uow, who, change_id, "不同意")
    with pytest.raises(NotAllowed):
        checklist_changes.listing(db.session, people.inspector)
    assert [c.id for c in checklist_changes.listing(db.session, lead)] == [change_id]
    # a user holding both roles does not approve their own proposal: the review is a second person's
    both = make_user("both", "process_owner", "technical_lead")
    own = propose(both, "active", item("HG-03").id, False)
    with pytest.raises(NotAllowed), UnitOfWork() as uow:
        checklist_review.approve(uow, both, own)
    assert approve(lead, own) == 2
    with pytest.raises(NotFound), UnitOfWork() as uow:
        checklist_review.approve(uow, lead, 99999)
    # the versions: every staff role reads them, enterprise staff do not
    for who in (people.inspector, people.expert, people.quality, lead):
        assert checklist_versions.get_checklist(db.session, who, "chemical").version == 2
    with pytest.raises(NotAllowed):
        checklist_versions.get_checklist(db.session, people.ent_a, "chemical")


def test_a_change_whose_item_changed_since_the_proposal_is_refused(people, lead, tmp_path):
    change_id = propose(people.process_owner, "update", item("HG-01").id, CHANGED)
    path = tmp_path / "chemical.json"
    shutil.copy(checklist_load.STANDARD_DIR / "chemical.json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["items"][0]["content"] = "许可证在有效期内（2027 修订）"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with UnitOfWork() as uow:
        assert checklist_load.load(uow, None, checklist_load.read_files([path]))["versions"] == {"chemical": 2}
        uow.commit()
    assert checklist_changes.is_stale(db.session.get(ChecklistChange, change_id))
    with pytest.raises(Conflict) as caught, UnitOfWork() as uow:
        checklist_review.approve(uow, lead, change_id)
    assert "HG-01" in caught.value.message
    assert item("HG-01").content == "许可证在有效期内（2027 修订）" and chemical().version == 2
    reject(lead, change_id, "标准文件已修订，请按新文本重新提议")
    # a proposed code taken meanwhile is refused too
    add_id = propose(people.process_owner, "add", chemical().id, NEW_ITEM)
    data["items"].append({**NEW_ITEM, "content": "文件中的同编号检查项"})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with UnitOfWork() as uow:
        checklist_load.load(uow, None, checklist_load.read_files([path]))
        uow.commit()
    with pytest.raises(Conflict), UnitOfWork() as uow:
        checklist_review.approve(uow, lead, add_id)


def test_a_load_is_archived_as_approved_by_the_file_load_and_announced(app, people, tmp_path):
    path = tmp_path / "general.json"
    shutil.copy(checklist_load.STANDARD_DIR / "general.json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["items"][0]["basis"] = "《安全生产法》（2021 修正）第二十一条"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["checklists", "load", str(path)])
    assert result.exit_code == 0 and "approved by the file load" in result.output and "general v2" in result.output
    general = db.session.query(Checklist).filter_by(code="general").one()
    version = checklist_versions.get_version(db.session, general, 2)
    assert (version.source, version.signed_role, version.signed_name.startswith("cli:")) == ("file", "file_load", True)
    assert version.changes == [{"code": "TY-01", "kind": "update", "before": {"basis": version.changes[0]["before"][
        "basis"]}, "after": {"basis": "《安全生产法》（2021 修正）第二十一条"}}]
    assert len(notices("checklist_updated")) == 3  # inspector, project lead, supervision
    again = app.test_cli_runner().invoke(args=["checklists", "load", str(path)])
    assert "no list changed" in again.output and general.version == 2


def test_two_proposals_of_one_item_at_the_same_moment_one_wins(app, people, monkeypatch):
    needs_two_sessions()
    meet_at(monkeypatch, checklist_changes, "_check_nothing_pending")
    item_id = item("HG-02").id
    message = one_wins(app, ("process_owner", "admin"),
                       lambda uow, user: checklist_changes.propose_active(uow, user, item_id, False))
    assert "HG-02" in message
    assert db.session.query(ChecklistChange).filter_by(status="pending").count() == 1


def test_two_leads_approving_one_change_at_once_one_wins(app, people, make_user, monkeypatch):
    needs_two_sessions()
    make_lead(make_user, "lead_a"), make_lead(make_user, "lead_b")
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    meet_at(monkeypatch, checklist_review, "locked", before=True)
    one_wins(app, ("lead_a", "lead_b"), lambda uow, user: checklist_review.approve(uow, user, change_id))
    assert chemical().version == 2 and db.session.query(ChecklistVersion).filter_by(version=2).count() == 1
