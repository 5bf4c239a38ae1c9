"""Independent evaluation of the rectification effect of closed major hazards (整改效果评估, seed 000 lines 576-580).

When a 重大 or 特别重大 case is closed (销号), its evaluation is due (case_store._after_write): an observation period of
at least three calendar months (OBSERVATION_MONTHS: a conclusion is accepted from the same day three months after the
closing day, Shanghai; 409 before), done by a third party — a body of the register (services/evaluation_bodies.py)
and / or experts of the pool (services/experts.py) — whom the bureau or a project lead commissions. The evaluators
(the commissioners, and the expert users named) record their visits of the period and then the conclusion: four
dimensions scored 0–100 and 有效 / 基本有效 / 无效, a summary the enterprise reads and an internal note it does not,
with the report's scans. The recurrence since closing and the enterprise's satisfaction are read from the cases and
the ratings (effect_evaluation_facts.py) and kept with the conclusion. 无效 tells the bureau and the project leads,
with a link to register the hazard again (the registration form drafted from the case): a new case needs an
inspector's on-site registration, which this service cannot make for them. An evaluation without a conclusion 30 days
after its earliest day is overdue: the bureau is told once (scheduler)."""
from datetime import timedelta

from sqlalchemy import update

from ..clock import SHANGHAI, clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import EFFECT_CONCLUSIONS, EFFECT_DIMENSIONS, EffectEvaluation, EffectEvaluationVisit, EvaluationBody, \
    Expert
from ..models.effect_evaluation import HIGHEST_SCORE, LOWEST_SCORE, OBSERVATION_MONTHS, OVERDUE_GRACE_DAYS
from . import audit, check_files, effect_evaluation_facts as facts, notifications
from .access import get_visible_case
from .field_rules import clean_text, parse_date, raise_if, row_id, whole_number
from .kpi_periods import add_months

MAJOR_GRADES = ("major", "especially_major")
COMMISSIONERS = facts.COMMISSIONERS
MAX_TEXT = 4000
MAX_EXPERTS = 10
REPORT_FIELD = "effect_report"  # the attachment's field for the report's scans
VISIT_FIELD = "effect_visit"  # and for a visit's photos


def subject(evaluation):
    return ("effect_evaluation", evaluation.id)


# ---- opening (case_store._after_write) -----------------------------------------------------------------------------
def on_case_closed(uow, case):
    """The closed major case's evaluation, opened once; the bureau and the project leads are told it is due."""
    if case.grade not in MAJOR_GRADES:
        return None
    session = uow.session
    existing = session.query(EffectEvaluation).filter_by(case_id=case.id).first()
    if existing is not None:
        return existing
    closed_at = case.closed_at or clock.now()
    closed_on = closed_at.astimezone(SHANGHAI).date()
    earliest = add_months(closed_on, OBSERVATION_MONTHS)
    row = EffectEvaluation(case_id=case.id, opened_at=clock.now(), closed_on=closed_on, earliest_on=earliest,
                           latest_on=earliest + timedelta(days=OVERDUE_GRACE_DAYS), commission_note="", summary="",
                           internal_note="")
    session.add(row)
    session.flush()
    audit.record(uow, None, None, "effect_evaluation_opened", subject=subject(row),
                 details={"case": case.code, "earliest_on": earliest, "latest_on": row.latest_on})
    key = f"effect_evaluation:{row.id}:due"
    notifications.send(uow, notifications.role_holders_without(uow, COMMISSIONERS, key), "effect_evaluation_due",
                       f"重大隐患已销号，请委托第三方开展整改效果评估（{case.code}）",
                       f"观察期不少于三个月：{earliest.isoformat()} 起可出具评估结论，{row.latest_on.isoformat()} 前完成",
                       key, case.id)
    return row


# ---- who ---------------------------------------------------------------------------------------------------------
def is_commissioner(user):
    return user.has_role(*COMMISSIONERS)


def is_named_expert(user, evaluation):
    return "expert" in user.roles and any(e.user_id == user.id for e in evaluation.experts)


