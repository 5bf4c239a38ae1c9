"""The typical case library over HTTP: the pages per role (writers, readers, enterprise staff answered 404 on every
page), the prefilled form with its errors next to the fields, the 409s, the CSV file and the printed quarterly view,
the case page's link, CSRF; and the API (/api/v1/typical-cases, /api/v1/hazards/<id>/typical-case)."""
import csv
import io

import pytest
from flask.testing import FlaskClient

from app.extensions import db
from app.models import AuditEvent, TypicalCase
from tests.test_typical_cases import WRITTEN, add, closed_after_two_rounds
from tests.test_lifecycle_service import register
from tests.test_web_restricted_pages import routes
from tests.test_web_support import field_html, text

READERS = ("inspector", "project_team", "supervision", "expert", "manager", "admin", "quality", "bureau",
           "project_lead")
WRITERS = ("project_lead", "quality", "bureau")


def test_enterprise_staff_get_404_on_every_page_and_see_no_link(app, people, login, client):
    case_id = closed_after_two_rounds(people)
    entry = add(people.quality, case_id)
    urls = [url.replace("/1", f"/{entry.id}") if url.startswith("/library/") else url.replace("/1/", f"/{case_id}/")
            for url, _method in routes(app, "typical_cases")]
    assert len(urls) >= 6
    for username in ("ent_a", "ent_b"):
        user = login(username)
        for (url, method), real in zip(routes(app, "typical_cases"), urls):
            response = user.open(real, method=method)
            assert response.status_code == 404, (username, method, real, response.status_code)
        assert 'href="/library"' not in text(user.get("/"))
    case_page = text(login("ent_a").get(f"/cases/{case_id}"))
    assert "/library" not in case_page and "典型案例" not in case_page
    owner = login("process_owner")
    assert owner.get("/library").status_code == 403 and 'href="/library"' not in text(owner.get("/"))
    for url, method in routes(app, "typical_cases"):
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)


def test_readers_see_the_library_and_only_writers_write(people, login):
    case_id = closed_after_two_rounds(people)
    other = register(people)
    entry = add(people.quality, case_id)
    for username in READERS:
        user = login(username)
        assert 'href="/library"' in text(user.get("/")), username
        listing = text(user.get("/library"))
        assert f'data-entry="{entry.id}"' in listing and WRITTEN["title"] in listing
        detail = text(user.get(f"/library/{entry.id}"))
        assert WRITTEN["cause_analysis"] in detail and "加入典型案例库" in detail  # the history names the action
        assert (f'href="/library/{entry.id}/edit"' in detail) == (username in WRITERS), username
        case_page = text(user.get(f"/cases/{case_id}"))
        assert f'href="/library/{entry.id}"' in case_page and ">典型案例<" in case_page
        other_page = text(user.get(f"/cases/{other}"))
        assert (f'href="/cases/{other}/library/new"' in other_page) == (username in WRITERS), username
        if username not in WRITERS:
            assert user.get(f"/cases/{other}/library/new").status_code == 403
            assert user.post(f"/cases/{other}/library/new", data=WRITTEN).status_code == 403
            assert user.get(f"/library/{entry.id}/edit").status_code == 403
            assert user.post(f"/library/{entry.id}/edit", data={**WRITTEN, "version": "1"}).status_code == 403
    assert db.session.query(TypicalCase).count() == 1 and login("manager").get("/library/999999").status_code == 404


def test_adding_from_the_case_page_with_errors_next_to_the_fields(people, login):
    case_id = closed_after_two_rounds(people)
    lead = login("project_lead")
    form = text(lead.get(f"/cases/{case_id}/library/new"))
    assert "更换全部线路并接地</textarea>" in form and "第2轮" in form and 'value="配电房：线路老化"' in form
    bad = lead.post(f"/cases/{case_id}/library/new", data={**WRITTEN, "cause_analysis": " ", "title": ""})
    page = text(bad)
    assert bad.status_code == 400
    assert 'id="err-cause_analysis"' in field_html(page, "cause_analysis")
    assert 'id="err-title"' in field_html(page, "title")
    assert WRITTEN["measures"] + "</textarea>" in page  # nothing typed is lost
    ok = lead.post(f"/cases/{case_id}/library/new", data=WRITTEN)
    assert ok.status_code == 302
    entry = db.session.query(TypicalCase).one()
    assert ok.headers["Location"].endswith(f"/library/{entry.id}")
    again = lead.get(f"/cases/{case_id}/library/new")
    assert again.status_code == 409 and f'href="/library/{entry.id}"' in text(again)
    twice = login("bureau").post(f"/cases/{case_id}/library/new", data={**WRITTEN, "title": "另一份"})
    assert twice.status_code == 409 and "已在典型案例库中" in text(twice) and 'value="另一份"' not in text(twice)
    assert lead.get("/cases/999999/library/new").status_code == 404


