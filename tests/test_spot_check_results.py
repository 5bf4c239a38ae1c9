"""双随机一公开: the bureau publishes a random draw's site-check results once every drawn case was checked; the
public (no login) sees the enterprise, hazard type and grade, when it was checked, the progress and the conclusion,
never people's names, the findings' text or case codes; a withdrawal takes them off again, with its reason."""
from datetime import timedelta

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent
from app.services import site_check_draws, spot_check_results
from app.services.uow import UnitOfWork
from tests.test_rectification_checks import check, rectifying

FINDINGS = "配电箱仍未加锁，联系人王五称下周完成"  # a name and details the public must not see


def drawn(people, count=2):
    cases = [rectifying(people) for _ in range(count)]
    with UnitOfWork() as uow:
        row = site_check_draws.draw(uow, people.project_lead, count, seed="public-seed")
        uow.commit()
    return row.id, cases


def check_all(people, cases, conclusion="on_track"):
    clock.advance(hours=1)
    for case_id in cases:
        check(people.supervision, case_id, conclusion=conclusion, progress=60, findings=FINDINGS)


def publish(user, draw_id):
    with UnitOfWork() as uow:
        row = spot_check_results.publish(uow, user, draw_id)
        uow.commit()
        return row


def test_published_once_every_drawn_case_was_checked_since_the_draw(people):
    draw_id, cases = drawn(people)
    check(people.supervision, cases[0], findings="抽取前的检查")  # same moment as the draw: counts
    with pytest.raises(Conflict, match="1 drawn case"):
        publish(people.bureau, draw_id)
    check_all(people, cases[1:], conclusion="lagging")
    with pytest.raises(NotAllowed):
        publish(people.project_lead, draw_id)
    row = publish(people.bureau, draw_id)
    assert row.published_at == clock.now() and row.published_by_id == people.bureau.id
    with pytest.raises(Conflict, match="already published"):
        publish(people.bureau, draw_id)
    with pytest.raises(NotFound):
        publish(people.bureau, draw_id + 100)
    results = spot_check_results.results(db.session, row)
    assert [r.case.id for r in results] == [p["case_id"] for p in row.picks]
    assert {r.case.id: r.check.conclusion for r in results}[cases[1]] == "lagging"
    event = db.session.query(AuditEvent).filter_by(action="spot_check_results_published").one()
    assert event.details["draw_id"] == draw_id and set(event.details["conclusions"].values()) <= {"on_track", "lagging"}


def test_a_check_before_the_draw_is_not_its_result(people):
    case_id = rectifying(people)
    check(people.supervision, case_id)
    clock.advance(minutes=5)
    with UnitOfWork() as uow:
        row = site_check_draws.draw(uow, people.project_lead, 1)
        uow.commit()
    assert spot_check_results.results(db.session, row)[0].check is None
    with pytest.raises(Conflict):
        publish(people.bureau, row.id)


def test_withdrawal_needs_a_reason_and_hides_the_results(people):
    draw_id, cases = drawn(people)
    check_all(people, cases)
    publish(people.bureau, draw_id)
    for reason, message in (("", "give the reason"), ("理" * 501, "at most 500")):
        with pytest.raises(ValidationFailed, match=message), UnitOfWork() as uow:
            spot_check_results.withdraw(uow, people.bureau, draw_id, reason)
    with UnitOfWork() as uow:
        spot_check_results.withdraw(uow, people.bureau, draw_id, "企业提出异议，复核中")
        uow.commit()
    with pytest.raises(NotFound):
        spot_check_results.published_draw(db.session, draw_id)
    with pytest.raises(Conflict, match="not published"), UnitOfWork() as uow:
        spot_check_results.withdraw(uow, people.bureau, draw_id, "again")
    event = db.session.query(AuditEvent).filter_by(action="spot_check_results_withdrawn").one()
    assert event.details["reason"] == "企业提出异议，复核中"
    assert publish(people.bureau, draw_id).withdrawn_at is None  # published again after the review


def test_the_public_pages_need_no_login_and_show_no_people_or_findings(people, app, login):
    draw_id, cases = drawn(people)
    anonymous = app.test_client()
    assert anonymous.get(f"/public/spot-checks/{draw_id}").status_code == 404  # not published yet
    check_all(people, cases)
    bureau = login("bureau")
    staff_page = bureau.get(f"/supervision/checks/draws/{draw_id}").get_data(as_text=True)
    assert f'action="/supervision/checks/draws/{draw_id}/publish"' in staff_page
    assert bureau.post(f"/supervision/checks/draws/{draw_id}/publish").status_code == 302
    listing = anonymous.get("/public/spot-checks")
    assert listing.status_code == 200 and f'data-draw="{draw_id}"' in listing.get_data(as_text=True)
    page = anonymous.get(f"/public/spot-checks/{draw_id}").get_data(as_text=True)
    assert people.enterprise_a.name in page and people.enterprise_a.credit_code in page and "public-seed" in page
    assert "按计划推进" in page and "60%" in page
    for secret in (FINDINGS, "王五", "赵督导", people.supervision.display_name, "YH-"):
        assert secret not in page, secret
    csv_text = anonymous.get(f"/public/spot-checks/{draw_id}.csv").get_data(as_text=True)
    assert people.enterprise_a.credit_code in csv_text and FINDINGS not in csv_text
    english = app.test_client()
    english.get("/lang/en")
    assert "On track" in english.get(f"/public/spot-checks/{draw_id}").get_data(as_text=True)
    assert "/public/spot-checks" in anonymous.get("/login").get_data(as_text=True)


