"""Enforcement outcomes (执法处置结果) from the outside: who reads /enforcement (403 for other roles, 404 for another
area's or enterprise's record), recording the steps through the record's page with a decision document (400 with
the field's error and the input kept; the document served by the record's page only), what the case page shows to
the bureau and to the enterprise (the measures and decision number only), the list's filters, statistics and CSV,
the printable record, the API, and the pages in English."""
import io

import pytest

from app.clock import clock
from app.extensions import db
from app.models import Attachment, AuditEvent, CreditRecord, EnforcementReferral, UserTownship
from pdf_support import pdf_text
from tests.enforcement_support import DECIDED, FILED, decided, referral, step
from tests.test_web_support import csv_rows, text

PDF = b"%PDF-1.4\n" + b"\0" * 64
READERS = ("bureau", "admin", "manager")
REFUSED = ("ent_a", "inspector", "project_lead", "project_team", "supervision", "expert", "quality", "process_owner")


def flat(body):
    return "".join(pdf_text(body).split())


def case_of(referral_id):
    return db.session.get(EnforcementReferral, referral_id).case_id


def township_user(make_user, township):
    user = make_user("town", "township")
    user.townships_rel = [UserTownship(township=township)]
    db.session.commit()
    return user


def test_who_reads_the_records(people, login, client):
    referral_id = referral(people)
    for path in ("/enforcement", f"/enforcement/{referral_id}", "/enforcement.csv",
                 f"/enforcement/{referral_id}/record.pdf"):
        for username in READERS:
            assert login(username).get(path).status_code == 200, (username, path)
        for username in REFUSED:
            assert login(username).get(path).status_code == 403, (username, path)
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    # another enterprise's staff: as if it did not exist; an unknown record: 404
    assert login("ent_b").get(f"/enforcement/{referral_id}").status_code == 404
    assert login("ent_b").get(f"/enforcement/{referral_id}/record.pdf").status_code == 404
    assert login("bureau").get("/enforcement/999999").status_code == 404
    assert login("manager").post(f"/enforcement/{referral_id}/filing", data=FILED).status_code == 403
    assert login("ent_a").post(f"/enforcement/{referral_id}/filing", data=FILED).status_code == 403
    assert login("ent_b").post(f"/enforcement/{referral_id}/filing", data=FILED).status_code == 404
    assert login("bureau").post(f"/enforcement/{referral_id}/nonsense", data=FILED).status_code == 404
    assert 'href="/enforcement"' in text(login("bureau").get("/"))
    assert 'href="/enforcement"' not in text(login("ent_a").get("/"))


def test_a_township_office_reads_its_area_only(people, login, make_user, make_enterprise):
    other = make_enterprise("丙建材厂")
    other.township = "南村镇"
    db.session.commit()
    own, foreign = referral(people), referral(people, enterprise=other)
    township_user(make_user, people.enterprise_a.township)
    town = login("town")
    page = text(town.get("/enforcement"))
    assert f'data-referral="{own}"' in page and f'data-referral="{foreign}"' not in page
    assert town.get(f"/enforcement/{own}").status_code == 200
    assert town.get(f"/enforcement/{foreign}").status_code == 404
    assert town.post(f"/enforcement/{own}/filing", data=FILED).status_code == 403


def test_recording_the_steps_through_the_page(people, login):
    referral_id = referral(people)
    clock.advance(days=7)
    bureau = login("bureau")
    page = text(bureau.get(f"/enforcement/{referral_id}"))
    assert "登记立案决定" in page and "待立案" in page and "立案决定逾期" not in page
    bad = bureau.post(f"/enforcement/{referral_id}/filing", data={**FILED, "officers": "", "filing_date": "2026-11-20"})
    assert bad.status_code == 400
    assert 'id="err-officers"' in text(bad) and 'id="err-filing_date"' in text(bad)
    assert FILED["case_number"] in text(bad)  # the input is kept
    done = bureau.post(f"/enforcement/{referral_id}/filing", data=FILED)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/enforcement/{referral_id}#step-filing")
    for form, field in (({**DECIDED, "fine_amount": "-1"}, "fine_amount"),
                        ({**DECIDED, "decision_date": "2026-11-24"}, "decision_date")):
        bad = bureau.post(f"/enforcement/{referral_id}/decision", data=form)
        assert bad.status_code == 400 and f'id="err-{field}"' in text(bad), field
        assert 'value="-1"' in text(bad) or 'value="2026-11-24"' in text(bad)
    assert bureau.post(f"/enforcement/{referral_id}/closing", data={"closed_on": "2026-11-30"}).status_code == 409
    done = bureau.post(f"/enforcement/{referral_id}/decision", content_type="multipart/form-data", data={
        **DECIDED, "upload": (io.BytesIO(PDF), "处罚决定书.pdf")})
    assert done.status_code == 302, text(done)
    document = db.session.query(Attachment).filter_by(enforcement_referral_id=referral_id).one()
    assert document.field == "decision" and document.case_id is None
    page = text(bureau.get(f"/enforcement/{referral_id}"))
    assert f"/enforcement/{referral_id}/files/{document.public_id}" in page and "处罚决定书.pdf" in page
    assert "责令限期整改、罚款 20000.00 元" in page and "已作出决定" in page
    assert bureau.get(f"/enforcement/{referral_id}/files/{document.public_id}").status_code == 200
    assert login("manager").get(f"/enforcement/{referral_id}/files/{document.public_id}").status_code == 200
    assert login("ent_a").get(f"/enforcement/{referral_id}/files/{document.public_id}").status_code == 403
    assert login("ent_b").get(f"/enforcement/{referral_id}/files/{document.public_id}").status_code == 404
    assert bureau.get(f"/attachments/{document.public_id}").status_code == 404  # not through the generic route
    bad = bureau.post(f"/enforcement/{referral_id}/closing", data={"closed_on": "2026-11-26"})
    assert bad.status_code == 400 and 'id="err-closed_on"' in text(bad)
    assert bureau.post(f"/enforcement/{referral_id}/execution", data={
        "fine_paid_on": "2026-11-28", "execution_note": "已于 11 月 28 日缴清"}).status_code == 302
    assert bureau.post(f"/enforcement/{referral_id}/closing", data={
        "closed_on": "2026-11-30", "closing_note": "执行完毕，结案"}).status_code == 302
    page = text(bureau.get(f"/enforcement/{referral_id}"))
    assert "已结案" in page and "执法案件结案" in page and "登记执法处理决定" in page  # the history
    assert '<span class="before">executed</span>' not in page and "→" in page
    assert bureau.post(f"/enforcement/{referral_id}/filing", data=FILED).status_code == 409
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(subject_type="enforcement")
               .order_by(AuditEvent.id)]
    assert actions == ["enforcement_filed", "enforcement_decided", "enforcement_executed", "enforcement_closed"]
    audit_page = text(login("manager").get("/audit"))
    assert f'href="/enforcement/{referral_id}"' in audit_page


