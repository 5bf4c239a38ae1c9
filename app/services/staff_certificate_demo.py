"""Demo data of the staff certificates (`make run`, services/demo.py): the project lead a registered safety engineer,
the technical lead a safety assessor without an end date, the inspector's electrician certificate running out within
the month (the scheduler's first run tells him and the project lead), the supervisor's safety manager certificate
run out last month; the project team, the quality supervisor and the second inspector (王排查, services/dispatch_demo.py)
have none recorded — so the certification rate on the training targets page reads 3 of 7."""
from datetime import timedelta

from ..clock import clock
from . import staff_certificates

# demo user, kind, title, number, issuer, valid from (days from today), valid to (days from today; None: no end)
CERTIFICATES = [
    ("project_lead", "safety_engineer", "", "0037112019000123", "应急管理部", -900, 925),
    ("technical_lead", "safety_assessor", "二级安全评价师", "1504000000200366", "人力资源和社会保障部", -2000, None),
    ("inspector", "special_operation", "电工作业（低压电工）", "T410102199001012345", "省应急管理厅", -2170, 20),
    ("supervision", "safety_manager", "", "AQ-2023-0371-0088", "市应急管理局", -1125, -30),
]


def seed(uow, users):
    today = clock.local_now().date()
    keeper = users["admin"]
    for username, kind, title, number, issuer, start, end in CERTIFICATES:
        form = {"kind": kind, "title": title, "number": number, "issuer": issuer,
                "valid_from": (today + timedelta(days=start)).isoformat(),
                "valid_to": (today + timedelta(days=end)).isoformat() if end is not None else ""}
        staff_certificates.save(uow, keeper, users[username].id, form)