def test_who_may_see_and_change_the_staff_page(people, login):
    draw_id, cases = drawn(people)
    assert login("ent_a").get(f"/supervision/checks/draws/{draw_id}").status_code == 403
    assert login("supervision").get(f"/supervision/checks/draws/{draw_id + 50}").status_code == 404
    lead_page = login("project_lead").get(f"/supervision/checks/draws/{draw_id}").get_data(as_text=True)
    assert "/publish" not in lead_page and "尚未检查" in lead_page
    assert login("project_lead").post(f"/supervision/checks/draws/{draw_id}/publish").status_code == 403
    early = login("bureau").post(f"/supervision/checks/draws/{draw_id}/publish")
    assert early.status_code == 409 and "件抽中的隐患未作督导检查" in early.get_data(as_text=True)
    check_all(people, cases)
    bureau = login("bureau")
    bureau.post(f"/supervision/checks/draws/{draw_id}/publish")
    blank = bureau.post(f"/supervision/checks/draws/{draw_id}/withdraw", data={"reason": " "})
    assert blank.status_code == 400 and 'id="err-reason"' in blank.get_data(as_text=True)
    assert bureau.post(f"/supervision/checks/draws/{draw_id}/withdraw",
                       data={"reason": "结论有误"}).status_code == 302
    page = bureau.get(f"/supervision/checks/draws/{draw_id}").get_data(as_text=True)
    assert "结论有误" in page and "未公开" in page


def test_the_api(people, api, app):
    draw_id, cases = drawn(people)
    public = app.test_client()
    assert public.get(f"/api/v1/public/spot-checks/{draw_id}").status_code == 404
    assert api("bureau").post(f"/api/v1/site-check-draws/{draw_id}/publish").status_code == 409
    check_all(people, cases, conclusion="interview")
    assert api("supervision").post(f"/api/v1/site-check-draws/{draw_id}/publish").status_code == 403
    assert api("ent_a").post(f"/api/v1/site-check-draws/{draw_id}/publish").status_code == 403
    made = api("bureau").post(f"/api/v1/site-check-draws/{draw_id}/publish")
    assert made.status_code == 200 and made.get_json()["published_at"]
    listed = public.get("/api/v1/public/spot-checks").get_json()
    assert listed["total"] == 1 and listed["items"][0]["seed"] == "public-seed" and listed["items"][0]["drawn"] == 2
    detail = public.get(f"/api/v1/public/spot-checks/{draw_id}").get_json()
    assert {r["conclusion"] for r in detail["results"]} == {"interview"}
    assert set(detail["results"][0]) == {"enterprise", "credit_code", "township", "hazard_type", "grade",
                                         "checked_at", "progress_percent", "conclusion"}
    assert public.get("/api/v1/public/spot-checks?page=0").status_code == 400
    bad = api("bureau").post(f"/api/v1/site-check-draws/{draw_id}/withdraw", json={})
    assert bad.status_code == 400 and "reason" in bad.get_json()["fields"]
    gone = api("bureau").post(f"/api/v1/site-check-draws/{draw_id}/withdraw", json={"reason": "复核"})
    assert gone.status_code == 200 and gone.get_json()["withdrawn_reason"] == "复核"
    assert public.get(f"/api/v1/public/spot-checks/{draw_id}").status_code == 404
    clock.advance(days=1)
    assert public.get("/api/v1/public/spot-checks").get_json()["total"] == 0


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, app, login):
    from test_web_i18n_coverage import leftover_chinese, without_user_data
    from test_web_support import compile_translations, text
    from flask_babel import get_domain
    compile_translations()
    get_domain().cache.clear()
    draw_id, cases = drawn(people)
    check_all(people, cases)
    bureau = login("bureau")
    bureau.get("/lang/en")
    anonymous = app.test_client()
    anonymous.get("/lang/en")
    unpublished = without_user_data(text(bureau.get(f"/supervision/checks/draws/{draw_id}")))
    assert leftover_chinese(unpublished) == {}
    publish(people.bureau, draw_id)
    for client, url in ((bureau, f"/supervision/checks/draws/{draw_id}"), (bureau, "/supervision/checks"),
                        (anonymous, "/public/spot-checks"), (anonymous, f"/public/spot-checks/{draw_id}")):
        response = client.get(url)
        assert response.status_code == 200, url
        page = without_user_data(text(response))
        assert '<html lang="en">' in text(response) and leftover_chinese(page) == {}, url