def sees_internal(user, evaluation):
    """The commissioners and the named experts see everything; the enterprise reads the conclusion only (not the
    commission's note, the visits, the internal note or the files)."""
    return is_commissioner(user) or is_named_expert(user, evaluation)


def may_record(user, evaluation):
    return sees_internal(user, evaluation)


def may_read(user, evaluation):
    return sees_internal(user, evaluation) or (
        "enterprise" in user.roles and user.enterprise_id == evaluation.case.enterprise_id)


def may_list(user):
    return is_commissioner(user) or user.has_role("expert", "enterprise")


def of_case(session, case_id):
    return session.query(EffectEvaluation).filter_by(case_id=case_id).first()


def get_visible(session, user, case_id):
    """The evaluation of a case the user sees; 404 for another enterprise's case or a case without one, 403 for a
    role that does not read evaluations."""
    case = get_visible_case(session, user, case_id)
    evaluation = of_case(session, case.id)
    if evaluation is None:
        raise NotFound("该案件没有整改效果评估 / this case has no effect evaluation")
    if not may_read(user, evaluation):
        raise NotAllowed("整改效果评估供应急管理局、项目负责人、受托专家和本企业查看 / effect evaluations are for the "
                         "bureau, project leads, the experts named and the enterprise itself")
    return evaluation


def _for_update(session, user, case_id):
    evaluation = get_visible(session, user, case_id)
    session.refresh(evaluation, with_for_update=True)  # two writers of one evaluation: the second sees the first's
    return evaluation


def _check_open(evaluation):
    if evaluation.concluded_at is not None:
        raise Conflict("整改效果评估已出具结论 / the evaluation has been concluded")


# ---- commissioning -----------------------------------------------------------------------------------------------
def commission_view(evaluation):
    return {"body": evaluation.body.name if evaluation.body else None,
            "experts": [e.name for e in evaluation.experts], "commission_note": evaluation.commission_note or ""}


def commission(uow, user, case_id, values):
    """Name (or change, before the conclusion) the evaluation body and / or the experts; at least one of them. The
    expert users newly named are told."""
    session = uow.session
    evaluation = _for_update(session, user, case_id)
    if not is_commissioner(user):
        raise NotAllowed("只有应急管理局和项目负责人可以委托整改效果评估 / only the bureau and project leads commission")
    _check_open(evaluation)
    errors = {}
    body = _chosen_body(session, values.get("body_id"), evaluation, errors)
    experts = _chosen_experts(session, values.get("expert_ids"), evaluation, errors)
    note = clean_text(values.get("note"), MAX_TEXT, "note", errors)
    if body is None and not experts and not ({"body_id", "expert_ids"} & set(errors)):
        errors["body_id"] = "请选择第三方评估机构或评估专家 / name an evaluation body or experts"
    raise_if(errors)
    before, named_before = commission_view(evaluation), {e.id for e in evaluation.experts}
    evaluation.body, evaluation.experts, evaluation.commission_note = body, experts, note
    changes = {k: [v, after] for (k, v), after in zip(before.items(), commission_view(evaluation).values())
               if v != after}
    if not changes:
        return evaluation
    if evaluation.commissioned_at is None:
        evaluation.commissioned_at, evaluation.commissioned_by_id = clock.now(), user.id
    session.flush()
    audit.record(uow, None, user, "effect_evaluation_commissioned", changes=changes, subject=subject(evaluation),
                 details={"case": evaluation.case.code})
    case = evaluation.case
    for expert in experts:
        if expert.id not in named_before and expert.user is not None and expert.user.active:
            key = f"effect_evaluation:{evaluation.id}:expert:{expert.id}"
            notifications.send(uow, notifications.not_yet_given(uow, [expert.user], key),
                               "effect_evaluation_commissioned", f"受委托开展重大隐患整改效果评估（{case.code}）",
                               f"{case.enterprise.name}：{evaluation.earliest_on.isoformat()} 起可出具评估结论", key,
                               case.id)
    return evaluation


def _chosen_body(session, value, evaluation, errors):
    if value in (None, ""):
        return None
    body = session.get(EvaluationBody, row_id(value)) if row_id(value) is not None else None
    if body is None or (not body.active and body.id != evaluation.body_id):
        errors["body_id"] = "请选择在册的第三方评估机构 / choose an active evaluation body"
        return None
    return body


