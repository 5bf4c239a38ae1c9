"""Service complaints (服务投诉) from outside, through the Flask test client: who reaches which page and API route,
the forms (errors next to their fields, nothing typed lost), what the enterprise reads of the desk's work, and the
API's statuses. The services: tests/test_complaints.py."""
import re

import pytest

from app.clock import clock
from app.extensions import db
from app.models import Notification, ServiceComplaint
from tests.test_complaints import TEXT, approve, draft, investigate, raise_one
from tests.test_visit_ratings import LOW, rate, visit
from tests.test_web_support import text

SEES_ALL = ("quality", "project_lead", "bureau", "manager", "admin")
REFUSED = ("inspector", "project_team", "supervision", "expert", "process_owner")


def complaint_routes(complaint_id):
    return [("GET", "/complaints"), ("GET", "/complaints/new"), ("POST", "/complaints/new"),
            ("GET", f"/complaints/{complaint_id}")] + \
        [("POST", f"/complaints/{complaint_id}/{step}") for step in ("investigate", "answer", "approve", "return")] + \
        [("GET", f"/complaints/{complaint_id}/answer.pdf")]


# ---- who reaches what --------------------------------------------------------------------------------------------
def test_other_roles_are_refused_every_page_and_anonymous_visitors_sent_to_sign_in(people, login, client):
    complaint_id = raise_one(people.ent_a)
    for who in REFUSED:
        user = login(who)
        for method, url in complaint_routes(complaint_id):
            assert user.open(url, method=method, data={"note": "x"}).status_code == 403, (who, method, url)
        assert 'href="/complaints"' not in text(user.get("/"))
    for method, url in complaint_routes(complaint_id):
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
    assert db.session.get(ServiceComplaint, complaint_id).investigation_started_at is None


def test_readers_see_all_enterprise_staff_their_own(people, login):
    a = raise_one(people.ent_a)
    b = raise_one(people.ent_b, "timeliness", "整改通知书送达太晚")
    for who in SEES_ALL:
        user = login(who)
        listing = text(user.get("/complaints"))
        assert 'href="/complaints"' in listing and TEXT in listing and "整改通知书送达太晚" in listing, who
        assert user.get(f"/complaints/{a}").status_code == 200 and user.get(f"/complaints/{b}").status_code == 200
        assert user.get("/complaints/new").status_code == 403, who  # enterprise staff raise complaints
    ent_a = login("ent_a")
    listing = text(ent_a.get("/complaints"))
    assert 'href="/complaints"' in listing and TEXT in listing and "整改通知书送达太晚" not in listing
    assert ent_a.get(f"/complaints/{b}").status_code == 404  # another enterprise's: not there
    assert ent_a.get("/complaints/99999").status_code == 404
    for step in ("investigate", "approve"):
        assert ent_a.post(f"/complaints/{b}/{step}", data={"note": "x"}).status_code == 404
        assert ent_a.post(f"/complaints/{a}/{step}", data={"note": "x"}).status_code == 403
    assert login("bureau").post(f"/complaints/{a}/investigate", data={"note": "x"}).status_code == 403
    assert login("quality").post(f"/complaints/{a}/approve").status_code == 403


# ---- the list ----------------------------------------------------------------------------------------------------
def test_the_list_filters_counts_and_marks_overdue_deadlines(people, login):
    late = raise_one(people.ent_a)
    clock.advance(hours=25)
    answered = raise_one(people.ent_b, "timeliness", "整改通知书送达太晚")
    investigate(people.quality, answered)
    draft(people.quality, answered)
    approve(people.project_lead, answered)
    quality = login("quality")
    page = text(quality.get("/complaints"))
    assert re.search(r'state=overdue">[^<]*<b>1</b>', page) and re.search(r'state=answered">[^<]*<b>1</b>', page)
    row = page[page.index(f'data-complaint="{late}"'):]
    row = row[:row.index("</tr>")]
    assert 'class="due late"' in row and "待启动调查" in row  # past its 24 hours, marked
    assert f'data-complaint="{answered}"' not in page  # open ones by default
    overdue = text(quality.get("/complaints?state=overdue"))
    assert f'data-complaint="{late}"' in overdue and f'data-complaint="{answered}"' not in overdue
    done = text(quality.get("/complaints?state=answered"))
    assert f'data-complaint="{answered}"' in done and "已答复" in done and 'class="due late"' not in done
    assert f'data-complaint="{late}"' in text(quality.get("/complaints?state=all"))
    assert f'data-complaint="{late}"' in text(quality.get("/complaints?state=nonsense"))  # open


