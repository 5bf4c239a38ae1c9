"""Enterprises rate inspection visits (满意度评价, services/visit_ratings.py): the visited enterprise's staff rate once
each, from the visit's day to 30 days after; anonymous ratings name nobody (pages, API, notices, audit log); a low
score is a complaint for the quality supervisors and project leads; who may rate and read, through the services, the
form, the visit page's card and the API."""
from datetime import timedelta
from pathlib import Path

import pytest
from flask import render_template
from flask_login import login_user

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Notification, OutboxMessage, VisitRating
from app.services import inspections, visit_ratings
from tests.visit_review_support import released
from app.services.uow import UnitOfWork
from tests.test_web_support import text

GOOD = {"service_quality": 5, "professional_level": 4, "communication": 4, "response_speed": 5}
LOW = {"service_quality": 3, "professional_level": 4, "communication": 2, "response_speed": 3}
SHOW = Path(__file__).resolve().parent.parent / "app/templates/inspections/show.html"
CARD_INCLUDED = "inspections/_ratings.html" in SHOW.read_text(encoding="utf-8")


def visit(recorder, enterprise, days_ago=0):
    """A visit whose report passed its review: the enterprise sees (and rates) only those (三级审核)."""
    with UnitOfWork() as uow:
        row = inspections.record(uow, recorder, enterprise.id,
                                 (clock.local_now().date() - timedelta(days=days_ago)).isoformat(),
                                 "张排查、李排查", "配电房、危化品仓库")
        uow.commit()
        return released(row).id


def rate(user, visit_id, scores=GOOD, comment="", anonymous=False):
    with UnitOfWork() as uow:
        row = visit_ratings.rate(uow, user, visit_id, dict(scores), comment, anonymous)
        uow.commit()
        return row.id


def low_notices(user):
    return db.session.query(Notification).filter_by(user_id=user.id, kind="visit_rating_low").all()


def test_a_rating_is_stored_and_audited_with_its_rater(people):
    visit_id = visit(people.inspector, people.enterprise_a)
    rating_id = rate(people.ent_a, visit_id, comment="讲解清楚")
    row = db.session.get(VisitRating, rating_id)
    assert (row.scores, row.overall, row.enterprise_id) == (GOOD, 4.5, people.enterprise_a.id)
    assert row.shown_rater.username == "ent_a"
    event = db.session.query(AuditEvent).filter_by(action="visit_rated").one()
    assert (event.actor_name, event.case_id) == ("ent_a", None)
    assert event.changes["communication"] == [None, 4] and event.changes["comment"] == [None, "讲解清楚"]
    assert event.details == {"visit_id": visit_id, "rating_id": rating_id, "enterprise_id": people.enterprise_a.id,
                             "name": "甲化工有限公司", "anonymous": False}
    assert db.session.query(Notification).filter_by(kind="visit_rating_low").count() == 0  # a good one tells nobody


def test_an_anonymous_low_rating_reaches_the_quality_desk_and_names_nobody(people):
    visit_id = visit(people.inspector, people.enterprise_a)
    rating_id = rate(people.ent_a, visit_id, LOW, comment="沟通太少，整改要求没讲清", anonymous=True)
    assert db.session.get(VisitRating, rating_id).shown_rater is None
    for who in ("quality", "project_lead"):
        [notice] = low_notices(people[who])
        assert "甲化工有限公司" in notice.title and "沟通效率 2 分" in notice.body
        assert "沟通太少，整改要求没讲清" in notice.body and "评价人：匿名" in notice.body and "ent_a" not in notice.body
    assert db.session.query(OutboxMessage).filter_by(subject=notice.title).count() >= 2  # in-app and outbox
    for who in ("bureau", "inspector", "ent_a", "manager"):
        assert low_notices(people[who]) == []
    event = db.session.query(AuditEvent).filter_by(action="visit_rated").one()
    assert (event.actor_id, event.actor_name) == (None, "system")
    assert "ent_a" not in repr((event.changes, event.details)) and event.details["anonymous"] is True


def test_a_named_low_rating_names_its_rater_to_the_desk(people):
    rate(people.ent_a, visit(people.inspector, people.enterprise_a), {**GOOD, "response_speed": 1})
    [notice] = low_notices(people.quality)
    assert "评价人：ent_a" in notice.body and "意见：（无）" in notice.body


def test_once_per_person_from_the_visit_s_day_to_30_days_after(people, make_user):
    visit_id = visit(people.inspector, people.enterprise_a)
    rate(people.ent_a, visit_id)
    with pytest.raises(Conflict):
        rate(people.ent_a, visit_id, LOW)
    colleague = make_user("ent_a2", "enterprise", enterprise=people.enterprise_a)
    clock.set(clock.now() + timedelta(days=30))  # the 30th day after: still open
    rate(colleague, visit_id)
    assert db.session.query(VisitRating).filter_by(visit_id=visit_id).count() == 2
    old = visit(people.inspector, people.enterprise_a, days_ago=31)
    with pytest.raises(Conflict) as caught:
        rate(people.ent_a, old)
    assert "已经结束" in caught.value.message


