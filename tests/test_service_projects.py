"""Service projects and their rosters (services/service_projects.py, service_project_roster.py) and the coverage
against the roster within the period (services/service_project_coverage.py): the boundaries of the period, the
confirmed visits, the hazards and the issued service reports, the "not yet" lists, and who may manage what."""
from datetime import datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, ServiceProject, ServiceProjectEnterprise
from app.services import service_project_coverage, service_project_roster, service_projects
from app.services.uow import UnitOfWork
from tests.service_project_support import SUMMER, day, hazard_at, make_project, put_on, visit_on
from tests.service_report_support import create as create_report, withdraw as withdraw_report
from tests.test_enterprise_import import csv_bytes, xlsx_bytes


def roster_names(project_id):
    return sorted(e.enterprise.name for e in db.session.query(ServiceProjectEnterprise).filter_by(project_id=project_id))


def coverage(project_id):
    return service_project_coverage.compute(db.session, db.session.get(ServiceProject, project_id))


def ids(rows):
    return {r.enterprise.id for r in rows}


# ---- the project -------------------------------------------------------------------------------------------------
def test_a_project_is_created_with_its_target_defaulting_to_85_and_audited(people):
    project_id = make_project(people.bureau, target_percent="", contract_no="")
    project = db.session.get(ServiceProject, project_id)
    assert (project.target_percent, project.contract_no, project.start_on, project.end_on) == \
        (85, "", day(6, 1), day(8, 31))
    event = db.session.query(AuditEvent).filter_by(action="service_project_created").one()
    assert (event.subject_type, event.subject_id) == ("service_project", project_id)


@pytest.mark.parametrize("changes, wrong", [
    ({"name": " "}, {"name"}), ({"start_on": "", "end_on": "2026-13-01"}, {"start_on", "end_on"}),
    ({"end_on": "2026-05-31"}, {"end_on"}), ({"target_percent": "0"}, {"target_percent"}),
    ({"target_percent": "101"}, {"target_percent"}), ({"target_percent": "八十五"}, {"target_percent"}),
    ({"name": "长" * 201, "contract_no": "号" * 65}, {"name", "contract_no"}),
])
def test_wrong_fields_are_named_all_at_once(people, changes, wrong):
    with pytest.raises(ValidationFailed) as refused:
        make_project(people.project_lead, **changes)
    assert set(refused.value.fields) == wrong
    assert db.session.query(ServiceProject).count() == 0


def test_an_update_changes_and_audits_only_what_changed(people):
    project_id = make_project(people.project_lead)
    with UnitOfWork() as uow:
        changes = service_projects.update(uow, people.bureau, project_id, {**SUMMER, "target_percent": "90"})
        uow.commit()
    assert changes == {"target_percent": [85, 90]}
    with UnitOfWork() as uow:
        assert service_projects.update(uow, people.bureau, project_id, SUMMER | {"target_percent": "90"}) == {}


@pytest.mark.parametrize("role", ["inspector", "project_team", "supervision", "expert", "quality", "manager", "admin",
                                  "ent_a"])
def test_only_project_leads_and_the_bureau_manage(people, role):
    with pytest.raises(NotAllowed):
        make_project(people[role])
    project_id = make_project(people.project_lead)
    expected = NotFound if role == "ent_a" else NotAllowed  # a project not on their enterprise's roster: none
    with pytest.raises(expected):
        put_on(people[role], project_id, people.enterprise_a)
    put_on(people.project_lead, project_id, people.enterprise_a)
    with pytest.raises(NotAllowed):
        put_on(people[role], project_id, people.enterprise_b)


def test_enterprise_staff_see_only_the_projects_their_enterprise_is_on(people):
    on = make_project(people.bureau, name="名单含甲")
    off = make_project(people.bureau, name="名单不含甲")
    put_on(people.bureau, on, people.enterprise_a)
    put_on(people.bureau, off, people.enterprise_b)
    assert [p.id for p in service_projects.listing(db.session, people.ent_a)] == [on]
    assert service_projects.get(db.session, people.ent_a, on).id == on
    with pytest.raises(NotFound):
        service_projects.get(db.session, people.ent_a, off)
    assert {p.id for p in service_projects.listing(db.session, people.inspector)} == {on, off}
    mine = service_project_coverage.compute(db.session, db.session.get(ServiceProject, on),
                                            enterprise_id=people.enterprise_a.id)
    assert ids(mine.rows) == {people.enterprise_a.id}