def test_the_list_pages_by_50(people, login, make_enterprise, make_user):
    for n in range(11):  # 5 each at most: several enterprises
        enterprise = make_enterprise()
        staff = make_user(f"staff{n}", "enterprise", enterprise=enterprise)
        for _ in range(5):
            raise_one(staff)
    quality = login("quality")
    first = text(quality.get("/complaints"))
    assert first.count("data-complaint=") == 50 and "第 1 / 2 页" in first
    assert text(quality.get("/complaints?page=2")).count("data-complaint=") == 5


# ---- raising through the form ------------------------------------------------------------------------------------
def test_raising_through_the_form_keeps_what_was_typed(people, login):
    mine = visit(people.inspector, people.enterprise_a)
    other = visit(people.inspector, people.enterprise_b)
    ent = login("ent_a")
    assert 'href="/complaints/new"' in text(ent.get("/complaints"))
    form = text(ent.get("/complaints/new"))
    assert 'name="_csrf"' in form and f'<option value="{mine}"' in form and f'value="{other}"' not in form
    assert 'value="low_rating"' not in form and "<script>" not in form
    bad = ent.post("/complaints/new", data={"kind": "", "text": "留着这段话", "visit_id": str(other)})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-kind"' in page and 'id="err-visit_id"' in page
    assert 'id="err-text"' not in page and "留着这段话" in page
    bad = ent.post("/complaints/new", data={"kind": "conduct", "text": " ", "visit_id": str(mine)})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-text"' in page and 'id="err-kind"' not in page
    assert '<option value="conduct" selected>' in page and f'<option value="{mine}" selected>' in page
    done = ent.post("/complaints/new", data={"kind": "conduct", "text": TEXT, "visit_id": str(mine)})
    row = db.session.query(ServiceComplaint).one()
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/complaints/{row.id}")
    assert (row.visit_id, row.raised_by_id) == (mine, people.ent_a.id)
    page = text(ent.get(f"/complaints/{row.id}"))
    assert "24小时内启动调查" in page and TEXT in page and "2026-11-24 09:00" in page and "2026-11-26 09:00" in page


def test_the_sixth_unanswered_is_refused_on_the_form(people, login):
    for _ in range(5):
        raise_one(people.ent_a)
    refused = login("ent_a").post("/complaints/new", data={"kind": "other", "text": "第六项投诉"})
    assert refused.status_code == 409 and "待答复" in text(refused) and "第六项投诉" in text(refused)