def test_editing_keeps_the_typing_when_someone_saved_meanwhile(people, login):
    entry = add(people.quality, closed_after_two_rounds(people))
    quality, bureau = login("quality"), login("bureau")
    form = text(quality.get(f"/library/{entry.id}/edit"))
    assert 'name="version" value="1"' in form and WRITTEN["cause_analysis"] + "</textarea>" in form
    assert bureau.post(f"/library/{entry.id}/edit", data={**WRITTEN, "effect": "复查未反弹", "version": "1"}) \
        .status_code == 302
    stale = quality.post(f"/library/{entry.id}/edit", data={**WRITTEN, "lessons": "我的启示", "version": "1"})
    page = text(stale)
    assert stale.status_code == 409 and "我的启示</textarea>" in page and 'name="version" value="2"' in page
    assert db.session.get(TypicalCase, entry.id).lessons == ""
    assert quality.post(f"/library/{entry.id}/edit", data={**WRITTEN, "lessons": "我的启示", "version": "2"}) \
        .status_code == 302
    bad = quality.post(f"/library/{entry.id}/edit", data={**WRITTEN, "effect": "", "version": "3"})
    assert bad.status_code == 400 and 'id="err-effect"' in field_html(text(bad), "effect")
    detail = text(quality.get(f"/library/{entry.id}"))
    assert "我的启示" in detail and "修改典型案例" in detail and "复查未反弹" in detail
    events = db.session.query(AuditEvent).filter_by(subject_type="typical_case", subject_id=entry.id).count()
    assert events == 3
    log = text(login("manager").get("/audit?action=typical_case_updated"))
    assert f'href="/library/{entry.id}"' in log and "经验启示" in log


def test_filters_file_and_printed_quarter(people, login):
    first = add(people.quality, closed_after_two_rounds(people))
    second = add(people.bureau, register(people, enterprise=people.enterprise_b), title="冲床防护缺失",
                 cause_analysis="变更管理缺失")
    manager = login("manager")
    page = text(manager.get("/library?industry=机械"))
    assert f'data-entry="{second.id}"' in page and f'data-entry="{first.id}"' not in page
    page = text(manager.get("/library?q=变更管理&quarter=2026q4"))
    assert f'data-entry="{second.id}"' in page and f'data-entry="{first.id}"' not in page
    bad = manager.get("/library?quarter=2026-4")
    assert bad.status_code == 400 and "2026Q4" in text(bad)
    assert manager.get("/library/export.csv?quarter=nope").status_code == 400
    response = manager.get("/library/export.csv?quarter=2026Q4")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["序号", "案例标题", "案件编号"] and len(rows) == 3
    assert {r[1] for r in rows[1:]} == {WRITTEN["title"], "冲床防护缺失"} and "变更管理缺失" in rows[1] + rows[2]
    printed = text(manager.get("/library/print?quarter=2026Q4"))
    assert "典型问题案例通报" in printed and "2026年第4季度" in printed and "变更管理缺失" in printed
    assert printed.count('class="library-entry"') == 2
    assert 'href="/library/print?quarter=2026Q4"' in text(manager.get("/library?quarter=2026Q4"))
    assert text(manager.get("/library/print?quarter=2026Q1")).count('class="library-entry"') == 0


def test_posts_need_the_csrf_token(app, people):
    case_id = closed_after_two_rounds(people)
    forged = FlaskClient(app, use_cookies=True)
    with forged.session_transaction() as sess:
        sess["_user_id"] = str(people.quality.id)
        sess["_fresh"] = True
    assert forged.post(f"/cases/{case_id}/library/new", data=WRITTEN).status_code == 400
    assert db.session.query(TypicalCase).count() == 0


