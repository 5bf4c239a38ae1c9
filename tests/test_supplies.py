"""The emergency supplies stock (services/supply_stock.py, supply_counts.py, supply_expiry.py): the stock is the sum of
the movement lines, issues take the batches expiring first and never expired ones, nothing goes below zero — not even
with two issues at once on PostgreSQL — transfers carry the expiry dates, counts turn differences into adjustments,
the expiry reminders go once each."""
from datetime import timedelta

import pytest
from sqlalchemy import func

from app.clock import clock
from app.errors import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, EmergencyEvent, Notification, SupplyBatch, SupplyMovement, SupplyMovementLine
from app.services import supply_expiry, supply_stock
from app.services.uow import UnitOfWork
from tests.concurrency_support import meet_at, needs_two_sessions, one_wins
from tests.supply_support import count, issue, kind, move, point, receive


@pytest.fixture
def store(people, make_user):
    """Two points — the warehouse kept by 李伟 (an inspector), the command vehicle by 赵敏 — and three kinds."""
    keeper = make_user("liwei", "inspector")
    other = make_user("zhaomin", "project_team")
    lead = people.project_lead

    class Store:
        pass
    s = Store()
    s.keeper, s.other, s.lead = keeper, other, lead
    s.warehouse = point(lead, "安全物资仓库", keeper, place="化工园区管委会一楼")
    s.vehicle = point(lead, "应急指挥车", other, place="项目部停车场")
    s.masks = kind(lead, "防毒面具", unit="套", shelf_life_months="60")
    s.extinguishers = kind(lead, "手提式灭火器", category="firefighting", unit="个")
    s.kits = kind(lead, "急救箱", category="first_aid", unit="个", shelf_life_months="24")
    return s


def on_hand(point_id, kind_id):
    return supply_stock.quantity_of(db.session, point_id, kind_id)


def batch_quantities(point_id, kind_id):
    return [(b.batch_no, b.expires_on.isoformat() if b.expires_on else None, n)
            for b, n in supply_stock.batches(db.session, point_id, kind_id)]


def test_the_stock_is_the_sum_of_the_movements_and_issues_take_the_batches_expiring_first(store):
    receive(store.keeper, store.warehouse, store.masks, 12, expires_on="2027-01-10", batch_no="M-01")
    receive(store.keeper, store.warehouse, store.masks, 8, expires_on="2028-06-30", batch_no="M-02")
    receive(store.keeper, store.warehouse, store.extinguishers, 15)
    issue(store.keeper, store.warehouse, store.masks, 5, purpose="甲化工泄漏处置")
    assert on_hand(store.warehouse, store.masks) == 15
    assert batch_quantities(store.warehouse, store.masks) == [("M-01", "2027-01-10", 7), ("M-02", "2028-06-30", 8)]
    move(store.keeper, store.warehouse, "transfer", store.masks, 10, to_point_id=str(store.vehicle))
    assert on_hand(store.warehouse, store.masks) == 5 and on_hand(store.vehicle, store.masks) == 10
    # the batches travel with their numbers and expiry dates
    assert batch_quantities(store.vehicle, store.masks) == [("M-01", "2027-01-10", 7), ("M-02", "2028-06-30", 3)]
    move(store.other, store.vehicle, "scrap", store.masks, 1, purpose="滤毒罐破损")
    assert on_hand(store.vehicle, store.masks) == 9
    total = db.session.query(func.sum(SupplyMovementLine.delta)).scalar()
    assert total == 5 + 9 + 15
    lines = {(s.point.name, s.kind.name): s.quantity for s in supply_stock.stock(db.session)}
    assert lines == {("安全物资仓库", "防毒面具"): 5, ("应急指挥车", "防毒面具"): 9, ("安全物资仓库", "手提式灭火器"): 15}
    issued = db.session.query(AuditEvent).filter_by(action="supply_issued").one()
    assert issued.changes == {"supply_quantity": [20, 15]} and issued.subject_id == store.warehouse
    received = db.session.query(AuditEvent).filter_by(action="supply_transfer_received").one()
    assert received.changes == {"supply_quantity": [0, 10]} and received.subject_id == store.vehicle


def test_an_issue_larger_than_the_stock_is_refused_and_changes_nothing(store):
    receive(store.keeper, store.warehouse, store.extinguishers, 15)
    with pytest.raises(Conflict) as refused:
        issue(store.keeper, store.warehouse, store.extinguishers, 16)
    assert "库存不足" in refused.value.message and "15" in refused.value.message
    assert on_hand(store.warehouse, store.extinguishers) == 15
    assert db.session.query(SupplyMovement).filter_by(type="issue").count() == 0
    with pytest.raises(Conflict):
        move(store.keeper, store.warehouse, "transfer", store.extinguishers, 20, to_point_id=str(store.vehicle))
    issue(store.keeper, store.warehouse, store.extinguishers, 15)
    assert on_hand(store.warehouse, store.extinguishers) == 0