def _chosen_experts(session, values, evaluation, errors):
    if values in (None, ""):
        return []
    values = values if isinstance(values, (list, tuple)) else [values]
    ids = [row_id(v) for v in values if v not in (None, "")]
    named = {e.id for e in evaluation.experts}
    experts = session.query(Expert).filter(Expert.id.in_([i for i in ids if i is not None])).all() if ids else []
    if None in ids or len(experts) != len(set(ids)) or any(not e.active and e.id not in named for e in experts):
        errors["expert_ids"] = "请选择专家库中在册的专家 / choose active experts of the pool"
        return []
    if len(experts) > MAX_EXPERTS:
        errors["expert_ids"] = f"最多 {MAX_EXPERTS} 位专家 / at most {MAX_EXPERTS} experts"
        return []
    return sorted(experts, key=lambda e: e.name)


# ---- visits during the observation period ---------------------------------------------------------------------------
def record_visit(uow, user, case_id, values, file_ids=()):
    """A visit of the evaluator: its day (from the closing day to today) and findings, with photos."""
    session = uow.session
    evaluation = _for_update(session, user, case_id)
    if not may_record(user, evaluation):
        raise NotAllowed("只有评估委托方和受托专家可以登记评估走访 / only the commissioners and the experts named")
    _check_open(evaluation)
    _check_commissioned(evaluation)
    errors = {}
    visited_on = parse_date(values.get("visited_on"), "visited_on", errors)
    if "visited_on" not in errors:
        if visited_on is None:
            errors["visited_on"] = "请填写走访日期 / the date is required"
        elif visited_on > facts.today() or visited_on < evaluation.closed_on:
            errors["visited_on"] = (f"走访日期应在销号日 {evaluation.closed_on.isoformat()} 至今天之间 / between the "
                                    f"closing day {evaluation.closed_on.isoformat()} and today")
    findings = clean_text(values.get("findings"), MAX_TEXT, "findings", errors)
    if not findings and "findings" not in errors:
        errors["findings"] = "请填写走访发现的情况 / describe what was found"
    files = check_files.clean_ids(file_ids, errors)
    raise_if(errors)
    visit = EffectEvaluationVisit(evaluation_id=evaluation.id, visited_on=visited_on, findings=findings,
                                  recorded_by_id=user.id, recorded_at=clock.now())
    session.add(visit)
    session.flush()
    linked = check_files.link_to(uow, user, files, "effect_evaluation_id", evaluation, f"{VISIT_FIELD}:{visit.id}")
    session.expire(evaluation, ["visits"])
    audit.record(uow, None, user, "effect_visit_recorded", subject=subject(evaluation),
                 changes={"visited_on": [None, visited_on], "findings": [None, findings]},
                 details={"visit_id": visit.id, "files": [f.public_id for f in linked]})
    return visit


def _check_commissioned(evaluation):
    if not evaluation.is_commissioned:
        raise Conflict("请先委托第三方评估机构或评估专家 / commission an evaluator first")


