"""Enterprise self-checks (企业自查) from outside, through the Flask test client and the API on a real database and the
real process: starting one with a list for the enterprise's industry (frozen: a later change of the list does not
alter it), filling in a draft with photos, submitting it (each reported nonconforming item becomes a self_check case on
the normal process), who sees and who may write (another enterprise: 404; the staff side: 403), field errors (400),
submitting twice (409), the list's filters, the frequency page, the monthly notice and 自查不实."""
import io
from datetime import date, datetime

from app.clock import SHANGHAI, clock
from app.extensions import db
from app.models import (Attachment, AuditEvent, ChecklistItem, ChecklistResult, HazardCase, HumanTask,
                        InspectionVisit, Notification, SelfCheck, SelfCheckItem)
from app.services import checklist_load, checklist_versions
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.test_web_support import PNG, text


def load_lists():
    with UnitOfWork() as uow:
        checklist_load.load_standard(uow, None)
        uow.commit()


def start(api, who="ent_a", checklist="general"):
    response = api(who).post("/api/v1/self-checks", json={"checklist": checklist, "note": "安全员与车间主任"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def api_photo(api_client):
    response = api_client.post("/api/v1/attachments", data={"file": (io.BytesIO(PNG), "p.png"), "field": "photos"},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def all_conform(items):
    return [{"item_id": i["id"], "result": "conform"} for i in items]


def test_start_freezes_the_current_list_version(people, api):
    load_lists()
    first = start(api)
    assert first["status"] == "draft" and first["checklist_code"] == "general"
    assert first["enterprise_id"] == people.enterprise_a.id and first["items"][0]["code"] == "TY-01"
    old_text = first["items"][0]["content"]
    # the list changes (a new version): the started self-check keeps its items, a new one takes the new text
    item = ChecklistItem.query.filter_by(code="TY-01").one()
    item.content = "修改后的检查内容"
    with UnitOfWork() as uow:
        checklist_versions.archive(uow, item.checklist, "review", operator="test")
        uow.commit()
    again = api("ent_a").get(f"/api/v1/self-checks/{first['id']}").get_json()
    assert again["items"][0]["content"] == old_text and again["checklist_version"] == first["checklist_version"]
    later = start(api)
    assert later["items"][0]["content"] == "修改后的检查内容"
    assert later["checklist_version"] == first["checklist_version"] + 1
    # a list for another industry, or none: 400 naming the field
    response = api("ent_b").post("/api/v1/self-checks", json={"checklist": "chemical"})
    assert response.status_code == 400 and "checklist" in response.get_json()["fields"]
    assert api("ent_b").post("/api/v1/self-checks", json={}).status_code == 400
    # only enterprise staff start one
    assert api("inspector").post("/api/v1/self-checks", json={"checklist": "general"}).status_code == 403


def test_submit_turns_reported_nonconforming_items_into_cases(people, api):
    load_lists()
    sc = start(api)
    ent = api("ent_a")
    photo = api_photo(ent)
    entries = all_conform(sc["items"])
    entries[1].update(result="nonconform", note="安全管理制度未按期评审", place="安全管理部", score=88,
                      hazard_type="safety_management", photos=[photo])
    entries[2].update(result="nonconform", note="警示标志缺失，已当场补设", report=False)
    entries[3].update(result="not_applicable")
    response = ent.post(f"/api/v1/self-checks/{sc['id']}/submit", json={"items": entries})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["self_check"]["status"] == "submitted" and len(body["cases"]) == 1
    case = HazardCase.query.filter_by(code=body["cases"][0]).one()
    assert case.source == "self_check" and case.enterprise_id == people.enterprise_a.id
    assert case.score == 88 and case.place == "安全管理部" and case.grade == "general"
    assert sc["items"][1]["content"] in case.description and "安全管理制度未按期评审" in case.description
    assert HumanTask.query.filter_by(case_id=case.id).count() == 1  # on the normal loop: assignment next
    # the photo went over to the case; the item links to it
    assert Attachment.query.filter_by(public_id=photo).one().case_id == case.id
    item = db.session.get(SelfCheckItem, sc["items"][1]["id"])
    assert item.case_id == case.id
    detail = ent.get(f"/api/v1/self-checks/{sc['id']}").get_json()
    assert detail["items"][1]["case_code"] == case.code and detail["counts"]["reported"] == 1
    # twice: 409, nothing more made
    again = ent.post(f"/api/v1/self-checks/{sc['id']}/submit", json={})
    assert again.status_code == 409 and HazardCase.query.count() == 1
    audit = AuditEvent.query.filter_by(action="self_check_submitted").one()
    assert audit.changes["status"] == ["draft", "submitted"] and case.code in audit.changes["cases"][1][0]


def test_submit_refuses_incomplete_items_with_field_errors(people, api):
    load_lists()
    sc = start(api)
    ent = api("ent_a")
    entries = all_conform(sc["items"])
    entries[0].update(result="nonconform", note="", place="", score=None)
    entries.pop()  # the last item not filled in
    response = ent.post(f"/api/v1/self-checks/{sc['id']}/submit", json={"items": entries})
    assert response.status_code == 400, response.get_data(as_text=True)
    fields = response.get_json()["fields"]
    first, last = sc["items"][0]["id"], sc["items"][-1]["id"]
    for name in ("note", "place", "score", "photos"):
        assert f"items.{first}.{name}" in fields, name
    assert f"items.{last}.result" in fields
    assert SelfCheck.query.one().status == "draft" and HazardCase.query.count() == 0
    # wrong values: 400 from the schema
    bad = ent.post(f"/api/v1/self-checks/{sc['id']}/submit", json={"items": [{"item_id": first, "result": "maybe"}]})
    assert bad.status_code == 400 and bad.get_json()["fields"]
    other = ent.post(f"/api/v1/self-checks/{sc['id']}/submit",
                     json={"items": [{"item_id": 999999, "result": "conform"}]})
    assert other.status_code == 400 and "items.999999.result" in other.get_json()["fields"]


def test_role_isolation(people, api, login):
    load_lists()
    sc = start(api)
    url = f"/api/v1/self-checks/{sc['id']}"
    assert api("ent_b").get(url).status_code == 404
    assert api("ent_b").post(url + "/submit", json={}).status_code == 404
    for who in ("inspector", "project_lead", "project_team", "supervision", "bureau"):
        assert api(who).get(url).status_code == 200, who
        assert api(who).post(url + "/submit", json={}).status_code == 403, who
    assert [r["id"] for r in api("bureau").get("/api/v1/self-checks").get_json()["items"]] == [sc["id"]]
    assert api("ent_b").get("/api/v1/self-checks").get_json()["total"] == 0
    # the pages
    assert login("ent_b").get(f"/self-checks/{sc['id']}").status_code == 404
    assert login("ent_b").post(f"/self-checks/{sc['id']}", data={"action": "save"}).status_code == 404
    assert login("inspector").post(f"/self-checks/{sc['id']}", data={"action": "submit"}).status_code == 403
    page = text(login("inspector").get(f"/self-checks/{sc['id']}"))
    assert people.enterprise_a.name in page and 'name="action"' not in page
    assert login("inspector").post("/self-checks", data={"checklist": "general"}).status_code == 403
    assert login("ent_b").get("/self-checks").status_code == 200
    assert people.enterprise_a.name not in text(login("ent_b").get("/self-checks"))


def test_web_draft_photos_and_submit(people, login):
    load_lists()
    ent = login("ent_a")
    response = ent.post("/self-checks", data={"checklist": "general", "note": ""})
    assert response.status_code == 302
    row = SelfCheck.query.one()
    items = row.items
    page = text(ent.get(f"/self-checks/{row.id}"))
    assert items[0].content in page and 'name="result.%d"' % items[0].id in page
    # a draft with one nonconforming item and its photo
    form = {f"result.{i.id}": "conform" for i in items}
    first = items[0].id
    form.update({f"result.{first}": "nonconform", f"note.{first}": "责任制未公示", f"report.{first}": "1",
                 f"place.{first}": "办公楼一层", f"score.{first}": "90", f"hazard_type.{first}": "safety_management",
                 f"photos.{first}": (io.BytesIO(PNG), "site.png"), "action": "save"})
    response = ent.post(f"/self-checks/{row.id}", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    assert Attachment.query.filter_by(self_check_id=row.id, field=f"item:{first}").count() == 1
    photo = Attachment.query.filter_by(self_check_id=row.id).one()
    assert ent.get(f"/attachments/{photo.public_id}").status_code == 200
    assert login("inspector").get(f"/attachments/{photo.public_id}").status_code == 200
    assert login("ent_b").get(f"/attachments/{photo.public_id}").status_code == 404
    # a wrong score: 400, the error next to the field, nothing stored
    bad = {f"result.{first}": "nonconform", f"score.{first}": "120", "action": "save"}
    response = ent.post(f"/self-checks/{row.id}", data=bad)
    assert response.status_code == 400 and f'id="item-{first}"' in text(response)
    assert "0–100 的整数" in text(response)
    assert Attachment.query.filter_by(self_check_id=row.id).count() == 1
    # submit
    response = ent.post(f"/self-checks/{row.id}", data={"action": "submit"})
    assert response.status_code == 302, text(response)
    case = HazardCase.query.one()
    assert case.source == "self_check" and Attachment.query.filter_by(public_id=photo.public_id).one().case_id == \
        case.id
    page = text(ent.get(f"/self-checks/{row.id}"))
    assert case.code in page and 'name="action"' not in page
    assert ent.post(f"/self-checks/{row.id}", data={"action": "submit"}).status_code == 409


def test_list_filters_and_frequency(people, api, login):
    load_lists()
    with_finding = start(api)
    entries = all_conform(with_finding["items"])
    entries[0].update(result="nonconform", note="已当场整改", report=False)
    assert api("ent_a").post(f"/api/v1/self-checks/{with_finding['id']}/submit",
                             json={"items": entries}).status_code == 200
    clean = start(api, "ent_b")
    assert api("ent_b").post(f"/api/v1/self-checks/{clean['id']}/submit",
                             json={"items": all_conform(clean["items"])}).status_code == 200
    draft = start(api)
    bureau = api("bureau")
    ids = lambda q: [r["id"] for r in bureau.get("/api/v1/self-checks" + q).get_json()["items"]]  # noqa: E731
    assert ids("?findings=with") == [with_finding["id"]]
    assert ids("?findings=without&status=submitted") == [clean["id"]]
    assert ids(f"?enterprise_id={people.enterprise_b.id}") == [clean["id"]]
    assert ids("?status=draft") == [draft["id"]]
    assert ids("?since=2026-11-24") == [] and set(ids("?since=2026-11-23&until=2026-11-23")) == {
        with_finding["id"], clean["id"]}
    assert bureau.get("/api/v1/self-checks?findings=maybe").status_code == 400
    page = text(login("bureau").get("/self-checks?findings=with"))
    assert f'data-self-check="{with_finding["id"]}"' in page and f'data-self-check="{clean["id"]}"' not in page
    assert login("bureau").get("/self-checks?since=2026-13-01").status_code == 400
    frequency = text(login("bureau").get("/self-checks/frequency?year=2026"))
    assert people.enterprise_a.name in frequency and people.enterprise_b.name in frequency
    assert people.enterprise_b.name not in text(login("ent_a").get("/self-checks/frequency"))


def test_monthly_notice_once_per_missed_month(people, api):
    load_lists()
    clock.set(datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI))
    sc = start(api, "ent_b")
    api("ent_b").post(f"/api/v1/self-checks/{sc['id']}/submit", json={"items": all_conform(sc["items"])})
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI))
    assert jobs.notify_self_check_gaps() == 1  # enterprise A had none in November; B had one
    assert jobs.notify_self_check_gaps() == 0
    notice = Notification.query.filter_by(kind="self_check_month_missed").one()
    assert notice.user_id == people.ent_a.id and "2026年11月" in notice.title
    assert AuditEvent.query.filter_by(action="self_check_month_missed").count() == 1


def test_a_later_visit_contradicting_a_conform_item_is_flagged(people, api, login):
    load_lists()
    sc = start(api)
    assert api("ent_a").post(f"/api/v1/self-checks/{sc['id']}/submit",
                             json={"items": all_conform(sc["items"])}).status_code == 200
    item_id = db.session.get(SelfCheckItem, sc["items"][0]["id"]).item_id
    for day in (date(2026, 12, 20), date(2027, 6, 1)):  # within 90 days, and long after
        visit = InspectionVisit(enterprise_id=people.enterprise_a.id, visited_on=day, inspectors="张三", scope="全面",
                                findings="", created_at=clock.now(), created_by_id=people.inspector.id)
        db.session.add(visit)
        db.session.flush()
        db.session.add(ChecklistResult(visit_id=visit.id, item_id=item_id, result="nonconform", note="未公示",
                                       recorded_at=clock.now(), recorded_by_id=people.inspector.id))
    db.session.commit()
    detail = api("bureau").get(f"/api/v1/self-checks/{sc['id']}").get_json()
    assert [len(i["contradicted"]) for i in detail["items"]][:2] == [1, 0]
    assert detail["items"][0]["contradicted"][0]["visited_on"] == "2026-12-20"
    page = text(login("bureau").get(f"/self-checks/{sc['id']}"))
    assert 'id="contradicted"' in page and "2026-12-20" in page and "2027-06-01" not in page


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, api, login):
    from markupsafe import escape

    from app.models import Checklist
    from tests.test_web_i18n_coverage import leftover_chinese, user_data, without_user_data
    load_lists()
    submitted = start(api)
    entries = all_conform(submitted["items"])
    entries[0].update(result="nonconform", note="已当场整改", report=False)
    api("ent_a").post(f"/api/v1/self-checks/{submitted['id']}/submit", json={"items": entries})
    draft = start(api)
    checklist_text = {t for c in Checklist.query for t in (c.name, *(c.industries or []))}
    checklist_text |= {t for i in SelfCheckItem.query for t in (i.content, i.basis, i.note, i.place) if t}
    checklist_text |= {s.note for s in SelfCheck.query if s.note}
    checklist_text = {t for t in checklist_text if t}
    for who in ("ent_a", "bureau"):
        client = login(who)
        client.get("/lang/en")
        for url in ("/self-checks", f"/self-checks/{submitted['id']}", f"/self-checks/{draft['id']}",
                    "/self-checks/frequency"):
            response = client.get(url)
            assert response.status_code == 200, url
            page = text(response)
            for value in sorted(checklist_text | set(user_data()), key=len, reverse=True):  # data, longest first
                page = page.replace(str(escape(value)), "").replace(value, "")
            page = without_user_data(page)
            assert '<html lang="en">' in page and leftover_chinese(page) == {}, (who, url, leftover_chinese(page))


def test_the_demo_has_a_submitted_self_check_with_a_case_and_a_draft(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    submitted = SelfCheck.query.filter_by(status="submitted").one()
    reported = [i for i in submitted.items if i.case_id is not None]
    assert len(reported) == 1 and reported[0].case.source == "self_check"
    assert any(i.result == "nonconform" and not i.report for i in submitted.items)
    assert SelfCheck.query.filter_by(status="draft").count() == 1
