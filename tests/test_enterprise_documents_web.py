"""The safety archive (企业安全管理档案) from the outside: the enterprise's form with files, bad input shown beside
its fields with nothing lost (dates in the wrong order, a file of the wrong kind), the document's page with the
reviewers' decision, another enterprise's staff (404) and roles without business (403) in the pages, the files and
the API, the staff's expiry list and completeness with their CSV, the notification's link, the links to the archive."""
import io

from app.extensions import db
from app.models import Attachment, EnterpriseDocument, InspectionPlan
from tests.document_support import LICENCE, PDF, add, id_number, operator
from tests.test_web_support import csv_rows, text

from scheduler import jobs


def form(**values):
    return {"kind": "production_licence", "title": "", "note": "", **LICENCE, **values}


def test_the_enterprise_uploads_a_licence_and_staff_review_it(people, login):
    ent = login("ent_a")
    enterprise_id = people.enterprise_a.id
    archive = text(ent.get(f"/enterprises/{enterprise_id}/documents"))
    assert "档案完整性" in archive and f"/enterprises/{enterprise_id}/documents/new" in archive
    assert "production_licence" in text(ent.get(f"/enterprises/{enterprise_id}/documents/new"))  # choose a kind
    assert 'name="valid_to"' in text(ent.get(f"/enterprises/{enterprise_id}/documents/new?kind=production_licence"))
    done = ent.post(f"/enterprises/{enterprise_id}/documents/new",
                    data={**form(), "upload": (io.BytesIO(PDF), "licence.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 302, text(done)
    row = db.session.query(EnterpriseDocument).one()
    assert done.headers["Location"].endswith(f"/enterprises/{enterprise_id}/documents/{row.id}")
    (attachment,) = row.attachments
    assert ent.get(f"/attachments/{attachment.public_id}").status_code == 200
    assert login("inspector").get(f"/attachments/{attachment.public_id}").status_code == 200
    assert login("ent_b").get(f"/attachments/{attachment.public_id}").status_code == 404
    inspector = login("inspector")
    page = text(inspector.get(f"/enterprises/{enterprise_id}/documents/{row.id}"))
    assert LICENCE["number"] in page and 'id="review"' in page and "licence.pdf" in page
    bad = inspector.post(f"/enterprises/{enterprise_id}/documents/{row.id}/review",
                         data={"decision": "returned", "review_note": "", "version": "1"})
    assert bad.status_code == 400 and "退回须写明原因" in text(bad)
    done = inspector.post(f"/enterprises/{enterprise_id}/documents/{row.id}/review",
                          data={"decision": "returned", "review_note": "扫描件不清晰", "version": "1"})
    assert done.status_code == 302
    shown = text(ent.get(f"/enterprises/{enterprise_id}/documents/{row.id}"))
    assert 'id="returned"' in shown and "扫描件不清晰" in shown and "退回档案资料" in shown  # the history
    notes = text(ent.get("/notifications"))
    assert "档案资料被退回" in notes and f"/enterprises/{enterprise_id}/documents/{row.id}" in notes
    stale = inspector.post(f"/enterprises/{enterprise_id}/documents/{row.id}/review",
                           data={"decision": "reviewed", "version": "1"})
    assert stale.status_code == 409


def test_bad_input_comes_back_beside_its_fields_and_nothing_is_lost(people, login):
    ent = login("ent_a")
    enterprise_id = people.enterprise_a.id
    url = f"/enterprises/{enterprise_id}/documents/new"
    bad = ent.post(url, data={**form(valid_from="2028-01-10", valid_to="2025-01-09"),
                              "upload": (io.BytesIO(PDF), "licence.pdf")}, content_type="multipart/form-data")
    page = text(bad)
    assert bad.status_code == 400 and 'id="err-valid_to"' in page
    assert 'value="2028-01-10"' in page and LICENCE["issuer"] in page  # the input kept
    kept = db.session.query(Attachment).one()  # the chosen file kept, offered again by id
    assert f'name="files" value="{kept.public_id}"' in page and kept.document_id is None
    wrong = ent.post(url, data={**form(), "files": kept.public_id,
                                "upload": (io.BytesIO(b"MZ\x90\x00 not a document"), "virus.exe")},
                     content_type="multipart/form-data")
    page = text(wrong)
    assert wrong.status_code == 400 and 'id="err-files"' in page and LICENCE["number"] in page
    assert f'name="files" value="{kept.public_id}"' in page
    assert db.session.query(EnterpriseDocument).count() == 0
    done = ent.post(url, data={**form(), "files": kept.public_id})
    assert done.status_code == 302
    row = db.session.query(EnterpriseDocument).one()
    edit = f"/enterprises/{enterprise_id}/documents/{row.id}/edit"
    bad = ent.post(edit, data={**form(valid_to="2020-01-01"), "version": "1"})
    assert bad.status_code == 400 and 'id="err-valid_to"' in text(bad)
    db.session.refresh(row)
    assert row.valid_to.isoformat() == LICENCE["valid_to"] and row.version == 1  # unchanged


def test_a_certificate_shows_the_id_number_masked(people, login):
    doc_id = add(people.ent_a, "operator_certificate", **operator())
    masked = id_number()[:4] + "*" * 10 + id_number()[-4:]
    for user in ("ent_a", "bureau"):
        page = text(login(user).get(f"/enterprises/{people.enterprise_a.id}/documents/{doc_id}"))
        assert masked in page and id_number() not in page
    body = login("bureau").get(f"/enterprises/{people.enterprise_a.id}/documents").get_data(as_text=True)
    assert masked in body and id_number() not in body


def test_other_enterprises_staff_get_404_and_roles_without_business_403(people, login, api):
    doc_id = add(people.ent_a, "management_rules")
    enterprise_id = people.enterprise_a.id
    other = login("ent_b")
    for url in (f"/enterprises/{enterprise_id}/documents", f"/enterprises/{enterprise_id}/documents/new",
                f"/enterprises/{enterprise_id}/documents/{doc_id}",
                f"/enterprises/{enterprise_id}/documents/{doc_id}/edit"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/enterprises/{enterprise_id}/documents/{doc_id}/retire",
                      data={"retire_reason": "x"}).status_code == 404
    assert api("ent_b").get(f"/api/v1/enterprises/{enterprise_id}/documents").status_code == 404
    owner = login("process_owner")
    assert owner.get(f"/enterprises/{enterprise_id}/documents").status_code == 403
    assert owner.get("/documents/expiring").status_code == 403
    assert api("process_owner").get(f"/api/v1/enterprises/{enterprise_id}/documents").status_code == 403
    bureau = login("bureau")
    assert bureau.get(f"/enterprises/{enterprise_id}/documents/new").status_code == 403  # staff do not write
    assert bureau.post(f"/enterprises/{enterprise_id}/documents/{doc_id}/retire",
                       data={"retire_reason": "x"}).status_code == 403
    assert login("ent_a").post(f"/enterprises/{enterprise_id}/documents/{doc_id}/review",
                               data={"decision": "reviewed"}).status_code == 403
    assert login("ent_a").get("/documents").headers["Location"].endswith(f"/enterprises/{enterprise_id}/documents")
    assert bureau.get("/documents").headers["Location"].endswith("/documents/expiring")


def test_retiring_keeps_the_document_readable_out_of_the_archive(people, login):
    doc_id = add(people.ent_a, "operator_certificate", **operator())
    ent = login("ent_a")
    enterprise_id = people.enterprise_a.id
    bad = ent.post(f"/enterprises/{enterprise_id}/documents/{doc_id}/retire", data={"retire_reason": ""})
    assert bad.status_code == 400
    done = ent.post(f"/enterprises/{enterprise_id}/documents/{doc_id}/retire", data={"retire_reason": "王电工已离职"})
    assert done.status_code == 302
    archive = text(ent.get(f"/enterprises/{enterprise_id}/documents"))
    assert 'id="retired"' in archive and "王电工已离职" in archive
    assert ent.get(f"/enterprises/{enterprise_id}/documents/{doc_id}/edit").status_code == 409


def test_the_expiry_list_its_filters_and_csv(people, login):
    add(people.ent_a, "production_licence", **{**LICENCE, "valid_to": "2026-12-10"})
    add(people.ent_a, "operator_certificate", **operator(valid_to="2026-11-01"))
    add(people.ent_b, "operator_certificate", **operator(valid_to="2027-06-01"))
    bureau = login("bureau")
    page = text(bureau.get("/documents/expiring"))
    assert page.count("data-document=") == 2 and 'data-state="expired"' in page and 'data-state="expiring"' in page
    assert text(bureau.get("/documents/expiring?state=expired")).count("data-document=") == 1
    assert text(bureau.get("/documents/expiring?kind=production_licence")).count("data-document=") == 1
    assert text(bureau.get("/documents/expiring?name=乙")).count("data-document=") == 0
    rows = csv_rows(bureau.get("/documents/expiring.csv?state=expired"))
    assert rows[0][0] == "企业" and len(rows) == 2
    assert rows[1][0] == "甲化工有限公司" and rows[1][8] == id_number()[:4] + "*" * 10 + id_number()[-4:]
    assert rows[1][12] == "已过期"
    assert text(login("ent_b").get("/documents/expiring")).count("data-document=") == 0  # its own only


def test_completeness_list_csv_and_api(people, login, api):
    people.enterprise_a.industry = "危险化学品"
    db.session.commit()
    add(people.ent_a, "management_rules")
    bureau = login("bureau")
    page = text(bureau.get("/documents/completeness?incomplete=1"))
    assert f'data-enterprise="{people.enterprise_a.id}"' in page and "须持安全生产许可证" in page
    rows = csv_rows(bureau.get("/documents/completeness.csv"))
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["甲化工有限公司"][4] == "危险化学品安全生产许可证"
    assert "安全生产许可证" in by_name["甲化工有限公司"][5] and "安全管理制度" not in by_name["甲化工有限公司"][5]
    assert by_name["乙机械制造厂"][4] == ""
    add(people.ent_a, "operator_certificate", **operator())
    body = api("inspector").get(f"/api/v1/enterprises/{people.enterprise_a.id}/documents").get_json()
    assert body["completeness"]["missing"] == ["responsibility_system", "operating_procedures", "emergency_plan",
                                               "production_licence"]
    certificate = next(i for i in body["items"] if i["kind"] == "operator_certificate")
    assert certificate["holder_id_number"] == id_number()[:4] + "*" * 10 + id_number()[-4:]
    assert certificate["expiry"] == "valid" and certificate["files"][0]["original_name"] == "scan.pdf"
    own = api("ent_a").get(f"/api/v1/enterprises/{people.enterprise_a.id}/documents?kind=management_rules")
    assert own.status_code == 200 and [i["kind"] for i in own.get_json()["items"]] == ["management_rules"]
    assert api("ent_a").get(f"/api/v1/enterprises/{people.enterprise_a.id}/documents?kind=x").status_code == 400


def test_the_expiry_notice_links_to_the_document(people, login):
    doc_id = add(people.ent_a, "production_licence", **{**LICENCE, "valid_to": "2026-12-01"})
    assert jobs.notify_document_expiry() == 1
    page = text(login("ent_a").get("/notifications"))
    assert "将于2026-12-01到期" in page and f"/enterprises/{people.enterprise_a.id}/documents/{doc_id}" in page


def test_inspectors_reach_the_archive_when_preparing_a_visit(people, login):
    from app.clock import clock
    from datetime import date
    db.session.add(InspectionPlan(enterprise_id=people.enterprise_a.id, planned_on=date(2026, 12, 1), areas="仓库",
                                  team="张排查", created_by_id=people.inspector.id, created_at=clock.now()))
    db.session.commit()
    page = text(login("inspector").get("/inspections/plans"))
    assert f"/enterprises/{people.enterprise_a.id}/documents" in page
    assert f"/enterprises/{people.enterprise_a.id}/documents" in text(
        login("bureau").get(f"/supervision/enterprises/{people.enterprise_a.id}"))
    assert "/documents" in text(login("inspector").get("/inbox"))  # 安全档案 in the navigation
