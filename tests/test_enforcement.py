"""Enforcement outcomes (执法处置结果) in the service: the steps in order with their statuses, the rules of each step's
fields (negative fine, a decision before the filing, closing before the decision: field errors), steps out of order
and a closed record (409), who may record (403) and see (404), the audit's before → after, the credit record of a
penalty kept in step with corrections, the overdue flag on the working-day calendar, the list's filters and the
period's statistics."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.clock import SHANGHAI, clock
from app.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, CreditRecord, EnforcementOutcome, EnforcementReferral, User
from app.services import enforcement, enforcement_listing
from app.services.enforcement_listing import EnforcementFilter
from tests.enforcement_support import DECIDED, FILED, decided, referral, step


def errors_of(user, referral_id, name, form):
    with pytest.raises(ValidationFailed) as caught:
        step(user, referral_id, name, form)
    return caught.value.fields


def audit_rows(referral_id):
    return db.session.query(AuditEvent).filter_by(subject_type="enforcement", subject_id=referral_id) \
        .order_by(AuditEvent.id).all()


def test_the_steps_in_order_each_audited_with_before_and_after(people):
    referral_id = referral(people)
    clock.advance(days=7)  # 2026-11-30
    outcome = step(people.bureau, referral_id, "filing", FILED)
    assert outcome.status == "filed" and outcome.case_number == FILED["case_number"]
    outcome = step(people.bureau, referral_id, "decision", DECIDED)
    assert outcome.status == "decided" and outcome.measures == ["rectify_order", "fine"]  # the table's order
    assert outcome.fine_amount == Decimal("20000.00") and outcome.decision_date == date(2026, 11, 27)
    outcome = step(people.admin, referral_id, "execution", {"fine_paid_on": "2026-11-28", "execution_note": "已缴清"})
    assert outcome.status == "executed"
    outcome = step(people.bureau, referral_id, "closing", {"closed_on": "2026-11-30", "closing_note": "执行完毕"})
    assert outcome.status == "closed"
    rows = audit_rows(referral_id)
    assert [r.action for r in rows] == ["enforcement_filed", "enforcement_decided", "enforcement_executed",
                                        "enforcement_closed"]
    assert all(r.case_id is None for r in rows)  # not in the case's history, which the enterprise reads
    assert rows[0].changes["status"] == ["pending", "filed"]
    assert rows[0].changes["case_number"] == [None, FILED["case_number"]]
    assert rows[1].changes["fine_amount"] == [None, "20000.00"]
    assert rows[1].changes["measures"] == [[], ["rectify_order", "fine"]]
    assert rows[1].details["credit_record"] == "added" and rows[2].actor_name == "admin"
    assert rows[3].changes["status"] == ["executed", "closed"]
    with pytest.raises(Conflict):  # a closed record is final
        step(people.bureau, referral_id, "filing", FILED)


def test_a_correction_records_only_what_changed_and_keeps_the_credit_entry_in_step(people):
    referral_id = decided(people)
    entry = db.session.query(CreditRecord).filter_by(kind="enforcement_penalty").one()
    assert entry.case_id == db.session.get(EnforcementReferral, referral_id).case_id
    assert "（辉）应急罚〔2026〕17号" in entry.note and "罚款 20000.00 元" in entry.note and " / " in entry.note
    step(people.bureau, referral_id, "decision", {**DECIDED, "fine_amount": "30000.50"})
    last = audit_rows(referral_id)[-1]
    assert last.changes == {"fine_amount": ["20000.00", "30000.50"]} and last.details["credit_record"] == "updated"
    assert "30000.50" in db.session.get(CreditRecord, entry.id).note
    # An order to rectify alone is no penalty: the entry goes; a warning brings one back.
    step(people.bureau, referral_id, "decision", {**DECIDED, "measures": ["rectify_order"], "fine_amount": ""})
    assert db.session.query(CreditRecord).filter_by(kind="enforcement_penalty").count() == 0
    assert audit_rows(referral_id)[-1].details["credit_record"] == "removed"
    step(people.bureau, referral_id, "decision", {**DECIDED, "measures": ["warning"], "fine_amount": ""})
    (entry,) = db.session.query(CreditRecord).filter_by(kind="enforcement_penalty").all()
    assert "警告" in entry.note
    assert db.session.get(EnforcementOutcome, referral_id).credit_record_id == entry.id


def test_bad_input_names_each_field(people):
    referral_id = referral(people)
    clock.advance(days=7)
    fields = errors_of(people.bureau, referral_id, "filing", {"filing": "filed", "filing_date": "2026-11-20"})
    assert set(fields) == {"filing_date", "case_number", "officers"}  # before the referral (11-23)
    assert set(errors_of(people.bureau, referral_id, "filing", {"filing": "", "filing_date": "2026-12-31"})) == \
        {"filing", "filing_date"}  # in the future
    assert set(errors_of(people.bureau, referral_id, "filing", {"filing": "not_filed",
                                                                "filing_date": "2026-11-24"})) == {"not_filed_reason"}
    step(people.bureau, referral_id, "filing", FILED)
    fields = errors_of(people.bureau, referral_id, "decision", {**DECIDED, "fine_amount": "-500"})
    assert set(fields) == {"fine_amount"} and "大于 0" in fields["fine_amount"]
    fields = errors_of(people.bureau, referral_id, "decision", {**DECIDED, "decision_date": "2026-11-24"})
    assert set(fields) == {"decision_date"} and "不能早于立案日期" in fields["decision_date"]
    assert set(errors_of(people.bureau, referral_id, "decision", {**DECIDED, "fine_amount": ""})) == {"fine_amount"}
    assert set(errors_of(people.bureau, referral_id, "decision", {**DECIDED, "fine_amount": "abc"})) == {"fine_amount"}
    assert set(errors_of(people.bureau, referral_id, "decision", {
        "measures": ["warning"], "fine_amount": "100", "decision_number": "", "decision_date": ""})) == \
        {"fine_amount", "decision_number", "decision_date"}  # an amount without the fine
    unknown = {**DECIDED, "measures": ["bribe", "fine"]}
    assert set(errors_of(people.bureau, referral_id, "decision", unknown)) == {"measures"}
    assert set(errors_of(people.bureau, referral_id, "decision", {**DECIDED, "measures": []})) == \
        {"measures", "fine_amount"}
    step(people.bureau, referral_id, "decision", DECIDED)
    fields = errors_of(people.bureau, referral_id, "closing", {"closed_on": "2026-11-26"})
    assert set(fields) == {"closed_on"} and "不能早于决定日期" in fields["closed_on"]
    assert set(errors_of(people.bureau, referral_id, "execution", {"resumed_on": "2026-11-28"})) == {"resumed_on"}
    assert set(errors_of(people.bureau, referral_id, "execution", {"fine_paid_on": "2026-11-26"})) == {"fine_paid_on"}
    assert set(errors_of(people.bureau, referral_id, "execution", {})) == {"execution_note"}
    step(people.bureau, referral_id, "execution", {"fine_paid_on": "2026-11-29"})
    assert set(errors_of(people.bureau, referral_id, "closing", {"closed_on": "2026-11-28"})) == {"closed_on"}
    assert set(errors_of(people.bureau, referral_id, "decision", {**DECIDED, "measures": ["warning"],
                                                                  "fine_amount": ""})) == {"measures"}  # fine paid
    assert set(errors_of(people.bureau, referral_id, "filing", {**FILED, "filing_date": "2026-11-28"})) == \
        {"filing_date"}  # after the decision
    assert db.session.get(EnforcementOutcome, referral_id).status == "executed"  # nothing of the above was kept


def test_steps_out_of_order_are_409(people):
    referral_id = referral(people)
    for name, form in (("decision", DECIDED), ("execution", {"execution_note": "x"}),
                       ("closing", {"closed_on": "2026-11-23"})):
        with pytest.raises(Conflict):
            step(people.bureau, referral_id, name, form)
    step(people.bureau, referral_id, "filing", FILED | {"filing_date": "2026-11-23"})
    with pytest.raises(Conflict):  # closing before any decision
        step(people.bureau, referral_id, "closing", {"closed_on": "2026-11-23"})


def test_not_filed_is_recorded_with_its_reason_and_takes_no_decision(people):
    referral_id = referral(people)
    outcome = step(people.bureau, referral_id, "filing", {"filing": "not_filed", "filing_date": "2026-11-23",
                                                         "not_filed_reason": "企业已于移送当日整改完毕，经核查属实",
                                                         "case_number": "ignored"})
    assert outcome.status == "not_filed" and outcome.case_number == "" and outcome.not_filed_reason
    assert audit_rows(referral_id)[-1].action == "enforcement_not_filed"
    with pytest.raises(Conflict):
        step(people.bureau, referral_id, "decision", DECIDED)
    assert db.session.query(CreditRecord).filter_by(kind="enforcement_penalty").count() == 0
    step(people.bureau, referral_id, "filing", FILED | {"filing_date": "2026-11-23"})  # corrected: filed after all
    step(people.bureau, referral_id, "decision", DECIDED | {"decision_date": "2026-11-23"})
    with pytest.raises(Conflict):  # once decided, it cannot become "not filed"
        step(people.bureau, referral_id, "filing", {"filing": "not_filed", "filing_date": "2026-11-23",
                                                    "not_filed_reason": "x"})


@pytest.mark.parametrize("username", ["manager", "township_user", "inspector", "project_lead", "ent_a"])
def test_only_the_bureau_and_admins_record(people, make_user, username):
    referral_id = referral(people)
    user = make_user("township_user", "township") if username == "township_user" else people[username]
    if username == "township_user":
        from app.models import UserTownship
        user.townships_rel = [UserTownship(township=people.enterprise_a.township)]
        db.session.commit()
    with pytest.raises(NotAllowed):
        step(user, referral_id, "filing", FILED | {"filing_date": "2026-11-23"})
    with pytest.raises(NotFound):  # another enterprise's staff: as if it did not exist
        step(people.ent_b, referral_id, "filing", FILED)
    assert db.session.get(EnforcementOutcome, referral_id) is None


def test_the_filing_decision_is_due_five_working_days_after_the_referral(people):
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))  # a Friday
    referral_id = referral(people)
    row = db.session.get(EnforcementReferral, referral_id)
    assert enforcement.filing_due(row) == datetime(2026, 12, 4, 9, 0, tzinfo=SHANGHAI)  # the weekend skipped
    clock.set(datetime(2026, 12, 4, 8, 59, tzinfo=SHANGHAI))
    assert not enforcement.is_overdue(row)
    clock.set(datetime(2026, 12, 4, 9, 1, tzinfo=SHANGHAI))
    assert enforcement.is_overdue(row)
    step(people.bureau, referral_id, "filing", FILED | {"filing_date": "2026-12-04"})
    db.session.expire_all()
    assert not enforcement.is_overdue(db.session.get(EnforcementReferral, referral_id))  # decided on its day
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))
    step(people.bureau, referral_id, "filing", FILED | {"filing_date": "2026-12-07"})
    db.session.expire_all()
    assert enforcement.is_overdue(db.session.get(EnforcementReferral, referral_id))  # decided late


def test_the_list_filters_and_the_period_statistics(people, make_enterprise):
    other = make_enterprise("丙建材厂")
    other.township = "南村镇"
    db.session.commit()
    old = referral(people, days_ago=10)  # 11-13, pending: overdue
    fined = decided(people)  # referred 11-23, fine 20,000 decided 11-27; now 11-30
    warned = referral(people, enterprise=other)
    step(people.bureau, warned, "filing", FILED | {"filing_date": "2026-11-30"})
    step(people.bureau, warned, "decision", {"measures": ["warning", "fine", "suspension"], "fine_amount": "5000.5",
                                             "decision_number": "罚〔2026〕18号", "decision_date": "2026-11-30"})

    def ids(**kw):
        rows, total = enforcement_listing.listing(db.session, people.bureau, EnforcementFilter(**kw))
        assert total == len(rows) or "limit" in kw
        return [r.id for r in rows]

    assert ids() == [warned, fined, old]
    assert ids(status="pending") == [old] and ids(status="decided") == [warned, fined]
    assert ids(overdue=True) == [old]
    assert ids(enterprise_id=other.id) == [warned] and ids(township="南村镇") == [warned]
    assert ids(date_from=date(2026, 11, 20)) == [warned, fined] and ids(date_to=date(2026, 11, 22)) == [old]
    assert ids(limit=1, offset=1) == [fined] and ids(overdue=True, limit=1, offset=1) == []
    stats = enforcement_listing.statistics(db.session, people.bureau, EnforcementFilter())
    assert stats["decisions"] == 2 and stats["fine_total"] == Decimal("25000.50") and stats["fined"] == 2
    assert stats["by_measure"] == {"rectify_order": 1, "warning": 1, "fine": 2, "suspension": 1, "licence": 0,
                                   "seizure": 0, "judicial_transfer": 0}
    period = enforcement_listing.statistics(db.session, people.bureau, EnforcementFilter(date_from=date(2026, 11, 28)))
    assert period["decisions"] == 1 and period["fine_total"] == Decimal("5000.50")
    assert enforcement_listing.statistics(db.session, people.bureau, EnforcementFilter(township="城关镇"))[
        "fine_total"] == Decimal("20000.00")


def test_the_demo_has_a_decided_and_an_overdue_referral(app):
    assert app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    rows, total = enforcement_listing.listing(db.session, db.session.query(User).filter_by(username="bureau").one(),
                                              EnforcementFilter())
    assert total == 2
    statuses = sorted((r.outcome.status if r.outcome else "pending", r.overdue) for r in rows)
    assert statuses == [("decided", False), ("pending", True)]
    assert db.session.query(CreditRecord).filter_by(kind="enforcement_penalty").count() == 1


def test_a_document_of_the_record_belongs_to_it_alone(app, people):
    """The attachment's one-owner check covers the enforcement referral (migration 0047), on both databases."""
    import io

    import sqlalchemy as sa

    from app.models import Attachment
    from app.services import attachments
    from app.services.uow import UnitOfWork
    referral_id = referral(people)
    with UnitOfWork() as uow:
        item = attachments.store_upload(uow, people.bureau, "决定书.pdf", io.BytesIO(b"%PDF-1.4\n" + b"\0" * 32),
                                        app.config["UPLOAD_DIR"], 100_000)
        uow.commit()
        public_id = item.public_id
    step(people.bureau, referral_id, "filing", FILED | {"filing_date": "2026-11-23"}, files=[public_id])
    item = db.session.query(Attachment).filter_by(public_id=public_id).one()
    assert item.enforcement_referral_id == referral_id and item.field == "filing"
    with pytest.raises(ValidationFailed):  # not a free upload any more: not twice, not on another record
        step(people.bureau, referral(people), "filing", FILED | {"filing_date": "2026-11-23"}, files=[public_id])
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Attachment).where(Attachment.id == item.id)
                           .values(case_id=db.session.get(EnforcementReferral, referral_id).case_id))
        db.session.flush()
    db.session.rollback()