# ---- handling through the complaint's page -----------------------------------------------------------------------
def test_the_desk_and_the_project_lead_work_on_the_page_and_the_enterprise_reads_the_answer(people, login):
    complaint_id = raise_one(people.ent_a)
    url = f"/complaints/{complaint_id}"
    quality, lead, ent = login("quality"), login("project_lead"), login("ent_a")
    page = text(quality.get(url))
    assert f'action="{url}/investigate"' in page and 'name="_csrf"' in page and f'action="{url}/answer"' not in page
    assert f'action="{url}/investigate"' not in text(ent.get(url))
    assert f'action="{url}/approve"' not in text(lead.get(url))
    bad = quality.post(f"{url}/investigate", data={"note": "  "})
    assert bad.status_code == 400 and 'id="err-note"' in text(bad)
    assert quality.post(f"{url}/investigate", data={"note": "调阅排查记录，约谈排查组长"}).status_code == 302
    again = quality.post(f"{url}/investigate", data={"note": "再来一次"})
    assert again.status_code == 409 and "已经启动调查" in text(again)
    page = text(quality.get(url))
    assert "调阅排查记录，约谈排查组长" in page and f'action="{url}/answer"' in page
    assert quality.post(f"{url}/answer", data={"answer": "内部初稿：排查组迟到属实"}).status_code == 302
    assert lead.post(f"{url}/return", data={"note": ""}).status_code == 400
    first = db.session.get(ServiceComplaint, complaint_id).answer_drafted_at.isoformat()
    review = text(lead.get(url))
    assert "内部初稿：排查组迟到属实" in review and f'value="{first}"' in review
    assert lead.post(f"{url}/return", data={"note": "语气生硬，补充整改措施", "drafted_at": first}).status_code == 302
    enterprise_view = text(ent.get(url))
    for internal in ("调阅排查记录，约谈排查组长", "内部初稿", "语气生硬"):
        assert internal not in enterprise_view  # the desk's notes and drafts stay inside
    assert "启动投诉调查" in enterprise_view  # but the enterprise sees it is being investigated
    page = text(quality.get(url))
    assert "语气生硬，补充整改措施" in page and "内部初稿：排查组迟到属实</textarea>" in page  # redraft from the last
    clock.advance(minutes=10)
    assert quality.post(f"{url}/answer", data={"answer": "经核实迟到属实，已批评教育并调整排查组"}).status_code == 302
    stale = lead.post(f"{url}/approve", data={"drafted_at": first})  # the lead read the first draft
    assert stale.status_code == 409 and "答复稿已经修改" in text(stale)
    current = db.session.get(ServiceComplaint, complaint_id).answer_drafted_at.isoformat()
    assert lead.post(f"{url}/approve", data={"drafted_at": current}).status_code == 302
    twice = lead.post(f"{url}/approve", data={"drafted_at": current})
    assert twice.status_code == 409 and "已经审核发送" in text(twice)
    page = text(ent.get(url))
    assert "经核实迟到属实，已批评教育并调整排查组" in page and "已答复" in page and "语气生硬" not in page
    notice = db.session.query(Notification).filter_by(user_id=people.ent_a.id, kind="complaint_answered").one()
    assert f'href="{url}"' in text(ent.get("/notifications")) and notice.read_at is None


def test_the_approved_answer_is_a_letter_to_download(people, login):
    complaint_id = raise_one(people.ent_a)
    investigate(people.quality, complaint_id)
    draft(people.quality, complaint_id)
    url = f"/complaints/{complaint_id}/answer.pdf"
    ent = login("ent_a")
    assert ent.get(url).status_code == 404 and url not in text(ent.get(f"/complaints/{complaint_id}"))
    approve(people.project_lead, complaint_id)
    assert url in text(ent.get(f"/complaints/{complaint_id}"))
    for who in ("ent_a", "quality", "bureau"):
        letter = login(who).get(url)
        assert letter.status_code == 200 and letter.data.startswith(b"%PDF") and letter.mimetype == "application/pdf"
    assert login("ent_b").get(url).status_code == 404  # another enterprise's complaint


def test_a_complaint_from_an_anonymous_rating_names_nobody_on_its_pages(people, login):
    rate(people.ent_a, visit(people.inspector, people.enterprise_a), LOW, comment="沟通太少", anonymous=True)
    complaint_id = db.session.query(ServiceComplaint).one().id
    for who in ("quality", "project_lead", "bureau", "ent_a"):
        user = login(who)
        for url in ("/complaints", f"/complaints/{complaint_id}"):
            page = text(user.get(url))
            page = page[page.index("<main"):]  # the header names who is signed in
            assert "沟通太少" in page and "匿名评价" in page and "ent_a" not in page, who


