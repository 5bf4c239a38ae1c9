"""智能调度 services: the four score parts and the ranking, assigning through the plan service (audited, told),
the auto-dispatch preview and its confirmation, the route's nearest-neighbour order on known coordinates, and the
day's reminder once per inspector and day on working days only."""
from datetime import date, datetime

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, InspectionPlan, Notification
from app.services import checklist_load, dispatch, dispatch_reminders, dispatch_routes
from app.services.uow import UnitOfWork
from tests.dispatch_support import certify, claim_tasks, place, plan
from tests.test_inspections import visit
from tests.test_lifecycle_service import register


@pytest.fixture
def crew(people, make_user, make_enterprise):
    """Three inspectors: `inspector` (people's), b, c; enterprises a (the plan's), c in the same township, d 5 km
    north in another."""
    people["b"], people["c"] = make_user("insp_b", "inspector"), make_user("insp_c", "inspector")
    people["ent_c"] = make_enterprise("丙五金厂", industry="机械")
    people["ent_d"] = make_enterprise("丁纺织厂", industry="纺织")
    place(people.enterprise_a, 35.0, 113.0)
    place(people["ent_d"], 35.045, 113.0, township="南湖镇")
    return people


def parts(candidate):
    return {p.code: p.points for p in candidate.parts}


def by_name(suggestion):
    return {c.user.display_name: c for c in suggestion.candidates}


def test_the_four_parts_and_the_ranking(crew):
    target = plan(crew.project_lead, crew.enterprise_a, team="待派")
    plan(crew.inspector, crew["ent_c"])  # same day, same township (城关镇)
    plan(crew.inspector, crew.enterprise_b, day="2026-12-03")  # same week
    plan(crew.inspector, crew.enterprise_b, day="2026-12-08")  # next week: not counted
    certify(crew.admin, crew.inspector)
    certify(crew.admin, crew.c)
    certify(crew.admin, crew.b, valid_to="2026-11-30")  # runs out the day before the plan
    register(crew)  # a case with an open task
    assert claim_tasks(crew.c, 1) == 1
    visit(crew.inspector, crew.enterprise_a)  # today, within the 12 months before the plan
    suggestion = dispatch.suggestions(db.session, crew.project_lead, target)
    ranked = by_name(suggestion)
    assert parts(ranked["inspector"]) == {"workload": -15 - 3, "distance": 10, "certificate": 10, "familiarity": 5}
    assert ranked["inspector"].part("distance").facts["same"] is True
    assert parts(ranked["insp_c"]) == {"workload": -1, "distance": 0, "certificate": 10, "familiarity": 0}
    assert parts(ranked["insp_b"]) == {"workload": 0, "distance": 0, "certificate": -20, "familiarity": 0}
    assert ranked["insp_b"].part("certificate").facts["expired"] is True
    assert [c.user.display_name for c in suggestion.candidates] == ["insp_c", "inspector", "insp_b"]
    assert [u.display_name for u in suggestion.team] == ["insp_c", "inspector"]


def test_distance_in_kilometres_and_a_full_day(crew):
    target = plan(crew.project_lead, crew.enterprise_a, team="待派")
    plan(crew.b, crew["ent_d"])  # 5.0 km north, another township
    distance = by_name(dispatch.suggestions(db.session, crew.project_lead, target))["insp_b"].part("distance")
    assert distance.facts["km"] == 5.0 and distance.facts["same"] is False and distance.points == 5
    plan(crew.b, crew.enterprise_b)  # a second plan that day: full
    ranked = by_name(dispatch.suggestions(db.session, crew.project_lead, target))
    assert ranked["insp_b"].full and not ranked["insp_b"].suggested
    assert ranked["insp_b"].part("workload").points == -30


def test_unannounced_visits_prefer_a_new_face(crew):
    target = plan(crew.project_lead, crew.enterprise_a, day="2026-11-25", team="待派", kind="unannounced")
    visit(crew.inspector, crew.enterprise_a)
    visit(crew.inspector, crew.enterprise_a, inspectors="inspector、insp_b")
    ranked = by_name(dispatch.suggestions(db.session, crew.project_lead, target))
    assert ranked["inspector"].part("familiarity").points == -10
    assert ranked["insp_b"].part("familiarity").points == -5
    assert ranked["insp_c"].part("familiarity").facts == {"visits": 0, "prefers_new": True}


