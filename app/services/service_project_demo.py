"""Demo data of service projects (`make run`, services/demo.py): each enterprise's scale, and one current project —
its period around today, the 85 % target — with every demo enterprise on its roster, so the project page shows the
visits already made against the roster and those still to come."""
from datetime import timedelta

from ..clock import clock
from . import service_projects

# The three enterprises with cases, then the six smaller firms, in services/demo.py's order.
SCALES = ["above", "below", "above", "below", "micro", "micro", "below", "below", "micro"]


def seed(uow, lead, enterprises):
    """`enterprises`: every demo enterprise, in the order they were made."""
    for company, scale in zip(enterprises, SCALES):
        company.scale = scale
    today = clock.local_now().date()
    project = service_projects.create(uow, lead, {
        "name": f"{today.year}年安全生产社会化服务", "contract_no": f"AQFW-{today.year}-001",
        "start_on": today - timedelta(days=60), "end_on": today + timedelta(days=30), "target_percent": 85})
    service_projects.add_to_roster(uow, lead, project.id, [c.id for c in enterprises])
    return project
