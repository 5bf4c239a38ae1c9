"""The resumption pages (web/resumption.py) and API (web/api/resumption.py) from outside: who sees and does what,
the errors next to the fields, the marks on the supervision lists, the acceptance's PDF."""
import io
import re

from app.extensions import db
from app.models import ResumptionApplication, StopWorkOrder
from tests.pdf_support import missing
from tests.test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
from tests.resumption_support import AGREED, APPLICATION, REFUSED, apply, by_hand, stopped_case
from tests.test_web_support import PNG, field_html, text


def test_the_enterprise_page_shows_the_stop_to_its_staff_only(people, login):
    stopped_case(people)
    page = login("ent_a").get(f"/resumption/enterprises/{people.enterprise_a.id}")
    assert page.status_code == 200 and 'id="stopped-banner"' in text(page) and "停-2026-001" in text(page)
    assert login("ent_b").get(f"/resumption/enterprises/{people.enterprise_a.id}").status_code == 404
    assert login("ent_a").get("/resumption").headers["Location"].endswith(
        f"/resumption/enterprises/{people.enterprise_a.id}")
    listing = login("bureau").get("/resumption")
    assert listing.status_code == 200 and "甲化工有限公司" in text(listing)
    supervision = text(login("bureau").get("/supervision"))
    assert 'id="stopped-enterprises"' in supervision and "停产整顿中" in supervision
    company = text(login("bureau").get(f"/supervision/enterprises/{people.enterprise_a.id}"))
    assert 'id="stopped-tag"' in company
    assert 'id="stopped-tag"' not in text(login("bureau").get(f"/supervision/enterprises/{people.enterprise_b.id}"))


def test_applying_on_the_page_with_a_file_and_the_errors_next_to_the_fields(people, login):
    case_id, order = stopped_case(people)
    client = login("ent_a")
    url = f"/resumption/enterprises/{people.enterprise_a.id}/applications"
    bad = client.post(url, data={"measures": "", "self_check": "合格"})
    assert bad.status_code == 400 and "field-error" in field_html(text(bad), "measures")
    assert db.session.query(ResumptionApplication).count() == 0
    done = client.post(url, data={**APPLICATION, "case_ids": [str(case_id)],
                                  "upload": (io.BytesIO(PNG), "自查记录.png")}, content_type="multipart/form-data")
    assert done.status_code == 302, text(done)
    row = db.session.query(ResumptionApplication).one()
    assert [a.original_name for a in row.attachments] == ["自查记录.png"]
    file_url = f"/resumption/applications/{row.id}/files/{row.attachments[0].public_id}"
    assert client.get(file_url).status_code == 200
    assert login("ent_b").get(file_url).status_code == 404
    again = client.post(url, data=APPLICATION)
    assert again.status_code == 409 and 'id="form-error"' in text(again)
    assert login("bureau").post(url, data=APPLICATION).status_code == 403
    assert login("ent_b").post(url, data=APPLICATION).status_code == 404
    not_stopped = login("ent_b").post(f"/resumption/enterprises/{people.enterprise_b.id}/applications",
                                      data=APPLICATION)
    assert not_stopped.status_code == 409


