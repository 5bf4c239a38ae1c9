"""The risk register's rules (services/risk_points.py, risk_map.py, risk_overview.py): what a point needs, the colour
and control level that follow from its assessment, the review with its notices (a return to the enterprise, a red
point to the bureau once), edits made on an older page, who may do what, the markers' positions, the checklist drawn
from the measures and the county's counts."""
import pytest

from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, RiskPoint
from app.services import risk_map, risk_overview, risk_points
from app.services.uow import UnitOfWork
from tests.risk_support import add, change, in_session, notices, plan, review, township_user, values


def test_a_point_is_assessed_and_awaits_review(people):
    point_id = add(people.ent_a)
    row = db.session.get(RiskPoint, point_id)
    assert (row.score, row.colour, row.status, row.version) == (12, "yellow", "pending", 1)
    assert row.key_links == ["fire_explosion"] and row.kind == "key_part"
    event = db.session.query(AuditEvent).filter_by(subject_type="risk_point", subject_id=point_id).one()
    assert event.action == "risk_point_added" and event.changes["risk_colour"] == [None, "yellow"]


def test_every_wrong_field_is_named_and_nothing_is_kept(people):
    with UnitOfWork() as uow, pytest.raises(ValidationFailed) as caught:
        risk_points.create(uow, in_session(people.ent_a), people.enterprise_a.id, values(
            name="", unit_kind="somewhere", likelihood="6", severity="x", accident_types=["flood"],
            key_links="nope", engineering_measures="", management_measures="", responsible_person="",
            check_frequency="", control_level="team"))
    assert set(caught.value.fields) == {"name", "unit_kind", "likelihood", "severity", "accident_types", "key_links",
                                        "engineering_measures", "responsible_person", "check_frequency"}
    assert db.session.query(RiskPoint).count() == 0


def test_a_red_point_is_controlled_by_the_company_and_an_orange_one_by_the_workshop_or_higher(people):
    with UnitOfWork() as uow, pytest.raises(ValidationFailed) as caught:
        risk_points.create(uow, in_session(people.ent_a), people.enterprise_a.id,
                           values(likelihood="4", severity="5", control_level="workshop"))
    assert set(caught.value.fields) == {"control_level"}
    with UnitOfWork() as uow, pytest.raises(ValidationFailed):
        risk_points.create(uow, in_session(people.ent_a), people.enterprise_a.id,
                           values(likelihood="1", severity="1", forced_major="1", control_level="team"))
    with UnitOfWork() as uow, pytest.raises(ValidationFailed):
        risk_points.create(uow, in_session(people.ent_a), people.enterprise_a.id,
                           values(likelihood="4", severity="4", control_level="team"))
    red = add(people.ent_a, likelihood="1", severity="2", forced_major=True, control_level="company")
    assert db.session.get(RiskPoint, red).colour == "red"


def test_review_return_update_and_the_bureau_told_of_a_red_point_once(people):
    enterprise_id = people.enterprise_a.id
    point_id = add(people.ent_a, likelihood="4", severity="5", control_level="company")
    with pytest.raises(ValidationFailed) as caught:
        review(people.inspector, enterprise_id, point_id, "returned", "")
    assert set(caught.value.fields) == {"review_note"}
    review(people.project_team, enterprise_id, point_id, "returned", "措施不具体")
    assert notices(people.ent_a, "risk_point_returned") == 1 and notices(people.bureau, "risk_point_red") == 0
    with pytest.raises(Conflict):  # not awaiting review
        review(people.project_lead, enterprise_id, point_id)
    version = change(people.ent_a, point_id, likelihood="4", severity="5", control_level="company",
                     engineering_measures="1. 液位报警\n2. 紧急切断阀")
    row = db.session.get(RiskPoint, point_id)
    assert row.status == "pending" and version == 3
    review(people.project_lead, enterprise_id, point_id, version=version)
    db.session.refresh(row)
    assert row.status == "reviewed" and row.bureau_told_at is not None
    assert notices(people.bureau, "risk_point_red") == 1
    change(people.ent_a, point_id, likelihood="5", severity="5", control_level="company")
    review(people.project_team, enterprise_id, point_id)
    assert notices(people.bureau, "risk_point_red") == 1  # told once, not at every review
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(subject_type="risk_point")
               .order_by(AuditEvent.id)]
    assert actions == ["risk_point_added", "risk_point_returned", "risk_point_updated", "risk_point_reviewed",
                       "risk_point_updated", "risk_point_reviewed"]


def test_a_yellow_point_reviewed_tells_the_bureau_nothing(people):
    point_id = add(people.ent_a)
    review(people.inspector, people.enterprise_a.id, point_id)
    assert notices(people.bureau, "risk_point_red") == 0


