"""Demo data of the expert pool and the equipment register (`make run`, services/demo.py): five experts in the seeds'
fields (the demo user `expert` is one of them), one dispatched to the flammables store's major hazard; eight
instruments — one gas detector due for calibration within the month, a sound level meter past its due date (the
scheduler's first run tells the project leads of both), a thermal imager out on loan to the inspector for that case,
a drone without calibration data."""
from datetime import timedelta

from ..clock import clock
from ..models import HazardCase
from . import equipment, equipment_loans, expert_matching, experts

EXPERTS = [  # name, organisation, title, domains, phone, certificate, linked demo user
    ("周建国", "省化工研究设计院", "正高级工程师", ["chemical", "safety_engineering", "fire"], "13903710001",
     "ZAQ-2019-0371-0021", "expert"),
    ("林晓梅", "市建筑安全监督站", "高级工程师", ["construction", "machinery"], "13903710002", "ZAQ-2020-0371-0108",
     None),
    ("陈立新", "县电力公司", "高级工程师", ["electrical", "special_equipment"], "13903710003", "", None),
    ("王海峰", "市消防救援支队", "工程师", ["fire", "safety_engineering"], "13903710004", "ZAQ-2021-0371-0230", None),
    ("赵国强", "河南理工大学", "教授", ["mining", "metallurgy", "dust_explosion"], "13903710005", "", None),
]
# kind, model, serial, asset, certificate, calibrated days ago, valid days from then (None: no data), keeper, place
INSTRUMENTS = [
    ("gas_detector", "MSA Altair 4XR 四合一气体检测仪", "4XR-21A0113", "SB-QT-001", "JZ2026-QT-0113", 200, 365, "张强",
     "项目部设备室"),
    ("gas_detector", "华瑞 PGM-2400 气体检测仪", "PGM-1907722", "SB-QT-002", "JZ2026-QT-0129", 345, 365, "张强",
     "项目部设备室"),
    ("thermal_imager", "FLIR E8-XT 红外热成像仪", "E8XT-639001", "SB-RX-001", "JZ2026-RX-0045", 60, 365, "李明",
     "项目部设备室"),
    ("earth_resistance_tester", "优利德 UT522 接地电阻测试仪", "UT522-C1188", "SB-JD-001", "JZ2026-JD-0031", 120, 365,
     "李明", "项目部设备室"),
    ("illuminance_meter", "希玛 AS803 照度计", "AS803-77120", "SB-ZD-001", "JZ2026-ZD-0012", 90, 365, "李明",
     "项目部设备室"),
    ("sound_level_meter", "爱华 AWA5688 声级计", "AWA-5688-3310", "SB-SJ-001", "JZ2025-SJ-0107", 380, 365, "王磊",
     "二号分队车辆"),
    ("dust_meter", "聚光 LD-5C 粉尘检测仪", "LD5C-90211", "SB-FC-001", "JZ2026-FC-0008", 30, 365, "王磊",
     "二号分队车辆"),
    ("drone", "大疆 Mavic 3T 行业版无人机", "1581F5FHD23", "SB-WRJ-001", "", None, None, "张强", "项目部设备室"),
]


def seed(uow, users):
    lead, inspector = users["project_lead"], users["inspector"]
    ids = {}
    for name, organisation, title, domains, phone, certificate, username in EXPERTS:
        row = experts.save(uow, lead, {"name": name, "organisation": organisation, "title": title, "domains": domains,
                                       "phone": phone, "certificate_no": certificate, "active": True,
                                       "user_id": users[username].id if username else None})
        ids[name] = row.id
    today = clock.local_now().date()
    instruments = {}
    for kind, model, serial, asset, certificate, ago, valid, keeper, place in INSTRUMENTS:
        calibrated = today - timedelta(days=ago) if ago is not None else None
        row = equipment.save(uow, lead, {
            "kind": kind, "model": model, "serial_no": serial, "asset_no": asset, "certificate_no": certificate,
            "calibrated_on": calibrated, "calibration_due": calibrated + timedelta(days=valid) if calibrated else None,
            "status": "in_service", "keeper": keeper, "location": place})
        instruments[asset] = row.id
    store = uow.session.query(HazardCase).filter_by(grade="major").order_by(HazardCase.id).first()
    if store is not None:
        expert_matching.dispatch(uow, users["bureau"], store.id, ids["周建国"],
                                 "甲类仓库易燃液体超量储存，需危险化学品专家现场研判治理方案并参加联合验收")
        equipment_loans.lend(uow, lead, instruments["SB-RX-001"], {
            "borrower_id": inspector.id, "purpose": "甲类仓库电气线路红外测温", "case_code": store.code,
            "expected_return": (today + timedelta(days=3)).isoformat()})