def test_who_rates(people):
    visit_id = visit(people.inspector, people.enterprise_a)
    with pytest.raises(NotFound):
        rate(people.ent_b, visit_id)  # another enterprise's visit is not there
    for who in ("inspector", "project_lead", "quality", "bureau", "admin"):
        with pytest.raises(NotAllowed):
            rate(people[who], visit_id)
    with pytest.raises(NotFound):
        rate(people.ent_a, 99999)
    assert db.session.query(VisitRating).count() == 0


@pytest.mark.parametrize("changes, comment, anonymous, wrong", [
    ({"service_quality": None}, "", False, {"service_quality"}),
    ({"professional_level": 0, "communication": 6}, "", False, {"professional_level", "communication"}),
    ({"response_speed": "3.5"}, "", False, {"response_speed"}),
    ({"response_speed": True}, "", False, {"response_speed"}),
    ({"service_quality": 4.0}, "", False, {"service_quality"}),
    ({}, "长" * 1001, False, {"comment"}),
    ({}, "", "yes", {"anonymous"}),
])
def test_bad_fields_are_named_and_nothing_is_stored(people, changes, comment, anonymous, wrong):
    visit_id = visit(people.inspector, people.enterprise_a)
    with pytest.raises(ValidationFailed) as caught:
        rate(people.ent_a, visit_id, {**GOOD, **changes}, comment, anonymous)
    assert set(caught.value.fields) == wrong
    assert " / " in next(iter(caught.value.fields.values()))  # 中文 / English
    assert db.session.query(VisitRating).count() == 0 and db.session.query(AuditEvent).filter_by(
        action="visit_rated").count() == 0


def test_scores_as_a_form_sends_them_are_taken(people):
    rating_id = rate(people.ent_a, visit(people.inspector, people.enterprise_a), {k: str(v) for k, v in GOOD.items()})
    assert db.session.get(VisitRating, rating_id).scores == GOOD