def test_assigning_sets_the_team_audited_and_told(crew):
    target = plan(crew.project_lead, crew.enterprise_a, team="待派")
    with UnitOfWork() as uow:
        dispatch.assign(uow, crew.project_lead, target, [crew.b.id, crew.c.id])
        uow.commit()
    assert db.session.get(InspectionPlan, target).team == "insp_b、insp_c"
    event = db.session.query(AuditEvent).filter_by(action="inspection_plan_dispatched").one()
    assert event.changes == {"team": ["待派", "insp_b、insp_c"]} and event.details["user_ids"] == [crew.b.id, crew.c.id]
    for user in (crew.b, crew.c):
        assert db.session.query(Notification).filter_by(user_id=user.id, kind="inspection_dispatched").count() == 1
    assert db.session.query(Notification).filter_by(user_id=crew.ent_a.id,
                                                    kind="inspection_plan_team_changed").count() == 1
    for wrong in ([], [crew.bureau.id], [999_999], ["x"]):
        with pytest.raises(ValidationFailed) as caught, UnitOfWork() as uow:
            dispatch.assign(uow, crew.project_lead, target, wrong)
        assert set(caught.value.fields) == {"user_ids"}
    with pytest.raises(NotAllowed), UnitOfWork() as uow:
        dispatch.assign(uow, crew.inspector, target, [crew.b.id])
    with pytest.raises(NotFound), UnitOfWork() as uow:
        dispatch.assign(uow, crew.ent_a, target, [crew.b.id])


def test_auto_dispatch_previews_then_confirms(crew):
    first = plan(crew.project_lead, crew.enterprise_a, team="待派")
    second = plan(crew.project_lead, crew["ent_c"], team="刘项目")
    plan(crew.inspector, crew.enterprise_b)  # named already: not in the proposal
    for user in (crew.inspector, crew.b, crew.c):
        certify(crew.admin, user)
    proposal = dispatch.preview(db.session, crew.project_lead, "2026-12-01", "2026-12-01")
    assert [s.plan.id for s in proposal] == [first, second]
    assert db.session.query(AuditEvent).filter_by(action="inspection_plan_dispatched").count() == 0  # nothing yet
    # the second plan weighs the first's proposed team: b and c each have a plan that day now
    teams = [sorted(u.display_name for u in s.team) for s in proposal]
    assert teams[0] == ["insp_b", "insp_c"] and by_name(proposal[1])["insp_b"].part("workload").facts["day"] == 1
    choices = {s.plan.id: [u.id for u in s.team] for s in proposal}
    seen = {s.plan.id: s.plan.team for s in proposal}
    with UnitOfWork() as uow:
        assert len(dispatch.confirm(uow, crew.project_lead, "2026-12-01", "2026-12-01", choices, seen)) == 2
        uow.commit()
    assert db.session.get(InspectionPlan, first).team == "insp_b、insp_c"
    with pytest.raises(Conflict), UnitOfWork() as uow:  # the same proposal again: the teams are not as seen
        dispatch.confirm(uow, crew.project_lead, "2026-12-01", "2026-12-01", choices, seen)
    with pytest.raises(ValidationFailed) as caught:
        dispatch.preview(db.session, crew.project_lead, "2026-12-01", "2027-01-01")  # 32 days
    assert set(caught.value.fields) == {"end"}
    assert dispatch.parse_range("2026-12-01", "2026-12-31") == (date(2026, 12, 1), date(2026, 12, 31))


