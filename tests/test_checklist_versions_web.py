"""Standards version management over HTTP: a process owner's proposal from the upkeep page, the technical lead's
review (the list with before → after, approval with a note, rejection with a required reason next to its field and
the typed text kept), the second proposal of an item refused with 409 and nothing typed lost, withdrawing, the
read-only version pages for every staff role (enterprise staff 403), the notices' links, CSRF, and the pages in
English."""
import re

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from app.extensions import db
from app.models import Checklist, ChecklistChange, ChecklistItem, ChecklistVersion
from tests.checklist_support import CHANGED, approve, item, propose, reject
from tests.checklist_support import lead, standard  # noqa: F401 (fixtures)
from tests.test_inspections import visit
from tests.test_web_restricted_pages import routes
from tests.test_web_support import field_html, text

STAFF = ("inspector", "project_lead", "project_team", "supervision", "expert", "bureau", "quality", "manager", "admin",
         "process_owner", "technical_lead")
REVIEW_PAGES = ("technical_lead", "process_owner", "admin")


def pending(code):
    return db.session.query(ChecklistChange).filter_by(item_code=code, status="pending").one()


def test_a_proposal_from_the_upkeep_page_is_reviewed_and_approved_by_the_lead(people, lead, login):
    hg02 = item("HG-02")
    before = hg02.content
    owner = login("process_owner")
    form = text(owner.get(f"/inspections/checklists/items/{hg02.id}"))
    assert "提交审核" in form and 'name="_csrf"' in form
    assert owner.post(f"/inspections/checklists/items/{hg02.id}", data=CHANGED).status_code == 302
    assert "待技术负责人审核批准后生效" in text(owner.get("/inspections/checklists?list=chemical"))
    change = pending("HG-02")

    reviewer = login("technical_lead")
    home = text(reviewer.get("/"))
    assert 'href="/inspections/checklists/changes"' in home and "检查表审核" in home
    listing = text(reviewer.get("/inspections/checklists/changes"))
    assert f'data-change="{change.id}"' in listing and before in listing and CHANGED["content"] in listing
    assert 'class="before"' in listing and 'class="after"' in listing
    page = text(reviewer.get(f"/inspections/checklists/changes/{change.id}"))
    for form_id in ("approve", "reject"):
        section = page[page.index(f'id="{form_id}"'):]
        assert section.index('name="_csrf"') < section.index("</form>"), form_id
    assert "撤回此提议" not in page
    done = reviewer.post(f"/inspections/checklists/changes/{change.id}/approve", data={"note": "依据地方规定"})
    assert done.status_code == 302
    assert item("HG-02").content == CHANGED["content"]
    page = text(reviewer.get(done.headers["Location"]))
    assert "已批准" in page and "升为第 2 版" in page and 'href="/inspections/checklists/chemical/versions/2"' in page
    # the inspector's notice links to the new version
    notices = text(login("inspector").get("/notifications"))
    assert "标准更新通知" in notices and 'href="/inspections/checklists/chemical/versions/2"' in notices
    assert 'href="/inspections/checklists/changes/' in text(owner.get("/notifications"))  # approved: told


def test_a_rejection_without_a_reason_is_answered_next_to_the_field_with_the_text_kept(people, lead, login):
    change_id = propose(people.process_owner, "active", item("HG-05").id, False)
    reviewer = login("technical_lead")
    blank = reviewer.post(f"/inspections/checklists/changes/{change_id}/reject", data={"reason": "   "})
    page = text(blank)
    assert blank.status_code == 400 and 'id="err-reason"' in field_html(page, "reason")
    long_reason = "理由" * 260
    too_long = reviewer.post(f"/inspections/checklists/changes/{change_id}/reject", data={"reason": long_reason})
    page = text(too_long)
    assert too_long.status_code == 400 and 'id="err-reason"' in field_html(page, "reason")
    assert long_reason + "</textarea>" in page  # nothing typed is lost
    too_long_note = reviewer.post(f"/inspections/checklists/changes/{change_id}/approve", data={"note": "说" * 501})
    assert too_long_note.status_code == 400 and 'id="err-note"' in field_html(text(too_long_note), "note")
    assert db.session.get(ChecklistChange, change_id).status == "pending"
    assert reviewer.post(f"/inspections/checklists/changes/{change_id}/reject",
                         data={"reason": "该条款仍然有效"}).status_code == 302
    again = reviewer.post(f"/inspections/checklists/changes/{change_id}/approve", data={"note": "晚了"})
    assert again.status_code == 409 and "已退回" in text(again) and item("HG-05").active
    assert "this change was already" not in text(again)  # the page's language only
    assert "该条款仍然有效" in text(login("process_owner").get("/notifications"))