def test_the_case_page_shows_the_outcome_to_staff_and_only_the_decision_to_the_enterprise(people, login):
    referral_id = decided(people)
    step(people.bureau, referral_id, "execution", {"execution_note": "企业称资金困难，申请分期缴纳"})
    case_id = case_of(referral_id)
    staff = text(login("bureau").get(f"/cases/{case_id}"))
    card = staff[staff.index('id="enforcement-card"'):]
    assert FILED["case_number"] in card and DECIDED["decision_number"] in card and "罚款 20000.00 元" in card
    assert f"/enforcement/{referral_id}" in card
    own = text(login("ent_a").get(f"/cases/{case_id}"))
    card = own[own.index('id="enforcement-card"'):]
    assert DECIDED["decision_number"] in card and "责令限期整改、罚款 20000.00 元" in card
    for secret in (FILED["case_number"], "王执法", "分期缴纳", f"/enforcement/{referral_id}"):
        assert secret not in own, secret
    assert login("ent_b").get(f"/cases/{case_id}").status_code == 404
    credit = text(login("bureau").get(f"/supervision/enterprises/{people.enterprise_a.id}"))
    assert "行政处罚" in credit and DECIDED["decision_number"] in credit


def test_before_a_decision_the_enterprise_sees_nothing(people, login):
    referral_id = referral(people)
    step(people.bureau, referral_id, "filing", FILED | {"filing_date": "2026-11-23"})
    assert 'id="enforcement-card"' not in text(login("ent_a").get(f"/cases/{case_of(referral_id)}"))
    assert 'id="enforcement-card"' in text(login("bureau").get(f"/cases/{case_of(referral_id)}"))


def test_the_list_with_filters_statistics_and_csv(people, login):
    late = referral(people, days_ago=10)
    fined = decided(people)
    bureau = login("bureau")
    page = text(bureau.get("/enforcement"))
    assert f'data-referral="{late}"' in page and f'data-referral="{fined}"' in page
    assert "立案决定逾期" in page and 'data-stat="fine_total"><span class="kpi-value">20000.00' in page
    assert 'data-measure="fine"><span class="kpi-value">1<' in page
    overdue = text(bureau.get("/enforcement?overdue=1"))
    assert f'data-referral="{late}"' in overdue and f'data-referral="{fined}"' not in overdue
    decided_only = text(bureau.get("/enforcement?status=decided"))
    assert f'data-referral="{fined}"' in decided_only and f'data-referral="{late}"' not in decided_only
    period = text(bureau.get("/enforcement?from=2026-11-28&to=2026-11-30"))
    assert "没有执法移送记录" in period and 'data-stat="decisions"><span class="kpi-value">0<' in period
    assert text(bureau.get("/enforcement?from=bad")).count("data-referral=") == 2  # a bad date: no filter
    rows = csv_rows(bureau.get("/enforcement.csv"))
    assert rows[0][:3] == ["案件编号", "企业", "乡镇/园区"] and len(rows) == 3
    row = next(r for r in rows[1:] if DECIDED["decision_number"] in r)
    assert "20000.00" in row and "责令限期整改、罚款" in row and FILED["officers"] in row
    assert next(r for r in rows[1:] if r is not row)[6] == "是"  # the overdue column
    assert len(csv_rows(bureau.get("/enforcement.csv?status=pending"))) == 2


