"""Quality sampling of inspection visits (成果质量抽查, seed 000: 质量监督专员…定期抽查已完成任务的质量情况，单次抽查比例
不低于总任务量的15%; 成果质量划分为A、B、C三个等级，分别对应优秀、合格、需整改).

A round draws, at random, at least QUALITY_VISIT_SAMPLE_RATE (0.15) of the visits finished on the days of a period —
finished meaning their report passed its final review (services/visit_review.py; visits from before the review are
finished) — rounded up, at least one. The draw is repeatable: the round keeps its seed and the ids it drew from
(ascending), and `redraw` gives the same visits again. The quality supervisor (quality) starts rounds and grades each
sampled visit A (优秀), B (合格) or C (需整改) with findings (required for B and C); a grade may be corrected, each time
audited. A C tells the project leads and the visit's team. Readers: quality, project and technical leads, managers,
the bureau, administrators; others 403."""
import math
import random
import secrets
from collections import Counter
from decimal import Decimal, InvalidOperation

from flask import current_app

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound
from ..models import QUALITY_GRADES, InspectionVisit, User, UserRole, VisitQualityRound, VisitQualitySample
from . import audit, notifications, visit_checkins
from .field_rules import clean_text, parse_date, raise_if, row_id
from .users import holders_of_role

REVIEWERS = ("quality",)
READERS = ("quality", "project_lead", "technical_lead", "manager", "bureau", "admin")
SUBJECT = "visit_quality_round"
MAX_FINDINGS = 4000


def may_read(user):
    return user.has_role(*READERS)


def may_review(user):
    return user.has_role(*REVIEWERS)


def least_rate():
    return Decimal(str(current_app.config["QUALITY_VISIT_SAMPLE_RATE"]))


def _check_read(user):
    if not may_read(user):
        raise NotAllowed("排查质量抽查供质量监督专员、项目负责人、技术负责人、管理人员、应急管理局和系统管理员查看 / visit "
                         "quality rounds are for quality, project and technical leads, managers, the bureau and admins")


def _check_review(user):
    _check_read(user)
    if not may_review(user):
        raise NotAllowed("只有质量监督专员可以抽查和评定排查质量 / only the quality supervisor samples and grades visits")


# ---- the draw ------------------------------------------------------------------------------------------------------
def sample_size(count, rate):
    """ceil(count × rate), at least one when there is any visit; `rate` as a Decimal (no 20 × 0.15 = 3.0000000004)."""
    if count <= 0:
        return 0
    return min(count, max(1, math.ceil(Decimal(count) * Decimal(str(rate)))))


def draw(visit_ids, rate, seed):
    """The drawn ids (ascending) out of `visit_ids` (ascending), chosen by `seed`."""
    population = sorted(visit_ids)
    return sorted(random.Random(seed).sample(population, sample_size(len(population), rate)))


def redraw(round_):
    """The round's draw made again from what it kept: the same visits."""
    return draw(round_.population, round_.rate, round_.seed)


def finished_visit_ids(session, start, end):
    return list(session.execute(
        session.query(InspectionVisit.id).filter(InspectionVisit.review_status == "released",
                                                 InspectionVisit.visited_on >= start, InspectionVisit.visited_on <= end)
        .order_by(InspectionVisit.id).statement).scalars())


def start_round(uow, user, start, end, percent=None):
    """Draw a round over the visits finished from `start` to `end` (visit days); `percent` (e.g. 20) may raise the
    share above the configured least. ValidationFailed names each wrong field; Conflict when nothing finished."""
    _check_review(user)
    errors = {}
    first, last = parse_date(start, "start", errors), parse_date(end, "end", errors)
    for name, day in (("start", first), ("end", last)):
        if day is None and name not in errors:
            errors[name] = "请填写日期 / the date is required"
    if "start" not in errors and "end" not in errors and first > last:
        errors["end"] = "结束日期早于开始日期 / the end is before the start"
    rate = _rate(percent, errors)
    raise_if(errors)
    ids = finished_visit_ids(uow.session, first, last)
    if not ids:
        raise Conflict("该期间没有已终审的排查 / no visit of the period has passed its final review")
    seed = secrets.token_hex(16)
    round_ = VisitQualityRound(period_start=first, period_end=last, rate=float(rate), population=ids, seed=seed,
                               created_by_id=user.id, created_at=clock.now())
    round_.samples = [VisitQualitySample(visit_id=visit_id, findings="") for visit_id in draw(ids, rate, seed)]
    uow.session.add(round_)
    uow.session.flush()
    audit.record(uow, None, user, "visit_quality_sampled", details={
        "period": [first.isoformat(), last.isoformat()], "rate": float(rate), "finished": len(ids), "seed": seed,
        "visits": [s.visit_id for s in round_.samples]}, subject=(SUBJECT, round_.id))
    return round_