def test_a_second_proposal_of_an_item_is_409_and_keeps_what_was_typed(people, lead, login):
    hg02 = item("HG-02")
    propose(people.process_owner, "active", hg02.id, False)
    admin = login("admin")
    form = text(admin.get(f"/inspections/checklists/items/{hg02.id}"))
    assert 'id="waiting"' in form  # said before anything is typed
    refused = admin.post(f"/inspections/checklists/items/{hg02.id}", data={**CHANGED, "content": "管理员的新写法"})
    page = text(refused)
    assert refused.status_code == 409 and 'id="refusal"' in page and "HG-02" in page
    assert "已有一项待技术负责人审核的修改" in page and "already has a change waiting" not in page
    assert "管理员的新写法</textarea>" in page  # nothing typed is lost
    index = admin.post(f"/inspections/checklists/items/{hg02.id}/active", data={"active": "0"})
    assert index.status_code == 409 and "已有一项待技术负责人审核的修改" in text(index)
    new = admin.post("/inspections/checklists/new", data={
        "checklist_id": str(hg02.checklist_id), "code": "HG-41", "dimension": "equipment", "content": "甲",
        "basis": ""})
    assert new.status_code == 302
    twice = admin.post("/inspections/checklists/new", data={
        "checklist_id": str(hg02.checklist_id), "code": "HG-41", "dimension": "equipment", "content": "乙写的",
        "basis": ""})
    assert twice.status_code == 409 and "乙写的</textarea>" in text(twice)
    assert db.session.query(ChecklistChange).filter_by(status="pending").count() == 2


def test_the_proposer_withdraws_and_nobody_else_does(people, lead, login):
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    assert "撤回此提议" not in text(login("admin").get(f"/inspections/checklists/changes/{change_id}"))
    assert login("admin").post(f"/inspections/checklists/changes/{change_id}/withdraw").status_code == 403
    assert login("technical_lead").post(f"/inspections/checklists/changes/{change_id}/withdraw").status_code == 403
    owner = login("process_owner")
    page = text(owner.get(f"/inspections/checklists/changes/{change_id}"))
    assert "撤回此提议" in page and 'id="approve"' not in page
    assert owner.post(f"/inspections/checklists/changes/{change_id}/withdraw").status_code == 302
    assert db.session.get(ChecklistChange, change_id).status == "withdrawn"
    assert "已撤回" in text(owner.get("/inspections/checklists/changes?status=withdrawn"))
    assert owner.post(f"/inspections/checklists/changes/{change_id}/withdraw").status_code == 409


def test_only_the_lead_decides(people, lead, login):
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    for username in ("process_owner", "admin"):
        user = login(username)
        assert user.get(f"/inspections/checklists/changes/{change_id}").status_code == 200
        assert user.post(f"/inspections/checklists/changes/{change_id}/approve", data={}).status_code == 403
        assert user.post(f"/inspections/checklists/changes/{change_id}/reject",
                         data={"reason": "不行"}).status_code == 403
    assert login("technical_lead").get("/inspections/checklists/changes/99999").status_code == 404
    assert pending("HG-02").id == change_id


