"""The knowledge base over HTTP and in the services: who writes (editors only, 403 otherwise), who reads (published
entries for everyone signed in, enterprise staff included; drafts and withdrawn entries 404 but to editors and the
bureau), field errors (400), stale saves and publications (409), the kept versions, the search and the 待复核 list,
the PDF, and the advice on the assignment and rectification task pages."""
import io
from datetime import datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import AuditEvent, KnowledgeEntry, KnowledgeVersion
from app.services import knowledge
from tests.knowledge_support import ADVICE, REGULATION, add, technical_lead
from tests.referral_support import department
from tests.test_lifecycle_service import ASSIGN, complete, open_tasks, register
from tests.test_typical_cases import WRITTEN, add as add_typical, closed_after_two_rounds
from tests.test_web_support import field_html, text

EDITORS = ("technical_lead", "project_lead", "admin")
NOT_EDITORS = ("inspector", "project_team", "supervision", "bureau", "expert", "quality", "manager", "process_owner",
               "ent_a")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_only_editors_write(people, make_user, login, api):
    lead = technical_lead(make_user)
    row = add(lead, publish=True)
    for username in NOT_EDITORS:
        user = login(username)
        assert user.get("/knowledge/new").status_code == 403, username
        assert user.post("/knowledge/new", data=ADVICE).status_code == 403, username
        assert user.post(f"/knowledge/{row.id}/edit", data={**ADVICE, "version": "1"}).status_code == 403, username
        for action in ("publish", "withdraw", "review"):
            assert user.post(f"/knowledge/{row.id}/{action}", data={"version": "1"}).status_code == 403
        assert 'href="/knowledge/new' not in text(user.get("/knowledge"))
        client = api(username)
        assert client.post("/api/v1/knowledge", json=ADVICE).status_code == 403
        assert client.put(f"/api/v1/knowledge/{row.id}", json={"title": "x", "version": 1}).status_code == 403
        assert client.post(f"/api/v1/knowledge/{row.id}/withdraw", json={"version": 1}).status_code == 403
    assert db.session.query(KnowledgeEntry).count() == 1 and db.session.get(KnowledgeEntry, row.id).version == 1
    for username in EDITORS:
        page = login(username).post("/knowledge/new", data={**ADVICE, "title": f"{username} 的建议"})
        assert page.status_code == 302, username
    assert db.session.query(KnowledgeEntry).count() == 4


def test_drafts_and_withdrawn_entries_are_404_to_readers(people, make_user, login, api):
    lead = technical_lead(make_user)
    draft = add(lead)
    published = add(lead, {**ADVICE, "title": "已发布的建议"}, publish=True)
    for username in ("inspector", "ent_a", "ent_b", "expert", "quality"):
        user = login(username)
        assert user.get(f"/knowledge/{draft.id}").status_code == 404, username
        assert user.get(f"/knowledge/{draft.id}/versions/1").status_code == 404
        assert user.get(f"/knowledge/{published.id}").status_code == 200, username
        listing = text(user.get("/knowledge"))
        assert f'data-entry="{published.id}"' in listing and f'data-entry="{draft.id}"' not in listing
        assert 'href="/knowledge"' in text(user.get("/"))
        client = api(username)
        assert client.get(f"/api/v1/knowledge/{draft.id}").status_code == 404
        assert [i["id"] for i in client.get("/api/v1/knowledge?status=draft").get_json()["items"]] == []
    for username in ("bureau", "technical_lead", "project_lead"):
        assert login(username).get(f"/knowledge/{draft.id}").status_code == 200, username
        assert api(username).get("/api/v1/knowledge?status=draft").get_json()["total"] == 1
    lead_client = login("technical_lead")
    assert lead_client.post(f"/knowledge/{published.id}/withdraw", data={"version": "1"}).status_code == 302
    assert login("ent_a").get(f"/knowledge/{published.id}").status_code == 404
    assert login("bureau").get(f"/knowledge/{published.id}").status_code == 200
    assert login("inspector").get("/knowledge/999999").status_code == 404


def test_bad_input_is_400_with_the_errors_next_to_the_fields(people, make_user, login, api):
    technical_lead(make_user)
    user = login("technical_lead")
    bad = user.post("/knowledge/new", data={**REGULATION, "number": " ", "effective_on": "2015-13-45",
                                            "hazard_types": "no_such_type", "title": ""})
    page = text(bad)
    assert bad.status_code == 400
    for name in ("number", "effective_on", "hazard_types", "title"):
        assert f'id="err-{name}"' in field_html(page, name), name
    assert REGULATION["body"] + "</textarea>" in page  # nothing typed is lost
    advice = user.post("/knowledge/new", data={**ADVICE, "hazard_types": ""})
    assert advice.status_code == 400 and 'id="err-hazard_types"' in field_html(text(advice), "hazard_types")
    response = api("technical_lead").post("/api/v1/knowledge", json={"kind": "regulation", "title": "x", "body": "y"})
    assert response.status_code == 400
    assert {"number", "issuer", "effective_on", "regulation_status"} <= set(response.get_json()["fields"])
    assert api("technical_lead").post("/api/v1/knowledge", json={**ADVICE, "kind": "other"}).status_code == 400
    assert db.session.query(KnowledgeEntry).count() == 0


