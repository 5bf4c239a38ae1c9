"""Two more tables of the 一企一档 dossier (services/enterprise_dossier.py): the enterprise's self-checks (企业自查,
services/self_checks.py) and the effect evaluations of its closed major hazards (整改效果评估,
services/effect_evaluations.py). Each is (file name, (title zh, en), [(header zh, en)], rows); the dossier makes
them its tables.

The effect evaluations carry what the enterprise itself reads of them (state, evaluators, period, scores, conclusion,
summary, recurrence, satisfaction) — not the commission note, the visits, the internal note or the files, which stay
with the evaluation's readers. Quality incidents are the contractor's internal records and are not in the dossier."""
from sqlalchemy.orm import selectinload

from ..models import (EFFECT_CONCLUSIONS, EFFECT_DIMENSIONS, EFFECT_STATES, SELF_CHECK_STATUSES, EffectEvaluation,
                      HazardCase, SelfCheck)
from . import effect_evaluation_facts


def tables(session, enterprise_id, name_of, codes):
    """The two tables; `codes` {case id: code} of the enterprise's cases, `name_of(table, code)` names a code in the
    reader's language."""
    return [_self_checks(session, enterprise_id, name_of, codes), _effect_evaluations(session, enterprise_id, name_of)]


def _self_checks(session, enterprise_id, name_of, codes):
    rows = session.query(SelfCheck).options(selectinload(SelfCheck.items)).filter(
        SelfCheck.enterprise_id == enterprise_id).order_by(SelfCheck.started_at, SelfCheck.id).all()
    lines = [[row.id, row.checklist_name, row.checklist_version, name_of(SELF_CHECK_STATUSES, row.status),
              row.started_at, row.submitted_at, len(row.items),
              sum(1 for item in row.items if item.result == "nonconform"),
              "、".join(codes.get(item.case_id, "") for item in row.items if item.case_id is not None), row.note]
             for row in rows]
    return ("self_checks.csv", ("企业自查", "Self-checks"),
            [("编号", "Id"), ("检查表", "Checklist"), ("版本", "Version"), ("状态", "Status"),
             ("开始时间", "Started"), ("提交时间", "Submitted"), ("检查项", "Items"), ("不符合项", "Nonconforming"),
             ("上报隐患", "Cases reported"), ("说明", "Note")], lines)


def _effect_evaluations(session, enterprise_id, name_of):
    rows = session.query(EffectEvaluation).join(HazardCase, HazardCase.id == EffectEvaluation.case_id) \
        .filter(HazardCase.enterprise_id == enterprise_id).order_by(EffectEvaluation.closed_on,
                                                                     EffectEvaluation.id).all()
    lines = []
    for row in rows:
        liked = effect_evaluation_facts.satisfaction(session, row)
        again = effect_evaluation_facts.recurrences(session, row)
        lines.append([row.case.code, row.closed_on, row.earliest_on, row.latest_on,
                      name_of(EFFECT_STATES, effect_evaluation_facts.state(row)),
                      row.body.name if row.body else "", "、".join(e.name for e in row.experts),
                      *[row.scores[name] for name in EFFECT_DIMENSIONS],
                      name_of(EFFECT_CONCLUSIONS, row.conclusion) if row.conclusion else "", row.summary,
                      "、".join(c.code for c in again), liked.get("ratings"), liked.get("average"), row.concluded_at])
    return ("effect_evaluations.csv", ("整改效果评估", "Effect evaluations"),
            [("隐患编号", "Case"), ("销号日期", "Closed on"), ("可出具结论日", "Conclusion from"),
             ("逾期日", "Overdue after"), ("状态", "State"), ("评估机构", "Evaluation body"), ("评估专家", "Experts"),
             *EFFECT_DIMENSIONS.values(), ("评估结论", "Conclusion"), ("评估意见", "Summary"),
             ("复发隐患", "Recurrences"), ("满意度评价数", "Ratings"), ("满意度平均分", "Average rating"),
             ("结论时间", "Concluded")], lines)