@pytest.mark.parametrize("username", [u for u in STAFF if u not in REVIEW_PAGES] + ["ent_a", "ent_b"])
def test_the_review_pages_refuse_everyone_else(app, people, lead, login, username):
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    user = login(username)
    for url, method in routes(app, "checklist_review"):
        real = url.replace("/1", f"/{change_id}")
        assert user.open(real, method=method).status_code == 403, (method, real)
    assert pending("HG-02")


def test_every_staff_role_reads_the_versions_and_enterprise_staff_do_not(app, people, lead, login):
    approve(lead, propose(people.process_owner, "update", item("HG-02").id, CHANGED), "依据地方规定")
    for username in STAFF:
        user = login(username)
        index = text(user.get("/inspections/checklists/versions"))
        assert 'data-list="chemical"' in index and "第 2 版" in index, username
        history = text(user.get("/inspections/checklists/chemical/versions"))
        assert 'data-version="2"' in history and 'data-version="1"' in history, username
        assert f"{lead.display_name}（技术负责人）" in history
        assert CHANGED["content"] in history  # the current items
        assert 'href="/inspections/checklists/versions"' in text(user.get("/inspections")), username
    for username in ("ent_a", "ent_b"):
        user = login(username)
        for url, method in routes(app, "checklist_versions"):
            real = url.replace("/checklists/1/", "/checklists/chemical/")
            assert user.open(real, method=method).status_code == 403, (username, real)
        assert "/inspections/checklists/versions" not in text(user.get("/inspections"))
    anonymous = app.test_client()
    for blueprint in ("checklist_versions", "checklist_review"):
        for url, method in routes(app, blueprint):
            response = anonymous.open(url, method=method)
            assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_version_page_shows_its_items_its_signature_and_what_changed(people, lead, login):
    old = item("HG-02").content
    approve(lead, propose(people.process_owner, "update", item("HG-02").id, CHANGED), "依据地方规定")
    approve(lead, propose(people.admin, "active", item("HG-03").id, False))
    inspector = login("inspector")
    second = text(inspector.get("/inspections/checklists/chemical/versions/2"))
    assert "与第 1 版相比的变更" in second and 'data-change="HG-02"' in second and "已存档的旧版本" in second
    assert f'<span class="before">{old}</span>' in second and CHANGED["content"] in second
    assert "依据地方规定" in second and f"{lead.display_name}（技术负责人）" in second
    third = text(inspector.get("/inspections/checklists/chemical/versions/3"))
    assert 'data-kind="deactivate"' in third and "现行" in third and 'data-change="HG-02"' not in third
    against = text(inspector.get("/inspections/checklists/chemical/versions/3?against=1"))
    assert "与第 1 版相比的变更" in against and 'data-change="HG-02"' in against and 'data-kind="deactivate"' in against
    first = text(inspector.get("/inspections/checklists/chemical/versions/1"))
    assert old in first and "首个版本" in first and "标准文件加载" in first
    for missing in ("/inspections/checklists/chemical/versions/9", "/inspections/checklists/mining/versions",
                    "/inspections/checklists/chemical/versions/2?against=9"):
        assert inspector.get(missing).status_code == 404, missing


def test_the_visit_page_shows_the_approved_items_only_and_links_the_version(people, lead, login):
    propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    propose(people.process_owner, "add", item("HG-02").checklist_id, {
        "code": "HG-40", "dimension": "equipment", "content": "待批准的新检查项", "basis": ""})
    row = visit(people.inspector, people.enterprise_a)
    page = text(login("inspector").get(f"/inspections/{row.id}"))
    assert CHANGED["content"] not in page and "待批准的新检查项" not in page and "已检查 0 / 70 项" in page
    assert 'href="/inspections/checklists/chemical/versions"' in page and "第 1 版" in page


def test_the_audit_log_shows_each_step_with_the_list(people, lead, login):
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    approve(lead, change_id, "依据地方规定")
    page = text(login("manager").get("/audit?scope=system"))
    assert "提出检查表修改" in page and "技术负责人批准检查表修改" in page
    assert 'href="/inspections/checklists/chemical/versions">检查表 chemical</a>' in page
    assert CHANGED["content"] in page  # before → after


