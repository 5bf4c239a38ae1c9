"""Referrals to other departments (跨部门移送) from the outside: the register's pages, referring from the case page, the
letter PDF's content, recording replies with a file, closing, the list's filters and CSV, what enterprise staff see
(to whom, not why), township offices (their area only), another enterprise's staff (404), and the API."""
import io
from datetime import timedelta

import pytest

from app.clock import clock
from app.extensions import db
from app.models import CaseReferral, Department, HazardCase, JointMeeting, UserTownship
from pdf_support import pdf_text
from tests.referral_support import department, refer, reply
from tests.test_lifecycle_service import register
from tests.test_web_support import csv_rows, text

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def flat(pdf):
    return "".join(pdf_text(pdf).split())


def test_the_bureau_keeps_the_register_and_refers_from_the_case_page(people, login):
    bureau = login("bureau")
    assert bureau.get("/departments/new").status_code == 200
    bad = bureau.post("/departments/new", data={"name": "", "kind": "market"})
    assert bad.status_code == 400 and 'id="err-name"' in text(bad)
    done = bureau.post("/departments/new", data={"name": "县市场监督管理局", "kind": "market", "contact_person": "李科长",
                                                 "phone": "0311-1234567", "email": "scjg@example.gov.cn",
                                                 "active": "1"})
    assert done.status_code == 302
    market = db.session.query(Department).one()
    assert "县市场监督管理局" in text(bureau.get("/departments"))
    case_id = register(people)
    page = text(bureau.get(f"/cases/{case_id}"))
    assert f"/cases/{case_id}/referrals/new" in page and f"/cases/{case_id}/meetings/new" in page
    form = text(bureau.get(f"/cases/{case_id}/referrals/new"))
    assert f'value="{market.id}"' in form
    bad = bureau.post(f"/cases/{case_id}/referrals/new", data={"kind": "transfer", "request": "handle", "reason": "",
                                                               "reply_days": "10"})
    assert bad.status_code == 400 and 'id="err-department_ids"' in text(bad) and 'id="err-reason"' in text(bad)
    done = bureau.post(f"/cases/{case_id}/referrals/new", data={
        "department_ids": [str(market.id)], "kind": "transfer", "request": "joint_check", "reply_days": "10",
        "reason": "储气罐为压力容器，超期未检验", "internal_note": "只给我方看的备注"})
    row = db.session.query(CaseReferral).one()
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/referrals/{row.id}")
    again = bureau.post(f"/cases/{case_id}/referrals/new", data={
        "department_ids": [str(market.id)], "kind": "transfer", "request": "handle", "reason": "再次", "reply_days": "10"})
    assert again.status_code == 409
    shown = text(bureau.get(f"/referrals/{row.id}"))
    assert "储气罐为压力容器，超期未检验" in shown and "只给我方看的备注" in shown and row.number in shown
    assert "mailto:scjg@example.gov.cn" in shown
    case_page = text(bureau.get(f"/cases/{case_id}"))
    assert f'data-referral="{row.id}"' in case_page and "移送/抄告其他部门" in case_page  # the history's action name


