"""Quality sampling (质量抽查): the quality supervisor periodically draws at least 15 % of the cases closed in a
period, at random, reviews each (its history, documents and photos) and records a conclusion; a problem found
is sent to the bureau and the project leads. A round's results make the special inspection report (专项检查报告)
for the project's management.

The draw is random but repeatable: the round keeps its seed, and the same seed over the same closed cases
(ordered by id) draws the same ones.
"""
import math
import random
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from ..clock import clock, start_of_local_day
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import QUALITY_GRADES, HazardCase, QualityRound, QualitySample
from . import audit, notifications
from .calendar import add_workdays

MIN_PERCENT = 15
RESULTS = ("confirmed", "problem")
# kind -> (who starts and reviews its rounds, the least share drawn): the contractor's own quality checks draw at
# least 15 %; the bureau's acceptance spot checks "a share" (按一定比例抽查验收), at least 5 %.
KINDS = {"internal": (("quality",), MIN_PERCENT), "acceptance": (("bureau",), 5)}
ACCEPTANCE_WORKING_DAYS = 20
READERS = ("quality", "manager", "bureau", "admin")
MAX_OPINION = 4000


def may_read(user):
    return user.has_role(*READERS)


def may_review(user, kind=None):
    """May the user start and review rounds of `kind` (of any kind when None)?"""
    kinds = [kind] if kind is not None else list(KINDS)
    return any(user.has_role(*KINDS[k][0]) for k in kinds if k in KINDS)


def kinds_for(user):
    return [k for k in KINDS if may_review(user, k)]


def _check(allowed, message):
    if not allowed:
        raise NotAllowed(message)


def closed_case_ids(session, start, end):
    """Ids of the cases closed on the Shanghai days from `start` to `end` (both included), in id order."""
    begin, finish = start_of_local_day(start), start_of_local_day(end + timedelta(days=1))
    return list(session.execute(select(HazardCase.id).where(
        HazardCase.status == "closed", HazardCase.closed_at >= begin, HazardCase.closed_at < finish)
        .order_by(HazardCase.id)).scalars())


def draw(case_ids, percent, seed):
    """The sampled ids: ceil(percent % of them), at least one when there is any, chosen by `seed`."""
    count = min(len(case_ids), max(1, math.ceil(len(case_ids) * percent / 100))) if case_ids else 0
    return sorted(random.Random(seed).sample(case_ids, count))


def start_round(uow, user, start, end, percent=MIN_PERCENT, kind="internal"):
    if kind not in KINDS:
        raise ValidationFailed("抽查类型不正确 / unknown kind of round", fields={"kind": "unknown"})
    _check(may_review(user, kind), "质量监督专员发起质量抽查，应急管理局发起抽查验收 / the quality supervisor starts "
                                   "quality rounds, the bureau acceptance rounds")
    least = KINDS[kind][1]
    if start > end:
        raise ValidationFailed("结束日期早于开始日期 / the end date is before the start date",
                               fields={"end": "before start"})
    if not isinstance(percent, int) or not least <= percent <= 100:
        raise ValidationFailed(f"抽查比例应在 {least}% 到 100% 之间 / the share is {least} to 100 %",
                               fields={"percent": "out of range"})
    case_ids = closed_case_ids(uow.session, start, end)
    if not case_ids:
        raise Conflict("该期间没有已销号的案件 / no case was closed in this period")
    seed = secrets.token_hex(16)
    sampled = draw(case_ids, percent, seed)
    now = clock.now()
    round_ = QualityRound(period_start=start, period_end=end, percent=percent, closed_count=len(case_ids),
                          seed=seed, created_by_id=user.id, created_at=now, kind=kind,
                          due_at=add_workdays(now, ACCEPTANCE_WORKING_DAYS).moment if kind == "acceptance" else None)
    round_.samples = [QualitySample(case_id=case_id, opinion="") for case_id in sampled]
    uow.session.add(round_)
    uow.session.flush()
    audit.write(uow, [audit.entry(case_id, user, "quality_sampled", details={"round": round_.id})
                      for case_id in sampled])
    return round_


def get_round(session, user, round_id):
    _check(may_read(user), "只有质量监督专员、管理人员、应急管理局和系统管理员可以查看抽查 / "
                           "only quality, managers, the bureau and administrators see sampling rounds")
    round_ = session.get(QualityRound, round_id)
    if round_ is None:
        raise NotFound("抽查批次不存在 / no such sampling round")
    return round_


def rounds(session, user, limit=100):
    _check(may_read(user), "只有质量监督专员、管理人员、应急管理局和系统管理员可以查看抽查 / "
                           "only quality, managers, the bureau and administrators see sampling rounds")
    return session.query(QualityRound).order_by(QualityRound.created_at.desc(), QualityRound.id.desc()) \
        .limit(limit).all()


def progress(session, round_ids):
    """{round id: (reviewed, sampled, problems)}."""
    if not round_ids:
        return {}
    rows = session.execute(select(
        QualitySample.round_id, func.count(QualitySample.reviewed_at), func.count(),
        func.count(QualitySample.id).filter(QualitySample.result == "problem"))
        .where(QualitySample.round_id.in_(round_ids)).group_by(QualitySample.round_id))
    return {round_id: (reviewed, total, problems) for round_id, reviewed, total, problems in rows}


def review(uow, user, round_id, sample_id, result, opinion, grade=None):
    """Record (or correct) the conclusion on one sampled case; a problem needs an opinion and is reported. `grade`:
    the 成果质量 grade A/B/C (optional; a problem is not graded A)."""
    sample = uow.session.get(QualitySample, sample_id)
    if sample is None or sample.round_id != round_id:
        raise NotFound("抽查记录不存在 / no such sample")
    _check(may_review(user, sample.round.kind), "只有发起该类抽查的角色可以填写结论 / only the role that starts "
                                                "this kind of round reviews its samples")
    opinion = (opinion or "").strip()
    errors = {}
    if result not in RESULTS:
        errors["result"] = "请选择抽查结论 / choose a conclusion"
    if result == "problem" and not opinion:
        errors["opinion"] = "发现问题时请写明问题 / describe the problem"
    if len(opinion) > MAX_OPINION:
        errors["opinion"] = f"最多 {MAX_OPINION} 个字 / at most {MAX_OPINION} characters"
    grade = (grade.strip().upper() or None) if isinstance(grade, str) else grade
    if grade is not None and grade not in QUALITY_GRADES:
        errors["grade"] = "质量等级应为 A、B 或 C / the grade is A, B or C"
    elif grade == "A" and result == "problem":
        errors["grade"] = "发现问题的样本不能评为 A / a sample with a problem is not graded A"
    if errors:
        raise ValidationFailed("请检查抽查结论 / please check the conclusion", fields=errors)
    before = {"result": sample.result, "opinion": sample.opinion, "grade": sample.grade}
    sample.result, sample.opinion, sample.reviewer_id, sample.reviewed_at = result, opinion, user.id, clock.now()
    sample.grade = grade
    audit.record(uow, sample.case_id, user, "quality_reviewed", details={"round": round_id},
                 changes={k: [before[k], v] for k, v in (("result", result), ("opinion", opinion), ("grade", grade))
                          if before[k] != v})
    if result == "problem" and before["result"] != "problem":
        notifications.on_process_event(uow, sample.case, "quality_problem", f"quality-{round_id}")
    return sample
