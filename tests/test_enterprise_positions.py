"""The enterprise's position (企业位置, services/enterprise_positions.py): the numbers' rule with its boundaries, the
admin form (400 with the errors next to the fields and the input kept, the audit's before → after, clearing), the
database CHECK, the spreadsheet import and export read back, the check-in measuring from the enterprise's position
(the median of its cases' only while it has none, the record saying which) and the demo's positions."""
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.errors import ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Enterprise, VisitCheckin
from app.services import enterprise_import, user_admin
from app.services.enterprise_positions import clean_position
from app.services.uow import UnitOfWork
from tests.test_enterprise_import import csv_bytes, run_import, xlsx_bytes
from tests.test_inspections import visit
from tests.test_visit_checkins import FAR, NEAR, SITE, check_in, check_out, place_cases
from tests.test_web_admin_people import post_form
from tests.test_web_support import csv_rows, field_html, text


def cleaned(latitude, longitude):
    errors = {}
    return clean_position(latitude, longitude, errors), errors


@pytest.mark.parametrize("latitude, longitude, expected", [
    ("35.4627", "113.8015", (35.4627, 113.8015)),
    (" 35.46270049 ", "113.80150051", (35.4627, 113.801501)),  # rounded to 6 decimals
    ("90", "180", (90.0, 180.0)), ("-90", "-180", (-90.0, -180.0)),  # the boundaries are in range
    ("-0.0", "0", (0.0, 0.0)), (35, 113.8, (35.0, 113.8)), ("+35.5", ".5", (35.5, 0.5)),
    ("", "", (None, None)), (None, None, (None, None)), ("  ", None, (None, None)),
])
def test_good_positions(latitude, longitude, expected):
    assert cleaned(latitude, longitude) == (expected, {})


@pytest.mark.parametrize("latitude, longitude, wrong", [
    ("90.000001", "113.8", {"latitude"}), ("-90.1", "113.8", {"latitude"}),
    ("35.4", "180.000001", {"longitude"}), ("35.4", "-181", {"longitude"}),
    ("113.8015", "35.4627", set()),  # swapped: 113.8 is no latitude (checked below)
    ("abc", "113.8", {"latitude"}), ("35,46", "113.8", {"latitude"}), ("3.5e1", "113.8", {"latitude"}),
    ("nan", "113.8", {"latitude"}), ("inf", "113.8", {"latitude"}), ("3_5.4", "113.8", {"latitude"}),
    (True, "113.8", {"latitude"}), (float("nan"), 113.8, {"latitude"}),
    ("35.4", "", {"longitude"}), ("", "113.8", {"latitude"}),  # one without the other: the missing one
])
def test_wrong_positions_name_their_field(latitude, longitude, wrong):
    _values, errors = cleaned(latitude, longitude)
    assert set(errors) == (wrong or {"latitude"})
    assert all(" / " in message for message in errors.values())  # "中文 / English"


def test_the_database_refuses_a_position_out_of_range_or_half_given(people):
    for values in ({"latitude": 91, "longitude": 113.8}, {"latitude": 35.4, "longitude": None},
                   {"latitude": 35.4, "longitude": -180.5}):
        with pytest.raises(IntegrityError):
            with db.engine.begin() as conn:
                conn.execute(sa.update(Enterprise).where(Enterprise.id == people.enterprise_a.id).values(**values))
    with db.engine.begin() as conn:
        conn.execute(sa.update(Enterprise).where(Enterprise.id == people.enterprise_a.id)
                     .values(latitude=-90, longitude=180))
    db.session.expire_all()
    assert (people.enterprise_a.latitude, people.enterprise_a.longitude) == (-90.0, 180.0)


# ---- the admin form -------------------------------------------------------------------------------------------
def form_of(enterprise, **changes):
    return {"name": enterprise.name, "credit_code": enterprise.credit_code, "township": enterprise.township,
            "industry": enterprise.industry, "address": enterprise.address, **changes}