def test_the_letter_carries_the_referral_and_the_case_facts_not_the_internal_note(people, login):
    case_id = register(people)
    market = department(people.bureau)
    (referral_id,) = refer(people.bureau, case_id, [market], request="opinion", reply_days=10)
    row = db.session.get(CaseReferral, referral_id)
    response = login("bureau").get(f"/referrals/{referral_id}/letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="referral-{row.number}.pdf"' in response.headers["Content-Disposition"]
    shown = flat(response.get_data())
    case = db.session.get(HazardCase, case_id)
    for fact in ("移送函", row.number, case.code, "县市场监督管理局：", "提供意见", "压力容器未按期检验", "甲化工有限公司",
                 "线路老化", "配电房", "10个工作日", "2026-12-0709:00", "应急管理局（盖章）"):
        assert fact in shown, fact
    assert "企业负责人态度消极" not in shown  # the internal note stays inside
    (copy_id,) = refer(people.bureau, case_id, [department(people.bureau, "县住建局", "housing")], kind="copy")
    copy = flat(login("bureau").get(f"/referrals/{copy_id}/letter.pdf").get_data())
    assert "抄告函" in copy and "CG-2026-" in copy


def test_a_reply_with_a_file_then_closing_then_409s(people, login):
    case_id = register(people)
    (referral_id,) = refer(people.bureau, case_id, [department(people.bureau)])
    bureau = login("bureau")
    assert bureau.post(f"/referrals/{referral_id}/close", data={}).status_code == 409  # no reply yet
    bad = bureau.post(f"/referrals/{referral_id}/replies", data={"received_on": "2026-11-23", "outcome": "", "text": ""})
    assert bad.status_code == 400 and 'id="err-outcome"' in text(bad)
    done = bureau.post(f"/referrals/{referral_id}/replies", content_type="multipart/form-data", data={
        "received_on": "2026-11-23", "outcome": "handled", "text": "已责令停用，限期检验",
        "upload": (io.BytesIO(PNG), "回复函.png")})
    assert done.status_code == 302, text(done)
    row = db.session.get(CaseReferral, referral_id)
    (public_id,) = row.replies[0].files
    page = text(bureau.get(f"/referrals/{referral_id}"))
    assert "已责令停用，限期检验" in page and f"/referrals/{referral_id}/files/{public_id}" in page
    assert bureau.get(f"/referrals/{referral_id}/files/{public_id}").status_code == 200
    assert login("admin").get(f"/referrals/{referral_id}/files/{public_id}").status_code == 200
    assert login("ent_a").get(f"/referrals/{referral_id}/files/{public_id}").status_code == 404
    assert bureau.get(f"/referrals/{referral_id}/files/nope").status_code == 404
    assert bureau.post(f"/referrals/{referral_id}/close", data={"close_note": "办结"}).status_code == 302
    assert bureau.post(f"/referrals/{referral_id}/close", data={}).status_code == 409
    assert bureau.post(f"/referrals/{referral_id}/replies", data={
        "received_on": "2026-11-23", "outcome": "handled", "text": "x"}).status_code == 409


def test_the_list_filters_and_exports(people, login):
    case_id = register(people)
    market, fire = department(people.bureau), department(people.bureau, "县消防救援大队", "fire")
    late, answered = refer(people.bureau, case_id, [market, fire], reply_days=3)
    reply(people.bureau, answered)
    clock.set(clock.now() + timedelta(days=4))
    bureau = login("bureau")
    page = text(bureau.get("/referrals"))
    assert f'data-referral="{late}"' in page and f'data-referral="{answered}"' in page
    overdue = text(bureau.get("/referrals?overdue=1"))
    assert f'data-referral="{late}"' in overdue and f'data-referral="{answered}"' not in overdue
    by_fire = text(bureau.get(f"/referrals?department_id={fire}"))
    assert f'data-referral="{answered}"' in by_fire and f'data-referral="{late}"' not in by_fire
    assert f'data-referral="{late}"' not in text(bureau.get("/referrals?status=replied"))
    rows = csv_rows(bureau.get("/referrals.csv?overdue=1"))
    assert len(rows) == 2 and rows[1][3] == "县市场监督管理局" and rows[1][9] == "是"
    assert rows[1][10].startswith("压力容器未按期检验")


def test_enterprise_staff_see_to_whom_not_why_and_another_enterprise_nothing(people, login):
    case_id = register(people)
    (referral_id,) = refer(people.bureau, case_id, [department(people.bureau)])
    reply(people.bureau, referral_id, text="部门内部回复内容")
    ent = login("ent_a")
    case_page = text(ent.get(f"/cases/{case_id}"))
    assert "县市场监督管理局" in case_page and f'data-referral="{referral_id}"' in case_page
    for secret in ("压力容器未按期检验", "企业负责人态度消极", "部门内部回复内容", "/letter.pdf"):
        assert secret not in case_page, secret
    listing = text(ent.get("/referrals"))
    assert f'data-referral="{referral_id}"' in listing and "压力容器未按期检验" not in listing
    assert "压力容器未按期检验" not in text(ent.get("/referrals.csv"))
    for url in (f"/referrals/{referral_id}", f"/referrals/{referral_id}/letter.pdf"):
        assert ent.get(url).status_code == 404, url
    assert ent.get("/departments").status_code == 403
    assert ent.get(f"/cases/{case_id}/referrals/new").status_code == 403
    other = login("ent_b")
    assert f'data-referral="{referral_id}"' not in text(other.get("/referrals"))
    for url in (f"/referrals/{referral_id}", f"/referrals/{referral_id}/letter.pdf",
                f"/cases/{case_id}/referrals/new", f"/cases/{case_id}/meetings/new"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/referrals/{referral_id}/close", data={}).status_code == 404
    lead = login("project_lead")
    assert lead.get(f"/referrals/{referral_id}").status_code == 200  # reads
    assert lead.get(f"/cases/{case_id}/referrals/new").status_code == 403  # does not refer
    assert lead.post(f"/referrals/{referral_id}/replies", data={}).status_code == 403


def test_a_township_office_reads_its_areas_referrals_only(people, login, make_user):
    people.enterprise_b.township = "南湖镇"
    office = make_user("town_a", "township")
    office.townships_rel = [UserTownship(township="城关镇")]
    db.session.commit()
    at_a, at_b = register(people), register(people, enterprise=people.enterprise_b)
    market = department(people.bureau)
    (ref_a,) = refer(people.bureau, at_a, [market])
    (ref_b,) = refer(people.bureau, at_b, [market])
    town = login("town_a")
    listing = text(town.get("/referrals"))
    assert f'data-referral="{ref_a}"' in listing and f'data-referral="{ref_b}"' not in listing
    assert town.get(f"/referrals/{ref_a}").status_code == 200
    assert town.get(f"/referrals/{ref_a}/letter.pdf").status_code == 200
    assert town.get(f"/referrals/{ref_b}").status_code == 404
    assert town.post(f"/referrals/{ref_a}/close", data={}).status_code == 403
    assert town.get(f"/cases/{at_a}/referrals/new").status_code == 403


def test_joint_meeting_through_the_page(people, login):
    case_id = register(people)
    market = department(people.bureau)
    (referral_id,) = refer(people.bureau, case_id, [market])
    bureau = login("bureau")
    bad = bureau.post(f"/cases/{case_id}/meetings/new", data={"held_on": "", "minutes": ""})
    assert bad.status_code == 400 and 'id="err-held_on"' in text(bad)
    done = bureau.post(f"/cases/{case_id}/meetings/new", data={
        "held_on": "2026-11-23", "place": "三楼会议室", "department_ids": [str(market)],
        "referral_ids": [str(referral_id)], "minutes": "会商压力容器处置", "decisions": "市场监管局负责检验"})
    assert done.status_code == 302
    assert db.session.query(JointMeeting).count() == 1
    assert "会商压力容器处置" in text(bureau.get(f"/cases/{case_id}"))
    assert "会商压力容器处置" not in text(login("ent_a").get(f"/cases/{case_id}"))


# ---- the API --------------------------------------------------------------------------------------------------
def test_the_api_refers_replies_closes_and_hides_details_from_the_enterprise(people, api):
    case_id = register(people)
    market = department(people.bureau)
    bureau = api("bureau")
    assert bureau.get("/api/v1/departments").get_json()["items"][0]["name"] == "县市场监督管理局"
    bad = bureau.post(f"/api/v1/hazards/{case_id}/referrals", json={"department_ids": [], "kind": "x"})
    assert bad.status_code == 400
    made = bureau.post(f"/api/v1/hazards/{case_id}/referrals", json={
        "department_ids": [market], "kind": "transfer", "request": "handle", "reason": "压力容器超期未检"})
    assert made.status_code == 201, made.get_json()
    item = made.get_json()["items"][0]
    assert item["reply_days"] == 10 and item["status"] == "sent" and item["overdue"] is False
    assert item["reply_due"] == "2026-12-07T09:00:00+08:00"
    referral_id = item["id"]
    assert bureau.post(f"/api/v1/referrals/{referral_id}/close", json={}).status_code == 409
    replied = bureau.post(f"/api/v1/referrals/{referral_id}/replies", json={
        "received_on": "2026-11-23", "outcome": "accepted", "text": "已受理"})
    assert replied.status_code == 201 and replied.get_json()["replies"][0]["outcome"] == "accepted"
    closed = bureau.post(f"/api/v1/referrals/{referral_id}/close", json={"note": "办结"})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert bureau.post(f"/api/v1/referrals/{referral_id}/close", json={}).status_code == 409
    ent = api("ent_a")
    summary = ent.get(f"/api/v1/referrals/{referral_id}").get_json()
    assert summary["department"] == "县市场监督管理局" and "reason" not in summary and "replies" not in summary
    assert ent.get(f"/api/v1/hazards/{case_id}/referrals").get_json()["items"][0]["id"] == referral_id
    assert ent.get("/api/v1/departments").status_code == 404
    assert ent.post(f"/api/v1/hazards/{case_id}/referrals", json={
        "department_ids": [market], "kind": "transfer", "request": "handle", "reason": "x"}).status_code == 403
    other = api("ent_b")
    assert other.get(f"/api/v1/referrals/{referral_id}").status_code == 404
    assert other.get(f"/api/v1/hazards/{case_id}/referrals").status_code == 404
    assert other.get("/api/v1/referrals").get_json()["total"] == 0
    listing = bureau.get("/api/v1/referrals?status=closed").get_json()
    assert listing["total"] == 1 and listing["items"][0]["reason"] == "压力容器超期未检"
    assert api("project_lead").post(f"/api/v1/referrals/{referral_id}/replies", json={
        "received_on": "2026-11-23", "outcome": "accepted", "text": "x"}).status_code == 403
    doc = bureau.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/hazards/{case_id}/referrals" in doc["paths"] and "/api/v1/referrals/{referral_id}/close" in \
        doc["paths"]


@pytest.mark.parametrize("who", ["inspector", "manager", "quality"])
def test_other_internal_roles_read_but_do_not_act(people, login, who):
    case_id = register(people)
    (referral_id,) = refer(people.bureau, case_id, [department(people.bureau)])
    client = login(who)
    assert client.get(f"/referrals/{referral_id}").status_code == 200
    assert client.post(f"/referrals/{referral_id}/replies", data={}).status_code == 403
    assert client.get("/departments/new").status_code == 403
    assert client.post(f"/referrals/{referral_id}/close", data={}).status_code == 403
