"""Demo data of the bureau's evaluation of the contractor and the survey rounds (`make run`,
services/demo_features.py): last quarter's evaluation, confirmed ten days ago with 数据准确性 scored 2, which opened one
improvement item (due a month after the confirmation) whose measures the project lead has begun to record; and this
year's satisfaction survey to the enterprises' safety officers and the township offices, opened four days ago, two
of them answered."""
from datetime import timedelta

from ..clock import clock
from . import contractor_evaluations, surveys


def _last_quarter():
    year, quarter = contractor_evaluations.quarter_of(contractor_evaluations.today())
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def seed(uow, users):
    bureau, lead = users["bureau"], users["project_lead"]
    saved, now = clock._fixed, clock.now()
    try:
        clock.set(now - timedelta(days=10))
        year, quarter = _last_quarter()
        evaluation = contractor_evaluations.create(uow, bureau, {
            "year": year, "quarter": quarter, "response_speed": 4, "service_quality": 4, "data_accuracy": 2,
            "communication": 5, "rectification_effect": 4,
            "comments": "响应及时、沟通顺畅；月度报表两次与台账数据不一致（隐患数量、整改率），数据准确性需专项整改。"})
        contractor_evaluations.confirm(uow, bureau, evaluation.id)
        clock.set(now - timedelta(days=3))
        item = evaluation.items[0]
        contractor_evaluations.record_measures(uow, lead, item.id, "报表生成改为直接取台账数据，发出前由项目执行小组双人核对；"
                                                                   "已对两份报表出具更正说明。")
        clock.set(now - timedelta(days=4))
        survey = surveys.create(uow, lead, {"title": f"{now.year}年度排查服务满意度调查",
                                            "audience": ["enterprise", "township"]})
        surveys.open_round(uow, lead, survey.id)
        clock.set(now - timedelta(days=2))
        surveys.answer(uow, users["enterprise"], survey.id, {
            "q_attitude": 5, "q_expertise": 4, "q_timeliness": 4, "q_guidance": 5,
            "comment": "排查人员讲解细致，整改建议可操作。"})
        clock.set(now - timedelta(days=1))
        surveys.answer(uow, users["township"], survey.id, {
            "q_attitude": 5, "q_expertise": 4, "q_timeliness": 3, "q_guidance": 4,
            "comment": "希望隐患闭环情况能按周同步给园区安监办。"})
    finally:
        clock._fixed = saved
