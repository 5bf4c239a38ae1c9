"""Grading a case again while it is rectified (重新定级, the tender's "针对整改过程中出现新情况或突发变化的隐患，启动快速
响应机制，重新调整等级并变更处置方案").

The review panel's new score (and whether a legal major-hazard criterion is now met) goes to the case's process as
the message `regrade`: the diagram's interrupting boundary event on the rectification ends the running round, grades
the hazard again through the same decision table (bpmn/hazard_grading.dmn), reports a hazard that became major or
worse to the bureau (and asks for a stop-work order when especially major), and starts a new rectification period
at once — the new grade's default or the reviewer's number of working days. The round count is not changed: the
enterprise did not fail a verification. At assignment the project lead reviews the grade in the assignment form
instead (the same path of the diagram). Whatever the enterprise had saved as a draft of the interrupted task is
carried to the new one. Everything is in the case's history; the enterprise and the project leads are told."""
from ..engine import NotWaitingError
from ..errors import Conflict, NotAllowed
from ..clock import SHANGHAI
from ..models import GRADES, HumanTask
from . import audit, case_store, notifications
from .access import get_visible_case
from .field_rules import clean_text, raise_if
from .users import holders_of_role

REGRADERS = ("project_lead", "bureau")
MAX_REASON = 2000
MAX_DAYS = 90


def may_regrade(user, case=None):
    return user.has_role(*REGRADERS) and (case is None or case.status == "rectifying")


def regrade(uow, actor, case_id, score, legal_major, reason, deadline_days=None):
    """Send the case's rectification the review's result; ValidationFailed names each wrong field, Conflict says
    why the case cannot be graded again now."""
    session = uow.session
    case = get_visible_case(session, actor, case_id)  # another enterprise's case: 404 before 403
    if not may_regrade(actor):
        raise NotAllowed("只有项目负责人或应急管理局可以重新定级 / only project leads and the bureau grade a case again")
    values = _checked(score, legal_major, reason, deadline_days)
    if case.status == "assigning":
        raise Conflict("指派前的复核定级在整改指派表中填写 / before assignment the grade is reviewed in the assignment form")
    if case.status != "rectifying":
        raise Conflict("只有整改中的隐患可以重新定级 / only a case under rectification can be graded again")
    draft = _rectification_draft(session, case.id)
    loaded = case_store.load(uow, case)
    before = {"grade": case.grade, "score": case.score, "legal_major": case.legal_major,
              "rectification_due": case.rectification_due}

    def send():
        try:
            loaded.runtime.send_message("regrade", values)
        except NotWaitingError as exc:
            raise Conflict("该案件的流程版本不支持整改中重新定级 / this case's process version cannot grade a case "
                           "again during rectification") from exc
    case_store.run(case, send)
    case_store.save(uow, loaded, actor, audit_rows=[audit.entry(
        case.id, actor, "case_regraded", reason=values["review_reason"],
        changes={"score": [before["score"], values["review_score"]],
                 "legal_major": [before["legal_major"], values["review_legal_major"]]},
        details={"deadline_days": values["deadline_days"]})])
    if draft is not None:
        _carry_draft(session, case.id, draft)
    _tell(uow, case, before)
    return case


def _checked(score, legal_major, reason, deadline_days):
    errors = {}
    if not _is_int(score) or not 0 <= score <= 100:
        errors["review_score"] = "复核评分为 0–100 的整数 / the score is a whole number from 0 to 100"
    if not isinstance(legal_major, bool):
        errors["review_legal_major"] = "请选择是否符合法定重大隐患判定标准 / say whether a legal criterion is met"
    text = clean_text(reason, MAX_REASON, "review_reason", errors)
    if not text and "review_reason" not in errors:
        errors["review_reason"] = "请说明重新定级的依据 / say why the grade changes"
    if deadline_days is not None and (not _is_int(deadline_days) or not 1 <= deadline_days <= MAX_DAYS):
        errors["deadline_days"] = f"整改期限为 1–{MAX_DAYS} 个工作日 / 1 to {MAX_DAYS} working days"
    raise_if(errors)
    return {"review_score": score, "review_legal_major": legal_major, "review_reason": text,
            "deadline_days": deadline_days}


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _rectification_draft(session, case_id):
    task = session.query(HumanTask).filter_by(case_id=case_id, form_key="rectification").first()
    return (task.draft, task.draft_saved_at, task.draft_saved_by_id) if task is not None and task.draft else None


def _carry_draft(session, case_id, draft):
    task = session.query(HumanTask).filter_by(case_id=case_id, form_key="rectification").first()
    if task is not None:
        task.draft, task.draft_saved_at, task.draft_saved_by_id = draft


def _tell(uow, case, before):
    """The enterprise has a new deadline to meet; the leads see the case change grade. (A hazard that became
    major is reported to the bureau by the diagram's own event.)"""
    recipients = holders_of_role(uow.session, "enterprise", case.enterprise_id) + \
        holders_of_role(uow.session, "project_lead")
    due = case.rectification_due
    key = f"regrade:{case.id}:{case.updated_at.isoformat()}"
    grade_before, grade_after = (GRADES.get(g, (g or "—",))[0] for g in (before["grade"], case.grade))
    body = f"等级：{grade_before} → {grade_after}；新的整改期限：" + \
        (due.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if due else "—")
    notifications.send(uow, recipients, "case_regraded", f"隐患重新定级（{case.code}）", body, key, case.id)