def test_the_bureau_decides_on_the_page_and_prints_the_opinion(people, login):
    _case, order = stopped_case(people)
    row = apply(people.ent_a, people.enterprise_a.id)
    url = f"/resumption/applications/{row.id}/decision"
    for role in ("ent_a", "project_lead", "expert", "admin"):
        assert login(role).post(url, data=AGREED).status_code == 403, role
    assert login("ent_b").post(url, data=AGREED).status_code == 404
    bureau = login("bureau")
    bad = bureau.post(url, data={**REFUSED, "requirements": "", "next_date": ""})
    assert bad.status_code == 400 and "field-error" in field_html(text(bad), "requirements")
    assert bureau.get(f"/resumption/applications/{row.id}/decision.pdf").status_code == 404  # not decided
    done = bureau.post(url, data={**AGREED, "inspected_on": "2026-11-23", "expert_ids": [str(people.expert.id)]})
    assert done.status_code == 302, text(done)
    assert db.session.get(StopWorkOrder, order.id).status == "lifted"
    pdf = login("ent_a").get(f"/resumption/applications/{row.id}/decision.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert missing(pdf.data, "复工复产验收意见书", "同意复工复产", "甲化工有限公司", "停-2026-001", "expert") == []
    page = text(login("ent_a").get(f"/resumption/enterprises/{people.enterprise_a.id}"))
    assert 'id="stopped-banner"' not in page and "同意复工" in page


def test_the_bureau_records_a_stop_by_hand_on_the_page(people, login):
    url = f"/resumption/enterprises/{people.enterprise_b.id}/orders"
    assert login("project_lead").post(url, data={"reason": "x"}).status_code == 403
    bad = login("bureau").post(url, data={"reason": ""})
    assert bad.status_code == 400 and "field-error" in field_html(text(bad), "reason")
    assert login("bureau").post(url, data={"reason": "设备停运重启前须经验收"}).status_code == 302
    assert db.session.query(StopWorkOrder).filter_by(enterprise_id=people.enterprise_b.id).one().source == "manual"


def test_the_api_reads_applies_and_decides(people, api):
    by_hand(people.bureau, people.enterprise_b.id)
    ent = api("ent_b")
    state = ent.get(f"/api/v1/enterprises/{people.enterprise_b.id}/stop-work")
    assert state.status_code == 200 and state.get_json()["stopped"] is True
    assert api("ent_a").get(f"/api/v1/enterprises/{people.enterprise_b.id}/stop-work").status_code == 404
    url = f"/api/v1/enterprises/{people.enterprise_b.id}/resumption-applications"
    bad = ent.post(url, json={"measures": "", "self_check": "ok"})
    assert bad.status_code == 400 and "measures" in bad.get_json()["fields"]
    assert api("bureau").post(url, json=APPLICATION).status_code == 403
    assert api("ent_a").post(url, json=APPLICATION).status_code == 404
    assert api("ent_a").post(f"/api/v1/enterprises/{people.enterprise_a.id}/resumption-applications",
                             json=APPLICATION).status_code == 409  # A is not stopped
    made = ent.post(url, json=APPLICATION)
    assert made.status_code == 201 and made.get_json()["status"] == "pending"
    decision = f"/api/v1/resumption-applications/{made.get_json()['id']}/decision"
    assert ent.post(decision, json=AGREED).status_code == 403
    assert api("bureau").post(decision, json={**AGREED, "conclusion": "maybe"}).status_code == 400
    decided = api("bureau").post(decision, json={**AGREED, "inspected_on": "2026-11-23"})
    assert decided.status_code == 200 and decided.get_json()["status"] == "agreed"
    assert api("bureau").post(decision, json=AGREED).status_code == 409
    assert ent.get(f"/api/v1/enterprises/{people.enterprise_b.id}/stop-work").get_json()["stopped"] is False


def test_english_pages_show_no_chinese_outside_user_data(people, login):
    _case, order = stopped_case(people)
    refused = apply(people.ent_a, people.enterprise_a.id)
    with_decision = login("bureau").post(f"/resumption/applications/{refused.id}/decision",
                                         data={**REFUSED, "inspected_on": "2026-11-23"})
    assert with_decision.status_code == 302
    apply(people.ent_a, people.enterprise_a.id)
    page_of_a = f"/resumption/enterprises/{people.enterprise_a.id}"
    for who, urls in (("bureau", ("/resumption", page_of_a, "/supervision", "/audit")), ("ent_a", (page_of_a,))):
        client = login(who)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            page = without_user_data(text(response))
            assert [w for w in UI_WORDS if w in page] == [], url
            assert leftover_chinese(page) == {}, url
    client = login("ent_a")
    client.get("/lang/en")
    pdf = client.get(f"/resumption/applications/{refused.id}/decision.pdf")
    assert missing(pdf.data, "Resumption acceptance opinion", "Refused: rectification to continue") == []


def test_the_demo_has_a_stopped_enterprise_with_a_pending_application(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    order = db.session.query(StopWorkOrder).one()
    assert order.enterprise.name == "绿源食品有限公司" and order.status == "active"
    assert [a.status for a in order.applications] == ["pending"] and order.applications[0].case_ids


def test_a_file_chosen_with_an_error_elsewhere_is_kept_for_the_corrected_application(people, login):
    """The file was stored before the error; the page sent back had lost it, so the corrected application went in
    without it (the user saw no file and the file input was empty)."""
    case_id, _order = stopped_case(people)
    client = login("ent_a")
    url = f"/resumption/enterprises/{people.enterprise_a.id}/applications"
    bad = client.post(url, data={"measures": "", "self_check": "合格", "case_ids": [str(case_id)],
                                 "upload": (io.BytesIO(PNG), "自查记录.png")}, content_type="multipart/form-data")
    assert bad.status_code == 400 and db.session.query(ResumptionApplication).count() == 0
    kept = re.findall(r'<input type="hidden" name="files" value="([^"]+)">', text(bad))
    assert len(kept) == 1 and "已上传 1 个文件" in text(bad)
    done = client.post(url, data={**APPLICATION, "case_ids": [str(case_id)], "files": kept})
    assert done.status_code == 302, text(done)
    row = db.session.query(ResumptionApplication).one()
    assert [a.original_name for a in row.attachments] == ["自查记录.png"]
    # another user's upload is not taken by its id
    assert login("ent_b").post(f"/resumption/enterprises/{people.enterprise_b.id}/applications",
                               data={**APPLICATION, "files": kept}).status_code in (400, 409)