def test_an_administrator_gives_the_technical_lead_role(people, login):
    admin = login("admin")
    form = text(admin.get("/admin/users/new"))
    assert 'value="technical_lead"' in form and "技术负责人" in form
    assert "技术负责人" in text(admin.get("/admin/users?role=technical_lead"))


def test_approving_needs_the_csrf_token(app, people, lead):
    change_id = propose(people.process_owner, "update", item("HG-02").id, CHANGED)
    client = FlaskClient(app, use_cookies=True)
    with client.session_transaction() as sess:
        sess["_user_id"] = str(lead.id)
        sess["_fresh"] = True
    assert client.post(f"/inspections/checklists/changes/{change_id}/approve", data={}).status_code == 400
    assert pending("HG-02").id == change_id


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, lead, login):
    from flask_babel import get_domain
    from test_web_i18n_coverage import leftover_chinese, user_data, without_user_data
    from test_web_support import compile_translations
    compile_translations()
    get_domain().cache.clear()
    approve(lead, propose(people.process_owner, "update", item("HG-02").id, CHANGED), "依据地方规定")
    rejected = propose(people.process_owner, "active", item("HG-03").id, False)
    reject(lead, rejected, "该条款仍然有效")
    waiting = propose(people.process_owner, "add", item("HG-02").checklist_id, {
        "code": "HG-40", "dimension": "equipment", "content": "储罐液位计完好", "basis": "GB 50160"})
    row = visit(people.inspector, people.enterprise_a)
    # The checklists' own text and the other user data, longest first: one may be part of another (a list's name in
    # a notice's title).
    data = sorted(set(_checklist_data()) | {str(escape(v)) for v in user_data()} | set(user_data()), key=len,
                  reverse=True)
    pages = {"technical_lead": ["/inspections/checklists/changes", "/inspections/checklists/changes?status=all",
                                f"/inspections/checklists/changes/{waiting}",
                                f"/inspections/checklists/changes/{rejected}",
                                "/notifications"],
             "process_owner": ["/inspections/checklists?list=chemical", f"/inspections/checklists/changes/{waiting}",
                               f"/inspections/checklists/items/{item('HG-04').id}", "/inspections/checklists/new",
                               "/notifications"],
             "inspector": ["/inspections/checklists/versions", "/inspections/checklists/chemical/versions",
                           "/inspections/checklists/chemical/versions/1", "/inspections/checklists/chemical/versions/2",
                           "/inspections/checklists/chemical/versions/2?against=1", f"/inspections/{row.id}",
                           "/notifications"]}
    for username, urls in pages.items():
        client = login(username)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            page = text(response)
            assert response.status_code == 200 and '<html lang="en">' in page, url
            for value in data:
                page = page.replace(value, "")
            assert leftover_chinese(without_user_data(page)) == {}, (username, url)
    reviewer = login("technical_lead")
    reviewer.get("/lang/en")
    english = text(reviewer.get(f"/inspections/checklists/changes/{waiting}"))
    assert "Approve and sign" in english and "Add an item" in english


def _checklist_data():
    """The checklists' own text (user data: names, items, the versions' notes and signatures, the decisions),
    escaped as a page shows it."""
    values = set()
    for c in db.session.query(Checklist):
        values |= {c.name, *c.industries}
    for i in db.session.query(ChecklistItem):
        values |= {i.content, i.basis}
    for v in db.session.query(ChecklistVersion):
        values |= {v.note, v.signed_name} | {str(x) for i in v.items for x in i.values()}
    for ch in db.session.query(ChecklistChange):
        values |= {ch.decision_note} | {str(x) for x in ch.proposed.values()}
    return [str(escape(s)) for s in values if s and re.search(r"[\u3400-\u9fff]", s)]