# ---- the form -----------------------------------------------------------------------------------------------
def test_enterprise_rates_through_the_form(people, login):
    visit_id = visit(people.inspector, people.enterprise_a)
    ent = login("ent_a")
    form = text(ent.get(f"/inspections/{visit_id}/rate"))
    assert 'name="_csrf"' in form
    assert form.count('type="radio"') == 20 and 'name="anonymous"' in form and "2026-12-23" in form
    assert "<script>" not in form  # the policy forbids inline scripts: plain radios
    bad = ent.post(f"/inspections/{visit_id}/rate", data={"service_quality": "5", "professional_level": "4",
                                                          "comment": "留着这段话", "anonymous": "1"})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-communication"' in page and 'id="err-response_speed"' in page
    assert 'id="err-service_quality"' not in page and "留着这段话" in page
    assert 'name="service_quality" value="5" checked' in page and 'name="anonymous" value="1" checked' in page
    done = ent.post(f"/inspections/{visit_id}/rate", data={**{k: str(v) for k, v in LOW.items()},
                                                           "comment": "沟通不够", "anonymous": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/inspections/{visit_id}#ratings")
    row = db.session.query(VisitRating).one()
    assert (row.scores, row.anonymous, row.comment) == (LOW, True, "沟通不够")
    assert "感谢您的评价" in text(ent.get(f"/inspections/{visit_id}"))
    again = ent.get(f"/inspections/{visit_id}/rate")
    assert again.status_code == 409 and "您已评价过本次排查" in text(again)
    assert ent.post(f"/inspections/{visit_id}/rate", data={k: str(v) for k, v in GOOD.items()}).status_code == 409


def test_the_form_s_access(people, login, client):
    visit_id = visit(people.inspector, people.enterprise_a)
    url = f"/inspections/{visit_id}/rate"
    assert login("ent_b").get(url).status_code == 404
    assert login("ent_b").post(url, data=GOOD).status_code == 404
    for who in ("inspector", "project_lead", "quality", "bureau", "manager", "admin"):
        assert login(who).get(url).status_code == 403, who
        assert login(who).post(url, data=GOOD).status_code == 403, who
    assert client.get(url).status_code == 302
    old = visit(people.inspector, people.enterprise_a, days_ago=31)
    closed = login("ent_a").get(f"/inspections/{old}/rate")
    assert closed.status_code == 409 and "评价期为排查当天起30天内" in text(closed)
    assert db.session.query(VisitRating).count() == 0


# ---- the visit page's card ----------------------------------------------------------------------------------
def card(app, user, visit_id):
    """The card as the visit page includes it (inspections/_ratings.html), for `user`."""
    with app.test_request_context():
        login_user(user)
        return render_template("inspections/_ratings.html", visit=inspections.get_visible_visit(
            db.session, user, visit_id))


def test_the_card_for_each_audience(app, people, make_user):
    visit_id = visit(people.inspector, people.enterprise_a)
    link = f'href="/inspections/{visit_id}/rate"'
    assert link in card(app, people.ent_a, visit_id) and "2026-12-23" in card(app, people.ent_a, visit_id)
    assert "企业尚未评价" in card(app, people.quality, visit_id) and link not in card(app, people.quality, visit_id)
    rate(people.ent_a, visit_id, LOW, "太仓促", anonymous=True)
    colleague = make_user("ent_a2", "enterprise", enterprise=people.enterprise_a)
    rate(colleague, visit_id, GOOD, "很好")
    own = card(app, people.ent_a, visit_id)
    assert link not in own and "您的评价" in own and "太仓促" in own and "很好" not in own  # only their own
    assert "太仓促" not in card(app, colleague, visit_id) and "很好" in card(app, colleague, visit_id)
    for who in ("inspector", "project_lead", "project_team", "supervision", "quality", "bureau", "manager", "admin"):
        html = card(app, people[who], visit_id)
        assert "太仓促" in html and "很好" in html and "匿名" in html and "ent_a2" in html, who
        assert ">ent_a<" not in html, who  # the anonymous rater is named nowhere
    for who in ("expert", "process_owner"):
        assert card(app, people[who], visit_id).strip() == "", who
    clock.set(clock.now() + timedelta(days=31))
    third = make_user("ent_a3", "enterprise", enterprise=people.enterprise_a)
    closed = card(app, third, visit_id)
    assert link not in closed and "评价期已于 2026-12-23 结束" in closed


@pytest.mark.skipif(not CARD_INCLUDED, reason="inspections/show.html does not include inspections/_ratings.html yet")
def test_the_visit_page_shows_the_card(people, login):
    visit_id = visit(people.inspector, people.enterprise_a)
    assert f"/inspections/{visit_id}/rate" in text(login("ent_a").get(f"/inspections/{visit_id}"))
    rate(people.ent_a, visit_id, LOW, "太仓促", anonymous=True)
    page = text(login("quality").get(f"/inspections/{visit_id}"))
    assert 'id="ratings"' in page and "太仓促" in page and "匿名" in page
    assert 'id="ratings"' not in text(login("expert").get(f"/inspections/{visit_id}"))
    assert login("ent_b").get(f"/inspections/{visit_id}").status_code == 404


# ---- the API ------------------------------------------------------------------------------------------------
def test_the_api(api, people):
    visit_id = visit(people.inspector, people.enterprise_a)
    url = f"/api/v1/inspections/{visit_id}/rating"
    ent = api("ent_a")
    bad = ent.post(url, json={"service_quality": 6, "professional_level": 4, "communication": 4})
    assert bad.status_code == 400 and bad.get_json()["error"] == "validation_failed"
    assert set(bad.get_json()["fields"]) == {"service_quality", "response_speed"}
    assert api("ent_b").post(url, json=GOOD).status_code == 404
    refused = api("inspector").post(url, json=GOOD)
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    made = ent.post(url, json={**LOW, "comment": "沟通太少", "anonymous": True})
    assert made.status_code == 201
    body = made.get_json()
    assert body["rater"] is None and body["anonymous"] is True and body["overall"] == 3.0
    assert body["created_at"].endswith("+08:00")
    again = ent.post(url, json=GOOD)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    assert len(low_notices(people.quality)) == 1

    listing = f"/api/v1/inspections/{visit_id}/ratings"
    mine = ent.get(listing).get_json()
    assert (mine["may_rate"], mine["open_until"], len(mine["items"])) == (False, "2026-12-23", 1)
    seen = api("quality").get(listing).get_json()
    assert [(i["rater"], i["comment"]) for i in seen["items"]] == [(None, "沟通太少")]
    assert "ent_a" not in str(seen)
    assert api("ent_b").get(listing).status_code == 404
    assert api("expert").get(listing).status_code == 403
    assert api("inspector").get("/api/v1/inspections/99999/ratings").status_code == 404


def test_the_api_names_an_open_rater_and_refuses_a_closed_visit(api, people):
    visit_id = visit(people.inspector, people.enterprise_a)
    assert api("ent_a").get(f"/api/v1/inspections/{visit_id}/ratings").get_json()["may_rate"] is True
    assert api("ent_a").post(f"/api/v1/inspections/{visit_id}/rating", json=GOOD).get_json()["rater"] == "ent_a"
    assert api("bureau").get(f"/api/v1/inspections/{visit_id}/ratings").get_json()["items"][0]["rater"] == "ent_a"
    old = visit(people.inspector, people.enterprise_a, days_ago=31)
    closed = api("ent_a").post(f"/api/v1/inspections/{old}/rating", json=GOOD)
    assert closed.status_code == 409 and "30" in closed.get_json()["message"]


def test_the_demo_rates_two_visits_one_low_and_anonymous(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    ratings = db.session.query(VisitRating).order_by(VisitRating.id).all()
    assert [(r.anonymous, min(r.scores.values()) <= visit_ratings.LOW_SCORE) for r in ratings] == \
        [(False, False), (True, True)]
    quality = db.session.query(Notification).filter_by(kind="visit_rating_low").all()
    assert quality and all("匿名" in n.body for n in quality)