# ---- the API -----------------------------------------------------------------------------------------------------
def test_the_api_flow(api, people):
    visit_id = visit(people.inspector, people.enterprise_a)
    ent = api("ent_a")
    bad = ent.post("/api/v1/complaints", json={"kind": "low_rating", "text": ""})
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"kind", "text"}
    other = visit(people.inspector, people.enterprise_b)
    wrong = ent.post("/api/v1/complaints", json={"kind": "conduct", "text": TEXT, "visit_id": other})
    assert wrong.status_code == 400 and set(wrong.get_json()["fields"]) == {"visit_id"}
    assert api("quality").post("/api/v1/complaints", json={"kind": "conduct", "text": TEXT}).status_code == 403
    made = ent.post("/api/v1/complaints", json={"kind": "conduct", "text": TEXT, "visit_id": visit_id})
    assert made.status_code == 201
    body = made.get_json()
    assert (body["raised_by"], body["stage"], body["investigate_due"], body["answer_due"]) == (
        "ent_a", "awaiting_investigation", "2026-11-24T09:00:00+08:00", "2026-11-26T09:00:00+08:00")
    url = f"/api/v1/complaints/{body['id']}"
    quality, lead = api("quality"), api("project_lead")
    assert lead.post(f"{url}/approve").status_code == 409
    assert quality.post(f"{url}/answer", json={"answer": "x"}).status_code == 409
    assert ent.post(f"{url}/investigate", json={"note": "x"}).status_code == 403
    assert api("ent_b").post(f"{url}/investigate", json={"note": "x"}).status_code == 404
    assert api("inspector").get(url).status_code == 403
    assert quality.post(f"{url}/investigate", json={}).status_code == 400
    started = quality.post(f"{url}/investigate", json={"note": "约谈排查组"})
    assert started.status_code == 200 and started.get_json()["investigated_by"] == "quality"
    drafted = quality.post(f"{url}/answer", json={"answer": "初稿"}).get_json()
    assert drafted["stage"] == "awaiting_approval"
    assert ent.get(url).get_json()["answer"] is None and ent.get(url).get_json()["investigation_note"] is None
    assert lead.post(f"{url}/return", json={"note": ""}).status_code == 400
    returned = lead.post(f"{url}/return", json={"note": "补充措施", "drafted_at": drafted["answer_drafted_at"]})
    assert returned.status_code == 200 and returned.get_json()["stage"] == "returned"
    clock.advance(minutes=1)
    redrafted = quality.post(f"{url}/answer", json={"answer": "已调整排查组"}).get_json()
    stale = lead.post(f"{url}/approve", json={"drafted_at": drafted["answer_drafted_at"]})
    assert stale.status_code == 409 and stale.get_json()["error"] == "conflict"
    approved = lead.post(f"{url}/approve", json={"drafted_at": redrafted["answer_drafted_at"]})
    assert approved.status_code == 200 and approved.get_json()["approved_by"] == "project_lead"
    again = lead.post(f"{url}/approve")  # no body at all
    assert again.status_code == 409 and "已经审核发送" in again.get_json()["message"]
    seen = ent.get(url).get_json()
    assert (seen["answer"], seen["review_note"], seen["stage"]) == ("已调整排查组", None, "answered")
    assert quality.get(url).get_json()["review_note"] == "补充措施"


def test_the_api_list(api, people):
    raise_one(people.ent_a)
    b = raise_one(people.ent_b)
    clock.advance(hours=25)
    listing = api("bureau").get("/api/v1/complaints?state=overdue").get_json()
    assert listing["total"] == 2 and listing["counts"] == {"open": 2, "overdue": 2, "answered": 0, "all": 2}
    assert all(i["investigation_overdue"] for i in listing["items"])
    own = api("ent_b").get("/api/v1/complaints?state=all").get_json()
    assert [i["id"] for i in own["items"]] == [b] and own["counts"]["all"] == 1
    assert api("bureau").get("/api/v1/complaints?state=bogus").status_code == 400
    assert api("expert").get("/api/v1/complaints").status_code == 403


@pytest.mark.parametrize("path", ["/api/v1/complaints", "/api/v1/complaints/{complaint_id}",
                                  "/api/v1/complaints/{complaint_id}/approve"])
def test_the_routes_are_documented(client, path):
    doc = client.get("/api/v1/openapi.json").get_json()
    operations = doc["paths"][path]
    assert all(op["tags"] == ["complaints"] for op in operations.values())


def test_the_audit_log_links_each_complaint_event_to_its_complaint(people, login):
    complaint_id = raise_one(people.ent_a)
    investigate(people.quality, complaint_id, "约谈排查组长")
    page = text(login("manager").get("/audit?scope=system"))
    assert page.count(f'href="/complaints/{complaint_id}"') == 2 and f"服务投诉 #{complaint_id}" in page
    assert "提出服务投诉" in page and "启动投诉调查" in page and "工作作风" in page and "调查安排" in page
