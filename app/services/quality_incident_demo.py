"""Demo data of quality incidents (`make run`, services/demo_features.py): a 一般 incident found by the 四不两直 check of
the inspector (performance_demo) taken through every step — investigated, handled within its 48 hours, the inspector
held to account, the company told, the lesson learnt at the internal standards training (training_demo) — and a 重大
incident (a verification signed off from copied photos) under investigation by a special group, the bureau told."""
from datetime import timedelta

from ..clock import SHANGHAI, clock
from ..models import StaffSupervision, TrainingSession
from . import quality_incident_handling as handling
from . import quality_incidents


def _moment(value):
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def seed(uow, users):
    """`users`: the demo users by username (after the trainings and the supervision records)."""
    quality, lead, inspector = users["quality"], users["project_lead"], users["inspector"]
    session = uow.session
    training = session.query(TrainingSession).filter_by(kind="internal").order_by(TrainingSession.held_at).first()
    check = session.query(StaffSupervision).filter_by(result="fail").order_by(StaffSupervision.id).first()
    found = (training.held_at if training else clock.now()) - timedelta(days=2)
    general = quality_incidents.register(uow, quality, {
        "title": "排查走过场：检查表未逐项填写即提交", "grade": "general", "found_at": _moment(found),
        "description": "四不两直抽查发现排查人员在机械厂现场停留不足 4 小时，检查表 6 项未填写即提交，排查报告结论缺少依据。",
        "source": "supervision" if check else "other", "source_id": check.id if check else None,
        "visit_ids": [check.visit_id] if check and check.visit_id else [], "responsible_ids": [inspector.id]})
    handling.investigate(uow, quality, general.id, {"investigator_ids": []})
    handling.handle(uow, quality, general.id, {
        "findings": "调阅签到记录和现场照片，询问排查人员及企业安全员，确认 6 项检查内容未到现场核实。",
        "cause": "排查任务集中、时间安排过紧，排查人员为赶进度简化检查流程；项目组对检查表完整性缺少提交前复核。",
        "remedy": "3 个工作日内重新排查该企业并补全检查表；检查表提交前增加项目执行小组完整性复核。"})
    handling.notify(uow, lead, general.id, {
        "lesson": "排查必须按检查表逐项到现场核实，不得以赶进度为由简化流程。本次事故在全公司通报，请各排查人员对照自查。",
        "accountability": {inspector.id: {"measures": ["criticism", "pay_cut"], "note": "扣减当月绩效 5 分"}}})
    if training is not None:
        handling.close(uow, lead, general.id, {"training_id": training.id})
    major = quality_incidents.register(uow, quality, {
        "title": "复核验收使用其他企业照片销号", "grade": "major", "found_at": _moment(clock.now() - timedelta(hours=3)),
        "description": "质量抽查发现 2 起较大隐患的整改后照片与另一企业的照片相同，复核验收未到现场即销号，涉嫌数据造假。",
        "source": "other", "responsible_ids": [users["project_team"].id]})
    handling.investigate(uow, quality, major.id, {"investigator_ids": [quality.id, lead.id]})