# ---- the roster by hand ------------------------------------------------------------------------------------------
def test_the_roster_by_hand_adds_once_refuses_unknown_enterprises_and_removes(people, make_enterprise):
    project_id = make_project(people.project_lead)
    third = make_enterprise("丙五金加工部")
    assert {e.id for e in put_on(people.project_lead, project_id, people.enterprise_a, third)} == \
        {people.enterprise_a.id, third.id}
    assert put_on(people.bureau, project_id, people.enterprise_a) == []  # on it already: nothing new, no error
    with pytest.raises(ValidationFailed) as refused, UnitOfWork() as uow:
        service_projects.add_to_roster(uow, people.project_lead, project_id, [people.enterprise_b.id, 999_999])
    assert set(refused.value.fields) == {"enterprise_ids"}
    assert roster_names(project_id) == sorted([people.enterprise_a.name, third.name])  # B not added either
    with UnitOfWork() as uow:
        service_projects.remove_from_roster(uow, people.project_lead, project_id, third.id)
        uow.commit()
    assert roster_names(project_id) == [people.enterprise_a.name]
    with pytest.raises(NotFound), UnitOfWork() as uow:
        service_projects.remove_from_roster(uow, people.project_lead, project_id, third.id)
    actions = [a for (a,) in db.session.query(AuditEvent.action).filter_by(subject_type="service_project")
               .order_by(AuditEvent.id)]
    assert actions == ["service_project_created", "service_project_roster_added", "service_project_roster_removed"]


# ---- the roster from a list --------------------------------------------------------------------------------------
def plan(project_id, filename, data):
    with UnitOfWork() as uow:
        return service_project_roster.plan_file(uow.session, db.session.get(ServiceProject, project_id), filename,
                                                data)


def import_file(user, project_id, filename, data):
    with UnitOfWork() as uow:
        found = service_project_roster.plan_file(uow.session, db.session.get(ServiceProject, project_id), filename,
                                                 data)
        added = service_project_roster.apply(uow, user, project_id, found, filename)
        uow.commit()
        return added


def test_a_list_without_a_header_names_enterprises_by_code_or_name(people, make_enterprise):
    project_id = make_project(people.bureau)
    third = make_enterprise("丙五金加工部")
    put_on(people.bureau, project_id, third)
    data = csv_bytes([[people.enterprise_a.credit_code.lower()], [people.enterprise_b.name], [third.name],
                      [people.enterprise_b.credit_code]])
    result = plan(project_id, "名单.csv", data)
    assert [(line.line, line.action) for line in result.lines] == [(1, "add"), (2, "add"), (3, "on_roster"),
                                                                   (4, "repeat")]
    added = import_file(people.bureau, project_id, "名单.csv", data)
    assert {e.id for e in added} == {people.enterprise_a.id, people.enterprise_b.id}
    event = db.session.query(AuditEvent).filter_by(action="service_project_roster_imported").one()
    assert event.details["added"] == 2 and event.details["source"] == "名单.csv"


def test_a_list_with_a_header_reports_every_unknown_line_and_imports_nothing(people, make_enterprise):
    project_id = make_project(people.bureau)
    make_enterprise("同名厂"), make_enterprise("同名厂")
    rows = [["序号", "企业名称", "统一社会信用代码"],
            ["1", "随便写的名字", people.enterprise_a.credit_code],  # the code wins
            ["2", people.enterprise_b.name, ""],
            ["3", "同名厂", ""],
            ["4", "", "91330100MA0000000X"],
            ["5", "不存在的公司", ""]]
    result = plan(project_id, "名单.xlsx", xlsx_bytes(rows))
    assert [(line.line, line.action) for line in result.lines] == [
        (2, "add"), (3, "add"), (4, "error"), (5, "error"), (6, "error")]
    errors = {line.line: line.error for line in result.errors}
    assert "2 家企业名为“同名厂”" in errors[4] and "91330100MA0000000X" in errors[5] and "不存在的公司" in errors[6]
    with pytest.raises(ValidationFailed) as refused:
        import_file(people.bureau, project_id, "名单.xlsx", xlsx_bytes(rows))
    assert set(refused.value.fields) == {"line 4", "line 5", "line 6"}
    assert roster_names(project_id) == []  # all or nothing