def test_expired_items_are_not_handed_out_but_scrapped_first(store):
    receive(store.keeper, store.warehouse, store.kits, 3, expires_on="2026-12-01", batch_no="K-OLD")
    receive(store.keeper, store.warehouse, store.kits, 2, expires_on="2028-12-01", batch_no="K-NEW")
    clock.advance(days=10)  # 2026-12-03: K-OLD has expired
    with pytest.raises(Conflict) as refused:
        issue(store.keeper, store.warehouse, store.kits, 3)
    assert "已过期 3" in refused.value.message
    issue(store.keeper, store.warehouse, store.kits, 2)
    assert batch_quantities(store.warehouse, store.kits) == [("K-OLD", "2026-12-01", 3)]
    line = supply_stock.stock(db.session, point_id=store.warehouse)[0]
    assert (line.quantity, line.expired, line.usable) == (3, 3, 0)
    move(store.keeper, store.warehouse, "scrap", store.kits, 3, purpose="过期")
    assert on_hand(store.warehouse, store.kits) == 0


def test_a_receipt_needs_an_expiry_date_for_items_with_a_shelf_life(store):
    with pytest.raises(ValidationFailed) as refused:
        receive(store.keeper, store.warehouse, store.masks, 10)
    assert set(refused.value.fields) == {"expires_on"}
    receive(store.keeper, store.warehouse, store.masks, 10, produced_on="2026-03-15")  # 60 months from it
    assert batch_quantities(store.warehouse, store.masks) == [("", "2031-03-14", 10)]
    with pytest.raises(ValidationFailed) as refused:
        move(store.keeper, store.warehouse, "receipt", store.kits, "x", expires_on="2026-11-01",
             produced_on="2027-01-01")
    assert set(refused.value.fields) == {"quantity", "produced_on", "expires_on"}
    with pytest.raises(ValidationFailed) as refused:
        issue(store.keeper, store.warehouse, store.masks, 1, purpose="", incident_code="TF-2099-0001")
    assert set(refused.value.fields) == {"purpose", "incident_code"}
    assert supply_stock.months_later_less_a_day(clock.local_now().date().replace(month=1, day=31), 1).isoformat() \
        == "2026-02-27"


def test_an_issue_for_an_emergency_incident_names_it(store, people):
    from tests.emergency_support import receive as receive_call
    event_id = receive_call(people.inspector)
    receive(store.keeper, store.warehouse, store.extinguishers, 5)
    code = db.session.get(EmergencyEvent, event_id).code
    issue(store.keeper, store.warehouse, store.extinguishers, 2, incident_code=code.lower())
    sent = supply_stock.movements(db.session, event_id=event_id)
    assert [(m.kind.name, m.quantity) for m in sent] == [("手提式灭火器", 2)]


def test_only_the_keeper_or_a_project_lead_records_at_a_point(store, people):
    receive(store.keeper, store.warehouse, store.extinguishers, 5)
    with pytest.raises(NotAllowed):
        issue(store.other, store.warehouse, store.extinguishers, 1)  # keeps the vehicle, not the warehouse
    with pytest.raises(NotAllowed):
        issue(people.bureau, store.warehouse, store.extinguishers, 1)
    issue(store.lead, store.warehouse, store.extinguishers, 1)
    assert on_hand(store.warehouse, store.extinguishers) == 4


def test_two_issues_at_once_cannot_overdraw(app, store, monkeypatch):
    needs_two_sessions()
    receive(store.keeper, store.warehouse, store.masks, 10, expires_on="2028-01-01")
    meet_at(monkeypatch, supply_stock, "lock", before=True)  # both have checked their form, then race for the stock
    message = one_wins(app, ["liwei", "project_lead"], lambda uow, user: supply_stock.record(
        uow, user, store.warehouse, "issue", {"kind_id": str(store.masks), "quantity": "6", "purpose": "泄漏处置"}))
    assert "库存不足" in message and "可用 4" in message
    assert on_hand(store.warehouse, store.masks) == 4


