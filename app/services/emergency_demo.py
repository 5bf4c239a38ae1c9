"""Demo data of the emergency incident log (`make run`, services/demo.py): the duty roster — the project team's 赵执行
on duty this week, the inspector the next — and one closed II 级（较大）incident three days ago at the frozen-food
plant's ammonia refrigeration room, every stage within its limit, two people and a gas detector sent (the loan
returned), with its analysis report (the PDF on the incident's page)."""
from datetime import datetime, time, timedelta

from ..clock import SHANGHAI, clock
from ..models import Enterprise, Instrument
from . import emergencies, emergency_duty, emergency_response, equipment_loans

REPORT = {
    "report_cause": "冷库机房液氨管道阀门填料老化，阀杆处微量渗漏；机房氨气报警仪检测到浓度超过 15 ppm 后企业值班人员电话报告。",
    "report_handling": "接警后 2 分钟确认，15 分钟出动两人携四合一气体检测仪，45 分钟到场；企业已按预案关闭上下游阀门、开启事故风机，"
                       "现场复测氨气浓度降至 5 ppm 以下后更换阀门填料，初步处置完成；跟踪 2 小时无复发后结案。",
    "report_lessons": "企业对液氨阀门填料未建立定期更换记录；报警后企业处置符合预案，但夜班人员未佩戴便携式报警仪。",
    "report_improvements": "督促企业将液氨阀门填料纳入设备台账按季度检查更换；夜班巡检佩戴便携式氨气报警仪；"
                           "下月组织一次液氨泄漏现场处置演练。",
}


def seed(uow, users):
    lead, team, inspector = users["project_lead"], users["project_team"], users["inspector"]
    today = clock.local_now().date()
    emergency_duty.add(uow, lead, {"user_id": str(team.id), "phone": "0373-5550119", "starts_on": today.isoformat(),
                                   "ends_on": (today + timedelta(days=6)).isoformat(), "note": "带班：刘项目"})
    emergency_duty.add(uow, lead, {"user_id": str(inspector.id), "phone": "0373-5550119",
                                   "starts_on": (today + timedelta(days=7)).isoformat(),
                                   "ends_on": (today + timedelta(days=13)).isoformat()})
    plant = uow.session.query(Enterprise).filter_by(name="绿源食品有限公司").first()
    received = datetime.combine(today - timedelta(days=3), time(14, 20), tzinfo=SHANGHAI)
    row = emergencies.receive(uow, team, {
        "received_at": received, "received_by_id": str(team.id), "reporter": "王主任（绿源食品）",
        "reporter_contact": "0571-88000003", "enterprise_id": str(plant.id) if plant else "", "level": "larger",
        "place": "冷库制冷机房液氨阀组", "description": "机房氨气报警仪报警，现场有明显氨味，企业已启动事故风机，无人员受伤。",
        "handling_note": "更换阀门填料，复测合格。"})
    for stage, minutes in (("acknowledged", 2), ("dispatched", 15), ("arrived", 45), ("handled", 90)):
        emergencies.record_stage(uow, team, row.id, stage, received + timedelta(minutes=minutes))
    for person in (team, inspector):
        emergency_response.add_responder(uow, lead, row.id, person.id)
    detector = uow.session.query(Instrument).filter_by(asset_no="SB-QT-001").first()
    if detector is not None:
        emergency_response.send_instrument(uow, lead, row.id, {"instrument_id": str(detector.id),
                                                               "borrower_id": str(inspector.id)})
        equipment_loans.give_back(uow, inspector, detector.id, "good", "")
    emergency_response.close(uow, team, row.id, {"closed_at": received + timedelta(hours=4, minutes=10), **REPORT})
