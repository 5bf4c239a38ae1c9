"""The typical problem case library (典型问题案例库) through the service: an entry drafted from a case (its description,
the last rectification's measures, the verification opinions), written by project leads, quality supervisors and the
bureau, read by every staff role and by no enterprise; one entry per case; edits audited before → after and refused
when stale; the list's filters (keyword, hazard type, industry, quarter)."""
from datetime import datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, TypicalCase
from app.services import typical_cases
from app.services.typical_cases import LibraryFilter
from app.services.uow import UnitOfWork
from tests.concurrency_support import meet_at, needs_two_sessions, one_wins
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, rectify_data, register

WRITTEN = {"title": "配电箱接地反复不到位", "problem_description": "配电箱线路老化、未接地，首轮整改后仍未接地",
           "cause_analysis": "企业电工资质不足，整改只换线未做接地检测；指派时要求不具体（执行短板）",
           "measures": "更换全部老化线路并做接地检测", "effect": "第二轮复核合格，30天复查未反弹", "lessons": ""}


def closed_after_two_rounds(people):
    """A general case whose first rectification failed verification and whose second passed."""
    case_id = register(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    complete(people.ent_a, open_tasks(case_id)["rectification"], rectify_data(people.ent_a))
    complete(people.project_team, open_tasks(case_id)["verification"],
             {"passed": False, "opinion": "整改不彻底", "added_requirements": "做接地检测"})
    complete(people.ent_a, open_tasks(case_id)["rectification"], {**rectify_data(people.ent_a),
                                                                   "measures": "更换全部线路并接地"})
    complete(people.project_team, open_tasks(case_id)["verification"], {"passed": True, "opinion": "复核合格"})
    return case_id


def add(user, case_id, **changes):
    with UnitOfWork() as uow:
        row = typical_cases.create(uow, user, case_id, {**WRITTEN, **changes})
        uow.commit()
        return row


def edit(user, entry_id, values, version=None, partial=False):
    with UnitOfWork() as uow:
        row = typical_cases.update(uow, user, entry_id, values, version, partial)
        uow.commit()
        return row


def test_the_draft_comes_from_the_case(people):
    case_id = closed_after_two_rounds(people)
    draft = typical_cases.prefill(db.session, people.quality, case_id)
    assert draft["title"] == "配电房：线路老化"
    assert draft["problem_description"].startswith("线路老化") and "甲化工有限公司" in draft["problem_description"]
    assert draft["measures"] == "更换全部线路并接地"  # the last rectification's, not the first
    first, second = draft["effect"].splitlines()
    assert first.startswith("第1轮") and "不通过" in first and "整改不彻底" in first and "补充要求：做接地检测" in first
    assert second.startswith("第2轮") and "通过。复核合格" in second
    assert draft["cause_analysis"] == "" and draft["lessons"] == ""
    fresh = register(people)  # nothing rectified or verified yet: those fields stay empty
    assert typical_cases.prefill(db.session, people.bureau, fresh)["measures"] == ""


def test_writers_add_once_and_it_is_audited(people):
    case_id = closed_after_two_rounds(people)
    row = add(people.project_lead, case_id)
    assert (row.hazard_type, row.industry, row.version) == ("electrical", "化工", 1)
    assert row.created_by_id == people.project_lead.id and row.lessons == ""
    event = db.session.query(AuditEvent).filter_by(action="typical_case_added").one()
    assert (event.subject_type, event.subject_id, event.case_id) == ("typical_case", row.id, None)
    assert event.changes["cause_analysis"] == [None, WRITTEN["cause_analysis"]] and "lessons" not in event.changes
    assert event.details["case_code"] == row.case.code
    for writer in (people.quality, people.bureau, people.project_lead):
        with pytest.raises(Conflict) as second:
            add(writer, case_id)
        assert row.case.code in second.value.message and "已在典型案例库中" in second.value.message
        with pytest.raises(Conflict):
            typical_cases.prefill(db.session, writer, case_id)
    assert db.session.query(TypicalCase).count() == 1


def test_who_may_read_and_write(people):
    case_id = closed_after_two_rounds(people)
    for reader in ("inspector", "project_team", "supervision", "expert", "manager", "admin"):
        with pytest.raises(NotAllowed):
            add(people[reader], case_id)
    row = add(people.bureau, case_id)
    for reader in ("inspector", "project_team", "supervision", "expert", "manager", "admin", "quality", "bureau",
                   "project_lead"):
        assert typical_cases.get(db.session, people[reader], row.id).id == row.id
        assert typical_cases.listing(db.session, people[reader], LibraryFilter())[1] == 1
    with pytest.raises(NotAllowed):
        typical_cases.get(db.session, people.process_owner, row.id)
    for enterprise_user in (people.ent_a, people.ent_b):  # even the case's own enterprise: the library is internal
        for call in (lambda u: typical_cases.get(db.session, u, row.id),
                     lambda u: typical_cases.listing(db.session, u, LibraryFilter()),
                     lambda u: typical_cases.prefill(db.session, u, case_id),
                     lambda u: edit(u, row.id, WRITTEN)):
            with pytest.raises(NotFound):
                call(enterprise_user)
    with pytest.raises(NotAllowed):
        edit(people.inspector, row.id, WRITTEN)


def test_required_fields_and_lengths_are_named(people):
    case_id = register(people)
    with pytest.raises(ValidationFailed) as bad:
        add(people.quality, case_id, title=" ", cause_analysis="", effect="好" * 4001, measures=None, lessons=3)
    assert set(bad.value.fields) == {"title", "cause_analysis", "effect", "measures", "lessons"}
    assert "成因分析" in bad.value.fields["cause_analysis"] and "4000" in bad.value.fields["effect"]
    assert db.session.query(TypicalCase).count() == 0
    with pytest.raises(NotFound):
        add(people.quality, 999_999)


def test_edits_are_audited_before_to_after_and_stale_ones_refused(people):
    row = add(people.quality, closed_after_two_rounds(people))
    clock.advance(hours=1)
    changed = edit(people.bureau, row.id, {**WRITTEN, "lessons": "接地检测列入复核必查项", "effect": "复核合格"}, 1)
    assert (changed.version, changed.updated_by_id, changed.lessons) == (2, people.bureau.id, "接地检测列入复核必查项")
    event = db.session.query(AuditEvent).filter_by(action="typical_case_updated").one()
    assert event.changes == {"lessons": ["", "接地检测列入复核必查项"], "effect": [WRITTEN["effect"], "复核合格"]}
    with pytest.raises(Conflict) as stale:
        edit(people.project_lead, row.id, {**WRITTEN, "title": "别的标题"}, 1)  # written on version 1
    assert "bureau" in stale.value.message
    assert db.session.get(TypicalCase, row.id).title == WRITTEN["title"]
    same = edit(people.project_lead, row.id, {"title": WRITTEN["title"]}, partial=True)  # nothing changes
    assert same.version == 2 and db.session.query(AuditEvent).filter_by(action="typical_case_updated").count() == 1
    edit(people.project_lead, row.id, {"title": "配电箱接地问题"}, 2, partial=True)
    assert db.session.get(TypicalCase, row.id).title == "配电箱接地问题"
    with pytest.raises(ValidationFailed) as bad:
        edit(people.project_lead, row.id, {"cause_analysis": ""}, partial=True)
    assert set(bad.value.fields) == {"cause_analysis"}
    assert [e.action for e in typical_cases.history(db.session, row)] == [
        "typical_case_updated", "typical_case_updated", "typical_case_added"]


def test_the_filters(people):
    clock.set(datetime(2026, 9, 30, 23, 30, tzinfo=SHANGHAI))  # the last half hour of the third quarter
    chemical = add(people.quality, register(people))
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    machine = add(people.quality, register(people, enterprise=people.enterprise_b), title="冲床防护缺失",
                  cause_analysis="设备改造后未恢复光电保护，变更管理缺失（制度漏洞）")

    def ids(**filters):
        return [r.id for r in typical_cases.listing(db.session, people.manager, LibraryFilter(**filters))[0]]
    assert ids() == [machine.id, chemical.id]  # newest first
    assert ids(quarter="2026Q3") == [chemical.id] and ids(quarter="2026Q4") == [machine.id]
    assert ids(quarter="2026Q1") == []
    assert ids(industry="机械") == [machine.id] and ids(hazard_type="electrical") == [machine.id, chemical.id]
    assert ids(q="变更管理") == [machine.id]  # the cause analysis
    assert ids(q="乙机械") == [machine.id]  # the enterprise's name
    assert ids(q=chemical.case.code) == [chemical.id]
    assert ids(q="100%_") == []  # wildcards are plain characters
    rows, total = typical_cases.listing(db.session, people.manager, LibraryFilter(limit=1, offset=1))
    assert total == 2 and [r.id for r in rows] == [chemical.id]
    with pytest.raises(ValidationFailed) as bad:
        ids(quarter="2026Q5")
    assert set(bad.value.fields) == {"quarter"}
    assert typical_cases.choices(db.session, people.manager) == (["electrical"], ["化工", "机械"], ["2026Q4", "2026Q3"])
    assert typical_cases.quarter_of(chemical.created_at) == "2026Q3"


def test_two_writers_adding_the_same_case_at_once_one_gets_409(people, monkeypatch):
    """The check before the insert cannot see a row another transaction is committing; the unique key catches it,
    inside a savepoint, so the writer's transaction stays usable."""
    case_id = register(people)
    add(people.quality, case_id)
    monkeypatch.setattr(typical_cases, "entry_for_case", lambda session, case_id: None)  # as if not yet committed
    with UnitOfWork() as uow:
        with pytest.raises(Conflict) as late:
            typical_cases.create(uow, people.bureau, case_id, WRITTEN)
        assert "已在典型案例库中" in late.value.message
        assert uow.session.query(TypicalCase).count() == 1  # the transaction goes on
    assert db.session.query(AuditEvent).filter_by(action="typical_case_added").count() == 1


def _at_once(app, monkeypatch, name, action):
    """Run `action(uow, user)` for the bureau and the quality supervisor in two real concurrent sessions, both past
    `typical_cases.<name>` before either goes on; the refused one's Conflict message."""
    needs_two_sessions()
    meet_at(monkeypatch, typical_cases, name)
    return one_wins(app, ("bureau", "quality"), action)


def test_two_writers_adding_at_once_really_concurrently(app, people, monkeypatch):
    case_id = register(people)
    refused = _at_once(app, monkeypatch, "entry_for_case",
                       lambda uow, user: typical_cases.create(uow, user, case_id, WRITTEN))
    assert "已在典型案例库中" in refused
    assert db.session.query(TypicalCase).count() == 1
    assert db.session.query(AuditEvent).filter_by(action="typical_case_added").count() == 1


def test_two_editors_of_one_version_at_once_one_wins(app, people, monkeypatch):
    entry_id = add(people.project_lead, register(people)).id
    refused = _at_once(app, monkeypatch, "check_may_write", lambda uow, user: typical_cases.update(
        uow, user, entry_id, {"lessons": f"{user.username} 的启示"}, 1, partial=True))
    assert "请查看最新内容后再改" in refused
    row = db.session.get(TypicalCase, entry_id)
    assert row.version == 2 and row.lessons == f"{row.updated_by.username} 的启示"
    assert db.session.query(AuditEvent).filter_by(action="typical_case_updated").count() == 1
