"""On-site check-in at inspection visits (到场打卡 / 离场打卡, services/visit_checkins.py): the server's time, the
device's position (or none), the distance from the enterprise (the median of its cases' positions here, where the
enterprises have no position of their own: tests/test_enterprise_positions.py has the other case), the flags (far, no position, under 4 hours, no check-out, no check-in), the 409s,
who may check in, and the visit page, list, CSV, PDF and API that show them."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HazardCase, InspectionVisit, VisitCheckin
from app.services import visit_checkins
from app.services.uow import UnitOfWork
from pdf_support import pdf_text
from tests.test_inspections import visit
from tests.test_lifecycle_service import register
from tests.test_web_support import csv_rows, text
from tests.visit_review_support import released

SITE = (30.27415, 120.15515)  # the enterprise's hazard, as the browser tests place it
NEAR = (30.27445, 120.15515)  # ≈ 33 m north
FAR = (30.28415, 120.15515)  # ≈ 1.1 km north


def place_cases(people, *positions, enterprise=None):
    """Cases at the enterprise at these positions (the site is their median)."""
    for latitude, longitude in positions:
        case = db.session.get(HazardCase, register(people, enterprise=enterprise))
        case.latitude, case.longitude = latitude, longitude
    db.session.commit()


def stamp(action, user, visit_id, position=(None, None), accuracy=None):
    with UnitOfWork() as uow:
        row = action(uow, user, visit_id, position[0], position[1], accuracy)
        uow.commit()
        return row


def check_in(user, visit_id, position=(None, None), accuracy=None):
    return stamp(visit_checkins.check_in, user, visit_id, position, accuracy)


def check_out(user, visit_id, position=(None, None), accuracy=None):
    return stamp(visit_checkins.check_out, user, visit_id, position, accuracy)


def views(visit_id):
    db.session.expire_all()
    return visit_checkins.for_visit(db.session, db.session.get(InspectionVisit, visit_id))


def test_a_full_stay_near_the_site_has_no_flag_and_is_audited(people):
    place_cases(people, SITE, (30.27425, 120.15525), (30.0, 120.0))  # the median stays at the site
    row = visit(people.inspector, people.enterprise_a)
    arrived = check_in(people.inspector, row.id, NEAR, accuracy="12.34")
    assert arrived.arrived_at == clock.now() and arrived.arrival_accuracy_m == 12.3
    assert 30 < arrived.arrival_distance_m < 40
    clock.advance(hours=4, minutes=5)
    left = check_out(people.inspector, row.id, NEAR)
    assert left.minutes_on_site == 245 and left.departed_at == clock.now()
    [view] = views(row.id)
    assert view.flags == [] and not view.on_site and visit_checkins.visit_flags([view]) == []
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)
               if e.action.startswith("visit_checked")]
    assert actions == ["visit_checked_in", "visit_checked_out"]


def test_flags_far_short_no_position_and_no_check_out(people):
    place_cases(people, SITE)
    row = visit(people.inspector, people.enterprise_a, inspectors="project_lead、expert")
    check_in(people.inspector, row.id, FAR)  # the recorder is on the team
    check_in(people.project_lead, row.id)  # position refused
    assert views(row.id)[0].flags == ["far"] and views(row.id)[1].flags == ["no_position"]
    assert views(row.id)[1].on_site
    clock.advance(hours=3, minutes=59)
    check_out(people.inspector, row.id, NEAR)
    assert views(row.id)[0].flags == ["far", "short"]
    clock.advance(days=1)  # the project lead never checked out
    assert views(row.id)[1].flags == ["no_position", "no_check_out"] and not views(row.id)[1].on_site
    assert visit_checkins.visit_flags(views(row.id)) == ["far", "no_position", "short", "no_check_out"]


def test_without_cases_with_positions_the_distance_is_unknown_and_not_far(people):
    row = visit(people.inspector, people.enterprise_a)
    arrived = check_in(people.inspector, row.id, FAR)
    assert arrived.arrival_distance_m is None and views(row.id)[0].flags == []
    assert visit_checkins.site_positions(db.session, [people.enterprise_a.id]) == {people.enterprise_a.id: None}


def test_the_409s_and_bad_positions(people):
    row = visit(people.inspector, people.enterprise_a)
    with pytest.raises(Conflict, match="先到场打卡"):
        check_out(people.inspector, row.id)
    with pytest.raises(ValidationFailed):
        check_in(people.inspector, row.id, (91, 120))
    with pytest.raises(ValidationFailed):
        check_in(people.inspector, row.id, SITE, accuracy="-3")
    check_in(people.inspector, row.id, SITE)
    with pytest.raises(Conflict, match="已经到场打卡"):
        check_in(people.inspector, row.id, SITE)
    check_out(people.inspector, row.id)
    with pytest.raises(Conflict, match="已经离场打卡"):
        check_out(people.inspector, row.id)
    assert db.session.query(VisitCheckin).count() == 1


def test_check_in_only_on_the_visit_s_day_and_out_on_the_arrival_s(people):
    old = visit(people.inspector, people.enterprise_a, visited_on=(clock.local_now().date() - timedelta(days=1))
                .isoformat())
    with pytest.raises(Conflict, match="排查当天"):
        check_in(people.inspector, old.id)
    today = visit(people.inspector, people.enterprise_a)
    check_in(people.inspector, today.id)
    clock.advance(days=1)
    with pytest.raises(Conflict, match="到场当天已过"):
        check_out(people.inspector, today.id)


def test_who_checks_in(people):
    row = visit(people.inspector, people.enterprise_a, inspectors="张排查、project_team")
    for who in ("ent_b", "ent_a"):  # another enterprise's staff, and its own before the review released it: none
        with pytest.raises(NotFound):
            check_in(people[who], row.id)
    released(row)
    for who in ("ent_a", "project_team", "bureau"):  # named but without a recording role, or not an inspector
        with pytest.raises(NotAllowed):
            check_in(people[who], row.id)
    with pytest.raises(NotAllowed, match="人员名单"):
        check_in(people.project_lead, row.id)  # an inspection role, but not on this visit's team
    assert db.session.query(VisitCheckin).count() == 0


def test_the_visit_page_the_buttons_and_the_http_rules(people, login):
    place_cases(people, SITE)
    row = visit(people.inspector, people.enterprise_a)
    inspector = login("inspector")
    page = text(inspector.get(f"/inspections/{row.id}"))
    assert "visit_checkin.js" in page and "到场打卡</button>" in page and "未到场打卡" in page
    assert login("ent_b").post(f"/inspections/{row.id}/check-in").status_code == 404
    assert login("project_lead").post(f"/inspections/{row.id}/check-in").status_code == 403
    assert login("ent_a").post(f"/inspections/{row.id}/check-in").status_code == 404  # not released (三级审核)
    response = inspector.post(f"/inspections/{row.id}/check-out")
    assert response.status_code == 409 and "请先到场打卡" in text(response)
    response = inspector.post(f"/inspections/{row.id}/check-in",
                              data={"latitude": str(NEAR[0]), "longitude": str(NEAR[1]), "accuracy": "8"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/inspections/{row.id}#checkins")
    page = text(inspector.get(f"/inspections/{row.id}"))
    assert "离场打卡</button>" in page and "在场中" in page and "距企业 33 米" in page and "±8 m" in page
    response = inspector.post(f"/inspections/{row.id}/check-in")
    assert response.status_code == 409 and "你已经到场打卡" in text(response)
    clock.advance(hours=1)
    assert inspector.post(f"/inspections/{row.id}/check-out").status_code == 302
    page = text(inspector.get(f"/inspections/{row.id}"))
    assert "在场不足 4 小时" in page and "打卡无定位" in page and "1 小时 0 分" in page
    assert "离场打卡</button>" not in page and "到场打卡</button>" not in page
    released(row)  # the enterprise sees the visit once its report passed the review (三级审核)
    enterprise_page = text(login("ent_a").get(f"/inspections/{row.id}"))
    assert "到场 / 离场：inspector 09:00–10:00" in enterprise_page  # in the confirmation card
    assert "120.15515" not in enterprise_page  # the enterprise's staff see no coordinates


def test_the_list_flags_filter_and_csv(people, login):
    place_cases(people, SITE)
    good = visit(people.inspector, people.enterprise_a)
    none = visit(people.inspector, people.enterprise_b)
    check_in(people.inspector, good.id, NEAR)
    clock.advance(hours=4)
    check_out(people.inspector, good.id, NEAR)
    client = login("project_lead")
    page = text(client.get("/inspections"))
    assert "在场 4 小时 0 分" in page and "未到场打卡" in page
    flagged = text(client.get("/inspections?flagged=1"))
    assert f'data-visit="{none.id}"' in flagged and f'data-visit="{good.id}"' not in flagged
    rows = csv_rows(client.get("/inspections/export.csv?flagged=1"))
    # the check-in columns, then the kind, time and campaign (tests/test_visit_kinds.py)
    assert rows[0][-7:-3] == ["打卡人数", "最短在场时长（分钟）", "最远到场距离（米）", "打卡异常"]
    assert [r[-4] for r in rows[1:]] == ["未到场打卡"]
    rows = csv_rows(client.get("/inspections/export.csv"))
    assert sorted(r[-7:-3] for r in rows[1:]) == [["0", "", "", "未到场打卡"], ["1", "240", "33", ""]]


def test_the_flagged_filter_matches_the_flags(people):
    """Each flag makes the SQL filter pick the visit, and a clean stay does not."""
    from app.services import inspections
    place_cases(people, SITE)
    rows = {name: visit(people.inspector, people.enterprise_a) for name in ("clean", "far", "short", "open",
                                                                             "no_position", "none")}
    for name, position in (("clean", NEAR), ("far", FAR), ("short", NEAR), ("open", NEAR), ("no_position", (None, None))):
        check_in(people.inspector, rows[name].id, position)
    clock.advance(hours=2)
    check_out(people.inspector, rows["short"].id, NEAR)
    clock.advance(hours=3)
    for name in ("clean", "far", "no_position"):
        check_out(people.inspector, rows[name].id, NEAR)
    clock.advance(days=1)  # "open" never checked out
    picked = {v.id for v in inspections.visible_visits(db.session, people.project_lead,
                                                        inspections.VisitFilter(flagged=True))}
    assert picked == {rows[n].id for n in ("far", "short", "open", "no_position", "none")}
    summaries = visit_checkins.summaries(db.session, list(rows.values()))
    assert {n for n, v in rows.items() if summaries[v.id].flags} == {"far", "short", "open", "no_position", "none"}


def test_the_report_pdf_shows_the_check_ins(people, login):
    place_cases(people, SITE)
    row = visit(people.inspector, people.enterprise_a)
    check_in(people.inspector, row.id, NEAR)
    clock.advance(hours=5)
    check_out(people.inspector, row.id, FAR)
    released(row)  # the enterprise reads the report once it passed the review (三级审核)
    shown = pdf_text(login("ent_a").get(f"/inspections/{row.id}/report.pdf").get_data()).replace("\n", "")
    assert "到场打卡" in shown and "inspector" in shown and "5 小时 0 分" in shown and "离企业超过 500米" in shown
    assert "现场资料无" in shown


def test_the_api(people, api):
    place_cases(people, SITE)
    row = visit(people.inspector, people.enterprise_a)
    inspector = api("inspector")
    body = inspector.get(f"/api/v1/inspections/{row.id}").get_json()
    assert body["checkins"] == [] and body["checkin_flags"] == ["no_check_in"] and body["files"] == []
    response = inspector.post(f"/api/v1/inspections/{row.id}/check-in",
                              json={"latitude": NEAR[0], "longitude": NEAR[1], "accuracy": 5})
    assert response.status_code == 201, response.get_json()
    [checkin] = response.get_json()["checkins"]
    assert checkin["user"] == "inspector" and checkin["arrived_at"] == "2026-11-23T09:00:00+08:00"
    assert round(checkin["arrival_distance_m"]) == 33 and checkin["on_site"] and checkin["flags"] == []
    assert inspector.post(f"/api/v1/inspections/{row.id}/check-in", json={}).status_code == 409
    assert api("ent_b").post(f"/api/v1/inspections/{row.id}/check-in", json={}).status_code == 404
    assert api("project_lead").post(f"/api/v1/inspections/{row.id}/check-in", json={}).status_code == 403
    assert inspector.post(f"/api/v1/inspections/{row.id}/check-out", json={"latitude": 95}).status_code == 400
    clock.advance(hours=2)
    response = inspector.post(f"/api/v1/inspections/{row.id}/check-out", json={})
    assert response.status_code == 200
    body = response.get_json()
    assert body["checkins"][0]["minutes_on_site"] == 120 and body["checkin_flags"] == ["no_position", "short"]
    assert inspector.post(f"/api/v1/inspections/{row.id}/check-out", json={}).status_code == 409
    document = inspector.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert {"/api/v1/inspections/{visit_id}/check-in", "/api/v1/inspections/{visit_id}/check-out",
            "/api/v1/inspections/{visit_id}/files"} <= set(paths)
    assert "checkins" in document["components"]["schemas"]["Visit"]["properties"]
