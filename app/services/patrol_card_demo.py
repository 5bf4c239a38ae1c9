"""Demo data of the key parts' tags and patrol cards (`make run`, services/demo_features.py): the chemical plant tagged
its switch room (linked to the register's 变配电室 point), its hazardous chemicals store and its boiler room a month
ago; at its latest visit the inspector filled the three cards — the boiler room's safety valve past its calibration
(异常, not yet registered: the card's page offers 登记隐患) — and the plant's staff filled yesterday's daily patrol of
the store."""
from datetime import datetime, time, timedelta

from ..clock import SHANGHAI, clock
from ..models import InspectionVisit, RiskPoint
from . import key_parts, patrol_cards

PARTS = [
    {"name": "1号变配电室", "kind": "switch_room", "location": "综合楼一层东侧", "responsible_name": "赵电工",
     "responsible_phone": "13903190101", "risk_point": "变配电室"},
    {"name": "甲类危化品库", "kind": "chemical_store", "location": "厂区北侧仓储区 A 库", "responsible_name": "钱库管",
     "responsible_phone": "13903190102"},
    {"name": "燃气锅炉房", "kind": "boiler_room", "location": "动力车间西侧", "responsible_name": "孙司炉",
     "responsible_phone": "13903190103"},
]
# Each part's card at the visit: {item position: note} of the 异常 items (the others 正常).
ABNORMAL = {"燃气锅炉房": {2: "1号锅炉安全阀校验标签显示已于上月到期，未见新的校验报告"}}


def seed(uow, users):
    staff, inspector = users["enterprise"], users["inspector"]
    enterprise_id = staff.enterprise_id
    visit = uow.session.query(InspectionVisit).filter_by(enterprise_id=enterprise_id) \
        .order_by(InspectionVisit.visited_on.desc(), InspectionVisit.id.desc()).first()
    saved, today = clock._fixed, clock.local_now().date()
    try:
        clock.set(clock.now() - timedelta(days=40))
        parts = [_tag(uow, staff, enterprise_id, values) for values in PARTS]
        if visit is not None:
            _cards_at(uow, inspector, visit, parts)
        _daily(uow, staff, parts[1], today - timedelta(days=1))
    finally:
        clock._fixed = saved
    return parts


def _tag(uow, staff, enterprise_id, values):
    values = dict(values)
    point_name = values.pop("risk_point", None)
    point = uow.session.query(RiskPoint).filter_by(enterprise_id=enterprise_id, name=point_name).first() \
        if point_name else None
    return key_parts.create(uow, staff, enterprise_id, {**values, "risk_point_id": point.id if point else None})


def _cards_at(uow, inspector, visit, parts):
    """The inspector's cards at `visit`, on its day from the time it began. The demo's visits are released by then (visit_review_demo), so
    the visit is opened again for the cards' moment only, as if they had been filled before the report was
    submitted."""
    status = visit.review_status
    visit.review_status = "draft"
    try:
        begun = datetime.combine(visit.visited_on, visit.visit_time or time(10, 0), SHANGHAI)  # a night check's hour
        for index, part in enumerate(parts):
            clock.set(begun + timedelta(minutes=20 + 15 * index))
            notes = ABNORMAL.get(part.name, {})
            entries = [{"position": n, "result": "abnormal" if n in notes else "normal", "note": notes.get(n, "")}
                       for n in range(1, len(part.check_items) + 1)]
            patrol_cards.fill(uow, inspector, part.id, entries, visit_id=visit.id, scanned=True)
    finally:
        visit.review_status = status
        uow.session.flush()


def _daily(uow, staff, part, day):
    clock.set(datetime.combine(day, time(16, 30), SHANGHAI))
    entries = [{"position": n, "result": "normal", "note": ""} for n in range(1, len(part.check_items) + 1)]
    patrol_cards.fill(uow, staff, part.id, entries, note="交班前日常巡检")