# ---- the API -----------------------------------------------------------------------------------------------------
def test_the_api_adds_reads_lists_and_edits(people, api):
    case_id = closed_after_two_rounds(people)
    url = f"/api/v1/hazards/{case_id}/typical-case"
    assert api("inspector").post(url, json=WRITTEN).status_code == 403
    bad = api("quality").post(url, json={"title": "x" * 201, "cause_analysis": 7})
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"title", "cause_analysis"}
    missing = api("quality").post(url, json={"title": "只写标题"})  # the causes are never drafted
    assert missing.status_code == 400 and set(missing.get_json()["fields"]) == {"cause_analysis"}
    made = api("quality").post(url, json={"cause_analysis": "接地检测未纳入整改要求"})
    body = made.get_json()
    assert made.status_code == 201 and body["created_by"] == "quality" and body["version"] == 1
    assert body["measures"] == "更换全部线路并接地" and "第2轮" in body["effect"] and body["quarter"] == "2026Q4"
    assert body["case_code"] and body["hazard_type"] == "electrical" and body["industry"] == "化工"
    again = api("bureau").post(url, json=WRITTEN)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict" and "已在典型案例库中" in \
        again.get_json()["message"]
    entry_url = f"/api/v1/typical-cases/{body['id']}"
    assert api("supervision").get(entry_url).get_json()["cause_analysis"] == "接地检测未纳入整改要求"
    assert api("expert").put(entry_url, json={"lessons": "x"}).status_code == 403
    changed = api("bureau").put(entry_url, json={"lessons": "接地检测列入复核必查项", "version": 1})
    assert changed.status_code == 200 and changed.get_json()["version"] == 2
    assert changed.get_json()["updated_by"] == "bureau" and changed.get_json()["created_by"] == "quality"
    assert changed.get_json()["cause_analysis"] == "接地检测未纳入整改要求"  # left out: kept
    stale = api("project_lead").put(entry_url, json={"title": "新标题", "version": 1})
    assert stale.status_code == 409 and stale.get_json()["error"] == "conflict"
    assert api("project_lead").put(entry_url, json={"effect": ""}).get_json()["fields"] == {
        "effect": "请填写整改效果 / describe the effect of the measures"}
    assert api("project_lead").put(entry_url, data="x").status_code == 400
    listed = api("manager").get("/api/v1/typical-cases?q=接地检测&quarter=2026Q4").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    assert api("manager").get("/api/v1/typical-cases?industry=机械").get_json()["total"] == 0
    bad_query = api("manager").get("/api/v1/typical-cases?quarter=2026Q5")
    assert bad_query.status_code == 400 and "quarter" in bad_query.get_json()["fields"]
    assert api("manager").get("/api/v1/typical-cases/999999").status_code == 404
    assert api("quality").post("/api/v1/hazards/999999/typical-case", data="not json").status_code == 404
    assert api("process_owner").get("/api/v1/typical-cases").status_code == 403


@pytest.mark.parametrize("username", ["ent_a", "ent_b"])
def test_enterprise_tokens_get_404_everywhere(people, api, username):
    case_id = closed_after_two_rounds(people)
    entry = add(people.quality, case_id)
    client = api(username)
    for method, url, kwargs in (("get", "/api/v1/typical-cases", {}), ("get", f"/api/v1/typical-cases/{entry.id}", {}),
                                ("post", f"/api/v1/hazards/{case_id}/typical-case", {"json": WRITTEN}),
                                ("put", f"/api/v1/typical-cases/{entry.id}", {"json": {"title": "x"}})):
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == 404, (method, url)
        assert set(response.get_json()) == {"error", "message"}
    assert db.session.get(TypicalCase, entry.id).title == WRITTEN["title"]


def test_the_openapi_document_describes_the_library(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert set(doc["paths"]["/api/v1/typical-cases"]) == {"get"}
    assert set(doc["paths"]["/api/v1/typical-cases/{entry_id}"]) == {"get", "put"}
    assert doc["paths"]["/api/v1/hazards/{case_id}/typical-case"]["post"]["responses"]["201"]
    params = {p["name"] for p in doc["paths"]["/api/v1/typical-cases"]["get"]["parameters"]}
    assert params == {"q", "hazard_type", "industry", "quarter", "limit", "offset"}
    assert "version" in doc["components"]["schemas"]["TypicalCaseUpdate"]["properties"]
