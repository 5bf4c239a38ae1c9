"""Major hazard sources and risk tags in the demo data (`flask seed-demo`, services/demo.py): the register's
enterprises get their risk tags (the chemical plant 两重点一重大 / 危险化学品 / 有限空间; the machinery works 粉尘涉爆 /
特种设备; the food plant 涉氨制冷 / 有限空间), and two of them their sources: the chemical plant's 甲类仓库 reviewed,
its assessment falling due in about six weeks (the scheduler's first run tells the plant), linked to the tank-farm gas
detector, and a solvent tank farm entered by the inspector, not yet filed and awaiting review; the food plant's ammonia
tank, its assessment lapsed and its ammonia detector's alarm still open (so the county list's filters all show
something)."""
from datetime import timedelta

from ..models import IotDevice
from . import hazard_sources, user_admin

TAGS = {0: ["two_key_one_major", "hazardous_chemicals", "confined_space"],
        1: ["combustible_dust", "special_equipment"],
        2: ["ammonia_refrigeration", "confined_space"]}
PEOPLE = {"principal_name": "陈总经理", "principal_phone": "13903730001", "technical_name": "周总工",
          "technical_phone": "13903730002", "operator_name": "吴班长", "operator_phone": "13903730003"}


def seed(uow, users, enterprises, today):
    for index, tags in TAGS.items():
        user_admin.update_enterprise(uow, users["admin"], enterprises[index].id, tags=tags)
    chemical, food = enterprises[0], enterprises[2]
    assessed = today + timedelta(days=45) - timedelta(days=3 * 365)  # due again in about six weeks
    warehouse = hazard_sources.create(uow, users["enterprise"], chemical.id, dict(
        PEOPLE, name="甲类仓库", unit="甲类仓库（溶剂、涂料成品）", level="3", filing_number="410782-WHY-2023-0031",
        filed_on=(assessed + timedelta(days=12)).isoformat(), assessed_on=assessed.isoformat(),
        distance_checked="1", distance_note="距厂外居民区 520 m，符合 GB 36894-2018 外部安全防护距离",
        substances=[{"name": "甲苯", "quantity": "320", "critical_quantity": "500"},
                    {"name": "乙酸乙酯", "quantity": "260", "critical_quantity": "500"},
                    {"name": "甲醇", "quantity": "180", "critical_quantity": "500"}],
        device_ids=_devices(uow, "GD-HD-001")))
    hazard_sources.review(uow, users["project_team"], chemical.id, warehouse.id, "reviewed", "与备案回执一致")
    hazard_sources.create(uow, users["inspector"], chemical.id, dict(
        PEOPLE, name="溶剂储罐区", unit="罐区 T101–T104", level="4", filing_number="", filed_on="",
        assessed_on=(today - timedelta(days=40)).isoformat(), distance_checked="0",
        note="2026 年新建，评估报告已出，尚未向县应急管理局备案",
        substances=[{"name": "丙酮", "quantity": "190", "critical_quantity": "500"},
                    {"name": "二甲苯", "quantity": "210", "critical_quantity": "5000"}]))
    lapsed = today - timedelta(days=3 * 365 + 30)  # its assessment lapsed a month ago
    tank = hazard_sources.create(uow, users["enterprise3"], food.id, dict(
        name="液氨储罐", unit="制冷机房贮氨器", level="3", filing_number="410782-WHY-2022-0107",
        filed_on=(lapsed + timedelta(days=20)).isoformat(), assessed_on=lapsed.isoformat(), distance_checked="1",
        principal_name="王主任", principal_phone="13903730011", technical_name="钱工",
        technical_phone="13903730012", operator_name="孙师傅", operator_phone="13903730013",
        substances=[{"name": "液氨", "quantity": "18", "critical_quantity": "10"}],
        device_ids=_devices(uow, "GD-LY-001")))
    hazard_sources.review(uow, users["inspector"], food.id, tank.id, "reviewed")


def _devices(uow, code):
    return [str(i) for (i,) in uow.session.query(IotDevice.id).filter(IotDevice.code == code)]
