"""隐患整改公众查询: the bureau opens chosen cases to the public under a public title; anyone, without login, finds
them by keyword, reads how their rectification stands and sees them on a map; never the internal description,
place, people or photos; a withdrawal (with its reason) takes a case off again; both are in the case's history."""
import re

import pytest

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HazardCase
from app.services import public_hazards
from app.services.uow import UnitOfWork
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, register

TITLE = "甲化工电气安全隐患挂牌督办"


def publish(user, case_id, title=TITLE):
    with UnitOfWork() as uow:
        row = public_hazards.publish(uow, user, case_id, title)
        uow.commit()
        return row


def withdraw(user, case_id, reason):
    with UnitOfWork() as uow:
        public_hazards.withdraw(uow, user, case_id, reason)
        uow.commit()


def located(people, **kw):
    case_id = register(people, **kw)
    case = db.session.get(HazardCase, case_id)
    case.latitude, case.longitude = 35.46, 113.80
    db.session.commit()
    return case_id


def test_the_bureau_publishes_and_withdraws_with_a_reason(people):
    case_id = register(people)
    with pytest.raises(NotAllowed):
        publish(people.project_lead, case_id)
    for title in ("短", "长" * 201):
        with pytest.raises(ValidationFailed, match="public title"):
            publish(people.bureau, case_id, title)
    row = publish(people.bureau, case_id)
    assert row.published_at == clock.now() and row.title == TITLE
    with pytest.raises(Conflict, match="already public"):
        publish(people.bureau, case_id)
    with pytest.raises(NotFound):
        publish(people.bureau, case_id + 99)
    with pytest.raises(ValidationFailed, match="give the reason"):
        withdraw(people.bureau, case_id, " ")
    withdraw(people.bureau, case_id, "企业已申请信息保护，复核中")
    with pytest.raises(Conflict, match="not public"):
        withdraw(people.bureau, case_id, "again")
    with pytest.raises(NotFound):
        public_hazards.by_code(db.session, db.session.get(HazardCase, case_id).code)
    actions = [(e.action, e.details) for e in db.session.query(AuditEvent).filter_by(case_id=case_id)
               .filter(AuditEvent.action.like("case_%public%")).order_by(AuditEvent.id)]
    assert [a for a, _ in actions] == ["case_made_public", "case_withdrawn_from_public"]
    assert actions[1][1]["reason"] == "企业已申请信息保护，复核中"


def test_search_by_keyword_and_stage(people):
    first, second = register(people), register(people, enterprise=people.enterprise_b)
    register(people)  # not public
    publish(people.bureau, first)
    publish(people.bureau, second, "乙机械厂冲压车间防护缺失")
    code = db.session.get(HazardCase, first).code

    def codes(q="", stage=""):
        return [h.case.code for h in public_hazards.search(db.session, q, stage)[0]]
    assert len(codes()) == 2
    assert codes("挂牌") == [code] and codes(people.enterprise_b.name) != [code] and codes(code) == [code]
    assert codes(stage="closed") == [] and len(codes(stage="open")) == 2
    facts = public_hazards.by_code(db.session, code).facts()
    assert facts["stage"] == "assigning" and facts["title"] == TITLE and "description" not in facts