def test_a_count_turns_each_difference_into_an_adjustment(store):
    receive(store.keeper, store.warehouse, store.masks, 10, expires_on="2027-01-10", batch_no="M-01")
    receive(store.keeper, store.warehouse, store.masks, 10, expires_on="2028-01-10", batch_no="M-02")
    receive(store.keeper, store.warehouse, store.extinguishers, 5)
    with pytest.raises(ValidationFailed) as refused:
        count(store.keeper, store.warehouse, {store.masks: 17, store.extinguishers: 6})
    assert set(refused.value.fields) == {"reason"}
    with pytest.raises(ValidationFailed) as refused:
        count(store.keeper, store.warehouse, {store.masks: -1, store.extinguishers: 6}, reason="x")
    assert set(refused.value.fields) == {f"counted_{store.masks}"}
    count_id = count(store.keeper, store.warehouse, {store.masks: 17, store.extinguishers: 6},
                     reason="3 套借出未登记；1 个灭火器为上次调入未入账")
    assert on_hand(store.warehouse, store.masks) == 17 and on_hand(store.warehouse, store.extinguishers) == 6
    assert batch_quantities(store.warehouse, store.masks) == [("M-01", "2027-01-10", 7), ("M-02", "2028-01-10", 10)]
    adjustments = db.session.query(SupplyMovement).filter_by(type="adjustment", count_id=count_id).all()
    assert sorted((m.kind.name, m.quantity, m.lines[0].delta < 0) for m in adjustments) == \
        [("手提式灭火器", 1, False), ("防毒面具", 3, True)]
    event = db.session.query(AuditEvent).filter_by(action="supply_counted").one()
    assert event.changes == {"防毒面具": [20, 17], "手提式灭火器": [5, 6]} and event.reason.startswith("3 套")
    count(store.keeper, store.warehouse, {store.masks: 17, store.extinguishers: 6})  # all as booked: no reason needed
    assert db.session.query(SupplyMovement).filter_by(type="adjustment").count() == 2


def test_points_below_their_minimum_are_listed_without_the_expired_items(store):
    from app.services import supplies
    receive(store.keeper, store.warehouse, store.kits, 4, expires_on="2026-12-01")
    receive(store.keeper, store.warehouse, store.kits, 2, expires_on="2028-12-01")
    with UnitOfWork() as uow:
        supplies.set_minimum(uow, store.lead, store.warehouse, {"kind_id": str(store.kits), "minimum": "5"})
        supplies.set_minimum(uow, store.lead, store.vehicle, {"kind_id": str(store.masks), "minimum": "20"})
        uow.commit()
    below = {(s.point.name, s.kind.name, s.usable) for s in supply_stock.below_minimum(db.session)}
    assert below == {("应急指挥车", "防毒面具", 0)}
    clock.advance(days=9)  # 4 kits expired: 2 usable < 5
    below = {(s.point.name, s.kind.name, s.usable) for s in supply_stock.below_minimum(db.session)}
    assert below == {("应急指挥车", "防毒面具", 0), ("安全物资仓库", "急救箱", 2)}
    with pytest.raises(NotAllowed):
        with UnitOfWork() as uow:
            supplies.set_minimum(uow, store.keeper, store.warehouse, {"kind_id": str(store.kits), "minimum": "1"})


def notify():
    with UnitOfWork() as uow:
        sent = supply_expiry.notify_due(uow)
        uow.commit()
    return sent


def test_the_keeper_and_the_project_leads_are_told_once_before_and_once_after_a_batch_expires(store):
    receive(store.keeper, store.warehouse, store.kits, 5, expires_on="2026-12-13", batch_no="K-1")  # in 20 days
    receive(store.keeper, store.warehouse, store.masks, 5, expires_on="2027-06-01")  # far off
    receive(store.keeper, store.warehouse, store.extinguishers, 1, expires_on="2026-11-30")
    issue(store.keeper, store.warehouse, store.extinguishers, 1)  # nothing left of it: nobody told
    assert notify() == 1
    assert notify() == 0
    notes = db.session.query(Notification).filter_by(kind="supply_expiring").all()
    assert sorted(n.user_id for n in notes) == sorted([store.keeper.id, store.lead.id])
    assert "急救箱" in notes[0].title and "2026-12-13" in notes[0].title
    clock.advance(days=21)
    assert notify() == 1 and notify() == 0
    assert db.session.query(Notification).filter_by(kind="supply_expired").count() == 2
    batch = db.session.query(SupplyBatch).filter_by(batch_no="K-1").one()
    assert batch.warned_at is not None and batch.expired_told_at is not None


def test_a_batch_first_seen_expired_gets_the_second_notice_only(store):
    receive(store.keeper, store.warehouse, store.kits, 5, expires_on="2026-11-25")
    clock.advance(days=5)
    assert notify() == 1 and notify() == 0
    kinds = [k for (k,) in db.session.query(Notification.kind)]
    assert set(kinds) == {"supply_expired"}
    clock.set(clock.now() + timedelta(days=1))
    assert notify() == 0
