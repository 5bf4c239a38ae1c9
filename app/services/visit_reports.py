"""An inspection visit's report (排查报告) and the enterprise's confirmation of its results (排查结果经企业负责人签字
确认, the tender's words; done online here, 在线签收).

When a visit is recorded its enterprise's staff are told the results wait for them (services/inspections.record); one of them confirms once,
with remarks if they disagree (企业意见), and the inspector who recorded it is told. The report — the visit, the
checklist's nonconforming items, the hazards registered from it with their grades and deadlines, the findings and
the confirmation (or lines to sign on paper) — is what the inspection team leaves with the enterprise."""
from dataclasses import dataclass

from sqlalchemy import update

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import InspectionVisit
from . import audit, checklist_results, inspections, joint_plans, notifications, visit_checkins, visit_files
from .field_rules import clean_text, raise_if

MAX_REMARKS = 2000


@dataclass
class VisitReport:
    visit: InspectionVisit
    cases: list  # HazardCase, by code
    checklist: object  # checklist_results.VisitChecklist
    nonconforming: list  # checklist_results.Row with a nonconform result
    checkins: list = ()  # visit_checkins.CheckinView, first arrival first
    files: list = ()  # Attachment on the visit (现场资料)
    units: list = ()  # (name, participants) of the joint plan it was recorded from (联合检查)


def may_acknowledge(user, visit):
    return "enterprise" in user.roles and user.enterprise_id == visit.enterprise_id and visit.acknowledged_at is None


def report(session, user, visit_id):
    """What the visit's report shows, for someone who may see the visit (NotFound otherwise)."""
    visit = inspections.get_visible_visit(session, user, visit_id)
    sheet = checklist_results.visit_checklist(session, visit)
    nonconforming = [row for row in sheet.rows if row.result is not None and row.result.result == "nonconform"]
    return VisitReport(visit, inspections.hazards_of_visit(session, visit), sheet, nonconforming,
                       visit_checkins.for_visit(session, visit), visit_files.for_visit(session, visit.id),
                       [(joint_plans.unit_name(u), line) for u, line in joint_plans.units_of_visit(session, visit.id)])


def acknowledge(uow, user, visit_id, remarks=""):
    """The enterprise confirms the visit's results, once; a second confirmation (or two at once) is a Conflict."""
    session = uow.session
    visit = inspections.get_visible_visit(session, user, visit_id)  # another enterprise's staff: 404
    if not ("enterprise" in user.roles and user.enterprise_id == visit.enterprise_id):
        raise NotAllowed("只有被排查企业的人员可以确认排查结果 / only the visited enterprise's staff confirm the results")
    errors = {}
    text = clean_text(remarks, MAX_REMARKS, "enterprise_remarks", errors)
    raise_if(errors)
    now = clock.now()
    # Compare-and-set: of two confirming at once, one wins and the other is told.
    done = session.execute(update(InspectionVisit).where(InspectionVisit.id == visit.id,
                                                         InspectionVisit.acknowledged_at.is_(None))
                           .values(acknowledged_at=now, acknowledged_by_id=user.id, enterprise_remarks=text)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("排查结果已经确认过 / the results were already confirmed")
    session.refresh(visit)
    audit.record(uow, None, user, "inspection_acknowledged", changes={"enterprise_remarks": [None, text]},
                 details={"visit_id": visit.id, "enterprise_id": visit.enterprise_id, "name": visit.enterprise.name})
    body = f"{visit.enterprise.name} {visit.visited_on.isoformat()}" + (f"；企业意见：{text[:200]}" if text else "")
    notifications.send(uow, [visit.created_by], "inspection_acknowledged", "排查结果已由企业确认", body,
                       f"visit:{visit.id}:acknowledged")
    return visit