def test_the_public_pages_need_no_login_and_keep_inside_things_inside(people, app, login):
    case_id = located(people)
    complete(people.project_lead, open_tasks(case_id)["assignment"], ASSIGN)
    case = db.session.get(HazardCase, case_id)
    anonymous = app.test_client()
    assert anonymous.get(f"/public/hazards/{case.code}").status_code == 404
    bureau = login("bureau")
    case_page = bureau.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"/cases/{case_id}/public" in case_page
    assert f"/cases/{case_id}/public" not in login("project_lead").get(f"/cases/{case_id}").get_data(as_text=True)
    assert login("project_lead").get(f"/cases/{case_id}/public").status_code == 403
    assert login("ent_b").get(f"/cases/{case_id}/public").status_code == 404
    form = bureau.get(f"/cases/{case_id}/public").get_data(as_text=True)
    assert people.enterprise_a.name in form  # a suggested title to start from
    bad = bureau.post(f"/cases/{case_id}/public", data={"title": "短"})
    assert bad.status_code == 400 and 'id="err-title"' in bad.get_data(as_text=True)
    assert bureau.post(f"/cases/{case_id}/public", data={"title": TITLE}).status_code == 302
    assert "已向社会公开" in bureau.get(f"/cases/{case_id}").get_data(as_text=True)

    listing = anonymous.get("/public/hazards?q=挂牌").get_data(as_text=True)
    assert f'data-code="{case.code}"' in listing and TITLE in listing
    assert f'data-code="{case.code}"' not in anonymous.get("/public/hazards?stage=closed").get_data(as_text=True)
    detail = anonymous.get(f"/public/hazards/{case.code}").get_data(as_text=True)
    assert TITLE in detail and people.enterprise_a.name in detail and "整改中" in detail
    for inside in (case.description, case.place, "/attachments/", people.inspector.display_name):
        assert inside not in detail, inside
    points = anonymous.get("/public/hazards/map.json").get_json()["features"]
    assert [p["properties"]["code"] for p in points] == [case.code]
    assert points[0]["properties"]["place"] == TITLE and points[0]["geometry"]["coordinates"] == [113.80, 35.46]
    assert anonymous.get("/public/hazards/map").status_code == 200
    assert "/public/hazards" in anonymous.get("/login").get_data(as_text=True)

    blank = bureau.post(f"/cases/{case_id}/public/withdraw", data={"reason": ""})
    assert blank.status_code == 400 and 'id="err-reason"' in blank.get_data(as_text=True)
    assert bureau.post(f"/cases/{case_id}/public/withdraw", data={"reason": "复核"}).status_code == 302
    assert anonymous.get(f"/public/hazards/{case.code}").status_code == 404
    assert anonymous.get("/public/hazards/map.json").get_json()["features"] == []


def test_the_api(people, api, app):
    case_id = located(people)
    code = db.session.get(HazardCase, case_id).code
    public = app.test_client()
    assert public.get(f"/api/v1/public/hazards/{code}").status_code == 404
    assert api("project_lead").post(f"/api/v1/hazards/{case_id}/publication", json={"title": TITLE}).status_code == 403
    assert api("bureau").post(f"/api/v1/hazards/{case_id}/publication", json={"title": "短"}).status_code == 400
    made = api("bureau").post(f"/api/v1/hazards/{case_id}/publication", json={"title": TITLE})
    assert made.status_code == 201 and made.get_json()["title"] == TITLE
    assert api("bureau").post(f"/api/v1/hazards/{case_id}/publication", json={"title": TITLE}).status_code == 409
    listed = public.get("/api/v1/public/hazards?q=挂牌").get_json()
    assert listed["total"] == 1 and listed["items"][0]["code"] == code and listed["items"][0]["overdue"] is False
    assert set(listed["items"][0]) >= {"title", "enterprise", "township", "grade", "stage", "rectification_due"}
    assert "description" not in listed["items"][0] and "place" not in listed["items"][0]
    assert public.get("/api/v1/public/hazards?stage=maybe").status_code == 400
    assert public.get(f"/api/v1/public/hazards/{code}").get_json()["latitude"] == 35.46
    assert api("bureau").post(f"/api/v1/hazards/{case_id}/publication/withdraw", json={}).status_code == 400
    gone = api("bureau").post(f"/api/v1/hazards/{case_id}/publication/withdraw", json={"reason": "复核"})
    assert gone.status_code == 200 and public.get(f"/api/v1/public/hazards/{code}").status_code == 404


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, app, login):
    from flask_babel import get_domain
    from test_web_i18n_coverage import leftover_chinese, without_user_data
    from test_web_support import compile_translations, text
    compile_translations()
    get_domain().cache.clear()
    case_id = located(people)
    code = db.session.get(HazardCase, case_id).code
    bureau = login("bureau")
    bureau.get("/lang/en")
    form = text(bureau.get(f"/cases/{case_id}/public"))
    suggested = re.search(r'id="f-title" name="title" value="([^"]*)"', form).group(1)
    assert suggested.startswith(people.enterprise_a.name)  # the title the public reads is Chinese either way
    assert leftover_chinese(without_user_data(form.replace(suggested, ""))) == {}
    publish(people.bureau, case_id)
    anonymous = app.test_client()
    anonymous.get("/lang/en")
    for client, url in ((bureau, f"/cases/{case_id}/public"), (anonymous, "/public/hazards"),
                        (anonymous, f"/public/hazards/{code}"), (anonymous, "/public/hazards/map")):
        response = client.get(url)
        page = text(response)
        assert response.status_code == 200 and '<html lang="en">' in page, url
        assert leftover_chinese(without_user_data(page.replace(TITLE, ""))) == {}, url