# ---- the conclusion ----------------------------------------------------------------------------------------------
def conclude(uow, user, case_id, values, file_ids=()):
    """The conclusion, once, not before the observation period's end (409); ValidationFailed names each wrong
    field. 无效 tells the bureau and the project leads to register the hazard again."""
    session = uow.session
    evaluation = _for_update(session, user, case_id)
    if not may_record(user, evaluation):
        raise NotAllowed("只有评估委托方和受托专家可以出具评估结论 / only the commissioners and the experts named")
    _check_open(evaluation)
    _check_commissioned(evaluation)
    if facts.today() < evaluation.earliest_on:
        raise Conflict(f"评估周期不少于三个月：{evaluation.earliest_on.isoformat()} 起方可出具评估结论 / the observation "
                       f"period lasts three months: the conclusion is due from {evaluation.earliest_on.isoformat()}")
    errors = {}
    scores = {name: _score(values.get(name), name, errors) for name in EFFECT_DIMENSIONS}
    conclusion = values.get("conclusion")
    if conclusion not in EFFECT_CONCLUSIONS:
        errors["conclusion"] = "请选择评估结论 / choose the conclusion"
    summary = clean_text(values.get("summary"), MAX_TEXT, "summary", errors)
    if not summary and "summary" not in errors:
        errors["summary"] = "请填写评估意见 / the summary is required"
    internal_note = clean_text(values.get("internal_note"), MAX_TEXT, "internal_note", errors)
    files = check_files.clean_ids(file_ids, errors)
    raise_if(errors)
    recurred = [c.id for c in facts.recurrences(session, evaluation)]
    rated = facts.satisfaction(session, evaluation)
    now = clock.now()
    done = session.execute(update(EffectEvaluation).where(EffectEvaluation.id == evaluation.id,
                                                          EffectEvaluation.concluded_at.is_(None))
                           .values(conclusion=conclusion, summary=summary, internal_note=internal_note,
                                   recurrence_case_ids=recurred, satisfaction=rated, concluded_at=now,
                                   concluded_by_id=user.id, **scores))
    if done.rowcount != 1:
        raise Conflict("整改效果评估已出具结论 / the evaluation has been concluded")
    session.refresh(evaluation)
    linked = check_files.link_to(uow, user, files, "effect_evaluation_id", evaluation, REPORT_FIELD)
    audit.record(uow, None, user, "effect_evaluation_concluded", subject=subject(evaluation),
                 changes={**{name: [None, value] for name, value in scores.items()}, "conclusion": [None, conclusion],
                          "summary": [None, summary], "internal_note": [None, internal_note]},
                 details={"case": evaluation.case.code, "recurrences": len(recurred), "satisfaction": rated,
                          "files": [f.public_id for f in linked]})
    _tell_conclusion(uow, evaluation)
    return evaluation


def _score(value, name, errors):
    number = whole_number(value)
    if value in (None, ""):
        errors[name] = "请评分 / the score is required"
    elif number is None or not LOWEST_SCORE <= number <= HIGHEST_SCORE:
        errors[name] = (f"请填写 {LOWEST_SCORE}–{HIGHEST_SCORE} 的整数 / a whole number from {LOWEST_SCORE} to "
                        f"{HIGHEST_SCORE}")
    return number


def _tell_conclusion(uow, evaluation):
    case = evaluation.case
    name = EFFECT_CONCLUSIONS[evaluation.conclusion][0]
    key = f"effect_evaluation:{evaluation.id}:concluded"
    enterprise = notifications.role_holders(uow, ("enterprise",), case.enterprise_id)
    notifications.send(uow, notifications.not_yet_given(uow, enterprise, key), "effect_evaluation_concluded",
                       f"重大隐患整改效果评估结论：{name}（{case.code}）", evaluation.summary[:200], key, case.id)
    if evaluation.conclusion == "ineffective":
        key = f"effect_evaluation:{evaluation.id}:ineffective"
        notifications.send(uow, notifications.role_holders_without(uow, COMMISSIONERS, key),
                           "effect_evaluation_ineffective", f"整改效果评估结论为无效，请重新登记隐患（{case.code}）",
                           f"{case.enterprise.name}：{evaluation.summary[:150]}\n登记：/hazards/new?effect_evaluation="
                           f"{evaluation.id}", key, case.id)


# ---- registering the hazard again after 无效 (web/registration.py) ---------------------------------------------------
def hazard_prefill(session, user, evaluation_id):
    """The registration form's draft from an ineffective evaluation of a case the user sees (an inspector, who
    registers, does not read evaluations: the draft holds only what the enterprise reads too): the enterprise,
    hazard type and place of the case, and the summary; None for anything else (the form then drafts nothing)."""
    evaluation = session.get(EffectEvaluation, evaluation_id) if evaluation_id is not None else None
    if evaluation is None or evaluation.conclusion != "ineffective":
        return None
    try:
        case = get_visible_case(session, user, evaluation.case_id)
    except NotFound:
        return None
    return {"enterprise_id": str(case.enterprise_id), "hazard_type": case.hazard_type, "place": case.place,
            "description": f"整改效果评估无效（原案件 {case.code}）：{evaluation.summary}"[:2000]}