def test_the_admin_sets_moves_and_clears_the_position_audited(people, login):
    admin, ent = login("admin"), people.enterprise_a
    url = f"/admin/enterprises/{ent.id}"
    page = text(admin.get(url))
    assert 'id="position-map"' in page and "position_pick.js" in page and "leaflet/dist/leaflet.js" in page
    assert 'id="f-latitude"' in page and 'value=""' in field_html(page, "latitude")
    assert post_form(admin, url, form_of(ent, latitude="35.4627", longitude="113.8015")).status_code == 302
    db.session.expire_all()
    assert (ent.latitude, ent.longitude) == (35.4627, 113.8015)
    assert 'value="35.4627"' in field_html(text(admin.get(url)), "latitude")
    assert post_form(admin, url, form_of(ent, latitude="35.47", longitude="113.8015")).status_code == 302
    assert post_form(admin, url, form_of(ent, latitude="", longitude="")).status_code == 302
    db.session.expire_all()
    assert ent.latitude is None and ent.longitude is None
    changes = [e.changes for e in db.session.query(AuditEvent).filter_by(action="enterprise_updated")
               .order_by(AuditEvent.id)]
    assert changes == [{"latitude": [None, 35.4627], "longitude": [None, 113.8015]},
                       {"latitude": [35.4627, 35.47]},
                       {"latitude": [35.47, None], "longitude": [113.8015, None]}]
    history = text(admin.get(url))
    assert "纬度" in history and "35.47" in history


def test_a_wrong_position_is_400_with_the_errors_beside_the_fields_and_the_input_kept(people, login):
    admin, ent = login("admin"), people.enterprise_a
    url = f"/admin/enterprises/{ent.id}"
    response = post_form(admin, url, form_of(ent, latitude="113.8015", longitude="35.4627x", employees="7"))
    assert response.status_code == 400
    page = text(response)
    assert "纬度应为 -90 到 90 之间的数" in field_html(page, "latitude")
    assert "经度应为 -180 到 180 之间的数" in field_html(page, "longitude")
    assert 'value="113.8015"' in field_html(page, "latitude") and 'value="35.4627x"' in field_html(page, "longitude")
    assert 'value="7"' in field_html(page, "employees")  # the other fields kept too
    half = post_form(admin, url, form_of(ent, latitude="35.4627", longitude=""))
    assert half.status_code == 400 and "请同时填写经度" in field_html(text(half), "longitude")
    db.session.expire_all()
    assert ent.latitude is None and ent.employees == 0  # nothing saved
    added = post_form(admin, "/admin/enterprises/new", {"name": "新厂", "credit_code": "91330100MA2H00017B",
                                                        "latitude": "35.5", "longitude": "200"})
    assert added.status_code == 400 and 'value="200"' in field_html(text(added), "longitude")
    assert db.session.query(Enterprise).filter_by(name="新厂").count() == 0


def test_only_admins_edit_the_position(people, login):
    ent = people.enterprise_a
    for who in ("bureau", "ent_a"):
        assert login(who).get(f"/admin/enterprises/{ent.id}").status_code == 403
    with pytest.raises(Exception):
        with UnitOfWork() as uow:
            user_admin.update_enterprise(uow, people.bureau, ent.id, latitude=35.0, longitude=113.0)


def test_the_service_names_every_wrong_field_at_once(people):
    with pytest.raises(ValidationFailed) as caught:
        with UnitOfWork() as uow:
            user_admin.update_enterprise(uow, people.admin, people.enterprise_a.id, latitude="95",
                                         longitude="x", employees="-1")
    assert set(caught.value.fields) == {"latitude", "longitude", "employees"}