def test_stale_saves_and_publications_are_409(people, make_user, login, api):
    technical_lead(make_user)
    row = add(people.project_lead)
    first, second = login("technical_lead"), login("project_lead")
    assert first.post(f"/knowledge/{row.id}/edit", data={**ADVICE, "body": "第一位的修改", "version": "1"}).status_code == 302
    stale = second.post(f"/knowledge/{row.id}/edit", data={**ADVICE, "body": "第二位的修改", "version": "1"})
    assert stale.status_code == 409
    page = text(stale)
    assert "第二位的修改</textarea>" in page and 'name="version" value="2"' in page
    assert second.post(f"/knowledge/{row.id}/publish", data={"version": "1"}).status_code == 409
    assert second.post(f"/knowledge/{row.id}/edit", data={**ADVICE, "body": "x"}).status_code == 409  # no version
    assert api("project_lead").put(f"/api/v1/knowledge/{row.id}", json={"body": "y", "version": 1}).status_code == 409
    assert db.session.get(KnowledgeEntry, row.id).body == "第一位的修改"
    assert second.post(f"/knowledge/{row.id}/publish", data={"version": "2"}).status_code == 302
    assert second.post(f"/knowledge/{row.id}/publish", data={"version": "2"}).status_code == 409  # published already


def test_every_save_is_kept_as_a_version_and_audited(people, make_user, login):
    lead = technical_lead(make_user)
    row = add(lead, publish=True)
    user = login("technical_lead")
    assert user.post(f"/knowledge/{row.id}/edit", data={**ADVICE, "body": "新的处置建议", "version": "1",
                                                        "hazard_types": ["electrical", "fire_safety"]}).status_code == 302
    assert user.post(f"/knowledge/{row.id}/edit", data={**ADVICE, "body": "新的处置建议", "version": "2",
                                                        "hazard_types": ["electrical", "fire_safety"]}).status_code == 302
    fresh = db.session.get(KnowledgeEntry, row.id)
    assert fresh.version == 2 and fresh.status == "published"  # the unchanged second save wrote nothing
    kept = {v.version: v.content for v in db.session.query(KnowledgeVersion).filter_by(entry_id=row.id)}
    assert kept[1]["body"] == ADVICE["body"] and kept[2]["body"] == "新的处置建议"
    assert kept[1]["hazard_types"] == ["electrical"] and kept[2]["industries"] == ["化工", "机械"]
    old = text(login("ent_a").get(f"/knowledge/{row.id}/versions/1"))
    assert ADVICE["body"] in old and "新的处置建议" not in old
    shown = text(login("ent_a").get(f"/knowledge/{row.id}"))
    assert "新的处置建议" in shown and f'href="/knowledge/{row.id}/versions/1"' in shown
    assert "id=\"history\"" not in shown  # the audit trail is the editors' and the bureau's
    history = text(user.get(f"/knowledge/{row.id}"))
    assert "修改知识库条目" in history and "发布知识库条目" in history and "消防安全" in history
    updated = db.session.query(AuditEvent).filter_by(action="knowledge_entry_updated").one()
    assert updated.subject_type == "knowledge_entry" and updated.subject_id == row.id
    assert updated.changes["body"] == [ADVICE["body"], "新的处置建议"]
    assert updated.changes["hazard_types"] == [["electrical"], ["electrical", "fire_safety"]]
    assert "知识库条目 #" in text(login("manager").get("/audit"))