def test_files_that_cannot_be_read_are_refused_as_a_whole(people):
    project_id = make_project(people.bureau)
    for filename, data in (("名单.txt", b"x"), ("名单.csv", b""), ("名单.xls", b"x")):
        with pytest.raises(ValidationFailed) as refused:
            plan(project_id, filename, data)
        assert "file" in refused.value.fields


def test_the_api_list_is_planned_like_a_file(people):
    project_id = make_project(people.bureau)
    with UnitOfWork() as uow:
        result = service_project_roster.plan_entries(uow.session, db.session.get(ServiceProject, project_id),
                                                     [people.enterprise_a.name, "", "某某公司"])
    assert [(line.line, line.action) for line in result.lines] == [(1, "add"), (2, "error"), (3, "error")]


# ---- coverage ----------------------------------------------------------------------------------------------------
def at(month, number, hour, minute=0):
    return datetime(2026, month, number, hour, minute, tzinfo=SHANGHAI)


def test_coverage_counts_within_the_period_only(people, make_enterprise):
    """A: visited and a hazard the day before the start; B: visited and confirmed on the first day, hazards on the
    first and last days, a report issued for August; C: visited on the last day, not confirmed, a hazard and a
    report just after the end; D: visited the day after; E: visited in the period but not on the roster."""
    a, b = people.enterprise_a, people.enterprise_b
    c, d, e = make_enterprise("丙五金加工部"), make_enterprise("丁木业有限公司"), make_enterprise("戊建材商行")
    project_id = make_project(people.project_lead)
    put_on(people.project_lead, project_id, a, b, c, d)
    visit_on(people, a, day(5, 31), confirmed_by=people.ent_a)
    hazard_at(people, a, at(5, 31, 23, 59))
    visit_on(people, b, day(6, 1), confirmed_by=people.ent_b)
    hazard_at(people, b, at(6, 1, 0, 0), closed=True)
    hazard_at(people, b, at(8, 31, 23, 59))
    visit_on(people, c, day(8, 31))
    hazard_at(people, c, at(9, 1, 0, 0))
    visit_on(people, d, day(9, 1))
    visit_on(people, e, day(7, 1))
    create_report(people.project_lead, b, issue=True, period_start="2026-08-01", period_end="2026-08-31")
    create_report(people.project_lead, c, issue=True, period_start="2026-09-01", period_end="2026-09-30")
    withdraw_report(people.project_lead, create_report(people.project_lead, a, issue=True,
                                                       period_start="2026-06-01", period_end="2026-06-30"))
    create_report(people.project_lead, d, period_start="2026-06-01", period_end="2026-06-30")  # a draft

    result = coverage(project_id)
    assert result.numbers() == {
        "roster": 4, "visited": 2, "visited_percent": 50.0, "confirmed": 1, "confirmed_percent": 25.0,
        "reported": 1, "reported_percent": 25.0, "hazards": {"found": 2, "closed": 1, "open": 1},
        "target_percent": 85, "needed": 4, "remaining": 2, "on_target": False}
    assert ids(result.not_visited) == {a.id, d.id}
    assert ids(result.not_confirmed) == {a.id, c.id, d.id}
    assert ids(result.not_reported) == {a.id, c.id, d.id}
    row_b = next(r for r in result.rows if r.enterprise.id == b.id)
    assert (row_b.visits, row_b.last_visit, row_b.confirmed, row_b.hazards, row_b.open) == (1, day(6, 1), 1, 2, 1)


def test_the_target_is_reached_at_its_share_of_the_roster(people, make_enterprise):
    project_id = make_project(people.project_lead, target_percent="50")
    companies = [make_enterprise() for _ in range(3)]
    put_on(people.project_lead, project_id, *companies)
    visit_on(people, companies[0], day(7, 1))
    assert (coverage(project_id).needed, coverage(project_id).on_target) == (2, False)
    visit_on(people, companies[1], day(7, 2))
    assert coverage(project_id).on_target and coverage(project_id).remaining == 0
    empty = make_project(people.project_lead, name="空名单")
    assert coverage(empty).numbers()["visited_percent"] is None and not coverage(empty).on_target


def test_a_project_is_current_within_its_period(people):
    project_id = make_project(people.project_lead)
    project = db.session.get(ServiceProject, project_id)
    clock.set(at(7, 15, 9))
    assert service_projects.current_projects(db.session) == [project] and service_projects.elapsed_percent(project) == 49
    clock.set(at(9, 1, 9))
    assert service_projects.current_projects(db.session) == [] and service_projects.elapsed_percent(project) == 100