def test_route_orders_by_nearest_neighbour(app, crew, make_enterprise):
    far, near, farthest, unplaced = (make_enterprise(f"站{n}") for n in range(4))
    place(far, 35.03, 113.0)
    place(near, 35.01, 113.0)
    place(farthest, 35.06, 113.0)
    for enterprise in (far, near, farthest, unplaced):
        plan(crew.inspector, enterprise)
    plan(crew.b, crew.enterprise_a)  # another inspector's
    office = app.config["DISPATCH_OFFICE"]
    try:
        app.config["DISPATCH_OFFICE"] = (35.0, 113.0)  # 0.01° of latitude is 1.11 km
        route = dispatch_routes.day_route(db.session, crew.project_lead, crew.inspector.id, "2026-12-01")
        assert [s.plan.enterprise.name for s in route.stops] == ["站1", "站0", "站2", "站3"]
        assert [s.leg_km for s in route.stops] == [1.1, 2.2, 3.3, None] and [s.plan.enterprise.name
                                                                            for s in route.unplaced] == ["站3"]
        assert route.return_km == 6.7 and route.total_km == 13.3 and route.start_kind == "office"
        app.config["DISPATCH_OFFICE"] = None  # start at the first plan (the lowest id)
        route = dispatch_routes.day_route(db.session, crew.inspector, crew.inspector.id, "2026-12-01")
    finally:
        app.config["DISPATCH_OFFICE"] = office
    assert [s.plan.enterprise.name for s in route.stops] == ["站0", "站1", "站2", "站3"]
    assert [s.leg_km for s in route.stops] == [0.0, 2.2, 5.6, None]
    assert route.return_km is None and route.travel_km == 7.8 and route.start_kind == "first_plan"


def test_route_focus_points_and_who_sees_it(crew):
    for _ in range(2):
        register(crew)  # two open 'electrical' cases at enterprise A
    plan(crew.inspector, crew.enterprise_a)
    with UnitOfWork() as uow:
        checklist_load.load_standard(uow, None)
        uow.commit()
    route = dispatch_routes.day_route(db.session, crew.inspector, crew.inspector.id, "2026-12-01")
    [stop] = route.stops
    assert stop.focus.types == [("electrical", 2, 2)] and stop.focus.open_total == 2
    assert len(stop.checklists) == 2  # the general list and the chemical industry's (enterprise A: 化工)
    with pytest.raises(NotAllowed):
        dispatch_routes.day_route(db.session, crew.inspector, crew.b.id, "2026-12-01")  # another's
    with pytest.raises(NotAllowed):
        dispatch_routes.day_route(db.session, crew.bureau, crew.inspector.id, "2026-12-01")
    with pytest.raises(NotFound):
        dispatch_routes.day_route(db.session, crew.ent_a, crew.inspector.id, "2026-12-01")
    for user_id, day in ((crew.bureau.id, "2026-12-01"), (999_999, "2026-12-01"), (crew.inspector.id, "2026-13-01")):
        with pytest.raises(ValidationFailed):
            dispatch_routes.day_route(db.session, crew.project_lead, user_id, day)


def reminders(user):
    return db.session.query(Notification).filter_by(user_id=user.id, kind=dispatch_reminders.KIND).all()


def remind():
    with UnitOfWork() as uow:
        count = dispatch_reminders.remind_today(uow)
        uow.commit()
        return count


def test_the_day_reminder_goes_once_on_working_days(crew):
    plan(crew.inspector, crew.enterprise_a, day="2026-11-30")
    plan(crew.inspector, crew.enterprise_b, day="2026-11-30")
    plan(crew.project_lead, crew["ent_c"], day="2026-12-05", team="insp_b", kind="unannounced")  # a Saturday
    clock.set(datetime(2026, 11, 30, 6, 30, tzinfo=SHANGHAI))
    assert remind() == 0  # before 07:00
    clock.set(datetime(2026, 11, 30, 7, 30, tzinfo=SHANGHAI))
    assert remind() == 1
    clock.set(datetime(2026, 11, 30, 9, 30, tzinfo=SHANGHAI))
    assert remind() == 0  # once per inspector and day
    [notice] = reminders(crew.inspector)
    assert "2 家企业" in notice.title and f"/dispatch/inspectors/{crew.inspector.id}/route?day=2026-11-30" in notice.body
    assert reminders(crew.b) == [] and reminders(crew.c) == []
    assert db.session.query(AuditEvent).filter_by(action="dispatch_day_reminded").count() == 1
    clock.set(datetime(2026, 12, 5, 8, 0, tzinfo=SHANGHAI))
    assert remind() == 0 and reminders(crew.b) == []  # a Saturday: no reminder
