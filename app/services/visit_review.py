"""The review of an inspection visit's report before it reaches the enterprise (三级审核, seed 000: 现场小组初审、项目
负责人复审、技术总监终审，逐级把关…所有报告必须经过三轮校验后方可提交使用单位).

Levels (every visit, whatever its kind: the seed says all reports go through three rounds, so no two-level shortcut):
1. 初审 — the team's own check, done by its leader, the user who recorded the visit: they submit the report once the
   pre-submission check list (services/visit_checks.py) has no blocking item left; its warnings go with it.
2. 复审 — a project lead (project_lead) approves or returns it.
3. 终审 — a technical lead (technical_lead) approves or returns it; approval releases the report: the enterprise's
   staff see the visit from then on (before, it does not exist for them: 404) and are told its results wait for
   their confirmation (services/visit_reports.py, unchanged after that).
Nobody reviews their own work: the recorder takes no review level, and the 终审 is not given by whoever gave the
复审 of the same submission (403). A return needs a reason and sends the report back to the team (status
`returned`): it is corrected — the visit's text (edit), its checklist, hazards and files — and submitted again, through
both levels again. While the report is under review or released, its text and its checklist results are frozen (409).
Every step is a row of visit_review_step, audited with the status before → after, and tells the next level."""
from sqlalchemy import update

from ..clock import clock
from ..errors import Conflict, NotAllowed
from ..models import InspectionVisit, User, UserRole, VisitReviewStep
from . import audit, inspections, notifications, visit_checkins, visit_checks
from .field_rules import clean_text, raise_if
from .users import holders_of_role

SUBJECT = "inspection_visit"
MAX_REASON = 2000
# status -> (level, the role that acts at it, the status an approval leads to)
AWAITING = {"awaiting_second": (2, "project_lead", "awaiting_final"),
            "awaiting_final": (3, "technical_lead", "released")}
REVIEWERS = ("project_lead", "technical_lead")


# ---- who -----------------------------------------------------------------------------------------------------------
def may_submit(user, visit):
    return user.id == visit.created_by_id and inspections.report_editable(visit)


def may_edit(user, visit):
    return visit_checkins.may_check_in(user, visit) and inspections.report_editable(visit)


def may_decide(session, user, visit):
    """May the user approve or return the report at the level it waits for?"""
    level = AWAITING.get(visit.review_status)
    return level is not None and user.has_role(level[1]) and _refusal(session, user, visit) is None


def sees_review(user):
    """Everyone who sees visits but the enterprise's staff (who see released reports only)."""
    return bool(user.roles - {"enterprise"})


def _refusal(session, user, visit):
    if user.id == visit.created_by_id:
        return "不能审核自己登记的排查报告 / nobody reviews a report they recorded"
    if visit.review_status == "awaiting_final":
        second = _last_step(session, visit, level=2)
        if second is not None and second.actor_id == user.id:
            return "复审和终审应由不同人员完成 / the final review is not given by the second reviewer"
    return None


def _last_step(session, visit, level):
    return session.query(VisitReviewStep).filter_by(visit_id=visit.id, level=level) \
        .order_by(VisitReviewStep.id.desc()).first()


# ---- reading -------------------------------------------------------------------------------------------------------
def steps(session, visit):
    return session.query(VisitReviewStep).filter_by(visit_id=visit.id) \
        .order_by(VisitReviewStep.acted_at, VisitReviewStep.id).all()


def last_return(session, visit):
    if visit.review_status != "returned":
        return None
    return session.query(VisitReviewStep).filter_by(visit_id=visit.id, decision="returned") \
        .order_by(VisitReviewStep.id.desc()).first()


# ---- acting --------------------------------------------------------------------------------------------------------
def submit(uow, actor, visit_id):
    """初审: the recorder submits the report for 复审; Conflict when a blocking check is open or it is not a draft."""
    session = uow.session
    visit = inspections.get_visible_visit(session, actor, visit_id)
    if actor.id != visit.created_by_id:
        raise NotAllowed("排查报告由登记该排查的组长提交 / the report is submitted by the team leader who recorded "
                         "the visit")
    if not inspections.report_editable(visit):
        raise Conflict("报告已在审核中或已终审 / the report is under review or approved already")
    checks = visit_checks.for_visit(session, visit)
    open_ = visit_checks.blocking(checks)
    if open_:
        raise Conflict("提交前请先处理阻断项：" + "；".join(c.message.split(" / ")[0] for c in open_)
                       + " / put the blocking items right before submitting: "
                       + "; ".join(c.message.split(" / ")[-1] for c in open_))
    warnings = [c.as_json() for c in checks]
    _move(uow, actor, visit, visit.review_status, "awaiting_second", 1, "submitted", "", warnings)
    notifications.send(uow, _others(session, "project_lead", actor), "visit_report_submitted",
                       "排查报告待复审", _about(visit), f"visit:{visit.id}:review:{_round(session, visit)}:2")
    return visit