def _rate(percent, errors):
    least = least_rate()
    if percent in (None, ""):
        return least
    try:
        rate = Decimal(str(percent).strip()) / 100
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or not least <= rate <= 1:
        errors["percent"] = f"抽查比例应在 {least * 100:g}% 到 100% 之间 / the share is {least * 100:g} to 100 %"
        return least
    return rate


# ---- reading -------------------------------------------------------------------------------------------------------
def rounds(session, user, limit=100):
    _check_read(user)
    return session.query(VisitQualityRound).order_by(VisitQualityRound.created_at.desc(), VisitQualityRound.id.desc()) \
        .limit(limit).all()


def get_round(session, user, round_id):
    _check_read(user)
    number = row_id(round_id)
    round_ = session.get(VisitQualityRound, number) if number is not None else None
    if round_ is None:
        raise NotFound("抽查批次不存在 / no such round")
    return round_


def summary(round_):
    """{reviewed, total, grades: {A, B, C}, inspectors: [(name, {A, B, C, total})]} — per inspector, every name on a
    graded visit's report counts that visit's grade."""
    graded = [s for s in round_.samples if s.grade]
    grades = Counter(s.grade for s in graded)
    per = {}
    for sample in graded:
        for name in visit_checkins.team_names(sample.visit):
            row = per.setdefault(name, dict.fromkeys(QUALITY_GRADES, 0))
            row[sample.grade] += 1
    inspectors = sorted(((name, {**row, "total": sum(row.values())}) for name, row in per.items()),
                        key=lambda pair: (-pair[1]["C"], -pair[1]["total"], pair[0]))
    return {"reviewed": len(graded), "total": len(round_.samples),
            "grades": {g: grades.get(g, 0) for g in QUALITY_GRADES}, "inspectors": inspectors}


# ---- grading -------------------------------------------------------------------------------------------------------
def review(uow, user, round_id, sample_id, grade, findings):
    """Grade one sampled visit (or correct its grade); findings required for B and C; a new C is reported."""
    _check_review(user)
    round_ = get_round(uow.session, user, round_id)
    number = row_id(sample_id)
    sample = uow.session.get(VisitQualitySample, number) if number is not None else None
    if sample is None or sample.round_id != round_.id:
        raise NotFound("抽查记录不存在 / no such sample")
    errors = {}
    grade = grade.strip().upper() if isinstance(grade, str) else grade
    if grade not in QUALITY_GRADES:
        errors["grade"] = "请选择质量等级 A、B 或 C / choose the grade A, B or C"
    findings = clean_text(findings, MAX_FINDINGS, "findings", errors)
    if grade in ("B", "C") and not findings and "findings" not in errors:
        errors["findings"] = "评为 B 或 C 时请写明发现的问题 / a B or C grade says what was found"
    raise_if(errors)
    before = {"grade": sample.grade, "findings": sample.findings}
    sample.grade, sample.findings, sample.reviewer_id, sample.reviewed_at = grade, findings, user.id, clock.now()
    uow.session.flush()
    visit = sample.visit
    audit.record(uow, None, user, "visit_quality_reviewed", details={
        "round": round_.id, "visit_id": visit.id, "enterprise_id": visit.enterprise_id, "name": visit.enterprise.name},
        changes={k: [before[k], v] for k, v in (("grade", grade), ("findings", findings)) if before[k] != v},
        subject=(SUBJECT, round_.id))
    if grade == "C" and before["grade"] != "C":
        _tell_c(uow, round_, visit, findings)
    return sample


def _tell_c(uow, round_, visit, findings):
    session = uow.session
    names = visit_checkins.team_names(visit)
    team = session.query(User).join(UserRole).filter(User.display_name.in_(names), User.active.is_(True),
                                                     UserRole.role.in_(("inspector", "project_lead"))).all() \
        if names else []
    recipients = {u.id: u for u in holders_of_role(session, "project_lead") + [visit.created_by] + team}
    notifications.send(uow, list(recipients.values()), "visit_quality_c", "排查质量抽查评为 C（需整改）",
                       f"{visit.enterprise.name} {visit.visited_on.isoformat()}（{visit.inspectors}）：{findings[:200]}",
                       f"visit-quality:{round_.id}:{visit.id}:C:{clock.now().isoformat()}")