def test_an_edit_or_review_made_on_an_older_page_is_refused(people):
    point_id = add(people.ent_a)
    change(people.ent_a, point_id, version=1, name="一号仓库（东）")
    with pytest.raises(Conflict):
        change(people.ent_a, point_id, version=1, name="一号仓库（西）")
    with pytest.raises(Conflict):
        review(people.inspector, people.enterprise_a.id, point_id, version=1)
    assert db.session.get(RiskPoint, point_id).name == "一号仓库（东）"


def test_who_may_do_what(people, make_user):
    enterprise_id = people.enterprise_a.id
    point_id = add(people.ent_a)
    with pytest.raises(NotFound):  # another enterprise's staff: as if it did not exist
        add(people.ent_b, enterprise_id=enterprise_id)
    with pytest.raises(NotAllowed):  # the contractor reviews, never writes
        add(people.inspector, enterprise_id=enterprise_id)
    for user in (people.bureau, people.supervision, people.ent_a):
        with pytest.raises(NotAllowed):
            review(user, enterprise_id, point_id)
    with pytest.raises(NotAllowed):
        risk_points.get_enterprise(db.session, in_session(people.process_owner), enterprise_id)
    town = township_user(make_user, "别的镇")
    with pytest.raises(NotFound):
        risk_points.get(db.session, in_session(town), enterprise_id, point_id)
    near = township_user(make_user, people.enterprise_a.township, "near")
    assert risk_points.get(db.session, in_session(near), enterprise_id, point_id).id == point_id


def test_a_retired_point_is_kept_out_of_the_lists(people):
    point_id = add(people.ent_a)
    with UnitOfWork() as uow, pytest.raises(ValidationFailed):
        risk_points.retire(uow, in_session(people.ent_a), people.enterprise_a.id, point_id, " ")
    with UnitOfWork() as uow:
        risk_points.retire(uow, in_session(people.ent_a), people.enterprise_a.id, point_id, "仓库已拆除")
        uow.commit()
    assert risk_points.points_of(db.session, people.enterprise_a.id) == []
    assert [p.id for p in risk_points.points_of(db.session, people.enterprise_a.id, retired=True)] == [point_id]
    with pytest.raises(Conflict):
        change(people.ent_a, point_id)
    with pytest.raises(ValidationFailed):  # nor named by a new hazard
        risk_points.point_for_case(db.session, people.enterprise_a.id, str(point_id))


@pytest.mark.parametrize("x, y, wrong", [
    ("0", "1", set()), ("", "", set()), ("0.25", "0.75", set()),
    ("1.01", "0.5", {"x"}), ("-0.1", "0.5", {"x"}), ("0.5", "abc", {"y"}), ("nan", "0.2", {"x"}),
    ("inf", "0.2", {"x"}), ("0.5", "", {"y"}), ("", "0.5", {"x"}),
])
def test_a_marker_position_is_two_numbers_from_0_to_1_or_none(x, y, wrong):
    _position, errors = risk_map.parse_position(x, y)
    assert set(errors) == wrong


def test_markers_are_placed_on_a_plan_only_and_a_wrong_one_moves_nothing(people):
    enterprise_id = people.enterprise_a.id
    first, second = add(people.ent_a), add(people.ent_a, name="配电室")
    with UnitOfWork() as uow, pytest.raises(Conflict):
        risk_map.place_markers(uow, in_session(people.ent_a), enterprise_id, {first: ("0.1", "0.2")})
    plan(people.ent_a)
    with UnitOfWork() as uow, pytest.raises(ValidationFailed) as caught:
        risk_map.place_markers(uow, in_session(people.ent_a), enterprise_id,
                               {first: ("0.1", "0.2"), second: ("2", "0.5")})
    assert set(caught.value.fields) == {f"x_{second}"}
    assert db.session.get(RiskPoint, first).map_x is None
    with UnitOfWork() as uow:
        moved = risk_map.place_markers(uow, in_session(people.ent_a), enterprise_id,
                                       {first: ("0.123456", "0.2"), second: ("", "")})
        uow.commit()
    row = db.session.get(RiskPoint, first)
    assert moved == 1 and (row.map_x, row.map_y, row.version) == (0.1235, 0.2, 1)  # not a new version to review
    other = add(people.ent_b, name="乙的风险点")
    with UnitOfWork() as uow, pytest.raises(ValidationFailed):  # another enterprise's point
        risk_map.place_markers(uow, in_session(people.ent_a), enterprise_id, {other: ("0.1", "0.1")})