def approve(uow, actor, visit_id, remark=""):
    """Approve at the level the report waits for (复审 or 终审); 终审 releases it to the enterprise."""
    visit, level, role, after = _for_decision(uow.session, actor, visit_id)
    errors = {}
    remark = clean_text(remark, MAX_REASON, "remark", errors)
    raise_if(errors)
    _move(uow, actor, visit, visit.review_status, after, level, "approved", remark)
    session = uow.session
    if after == "awaiting_final":
        notifications.send(uow, _others(session, "technical_lead", actor), "visit_report_reviewed",
                           "排查报告待终审", _about(visit), f"visit:{visit.id}:review:{_round(session, visit)}:3")
        return visit
    # Released: the enterprise is told the results wait for its confirmation (services/visit_reports.py).
    notifications.send(uow, holders_of_role(session, "enterprise", visit.enterprise_id), "inspection_recorded",
                       "排查结果待确认", f"{visit.visited_on.isoformat()} {visit.inspectors}：{visit.scope[:150]}",
                       f"visit:{visit.id}:recorded")
    notifications.send(uow, [visit.created_by], "visit_report_released", "排查报告已终审，已送达企业",
                       _about(visit), f"visit:{visit.id}:released")
    return visit


def return_(uow, actor, visit_id, reason):
    """Return the report to the team with a reason (required), at 复审 or 终审."""
    visit, level, _role, _after = _for_decision(uow.session, actor, visit_id)
    errors = {}
    reason = clean_text(reason, MAX_REASON, "reason", errors)
    if not reason and "reason" not in errors:
        errors["reason"] = "请写明退回原因 / give the reason for returning it"
    raise_if(errors)
    _move(uow, actor, visit, visit.review_status, "returned", level, "returned", reason)
    team = [visit.created_by] + [u for u in _team_users(uow.session, visit) if u.id != visit.created_by_id]
    notifications.send(uow, team, "visit_report_returned", "排查报告被退回",
                       f"{_about(visit)}；退回原因：{reason[:200]}",
                       f"visit:{visit.id}:returned:{_round(uow.session, visit)}")
    return visit


def edit(uow, actor, visit_id, inspectors, scope, findings):
    """Correct the report's text (排查人员, 检查内容, 发现问题及整改建议) while it is a draft or returned; team members."""
    visit = inspections.get_visible_visit(uow.session, actor, visit_id)
    if not visit_checkins.may_check_in(actor, visit):
        raise NotAllowed("只有本次排查的人员可以修改排查记录 / only the visit's team corrects it")
    if not inspections.report_editable(visit):
        raise Conflict("报告已在审核中或已终审，不能修改 / the report is under review or approved: it cannot change")
    values = inspections.clean_report_text(inspectors, scope, findings)
    changes = {k: [getattr(visit, k), v] for k, v in values.items() if getattr(visit, k) != v}
    if changes:
        for name, (_before, after) in changes.items():
            setattr(visit, name, after)
        uow.session.flush()
        audit.record(uow, None, actor, "inspection_updated", changes=changes, details=_details(visit),
                     subject=(SUBJECT, visit.id))
    return visit


def _for_decision(session, actor, visit_id):
    visit = inspections.get_visible_visit(session, actor, visit_id)
    if not actor.has_role(*REVIEWERS):
        raise NotAllowed("复审由项目负责人、终审由技术负责人完成 / project leads give the second review, technical "
                         "leads the final one")
    level = AWAITING.get(visit.review_status)
    if level is None:
        raise Conflict("该报告不在待审核状态 / the report is not waiting for a review")
    if not actor.has_role(level[1]):
        raise NotAllowed("复审由项目负责人完成，终审由技术负责人完成 / project leads give the second review, technical "
                         "leads the final one")
    refusal = _refusal(session, actor, visit)
    if refusal:
        raise NotAllowed(refusal)
    return (visit,) + level


def _move(uow, actor, visit, before, after, level, decision, reason, checks=None):
    """Compare-and-set the status (of two acting at once, one wins, the other is told), then the step and audit."""
    now = clock.now()
    values = {"review_status": after}
    if after == "released":
        values["released_at"] = now
    done = uow.session.execute(update(InspectionVisit).where(InspectionVisit.id == visit.id,
                                                             InspectionVisit.review_status == before)
                               .values(**values).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("报告状态刚被他人改变，请刷新后重试 / the report was just acted on by someone else: reload")
    uow.session.refresh(visit)
    uow.session.add(VisitReviewStep(visit_id=visit.id, level=level, decision=decision, reason=reason or "",
                                    checks=checks, actor_id=actor.id, acted_at=now))
    uow.session.flush()
    action = {"submitted": "visit_report_submitted", "returned": "visit_report_returned"}.get(decision) or \
        ("visit_report_released" if after == "released" else "visit_report_reviewed")
    details = {**_details(visit), "level": level}
    if checks:
        details["warnings"] = [c["code"] for c in checks]
    audit.record(uow, None, actor, action, changes={"review_status": [before, after]}, details=details,
                 reason=reason or "", subject=(SUBJECT, visit.id))


def _details(visit):
    return {"visit_id": visit.id, "enterprise_id": visit.enterprise_id, "name": visit.enterprise.name}


def _about(visit):
    return f"{visit.enterprise.name} {visit.visited_on.isoformat()}（{visit.inspectors}）"


def _round(session, visit):
    """How many times the report was submitted: each submission's notices are news again."""
    return session.query(VisitReviewStep).filter_by(visit_id=visit.id, decision="submitted").count()


def _others(session, role, actor):
    return [u for u in holders_of_role(session, role) if u.id != actor.id]


def _team_users(session, visit):
    names = visit_checkins.team_names(visit)
    if not names:
        return []
    return session.query(User).join(UserRole).filter(User.display_name.in_(names), User.active.is_(True),
                                                     UserRole.role.in_(inspections.RECORDERS)).distinct().all()
