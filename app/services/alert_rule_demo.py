"""Demo alert rules: the seed's example (高风险企业的隐患整改周期超过 7 天即触发系统提醒, seed 000 line 630) and a
recurrence rule, evaluated once so that the alerts page shows what they match in the demo's cases.

高风险 is the risk tag 两重点一重大 (重点监管危险化工工艺、重点监管危险化学品、重大危险源: the register's tag for exactly
the enterprises the tender names as high risk; hazard_source_demo.py gives it to the chemical plant)."""
from ..clock import clock
from ..models import AlertRule
from . import alerts

RULES = (
    {"name": "高风险企业整改周期超过 7 天", "kind": "rectifying_days", "n": 7, "m": None,
     "tags": ["two_key_one_major"], "roles": ["bureau", "project_lead", "township"], "channels": ["sms", "email"]},
    {"name": "同类隐患 180 天内重复出现", "kind": "recurrence", "n": None, "m": 180, "tags": [],
     "roles": ["bureau", "project_lead"], "channels": []},
)


def seed(uow):
    for values in RULES:
        uow.session.add(AlertRule(enabled=True, townships=[], industries=[], scales=[], region_levels=[], grades=[],
                                  version=1, updated_at=clock.now(), updated_by_id=None, **values))
    uow.session.flush()
    return alerts.evaluate_all(uow)
