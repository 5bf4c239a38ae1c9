"""Liaison officers, the contact log and the enterprises' questions from outside, through the Flask test client: who
reaches which page and API route (another enterprise's question: 404; enterprise users never reach the log: 403), the
forms (errors next to their fields, nothing typed lost), files, the weekly gaps page, the non-cooperation report's
text and the API. The services: tests/test_liaison.py, tests/test_questions.py."""
import io
import re
from datetime import datetime

from app.clock import SHANGHAI, clock

from app.extensions import db
from app.models import ContactCommitment, ContactEntry, EnterpriseQuestion, LiaisonAssignment, UserTownship
from app.services import liaison_weeks
from scheduler import jobs
from tests.liaison_support import ask, assign, contact
from tests.pdf_support import missing
from tests.test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
from tests.test_web_support import PNG, text

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SECRET_NOTE = "内部：该企业负责人态度消极"


def township_office(make_user, township):
    user = make_user(f"town-{township}", "township")
    db.session.add(UserTownship(user_id=user.id, township=township))
    db.session.commit()
    return user


def test_enterprise_users_see_their_liaison_and_never_the_log(people, login):
    people.project_team.phone = "13900001111"
    db.session.commit()
    assign(people.project_lead, people.enterprise_a, people.project_team)
    contact(people.project_team, people.enterprise_a, content="沟通内容", follow_up=SECRET_NOTE)
    ent = login("ent_a")
    for page in (text(ent.get("/")), text(ent.get("/questions")), text(ent.get("/questions/new"))):
        assert 'id="my-liaison"' in page and "project_team" in page and "13900001111" in page
        assert SECRET_NOTE not in page and 'href="/liaison"' not in page
    assert "暂未指定联络专员" in text(login("ent_b").get("/questions"))
    enterprise_id = people.enterprise_a.id
    for url in ("/liaison", "/liaison/gaps", f"/liaison/enterprises/{enterprise_id}",
                f"/liaison/enterprises/{enterprise_id}/noncooperation.pdf"):
        assert ent.get(url).status_code == 403, url
    assert ent.post(f"/liaison/enterprises/{enterprise_id}/contacts", data={"way": "phone"}).status_code == 403
    assert 'id="my-liaison"' not in text(login("inspector").get("/"))


def test_who_reaches_the_log(people, login, client, make_user):
    contact(people.project_team, people.enterprise_a, follow_up=SECRET_NOTE)
    url = f"/liaison/enterprises/{people.enterprise_a.id}"
    for who in ("project_team", "project_lead", "inspector", "bureau", "manager", "admin", "quality", "supervision"):
        page = text(login(who).get(url))
        assert SECRET_NOTE in page, who
        assert 'href="/liaison"' in text(login(who).get("/")), who
    for who in ("expert", "process_owner"):
        assert login(who).get(url).status_code == 403 and login(who).get("/liaison").status_code == 403
    assert client.get(url).status_code == 302
    here = township_office(make_user, "城关镇")
    away = township_office(make_user, "北云门镇")
    assert SECRET_NOTE in text(login(here.username).get(url))
    assert login(away.username).get(url).status_code == 404  # not its township: not there
    assert "甲化工有限公司" not in text(login(away.username).get("/liaison"))
    assert login(away.username).post(url + "/contacts", data={}).status_code == 404
    assert login("bureau").post(url + "/contacts", data={"way": "phone"}).status_code == 403
    assert login("project_team").post(url + "/assign", data={"liaison_id": people.inspector.id}).status_code == 403
    assert login("project_lead").get("/liaison/enterprises/99999").status_code == 404


