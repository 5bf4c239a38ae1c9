"""Demo data of return visits (`make run`, services/demo.py): the machinery works flagged as a key enterprise by the
project lead, last quarter's return visits to the demo enterprises with their summary report submitted to the bureau,
and this quarter's phone return visit to the chemical plant — so the due list shows who is still waiting."""
from datetime import timedelta

from ..clock import clock
from . import key_enterprises, return_visit_reports, return_visits
from .training_targets import Quarter

SAFE = {"responsibility": "yes", "self_inspection": "yes", "ledger": "yes", "training": "yes", "emergency": "yes"}


def seed(uow, users, enterprises):
    """`users`: the demo users by username; `enterprises`: the three demo enterprises with cases first."""
    lead, team, inspector = users["project_lead"], users["project_team"], users["inspector"]
    chemical, machinery, food = enterprises[:3]
    key_enterprises.mark(uow, lead, machinery.id, "起重作业多、上季度整改反复，列为回访重点")
    today = clock.local_now().date()
    this = Quarter.of(today)
    last = Quarter(this.year - 1, 4) if this.number == 1 else Quarter(this.year, this.number - 1)
    _visit(uow, team, chemical, last.start + timedelta(days=20), "onsite", (5, 4, 5),
           opinions="希望复查前提前一天电话告知，便于安排陪同人员。", problems="动火作业票审批流程不熟悉",
           action="下次回访时带去作业票填写范例并现场讲解")
    _visit(uow, inspector, food, last.start + timedelta(days=45), "phone", (4, 4, 3),
           opinions="整改通知书的要求写得再具体些更好。", checks={**SAFE, "emergency": "no"})
    _visit(uow, team, machinery, last.start + timedelta(days=50), "online", (3, 4, 4),
           opinions="线上回访方便，建议保留。")
    report = return_visit_reports.create(uow, lead, last.code)
    return_visit_reports.update(uow, lead, report.id, "上季度对重点企业开展回访 3 次，各企业整改成效总体保持；液氨制冷企业"
                                "应急演练未按计划开展，已列入下季度回访重点。下一步：对未回访企业电话回访全覆盖。")
    return_visit_reports.submit(uow, lead, report.id)
    _visit(uow, inspector, chemical, today - timedelta(days=1), "phone", (5, 5, 4),
           opinions="服务响应很及时。")


def _visit(uow, user, company, day, way, scores, opinions="", problems="", action="", checks=None):
    cases = return_visits.recent_closed_cases(uow.session, company.id, day)
    findings = {c.id: ("held", "整改措施保持良好") for c in cases[:2]}
    values = {"enterprise_id": company.id, "way": way, "visited_on": day.isoformat(),
              "contact_person": company.contact_person or "安全负责人", "contact_phone": company.contact_phone or "",
              "visitor_id": user.id, "safety_status": "安全管理制度健全，隐患台账按月更新。", "opinions": opinions,
              "problems": problems, "follow_up_action": action}
    scores = dict(zip(("response_speed", "service_quality", "communication"), map(str, scores)))
    return return_visits.create(uow, user, values, findings, checks or SAFE, scores)
