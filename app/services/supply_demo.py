"""Demo data of the emergency supplies stock (`make run`, services/demo.py): the seed's 资源调配表 (000 lines 815-820)
on two storage points — the park's 安全物资仓库 kept by the inspector, the 应急指挥车 kept by the project team — with
the kinds it names; two masks issued to the demo's closed incident, which leaves the warehouse below its minimum of
20; a batch of first-aid kits on the vehicle expiring in 20 days (the scheduler's first run tells its keeper and the
project leads)."""
from datetime import timedelta

from ..clock import clock
from ..models import EmergencyEvent
from . import supplies, supply_stock

KINDS = [  # name, category, unit, shelf life in months
    ("卫星电话", "communication", "台", None), ("防毒面具", "protection", "套", 60),
    ("手提式灭火器", "firefighting", "个", None), ("急救箱", "first_aid", "个", 24),
    ("警戒带", "cordon", "卷", None), ("应急照明灯", "lighting", "台", None),
]


def seed(uow, users):
    lead, team, inspector = users["project_lead"], users["project_team"], users["inspector"]
    today = clock.local_now().date()
    kinds = {name: supplies.save_kind(uow, lead, {"name": name, "category": category, "unit": unit,
                                                  "shelf_life_months": months or "", "active": True}).id
             for name, category, unit, months in KINDS}
    warehouse = supplies.save_point(uow, lead, {"name": "安全物资仓库", "place": "化工园区管委会一楼东侧",
                                                "keeper_id": str(inspector.id), "phone": "0373-5550120",
                                                "active": True}).id
    vehicle = supplies.save_point(uow, lead, {"name": "应急指挥车", "place": "项目部停车场（豫G·A1234）",
                                              "keeper_id": str(team.id), "phone": "0373-5550119", "active": True}).id

    def receive(user, point_id, name, quantity, **form):
        supply_stock.record(uow, user, point_id, "receipt", {"kind_id": str(kinds[name]), "quantity": str(quantity),
                                                             "purpose": "项目采购", **form})
    receive(inspector, warehouse, "防毒面具", 20, batch_no="FM-2025-11", produced_on=(today - timedelta(days=365))
            .isoformat())
    receive(inspector, warehouse, "手提式灭火器", 15)
    receive(inspector, warehouse, "警戒带", 30)
    receive(inspector, warehouse, "应急照明灯", 8)
    receive(team, vehicle, "卫星电话", 3)
    receive(team, vehicle, "急救箱", 3, batch_no="JJ-2024-12", expires_on=(today + timedelta(days=20)).isoformat())
    receive(team, vehicle, "急救箱", 2, batch_no="JJ-2026-10", expires_on=(today + timedelta(days=700)).isoformat())
    for point_id, name, minimum in ((warehouse, "防毒面具", 20), (warehouse, "手提式灭火器", 10), (vehicle, "急救箱", 5)):
        supplies.set_minimum(uow, lead, point_id, {"kind_id": str(kinds[name]), "minimum": str(minimum)})
    incident = uow.session.query(EmergencyEvent).order_by(EmergencyEvent.id.desc()).first()
    supply_stock.record(uow, inspector, warehouse, "issue", {
        "kind_id": str(kinds["防毒面具"]), "quantity": "2", "purpose": "液氨泄漏处置，现场人员佩戴",
        "incident_code": incident.code if incident else ""})