def test_the_contact_form_keeps_what_was_typed(people, login):
    team = login("project_team")
    url = f"/liaison/enterprises/{people.enterprise_a.id}"
    form = text(team.get(url))
    assert 'name="_csrf"' in form and 'value="2026-11-23T09:00"' in form and "<script>" not in form
    bad = team.post(url + "/contacts", data={"contacted_at": "2026-11-23T08:00", "way": "", "counterpart": "陈安全",
                                             "content": "留着这段话", "commitment_0": "月底前整改",
                                             "commitment_due_0": ""})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-way"' in page and 'id="err-commitment_due_0"' in page
    assert 'id="err-content"' not in page and "留着这段话" in page and 'value="月底前整改"' in page
    assert 'value="陈安全"' in page and db.session.query(ContactEntry).count() == 0
    done = team.post(url + "/contacts", data={"contacted_at": "2026-11-23T08:00", "way": "site",
                                              "counterpart": "陈安全", "content": "现场核实整改", "refused": "1",
                                              "commitment_0": "月底前整改", "commitment_due_0": "2026-11-30"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"{url}#contact")
    entry = db.session.query(ContactEntry).one()
    assert entry.refused and entry.way == "site" and entry.commitments[0].text == "月底前整改"
    page = text(team.get(url))
    assert "企业拒绝配合" in page and "现场核实整改" in page
    commitment = entry.commitments[0].id
    bad = team.post(f"{url}/commitments/{commitment}", data={"outcome": "broken", "note": ""})
    assert bad.status_code == 400 and f'id="err-note-{commitment}"' in text(bad)
    other = f"/liaison/enterprises/{people.enterprise_b.id}/commitments/{commitment}"
    assert team.post(other, data={"outcome": "kept"}).status_code == 404  # not that enterprise's
    assert team.post(f"{url}/commitments/{commitment}", data={"outcome": "kept"}).status_code == 302


def test_assigning_through_the_page(people, login):
    lead = login("project_lead")
    url = f"/liaison/enterprises/{people.enterprise_a.id}"
    page = text(lead.get(url))
    assert f'<option value="{people.inspector.id}"' in page and f'<option value="{people.bureau.id}"' not in page
    bad = lead.post(url + "/assign", data={"liaison_id": str(people.bureau.id), "note": "人员调整"})
    assert bad.status_code == 400 and 'id="err-liaison_id"' in text(bad) and 'value="人员调整"' in text(bad)
    assert lead.post(url + "/assign", data={"liaison_id": str(people.inspector.id)}).status_code == 302
    again = lead.post(url + "/assign", data={"liaison_id": str(people.inspector.id)})
    assert again.status_code == 409 and "已是该企业的联络专员" in text(again)
    listing = text(lead.get("/liaison?scope=mine"))
    assert "甲化工有限公司" not in listing  # the lead's own enterprises only
    assert "甲化工有限公司" in text(login("inspector").get("/liaison?scope=mine"))
    assert "乙机械制造厂" in text(lead.get("/liaison?scope=none")) and "甲化工有限公司" not in text(
        lead.get("/liaison?scope=none"))


def test_the_gaps_page(people, login):
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI))
    assign(people.project_lead, people.enterprise_a, people.project_team)
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    page = text(login("bureau").get("/liaison/gaps"))
    assert "2026-W47" in page and "甲化工有限公司" in page and "乙机械制造厂" not in page
    bad = login("bureau").get("/liaison/gaps?week=next-week")
    assert bad.status_code == 400 and 'id="err-week"' in text(bad) and 'value="next-week"' in text(bad)
    assert "本周尚未结束" in text(login("bureau").get("/liaison/gaps?week=2026-W48"))


def test_the_report_pdf_shows_the_findings(people, login):
    assign(people.project_lead, people.enterprise_a, people.project_team)
    contact(people.project_team, people.enterprise_a, contacted_at="2026-11-02T10:00", refused=True,
            content="企业拒绝安排人员陪同排查", commitment_0="下周安排陪同", commitment_due_0="2026-11-09")
    url = f"/liaison/enterprises/{people.enterprise_a.id}/noncooperation.pdf"
    response = login("bureau").get(url + "?since=2026-11-01&until=2026-11-23")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert missing(response.data, "企业不配合情况报告", "甲化工有限公司", "2026-11-01", "2026-11-23",
                   "企业拒绝安排人员陪同排查", "下周安排陪同", "逾期未确认兑现", "建议列入集中执法检查名单",
                   "project_team") == []
    bad = login("bureau").get(url + "?since=2026-13-01")
    assert bad.status_code == 400 and 'id="err-since"' in text(bad) and 'value="2026-13-01"' in text(bad)
    assert login("ent_a").get(url).status_code == 403


