"""Demo data of rectification milestones (`make run`, services/demo_features.py): the chemical plant's air compressor
station case (储气罐超期未检, under rectification) got three milestones six days ago — the vessel taken out of service,
done the next day; the inspection by the special-equipment inspection body, due two days ago and not done (late,
flagged on the case and the timeline); the safety valves recalibrated by the deadline day — and its three parties."""
from datetime import timedelta

from ..clock import clock
from ..models import HazardCase
from . import milestones


def seed(uow, users):
    case = uow.session.query(HazardCase).filter_by(status="rectifying", place="空压站").order_by(HazardCase.id).first()
    if case is None or case.rectification_due is None:
        return
    lead, staff = users["project_lead"], users["enterprise"]
    last = milestones.deadline_day(case)
    saved, now = clock._fixed, clock.now()
    try:
        clock.set(now - timedelta(days=6))
        today = milestones.today()
        stopped = milestones.add(uow, lead, case.id, {
            "title": "储气罐停用、泄压并挂牌", "due_on": (today + timedelta(days=1)).isoformat(),
            "criterion": "储气罐压力表归零，进出口阀门关闭并挂“停用”牌，空压机改接备用罐"})
        milestones.add(uow, staff, case.id, {
            "title": "委托特种设备检验机构完成储气罐定期检验", "due_on": (today + timedelta(days=4)).isoformat(),
            "criterion": "取得检验机构出具的定期检验报告，结论为允许使用"})
        milestones.add(uow, staff, case.id, {
            "title": "安全阀送检校验并重新安装", "due_on": last.isoformat(),
            "criterion": "安全阀校验报告在有效期内，铅封完好，整定压力与铭牌一致"})
        milestones.set_parties(uow, lead, case.id, {
            "responsible_name": "陈安全", "responsible_phone": "0335-8012345", "technical_name": "周建国",
            "technical_phone": "13803350123", "supervisor_user_id": str(users["supervision"].id),
            "supervisor_phone": "0335-8066001"})
        clock.set(now - timedelta(days=5))
        milestones.complete(uow, staff, case.id, stopped.id, {
            "done_on": milestones.today().isoformat(), "done_note": "已停用泄压，备用罐投入使用，照片已存档"})
    finally:
        clock._fixed = saved
