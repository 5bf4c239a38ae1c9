"""The enterprise safety archive's rules (企业安全管理档案, services/enterprise_documents.py, document_expiry.py,
document_completeness.py): what each kind needs, review and return, retirement, stale pages, who may do what, the
expiry notices (once each, with the injected clock; a renewal arms them again) and completeness."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.clock import clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import Attachment, AuditEvent, EnterpriseDocument, HazardCase, UserTownship
from app.services import attachments, document_completeness, document_expiry, enterprise_documents
from app.services.uow import UnitOfWork
from scheduler import jobs
from tests.test_lifecycle_service import register
from tests.document_support import (LICENCE, PLAN, add, change, id_number, in_session, notices, operator, retire,
                                    review, upload)


def test_a_certificate_needs_its_fields_and_a_file_and_nothing_is_kept_otherwise(people):
    ent = people.ent_a
    with pytest.raises(ValidationFailed) as caught:
        add(ent, "operator_certificate", files=[], holder_name="", holder_id_number="410782198503151230",
            category="dancing", valid_from="2027-01-01", valid_to="2026-12-31")
    assert set(caught.value.fields) == {"holder_name", "holder_id_number", "number", "category", "valid_to", "files"}
    assert "早于" in caught.value.fields["valid_to"]
    with pytest.raises(ValidationFailed) as caught:
        add(ent, "production_licence", valid_from="2026-02-30")
    assert set(caught.value.fields) == {"number", "issuer", "valid_from", "valid_to"}
    with pytest.raises(ValidationFailed) as caught:  # only the writer's own uploads
        add(ent, "management_rules", files=[upload(people.ent_b)])
    assert set(caught.value.fields) == {"files"}
    assert db.session.query(EnterpriseDocument).count() == 0


def test_the_three_systems_default_their_title_and_have_no_expiry(people):
    doc_id = add(people.ent_a, "responsibility_system", valid_from="2026-01-05", valid_to="2030-01-01")
    row = db.session.get(EnterpriseDocument, doc_id)
    assert row.title == "安全生产责任制" and row.valid_to is None and row.status == "pending"
    assert [a.original_name for a in row.attachments] == ["scan.pdf"] and row.attachments[0].document_id == doc_id


def test_an_emergency_plan_is_due_for_revision_three_years_after_filing(people):
    doc_id = add(people.ent_a, "emergency_plan", **PLAN)
    row = db.session.get(EnterpriseDocument, doc_id)
    assert row.valid_from == date(2026, 3, 1) and row.valid_to == date(2029, 2, 28)
    with pytest.raises(ValidationFailed) as caught:
        add(people.ent_a, "emergency_plan", number="X-1", valid_from="2026-11-24")  # tomorrow
    assert set(caught.value.fields) == {"valid_from"}


def test_id_numbers_are_checked_and_shown_masked(people):
    assert enterprise_documents.valid_id_number(id_number())
    wrong_check = "1" if id_number()[17] == "0" else "0"
    assert not enterprise_documents.valid_id_number(id_number()[:17] + wrong_check)
    assert not enterprise_documents.valid_id_number(id_number("41078219851315123"))  # month 13
    doc_id = add(people.ent_a, "operator_certificate", **operator())
    row = db.session.get(EnterpriseDocument, doc_id)
    assert row.holder_id_number == id_number() and row.masked_id_number == id_number()[:4] + "*" * 10 + id_number()[-4:]
    event = db.session.query(AuditEvent).filter_by(action="enterprise_document_added").one()
    assert event.changes["holder_id_masked"] == [None, row.masked_id_number]  # never the full number
    assert id_number() not in str(event.changes)


def test_a_number_is_once_in_the_archive_unless_retired(people):
    first = add(people.ent_a, "operator_certificate", **operator())
    with pytest.raises(ValidationFailed) as caught:
        add(people.ent_a, "operator_certificate", **operator(holder_name="李焊工"))
    assert set(caught.value.fields) == {"number"}
    add(people.ent_b, "operator_certificate", **operator())  # another enterprise's archive
    retire(people.ent_a, first)
    assert add(people.ent_a, "operator_certificate", **operator())
    with pytest.raises(Conflict):
        retire(people.ent_a, first)


def test_review_return_update_and_audit_before_after(people):
    ent, enterprise_id = people.ent_a, people.enterprise_a.id
    doc_id = add(ent, "production_licence", **LICENCE)
    with pytest.raises(ValidationFailed) as caught:
        review(people.inspector, enterprise_id, doc_id, "returned", "")
    assert set(caught.value.fields) == {"review_note"}
    review(people.inspector, enterprise_id, doc_id, "returned", "有效期与扫描件不一致")
    row = db.session.get(EnterpriseDocument, doc_id)
    assert row.status == "returned" and row.review_note == "有效期与扫描件不一致" and row.version == 2
    assert notices(ent, "enterprise_document_returned") == 1
    assert notices(people.ent_b, "enterprise_document_returned") == 0
    with pytest.raises(Conflict):  # not awaiting review
        review(people.bureau, enterprise_id, doc_id, "reviewed")
    extra = upload(ent, "licence-page2.png", bytes.fromhex("89504e470d0a1a0a") + b"\0" * 32)
    change(ent, doc_id, {**LICENCE, "valid_to": "2028-01-10"}, files=[extra], version=2)
    row = db.session.get(EnterpriseDocument, doc_id)
    assert row.status == "pending" and row.valid_to == date(2028, 1, 10) and len(row.attachments) == 2
    event = db.session.query(AuditEvent).filter_by(action="enterprise_document_updated").one()
    assert event.changes["valid_to"] == ["2028-01-09", "2028-01-10"]
    assert event.changes["review_status"] == ["returned", "pending"]
    assert event.changes["files"] == [["scan.pdf"], ["scan.pdf", "licence-page2.png"]]
    with pytest.raises(Conflict):  # a review made on the page of version 2
        review(people.project_team, enterprise_id, doc_id, "reviewed", version=2)
    review(people.project_team, enterprise_id, doc_id, "reviewed", "与原件一致", version=3)
    assert db.session.get(EnterpriseDocument, doc_id).status == "reviewed"


def test_an_update_must_keep_a_file_and_a_bad_one_changes_nothing(people):
    ent = people.ent_a
    doc_id = add(ent, "production_licence", **LICENCE)
    (only,) = [a.public_id for a in db.session.get(EnterpriseDocument, doc_id).attachments]
    with pytest.raises(ValidationFailed) as caught:
        change(ent, doc_id, LICENCE, removed=[only])
    assert set(caught.value.fields) == {"files"}
    with pytest.raises(ValidationFailed) as caught:
        change(ent, doc_id, {**LICENCE, "valid_from": "2029-01-01"})
    assert set(caught.value.fields) == {"valid_to"}
    row = db.session.get(EnterpriseDocument, doc_id)
    assert row.valid_from == date(2025, 1, 10) and row.version == 1 and len(row.attachments) == 1
    other = upload(ent, "new.pdf")
    change(ent, doc_id, LICENCE, files=[other], removed=[only])
    assert [a.original_name for a in db.session.get(EnterpriseDocument, doc_id).attachments] == ["new.pdf"]
    assert db.session.query(Attachment).filter_by(public_id=only).one().document_id is None


def test_who_may_do_what(people, make_user, make_enterprise):
    enterprise_a = people.enterprise_a
    doc_id = add(people.ent_a, "management_rules")
    with pytest.raises(NotFound):  # another enterprise's staff: as if it did not exist
        add(people.ent_b, "management_rules", enterprise_id=enterprise_a.id)
    with pytest.raises(NotFound):
        enterprise_documents.get(db.session, in_session(people.ent_b), enterprise_a.id, doc_id)
    with pytest.raises(NotAllowed):  # staff do not write the enterprise's archive
        add(people.bureau, "management_rules", enterprise_id=enterprise_a.id, files=[])
    with pytest.raises(NotAllowed):
        enterprise_documents.get_enterprise(db.session, in_session(people.process_owner), enterprise_a.id)
    with pytest.raises(NotAllowed):  # enterprise staff do not review, not even their own
        review(people.ent_a, enterprise_a.id, doc_id)
    township = make_user("lin", "township")
    db.session.add(UserTownship(user_id=township.id, township=enterprise_a.township))
    db.session.commit()
    assert enterprise_documents.get(db.session, in_session(township), enterprise_a.id, doc_id).id == doc_id
    with pytest.raises(NotAllowed):  # township offices read only
        review(township, enterprise_a.id, doc_id)
    elsewhere = make_enterprise("远方公司")
    elsewhere.township = "南湖镇"
    db.session.commit()
    with pytest.raises(NotFound):
        enterprise_documents.get_enterprise(db.session, in_session(township), elsewhere.id)
    review(people.inspector, enterprise_a.id, doc_id)  # inspectors review when preparing a visit


def test_expiry_notices_go_once_each_and_a_renewal_arms_them_again(people):
    ent = people.ent_a
    colleague_b = people.ent_b
    # today is 2026-11-23: the licence's last day 2027-01-02 is 40 days away
    doc_id = add(ent, "production_licence", **{**LICENCE, "valid_to": "2027-01-02"})
    assert jobs.notify_document_expiry() == 0
    clock.advance(days=10)  # 2026-12-03: 30 days left
    assert document_expiry.state(db.session.get(EnterpriseDocument, doc_id)) == "expiring"
    assert jobs.notify_document_expiry() == 1 and jobs.notify_document_expiry() == 0
    assert notices(ent, "enterprise_document_expiring") == 1
    assert notices(colleague_b, "enterprise_document_expiring") == 0  # another enterprise's staff
    clock.advance(days=30)  # 2027-01-02: the last valid day, not expired yet
    assert jobs.notify_document_expiry() == 0
    clock.advance(days=1)
    assert jobs.notify_document_expiry() == 1 and jobs.notify_document_expiry() == 0
    assert notices(ent, "enterprise_document_expired") == 1
    row = db.session.get(EnterpriseDocument, doc_id)
    assert (row.warned_for, row.expired_for) == (date(2027, 1, 2), date(2027, 1, 2))
    change(ent, doc_id, {**LICENCE, "valid_from": "2027-01-03", "valid_to": "2027-01-20"})  # renewed, briefly
    assert jobs.notify_document_expiry() == 1  # 17 days left: warned for the new day
    assert notices(ent, "enterprise_document_expiring") == 2
    assert db.session.query(AuditEvent).filter_by(action="enterprise_document_expiring").count() == 2


def test_a_document_entered_expired_is_told_once_and_a_retired_one_never(people):
    ent = people.ent_a
    add(ent, "operator_certificate", **operator(valid_from="2018-01-01", valid_to="2026-10-31"))
    gone = add(ent, "operator_certificate", **operator(number="T2", valid_to="2026-12-01"))
    retire(ent, gone)
    assert jobs.notify_document_expiry() == 1 and jobs.notify_document_expiry() == 0
    assert notices(ent, "enterprise_document_expired") == 1 and notices(ent, "enterprise_document_expiring") == 0
    clock.advance(days=400)
    assert jobs.notify_document_expiry() == 0


def test_the_expiry_list_is_scoped_and_filtered(people):
    add(people.ent_a, "production_licence", **{**LICENCE, "valid_to": "2026-12-10"})
    add(people.ent_a, "operator_certificate", **operator(valid_to="2026-11-01"))
    add(people.ent_b, "operator_certificate", **operator(valid_to="2027-02-01"))  # 70 days away
    listing = document_expiry.listing
    rows, total = listing(db.session, in_session(people.bureau), document_expiry.ExpiryFilter())
    assert total == 2 and [r.kind for r in rows] == ["operator_certificate", "production_licence"]
    assert listing(db.session, in_session(people.bureau), document_expiry.ExpiryFilter(within_days=90))[1] == 3
    assert listing(db.session, in_session(people.bureau), document_expiry.ExpiryFilter(state="expired"))[1] == 1
    assert listing(db.session, in_session(people.ent_b), document_expiry.ExpiryFilter(within_days=90))[1] == 1


def test_completeness_by_industry(people):
    enterprise_a = people.enterprise_a
    enterprise_a.industry = "危险化学品生产"
    db.session.commit()
    status = document_completeness.of_enterprise(db.session, enterprise_a)
    assert status.missing == ["responsibility_system", "management_rules", "operating_procedures", "emergency_plan",
                              "production_licence"] and not status.complete
    assert status.licence_name == "危险化学品安全生产许可证"
    for kind in ("responsibility_system", "management_rules", "operating_procedures"):
        add(people.ent_a, kind)
    add(people.ent_a, "emergency_plan", **PLAN)
    add(people.ent_a, "production_licence", **{**LICENCE, "valid_to": "2026-11-20"})  # expired
    status = document_completeness.of_enterprise(db.session, enterprise_a)
    assert status.missing == [] and status.expired == ["production_licence"] and not status.complete
    machinery = document_completeness.of_enterprise(db.session, people.enterprise_b)
    assert "production_licence" not in machinery.required and len(machinery.missing) == 4
    assert document_completeness.licence_needed("金属冶炼") is None  # not under 《安全生产许可证条例》第二条
    rows = document_completeness.overview(db.session, in_session(people.bureau), incomplete_only=True)
    assert {e.id for e, _c in rows} == {enterprise_a.id, people.enterprise_b.id}


def test_the_plan_revision_date_of_29_february():
    assert enterprise_documents._years_after(date(2028, 2, 29), 3) == date(2031, 2, 27)
    assert enterprise_documents._years_after(date(2026, 1, 1), 3) == date(2028, 12, 31)
    assert timedelta(days=document_expiry.WARN_DAYS) == timedelta(days=30)


def test_a_documents_file_has_one_owner(people):
    """The one-owner check (migration 0048 on both databases) counts the archive: a document's file cannot also be
    a case's, and linking it to one is refused as an unknown attachment, not a database error."""
    doc_id = add(people.ent_a, "management_rules")
    (public_id,) = [a.public_id for a in db.session.get(EnterpriseDocument, doc_id).attachments]
    case_id = register(people)
    with pytest.raises(ValidationFailed), UnitOfWork() as uow:
        attachments.link(uow, in_session(people.ent_a), db.session.get(HazardCase, case_id), [public_id], "evidence")
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE attachment SET case_id = :c WHERE public_id = :p"), {"c": case_id, "p": public_id})
    assert db.session.query(Attachment).filter_by(public_id=public_id).one().case_id is None
