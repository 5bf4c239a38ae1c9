"""Demo data of platform data entry (`make run`, services/demo_features.py): the chemical plant's basic information
entered on the provincial platform by the project team and checked by the project lead, its hazard ledger entered and
awaiting the check, its risk map still to enter; on the city platform its basic information entered; the machinery
works' basic information entered on the provincial platform. Everything else stays 未录入."""
from datetime import timedelta

from ..clock import clock
from . import platform_entries

PROVINCE, CITY = "hebei_internet_plus", "qinhuangdao_smart"


def seed(uow, users, enterprises):
    """`enterprises`: the demo enterprises with cases first (the chemical plant, the machinery works, ...)."""
    team, lead = users["project_team"], users["project_lead"]
    chemical, machinery = enterprises[0], enterprises[1]
    saved, now = clock._fixed, clock.now()
    try:
        clock.set(now - timedelta(days=3))
        platform_entries.record(uow, team, chemical.id, PROVINCE, "basic_info", "entered",
                                note="按营业执照和安全生产许可证信息录入")
        platform_entries.record(uow, team, chemical.id, CITY, "basic_info", "entered")
        platform_entries.record(uow, team, machinery.id, PROVINCE, "basic_info", "entered")
        clock.set(now - timedelta(days=1))
        platform_entries.record(uow, lead, chemical.id, PROVINCE, "basic_info", "checked", note="与平台页面逐项核对无误")
        platform_entries.record(uow, team, chemical.id, PROVINCE, "hazard_ledger", "entered",
                                note="录入截至上月底的隐患 3 条")
    finally:
        clock._fixed = saved