# ---- import and export ----------------------------------------------------------------------------------------
def test_export_and_import_round_trip_the_position(people, login):
    a, b = people.enterprise_a, people.enterprise_b
    with UnitOfWork() as uow:
        user_admin.update_enterprise(uow, people.admin, a.id, latitude="35.501234", longitude="113.832101")
        uow.commit()
    admin = login("admin")
    rows = csv_rows(admin.get("/admin/enterprises/export.csv"))
    lat, lng = rows[0].index("纬度"), rows[0].index("经度")
    exported = {r[0]: (r[lat], r[lng]) for r in rows[1:]}
    assert exported == {a.name: ("35.501234", "113.832101"), b.name: ("", "")}
    # the file as exported reads back as unchanged, as CSV and as Excel
    data = "\n".join(",".join(row) for row in rows).encode("utf-8-sig")
    with UnitOfWork() as uow:
        assert [r.action for r in enterprise_import.plan_import(uow, "名录.csv", data).rows] == ["unchanged"] * 2
    with UnitOfWork() as uow:
        workbook = xlsx_bytes(list(enterprise_import.export_rows(uow.session)))
        assert [r.action for r in enterprise_import.plan_import(uow, "名录.xlsx", workbook).rows] == \
            ["unchanged"] * 2
    # placing B and moving A by file; an empty cell keeps the stored value
    header = ["企业名称", "统一社会信用代码", "纬度", "经度"]
    result = run_import(people.admin, "位置.xlsx", xlsx_bytes([
        header, [a.name, a.credit_code, 35.51, ""], [b.name, b.credit_code, 35.4627, 113.8015]]))
    assert [(r.action, r.changes) for r in result.rows] == [
        ("update", {"latitude": [35.501234, 35.51]}),
        ("update", {"latitude": [None, 35.4627], "longitude": [None, 113.8015]})]
    db.session.expire_all()
    assert (a.latitude, a.longitude, b.latitude, b.longitude) == (35.51, 113.832101, 35.4627, 113.8015)
    with UnitOfWork() as uow:  # the English headers are read too
        plan = enterprise_import.plan_import(uow, "en.csv", csv_bytes(
            [["Name", "Unified social credit code", "Latitude", "Longitude"],
             [b.name, b.credit_code, "35.4627", "113.8015"]]))
    assert [r.action for r in plan.rows] == ["unchanged"]


def test_wrong_positions_in_a_file_are_reported_by_line_and_nothing_is_imported(people):
    a, b = people.enterprise_a, people.enterprise_b
    header = ["企业名称", "统一社会信用代码", "纬度", "经度"]
    with UnitOfWork() as uow:
        result = enterprise_import.plan_import(uow, "位置.csv", csv_bytes([
            header, [a.name, a.credit_code, "135.2", "113.8"], [b.name, b.credit_code, "35.2", ""]]))
    assert [(r.line, r.action, set(r.errors)) for r in result.rows] == [
        (2, "error", {"latitude"}), (3, "error", {"longitude"})]  # B has no longitude stored either


# ---- the check-in measures from the enterprise's position ------------------------------------------------------
def test_the_check_in_uses_the_enterprise_position_and_says_so(people, login, api):
    place_cases(people, FAR)  # the cases' median is 1.1 km from the real site
    first = visit(people.inspector, people.enterprise_a)
    arrived = check_in(people.inspector, first.id, NEAR)
    assert arrived.arrival_site_source == "cases" and arrived.arrival_distance_m > 1000
    with UnitOfWork() as uow:
        user_admin.update_enterprise(uow, people.admin, people.enterprise_a.id, latitude=SITE[0], longitude=SITE[1])
        uow.commit()
    left = check_out(people.inspector, first.id, NEAR)
    assert left.departure_site_source == "enterprise" and 30 < left.departure_distance_m < 40
    db.session.expire_all()
    row = db.session.get(VisitCheckin, arrived.id)
    assert (row.arrival_site_source, row.departure_site_source) == ("cases", "enterprise")  # each stamp as taken
    page = text(login("inspector").get(f"/inspections/{first.id}"))
    assert "企业位置：企业登记位置。" in page
    assert 'data-source="cases"' in page and "（按该企业隐患位置的中位点）" in page
    assert 'data-source="enterprise"' in page and "（按企业登记位置）" in page
    body = api("inspector").get(f"/api/v1/inspections/{first.id}").get_json()
    assert (body["checkins"][0]["arrival_site_source"], body["checkins"][0]["departure_site_source"]) == \
        ("cases", "enterprise")
    event = db.session.query(AuditEvent).filter_by(action="visit_checked_out").one()
    assert event.details["site_source"] == "enterprise"


def test_without_any_position_there_is_no_distance_and_no_source(people):
    row = check_in(people.inspector, visit(people.inspector, people.enterprise_b).id, NEAR)
    assert row.arrival_distance_m is None and row.arrival_site_source is None


def test_the_demo_places_all_but_one_enterprise_and_checks_in_from_their_positions(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    unplaced = [e.name for e in db.session.query(Enterprise).filter(Enterprise.latitude.is_(None))]
    assert unplaced == ["城关建材商行"]
    sources = {c.arrival_site_source for c in db.session.query(VisitCheckin)}
    assert sources == {"enterprise"}