def test_asking_through_the_form_with_a_file(people, login):
    ent = login("ent_a")
    bad = ent.post("/questions/new", content_type="multipart/form-data", data={
        "subject": "", "description": "留着这段话", "urgency": "urgent",
        "upload": [(io.BytesIO(PDF), "现场照片说明.pdf")]})
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-subject"' in page and 'id="err-description"' not in page
    assert "留着这段话" in page and 'value="urgent" checked' in page and "现场照片说明.pdf" in page
    kept = re.search(r'name="files" value="([0-9a-f]+)"', page).group(1)
    done = ent.post("/questions/new", data={"subject": "动火作业票", "description": "留着这段话", "urgency": "urgent",
                                            "files": kept})
    row = db.session.query(EnterpriseQuestion).one()
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/questions/{row.id}")
    assert [a.public_id for a in row.attachments] == [kept] and row.urgency == "urgent"
    page = text(ent.get(f"/questions/{row.id}"))
    assert "现场照片说明.pdf" in page and "30 分钟内答复" in page
    file_url = f"/questions/{row.id}/files/{kept}"
    assert ent.get(file_url).status_code == 200
    assert login("project_lead").get(file_url).status_code == 200
    assert login("ent_b").get(file_url).status_code == 404
    assert login("ent_b").get(f"/attachments/{kept}").status_code == 404  # the common file route: same rule
    assert login("ent_a").get(f"/attachments/{kept}").status_code == 200


def test_the_thread_from_outside(people, login):
    assign(people.project_lead, people.enterprise_a, people.project_team)
    question_id = ask(people.ent_a)
    url = f"/questions/{question_id}"
    assert login("ent_b").get(url).status_code == 404
    assert login("inspector").get(url).status_code == 404  # not theirs
    assert login("expert").get(url).status_code == 403
    team = login("project_team")
    assert "动火作业票怎么填写" in text(team.get("/questions?mine=1"))
    assert "动火作业票怎么填写" in text(team.get("/questions?state=waiting"))
    bad = team.post(url + "/messages", data={"text": " "})
    assert bad.status_code == 400 and 'id="err-text"' in text(bad)
    team.post(url + "/messages", data={"text": "由企业主要负责人审批"})
    page = text(login("ent_a").get(url))
    assert "由企业主要负责人审批" in page and "响应用时 0 分钟" in page and "问题已解决，关闭咨询" in page
    assert login("ent_b").post(url + "/close").status_code == 404
    assert team.post(url + "/close").status_code == 403
    assert login("ent_a").post(url + "/close").status_code == 302
    page = text(login("ent_a").get(url))
    assert 'id="reopen"' in page and 'id="reply"' not in page
    bad = login("ent_a").post(url + "/reopen", data={"text": ""})
    assert bad.status_code == 400 and 'id="err-text"' in text(bad)
    assert login("ent_a").post(url + "/reopen", data={"text": "还有疑问"}).status_code == 302
    assert db.session.get(EnterpriseQuestion, question_id).status == "open"


