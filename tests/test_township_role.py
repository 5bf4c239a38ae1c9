"""Township / park safety offices (属地监管, role `township`): they read the cases, enterprises, visits and supervision
lists of the townships / parks they cover and nothing of another area (404, as another enterprise's staff get);
without a township they see nothing; the pages they may not use answer 403; they are told of their area's major,
overdue and referred hazards; administrators set their townships. Everything from the outside, over HTTP."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.extensions import db
from app.models import Attachment, AuditEvent, HazardCase, Notification, User, UserTownship
from tests.test_hazard_map import place
from tests.test_lifecycle_service import ASSIGN, case_row, complete, open_tasks, register
from tests.test_timers_service import sweep
from tests.test_web_admin_people import post_form
from tests.test_web_support import csv_rows, field_html, register as web_register, text
from tests.test_web_xlsx_exports import Workbook

TOWN_A, TOWN_B = "城关镇", "南湖镇"  # enterprise A's township (the fixture's), and the one B is moved to


@pytest.fixture
def area(people, make_user):
    """Enterprise A in 城关镇, B in 南湖镇; a township office for each, one covering both, one covering none."""
    people.enterprise_b.township = TOWN_B
    db.session.commit()
    offices = {"town_a": [TOWN_A], "town_b": [TOWN_B], "town_ab": [TOWN_A, TOWN_B], "town_none": []}
    for username, townships in offices.items():
        user = make_user(username, "township")
        user.townships_rel = [UserTownship(township=t) for t in townships]
        db.session.commit()
    return people


def two_cases(people):
    """One case at A (with coordinates), one at B (with coordinates): their ids."""
    at_a, at_b = register(people), register(people, enterprise=people.enterprise_b)
    place(at_a, 35.45, 113.79)
    place(at_b, 35.50, 113.70)
    return at_a, at_b


def code(case_id):
    return db.session.get(HazardCase, case_id).code


def photo_of(case_id):
    return db.session.query(Attachment).filter_by(case_id=case_id).first().public_id


# ---- cases: list, page, map, ledger, history, attachments -----------------------------------------------------------
def test_a_township_office_sees_its_areas_cases_and_not_anothers(area, login):
    at_a, at_b = two_cases(area)
    client = login("town_a")
    listing = text(client.get("/cases"))
    assert code(at_a) in listing and code(at_b) not in listing
    assert client.get(f"/cases/{at_a}").status_code == 200
    assert client.get(f"/cases/{at_b}").status_code == 404  # as for another enterprise's staff: no existence leak
    assert client.get(f"/processes/case/{at_b}/diagram").status_code == 404
    points = client.get("/map/cases.json").get_json()
    assert [f["id"] for f in points["features"]] == [at_a] and points["matching"] == 1
    assert client.get("/map").status_code == 200
    ledger = csv_rows(client.get("/cases/export.csv"))
    assert [row for row in ledger[1:] if code(at_a) in row] and not [row for row in ledger[1:] if code(at_b) in row]
    assert len(ledger) == 2
    book = Workbook(client.get("/cases/export.xlsx").get_data())
    cells = [cell for row in book.rows for cell in row]
    assert code(at_a) in cells and code(at_b) not in cells
    # The township filter offers the covered townships only; asking for another area's gives nothing.
    page = text(client.get("/cases"))
    assert f'<option value="{TOWN_A}"' in page and f'<option value="{TOWN_B}"' not in page
    assert code(at_b) not in text(client.get(f"/cases?township={TOWN_B}"))
    assert code(at_b) not in text(client.get(f"/cases?enterprise_id={area.enterprise_b.id}"))


def test_attachments_of_another_area_are_404(area, login, api):
    inspector = login("inspector")
    at_a, at_b = web_register(inspector, area.enterprise_a).id, web_register(inspector, area.enterprise_b).id
    client = login("town_a")
    assert client.get(f"/attachments/{photo_of(at_a)}").status_code == 200
    assert client.get(f"/attachments/{photo_of(at_b)}").status_code == 404
    assert api("town_a").get(f"/api/v1/attachments/{photo_of(at_a)}").status_code == 200
    assert api("town_a").get(f"/api/v1/attachments/{photo_of(at_b)}").status_code == 404


def test_covering_two_townships_sees_both_and_none_sees_nothing(area, login):
    at_a, at_b = two_cases(area)
    both = login("town_ab")
    listing = text(both.get("/cases"))
    assert code(at_a) in listing and code(at_b) in listing
    assert sorted(f["id"] for f in both.get("/map/cases.json").get_json()["features"]) == sorted([at_a, at_b])
    nobody = login("town_none")  # a township office without a township sees nothing, not everything
    listing = text(nobody.get("/cases"))
    assert code(at_a) not in listing and code(at_b) not in listing
    assert nobody.get(f"/cases/{at_a}").status_code == 404
    assert nobody.get("/map/cases.json").get_json()["features"] == []
    assert len(csv_rows(nobody.get("/cases/export.csv"))) == 1  # the header only


def test_the_api_is_scoped_the_same_way(area, api):
    at_a, at_b = two_cases(area)
    client = api("town_a")
    listing = client.get("/api/v1/hazards").get_json()
    assert [c["id"] for c in listing["items"]] == [at_a] and listing["total"] == 1
    assert client.get(f"/api/v1/hazards/{at_a}").status_code == 200
    assert client.get(f"/api/v1/hazards/{at_a}/history").status_code == 200
    for path in (f"/hazards/{at_b}", f"/hazards/{at_b}/history", f"/hazards/{at_b}/tasks"):
        response = client.get(f"/api/v1{path}")
        assert response.status_code == 404 and response.get_json()["error"] == "not_found", path
    assert [f["id"] for f in client.get("/api/v1/hazards/map").get_json()["features"]] == [at_a]
    assert api("town_none").get("/api/v1/hazards").get_json()["total"] == 0
    assert api("town_b").get("/api/v1/hazards").get_json()["items"][0]["id"] == at_b
    assert client.get("/api/v1/statistics").status_code == 200  # of its own area (test_township_statistics.py)
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "township" in doc["info"]["x-roles"] and "属地监管" in doc["info"]["description"]


def test_a_township_office_works_no_task(area, login):
    at_a, at_b = two_cases(area)
    client = login("town_a")
    assignment_a, assignment_b = open_tasks(at_a)["assignment"], open_tasks(at_b)["assignment"]
    assert client.get(f"/tasks/{assignment_a.id}").status_code == 403  # its case is visible, the task is not theirs
    assert client.get(f"/tasks/{assignment_b.id}").status_code == 404
    assert f"/tasks/{assignment_a.id}" not in text(client.get("/tasks"))


# ---- enterprises, visits and the supervision lists --------------------------------------------------------------------
def test_supervision_lists_and_enterprise_pages_are_their_areas(area, login):
    at_a = register(area, score=60)  # major: an open major hazard puts A on the inspection priority list
    at_b = register(area, score=60, enterprise=area.enterprise_b)
    for case_id in (at_a, at_b):
        complete(area.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    clock.set(max(case_row(at_a).rectification_due, case_row(at_b).rectification_due) + timedelta(minutes=1))
    sweep()  # both overdue: both enterprises on the key-supervision list
    bureau = text(login("bureau").get("/supervision"))
    assert code(at_a) in bureau and code(at_b) in bureau
    client = login("town_a")
    listed = text(client.get("/supervision"))
    assert code(at_a) in listed and code(at_b) not in listed
    assert client.get(f"/supervision/enterprises/{area.enterprise_a.id}").status_code == 200
    assert client.get(f"/supervision/enterprises/{area.enterprise_b.id}").status_code == 404
    priorities = text(client.get("/supervision/priorities"))
    assert area.enterprise_a.name in priorities and area.enterprise_b.name not in priorities
    names = [row[0] for row in csv_rows(client.get("/supervision/priorities.csv"))[1:]]
    assert names == [area.enterprise_a.name]
    regions = [row[0] for row in csv_rows(client.get("/supervision/regions.csv"))[1:]]
    assert regions == [TOWN_A]
    assert "/supervision" in text(client.get("/cases"))  # the navigation offers the list
    nobody = login("town_none")
    assert code(at_a) not in text(nobody.get("/supervision"))
    assert csv_rows(nobody.get("/supervision/priorities.csv"))[1:] == []
    clock.set(case_row(at_a).rectification_due + timedelta(days=8))
    sweep()  # the grace period has passed: enforcement referrals
    referrals = text(client.get("/supervision"))
    assert referrals.count(code(at_b)) == 0


def test_inspection_visits_are_their_areas(area, login):
    from tests.test_inspections import visit
    visit_a, visit_b = visit(area.inspector, area.enterprise_a).id, visit(area.inspector, area.enterprise_b).id
    client = login("town_a")
    assert client.get(f"/inspections/{visit_a}").status_code == 200
    assert client.get(f"/inspections/{visit_b}").status_code == 404
    listing = csv_rows(client.get("/inspections/export.csv"))
    assert len(listing) == 2 and area.enterprise_a.name in listing[1]
    assert 'class="coverage"' not in text(client.get("/inspections"))  # the county's coverage is not theirs
    assert 'class="coverage"' in text(client.get(f"/inspections?township={TOWN_A}"))  # their township's is
    assert 'class="coverage"' not in text(client.get(f"/inspections?township={TOWN_B}"))


@pytest.mark.parametrize("url", ["/audit", "/hazards/new", "/hazards/offline", "/complaints",
                                 "/cooperation", "/iot/devices", "/library", "/quality", "/supervision/checks",
                                 "/service-reports", "/inspections/checklist-stats", "/inspections/satisfaction",
                                 "/admin/users", "/processes/", "/inspections/new", "/inspections/plans/new",
                                 "/service-projects", "/public-reports", "/notices"])
def test_the_pages_a_township_office_may_not_use_answer_403(area, login, url):
    assert login("town_a").get(url).status_code == 403


def test_it_cannot_register_or_regrade(area, login, api):
    at_a = register(area)
    assert api("town_a").post("/api/v1/hazards", json={}).status_code == 403
    assert login("town_a").get(f"/cases/{at_a}/regrade").status_code == 403


# ---- notifications ----------------------------------------------------------------------------------------------------
def recipients(case_id, kind):
    rows = db.session.query(Notification).filter_by(case_id=case_id, kind=kind)
    return sorted(db.session.get(User, n.user_id).username for n in rows)


def test_the_areas_offices_are_told_of_major_overdue_and_referred_hazards(area):
    major_b = register(area, score=60, enterprise=area.enterprise_b)
    assert recipients(major_b, "major_hazard_report") == ["bureau", "town_ab", "town_b"]
    general_a = register(area)
    assert recipients(general_a, "major_hazard_report") == []
    complete(area.project_lead, open_tasks(general_a)["assignment"], ASSIGN)
    clock.set(case_row(general_a).rectification_due + timedelta(minutes=1))
    sweep()  # overdue: the urging notice, the key-supervision list
    told = recipients(general_a, "rectification_urging")
    assert {"town_a", "town_ab"} <= set(told) and not {"town_b", "town_none"} & set(told)
    clock.set(case_row(general_a).rectification_due + timedelta(days=8))
    sweep()  # referred to enforcement
    assert recipients(general_a, "enforcement_referral") == ["bureau", "town_a", "town_ab"]


def test_an_inactive_office_is_not_told(area):
    town_b = db.session.query(User).filter_by(username="town_b").one()
    town_b.active = False
    db.session.commit()
    major_b = register(area, score=60, enterprise=area.enterprise_b)
    assert recipients(major_b, "major_hazard_report") == ["bureau", "town_ab"]


# ---- user administration ----------------------------------------------------------------------------------------------
def township_form(**changes):
    form = {"username": "lin", "display_name": "林站长", "roles": ["township"], "townships": [TOWN_A],
            "enterprise": "", "email": "", "phone": "", "password": "lin-pass-2026", "password2": "lin-pass-2026"}
    form.update(changes)
    return form


def test_the_admin_sets_a_users_townships(area, login):
    admin = login("admin")
    page = text(admin.get("/admin/users/new"))
    assert f'name="townships" value="{TOWN_A}"' in field_html(page, "townships")
    assert f'value="{TOWN_B}"' in field_html(page, "townships")
    response = post_form(admin, "/admin/users/new", township_form())
    assert response.status_code == 302, text(response)
    lin = db.session.query(User).filter_by(username="lin").one()
    assert lin.roles == {"township"} and lin.townships == [TOWN_A] and lin.enterprise_id is None
    created = db.session.query(AuditEvent).filter_by(action="user_created").order_by(AuditEvent.id.desc()).first()
    assert created.changes["townships"] == [None, [TOWN_A]]
    response = post_form(admin, f"/admin/users/{lin.id}", {"display_name": "林站长", "roles": ["township"],
                                                            "townships": [TOWN_A, TOWN_B], "enterprise": "",
                                                            "email": "", "phone": ""})
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    assert db.session.query(User).filter_by(username="lin").one().townships == sorted([TOWN_A, TOWN_B])
    updated = db.session.query(AuditEvent).filter_by(action="user_updated").order_by(AuditEvent.id.desc()).first()
    assert updated.changes["townships"] == [[TOWN_A], sorted([TOWN_A, TOWN_B])]
    assert TOWN_B in text(admin.get("/admin/users"))  # the list names the townships


@pytest.mark.parametrize("townships, message", [(["火星镇"], "火星镇"), ([], "属地监管账号须至少负责一个乡镇/园区")])
def test_an_unknown_or_missing_township_is_a_form_error(area, login, townships, message):
    response = post_form(login("admin"), "/admin/users/new", township_form(townships=townships))
    assert response.status_code == 400
    assert message in field_html(text(response), "townships")
    assert db.session.query(User).filter_by(username="lin").first() is None


def test_other_roles_cover_no_township(area, login):
    form = township_form(roles=["inspector"], townships=[TOWN_A])
    assert post_form(login("admin"), "/admin/users/new", form).status_code == 302
    assert db.session.query(User).filter_by(username="lin").one().townships == []


def test_the_cli_creates_a_township_office(app, area):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "lin", "--role", "township", "--township", TOWN_B,
                                 "--password", "lin-pass-2026"])
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(username="lin").one().townships == [TOWN_B]
    bad = runner.invoke(args=["users", "create", "wu", "--role", "township", "--township", "火星镇",
                              "--password", "wu-pass-20261"])
    assert bad.exit_code == 2 and "火星镇" in bad.output