def test_search_filters_and_the_review_list(people, make_user, login, api):
    lead = technical_lead(make_user)
    advice = add(lead, publish=True)
    regulation = add(lead, REGULATION, publish=True)

    def ids(**args):
        response = api("ent_a").get("/api/v1/knowledge", query_string=args)
        assert response.status_code == 200, response.get_json()
        return [i["id"] for i in response.get_json()["items"]]
    assert ids() == [advice.id, regulation.id]
    assert ids(q="GB 50016") == [regulation.id] and ids(q="持证电工") == [advice.id] and ids(q="50%") == []
    assert ids(kind="regulation") == [regulation.id] and ids(hazard_type="electrical") == [advice.id]
    assert ids(industry="机械") == [advice.id]
    assert api("ent_a").get("/api/v1/knowledge?kind=nonsense").status_code == 400
    assert login("ent_a").get("/knowledge?kind=nonsense").status_code == 400
    assert ids(due_review="true") == []
    clock.set(datetime(2027, 11, 23, 9, 0, tzinfo=SHANGHAI))  # twelve months on
    assert ids(due_review="true") == [advice.id, regulation.id]
    page = text(login("technical_lead").get("/knowledge"))
    assert 'id="due-review"' in page and "data-due-review" in page
    user = login("technical_lead")
    assert user.post(f"/knowledge/{advice.id}/review", data={"version": "1"}).status_code == 302
    assert ids(due_review="true") == [regulation.id]
    assert knowledge.is_due_for_review(db.session.get(KnowledgeEntry, regulation.id))
    assert "data-due-review" not in text(login("ent_a").get("/knowledge"))


def test_a_regulation_pdf_is_served_to_its_readers(people, make_user, login):
    technical_lead(make_user)
    user = login("technical_lead")
    response = user.post("/knowledge/new", data={**REGULATION, "upload": [(io.BytesIO(PDF), "GB50016.pdf")]},
                         content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    row = db.session.query(KnowledgeEntry).one()
    public_id = row.attachments[0].public_id
    url = f"/knowledge/{row.id}/files/{public_id}"
    assert login("ent_a").get(url).status_code == 404  # a draft's file
    assert user.post(f"/knowledge/{row.id}/publish", data={"version": "1"}).status_code == 302
    download = login("ent_a").get(url)
    assert download.status_code == 200 and download.data == PDF
    assert login("ent_a").get(f"/knowledge/{row.id}/files/nope").status_code == 404
    png = user.post(f"/knowledge/{row.id}/edit", data={**REGULATION, "version": "1", "upload": [
        (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 60), "a.png")]}, content_type="multipart/form-data")
    assert png.status_code == 400


def test_the_task_pages_offer_the_advice_of_the_case_hazard_type(people, make_user, login):
    lead = technical_lead(make_user)
    advice = add(lead, publish=True)
    other = add(lead, {**ADVICE, "title": "消防建议", "hazard_types": ["fire_safety"]}, publish=True)
    draft = add(lead, {**ADVICE, "title": "未发布的建议"})
    regulation = add(lead, {**REGULATION, "hazard_types": ["electrical"]}, publish=True)
    typical = add_typical(people.quality, closed_after_two_rounds(people))  # an electrical case in the library
    case_id = register(people)
    assignment = open_tasks(case_id)["assignment"]
    page = text(login("project_lead").get(f"/tasks/{assignment.id}"))
    assert f'data-entry="{advice.id}"' in page and ADVICE["body"] in page
    assert f'data-entry="{other.id}"' not in page and f'data-entry="{draft.id}"' not in page
    assert f'data-entry="{regulation.id}"' in page and f'href="/library/{typical.id}"' in page
    assert 'data-target="f-rectification_requirements"' in page and "knowledge_copy.js" in page
    assert 'id="f-rectification_requirements"' in page
    complete(people.project_lead, assignment, ASSIGN)
    rectification = open_tasks(case_id)["rectification"]
    own = text(login("ent_a").get(f"/tasks/{rectification.id}"))
    assert ADVICE["body"] in own and 'data-target="f-measures"' in own and 'id="f-measures"' in own
    assert "/library/" not in own  # the typical case library stays internal
    case_page = text(login("ent_a").get(f"/cases/{case_id}"))
    assert f'href="/knowledge/{advice.id}"' in case_page and "kb-copy" not in case_page
    assert WRITTEN["title"] not in case_page


def test_every_action_is_named(people, make_user, login):
    from app.web.names import ACTION_CODES
    assert {"knowledge_entry_created", "knowledge_entry_updated", "knowledge_entry_published",
            "knowledge_entry_withdrawn", "knowledge_entry_reviewed"} <= ACTION_CODES


def test_anonymous_users_log_in_first_and_departments_stay_out(app, people, make_user, client, login):
    from tests.test_web_restricted_pages import routes
    lead = technical_lead(make_user)
    row = add(lead, publish=True)
    found = routes(app, "knowledge")
    assert len(found) >= 9
    for url, method in found:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
    outsider_user = make_user("fire_brigade", "department")
    outsider_user.department_id = department(people.bureau)
    db.session.commit()
    outsider = login("fire_brigade")
    for url, method in found:
        assert outsider.open(url.replace("/1", f"/{row.id}"), method=method).status_code == 403, (method, url)
    assert 'href="/knowledge"' not in text(outsider.get("/referrals"))