def test_the_api(people, api, make_enterprise):
    assign(people.project_lead, people.enterprise_a, people.project_team)
    ent = api("ent_a")
    bad = ent.post("/api/v1/questions", json={"subject": "", "urgency": "later"})
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) >= {"subject", "description", "urgency"}
    upload = ent.post("/api/v1/attachments", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(PNG), "photo.png")})
    photo = upload.get_json()["id"]
    created = ent.post("/api/v1/questions", json={"subject": "配电箱接地", "description": "接地电阻多少合格？",
                                                   "urgency": "normal", "files": [photo]})
    body = created.get_json()
    assert created.status_code == 201 and body["files"] == [{"id": photo, "name": "photo.png"}]
    assert body["assignee"] == "project_team" and body["respond_due"].endswith("+08:00")
    assert api("ent_b").get(f"/api/v1/questions/{body['id']}").status_code == 404
    assert api("ent_b").get("/api/v1/questions").get_json()["total"] == 0
    assert api("project_team").get("/api/v1/questions?mine=true").get_json()["total"] == 1
    assert api("inspector").get("/api/v1/questions").get_json()["total"] == 0
    assert api("expert").get("/api/v1/questions").status_code == 403
    assert api("project_team").post("/api/v1/questions", json={}).status_code == 403
    answered = api("project_team").post(f"/api/v1/questions/{body['id']}/messages", json={"text": "不大于4欧姆"})
    assert answered.status_code == 201 and answered.get_json()["from_staff"] is True
    detail = ent.get(f"/api/v1/questions/{body['id']}").get_json()
    assert detail["first_response_seconds"] == 0 and detail["messages"][0]["text"] == "不大于4欧姆"
    contact(people.project_team, people.enterprise_a, follow_up=SECRET_NOTE, commitment_0="整改",
            commitment_due_0="2026-11-30")
    log = api("bureau").get(f"/api/v1/enterprises/{people.enterprise_a.id}/contacts")
    data = log.get_json()
    assert log.status_code == 200 and data["liaison"]["name"] == "project_team"
    assert data["items"][0]["follow_up"] == SECRET_NOTE and data["items"][0]["commitments"][0]["status"] == "open"
    assert ent.get(f"/api/v1/enterprises/{people.enterprise_a.id}/contacts").status_code == 403
    assert api("bureau").get("/api/v1/enterprises/99999/contacts").status_code == 404
    elsewhere = make_enterprise("丁厂")
    assert api("project_team").get(f"/api/v1/enterprises/{elsewhere.id}/contacts").get_json()["items"] == []


def test_english_pages_show_no_chinese_outside_user_data(people, login):
    assign(people.project_lead, people.enterprise_a, people.project_team)
    contact(people.project_team, people.enterprise_a, refused=True, content="电话了解防雷检测进度",
            commitment_0="补齐作业票", commitment_due_0="2026-11-30")
    question_id = ask(people.ent_a, "urgent")
    lead_urls = ("/liaison", "/liaison?scope=none", f"/liaison/enterprises/{people.enterprise_a.id}", "/liaison/gaps",
                 "/liaison/gaps?week=2026-W48", "/questions", f"/questions/{question_id}")
    for who, urls in (("project_lead", lead_urls), ("bureau", ("/audit",)),
                      ("ent_a", ("/", "/questions", "/questions/new", f"/questions/{question_id}"))):
        client = login(who)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            page = without_user_data(text(response))
            for typed in (c.text for c in db.session.query(ContactCommitment)):  # not in user_data(): ours
                page = page.replace(typed, "")
            assert [w for w in UI_WORDS if w in page] == [], url
            assert leftover_chinese(page) == {}, url


def test_the_demo_has_liaisons_a_weekly_gap_and_an_overdue_urgent_question(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert db.session.query(LiaisonAssignment).count() == 3
    gaps = liaison_weeks.gaps(db.session, liaison_weeks.last_complete_week())
    assert [e.name for e, _a in gaps] == ["新城机械制造厂"]
    assert db.session.query(ContactCommitment).filter_by(status="broken").count() == 1
    assert jobs.urge_questions() == 1 and jobs.urge_questions() == 0
    assert jobs.notify_liaison_gaps() == 1 and jobs.notify_liaison_gaps() == 0


def test_notices_link_to_the_question(people, login):
    question_id = ask(people.ent_a)
    page = text(login("project_lead").get("/notifications"))
    assert f'href="/questions/{question_id}"' in page