def test_the_site_plan_is_an_image_of_the_users_own(people):
    from tests.document_support import upload
    pdf = upload(people.ent_a)
    with UnitOfWork() as uow, pytest.raises(ValidationFailed) as caught:
        risk_map.set_plan(uow, in_session(people.ent_a), people.enterprise_a.id, pdf)
    assert set(caught.value.fields) == {"plan"}
    theirs = plan(people.ent_b)
    with UnitOfWork() as uow, pytest.raises(ValidationFailed):
        risk_map.set_plan(uow, in_session(people.ent_a), people.enterprise_a.id, theirs)
    mine = plan(people.ent_a)
    assert risk_map.current_plan(db.session, people.enterprise_a.id).public_id == mine


def test_the_checklist_has_one_item_per_measure_worst_point_first(people):
    add(people.ent_a)
    add(people.ent_a, name="储罐区", likelihood="4", severity="5", control_level="company",
        engineering_measures="液位报警", management_measures="", ppe_measures="（1）防毒面具\n\n（2）防静电服")
    items = risk_overview.check_items(db.session, people.enterprise_a.id)
    assert [(i.number, i.point.name, i.measure_kind, i.content) for i in items] == [
        (1, "储罐区", "engineering_measures", "液位报警"), (2, "储罐区", "ppe_measures", "防毒面具"),
        (3, "储罐区", "ppe_measures", "防静电服"), (4, "一号仓库", "engineering_measures", "自动喷淋系统完好"),
        (5, "一号仓库", "engineering_measures", "防爆灯具"), (6, "一号仓库", "management_measures", "禁止吸烟和动火")]


def test_the_county_counts_colours_by_enterprise_and_township(people, make_enterprise, make_user):
    add(people.ent_a, likelihood="4", severity="5", control_level="company")
    add(people.ent_a, name="配电室")
    add(people.ent_b, likelihood="4", severity="4", name="冲床")
    add(people.ent_b, likelihood="4", severity="4", name="行车")
    bare = make_enterprise("丙食品厂", industry="食品")
    view = risk_overview.county(db.session, in_session(people.bureau))
    assert [(r.enterprise.name, r.counts["red"], r.counts["orange"], r.total, r.pending) for r in view.enterprises] \
        == [("甲化工有限公司", 1, 0, 2, 2), ("乙机械制造厂", 0, 2, 2, 2)]
    assert [e.id for e in view.without] == [bare.id]
    assert view.townships == [("城关镇", {"red": 1, "orange": 2, "yellow": 1, "blue": 0}, 2)]
    elsewhere = township_user(make_user, "别的镇")
    view = risk_overview.county(db.session, in_session(elsewhere))
    assert view.enterprises == [] and view.without == [] and view.totals["red"] == 0


def test_a_site_plan_belongs_to_the_map_alone(people):
    """The attachment's one-owner check covers the risk map (migration 0056), on both databases."""
    import sqlalchemy as sa

    from app.models import Attachment
    public_id = plan(people.ent_a)
    item = db.session.query(Attachment).filter_by(public_id=public_id).one()
    assert item.risk_plan_enterprise_id == people.enterprise_a.id and item.field == risk_map.FILE_FIELD
    with UnitOfWork() as uow, pytest.raises(ValidationFailed):  # not a free upload any more
        risk_map.set_plan(uow, in_session(people.ent_a), people.enterprise_a.id, public_id)
    with pytest.raises(sa.exc.IntegrityError):
        from tests.document_support import add as add_document
        document_id = add_document(people.ent_a, "management_rules")
        db.session.execute(sa.update(Attachment).where(Attachment.id == item.id).values(document_id=document_id))
        db.session.flush()
    db.session.rollback()


def test_the_demo_has_the_chemical_plants_register_and_map(app):
    from app.models import Enterprise, Notification, User
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    staff = db.session.query(User).filter_by(username="enterprise").one()
    rows = risk_points.points_of(db.session, staff.enterprise_id)
    assert risk_points.colour_counts(rows) == {"red": 1, "orange": 2, "yellow": 2, "blue": 1}
    assert sum(1 for r in rows if r.is_placed) == 5 and {r.status for r in rows} == {"reviewed", "pending", "returned"}
    assert risk_map.current_plan(db.session, staff.enterprise_id).content_type == "image/png"
    assert db.session.query(Notification).filter_by(kind="risk_point_red").count() >= 1
    view = risk_overview.county(db.session, db.session.query(User).filter_by(username="bureau").one())
    assert [r.enterprise.id for r in view.enterprises] == [staff.enterprise_id]
    assert len(view.without) == db.session.query(Enterprise).count() - 1