def test_the_printable_record(people, login):
    referral_id = decided(people)
    step(people.bureau, referral_id, "execution", {"fine_paid_on": "2026-11-30"})
    response = login("bureau").get(f"/enforcement/{referral_id}/record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    shown = flat(response.get_data())
    for fact in ("执法处置记录", "甲化工有限公司", "线路老化", "立案", "（辉）应急罚立〔2026〕17号", "王执法", "责令限期整改、罚款",
                 "20000.00元", "（辉）应急罚〔2026〕17号", "2026-11-27", "罚款缴纳日期", "2026-11-30", "已执行"):
        assert fact in shown, fact


def test_the_api_lists_the_outcomes_for_the_bureau(people, api, make_user):
    late = referral(people, days_ago=10)
    fined = decided(people)
    body = api("bureau").get("/api/v1/enforcement").get_json()
    assert body["total"] == 2 and [i["id"] for i in body["items"]] == [fined, late]
    item = body["items"][0]
    assert item["status"] == "decided" and item["overdue"] is False and item["filing_due"].endswith("+08:00")
    outcome = item["outcome"]
    assert outcome["measures"] == ["rectify_order", "fine"] and outcome["fine_amount"] == "20000.00"
    assert outcome["decision_number"] == DECIDED["decision_number"] and outcome["filing_date"] == "2026-11-25"
    assert outcome["officers"] == FILED["officers"] and outcome["updated_by"] == "bureau"
    assert body["items"][1]["outcome"] is None and body["items"][1]["overdue"] is True
    assert body["statistics"]["fine_total"] == "20000.00" and body["statistics"]["by_measure"]["fine"] == 1
    only = api("admin").get("/api/v1/enforcement?overdue=true").get_json()
    assert [i["id"] for i in only["items"]] == [late]
    assert api("manager").get("/api/v1/enforcement?status=pending").get_json()["total"] == 1
    bad = api("bureau").get("/api/v1/enforcement?status=nope&from=2026-13-01")
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"status", "from"}
    assert api("bureau").get(f"/api/v1/enforcement/{fined}").get_json()["outcome"]["status"] == "decided"
    assert api("bureau").get("/api/v1/enforcement/999999").status_code == 404
    for username in ("ent_a", "inspector", "quality"):
        response = api(username).get("/api/v1/enforcement")
        assert response.status_code == 403 and response.get_json()["error"] == "forbidden", username
    assert api("ent_a").get(f"/api/v1/enforcement/{fined}").status_code == 403
    assert api("ent_b").get(f"/api/v1/enforcement/{fined}").status_code == 404
    paths = api("bureau").get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/enforcement" in paths and "/api/v1/enforcement/{referral_id}" in paths


def test_a_penalty_goes_into_the_credit_record_once_and_follows_corrections(people, login):
    referral_id = decided(people)
    bureau = login("bureau")
    assert bureau.post(f"/enforcement/{referral_id}/decision", data={
        **DECIDED, "measures": ["rectify_order", "seizure"], "fine_amount": ""}).status_code == 302
    assert db.session.query(CreditRecord).filter_by(kind="enforcement_penalty").count() == 0
    assert bureau.post(f"/enforcement/{referral_id}/decision", data={
        **DECIDED, "measures": ["judicial_transfer"], "fine_amount": ""}).status_code == 302
    (entry,) = db.session.query(CreditRecord).filter_by(kind="enforcement_penalty").all()
    assert "移送司法机关" in entry.note


@pytest.fixture
def english(app):
    from flask_babel import get_domain
    from test_web_support import compile_translations
    compile_translations()
    get_domain().cache.clear()


def test_the_pages_in_english_show_no_chinese_outside_user_data(people, login, english):
    from test_web_i18n_coverage import UI_WORDS, leftover_chinese, without_user_data
    late = referral(people, days_ago=10)
    fined = decided(people)
    step(people.bureau, fined, "execution", {"fine_paid_on": "2026-11-30"})
    clock.advance(days=1)
    step(people.bureau, fined, "closing", {"closed_on": "2026-12-01"})
    pages = {"bureau": ["/enforcement", "/enforcement?overdue=1", f"/enforcement/{late}", f"/enforcement/{fined}",
                        f"/cases/{case_of(fined)}", "/supervision"],
             "ent_a": [f"/cases/{case_of(fined)}"]}
    for username, urls in pages.items():
        client = login(username)
        client.get("/lang/en")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            page = without_user_data(text(response))
            for data in (FILED["case_number"], FILED["officers"], DECIDED["decision_number"]):
                page = page.replace(data, "")
            assert [w for w in UI_WORDS if w in page] == [], (username, url)
            assert leftover_chinese(page) == {}, (username, url)
        if username == "bureau":
            shown = pdf_text(client.get(f"/enforcement/{fined}/record.pdf").get_data())
            shown = without_user_data(shown)
            for data in (FILED["case_number"], FILED["officers"], DECIDED["decision_number"]):
                shown = shown.replace(data, "")
            assert "Enforcement record" in shown or "enforcement" in shown.lower()
