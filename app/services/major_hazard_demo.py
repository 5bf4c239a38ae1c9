"""The demo's major hazard (services/demo.py): the flammable-liquids store's special report, approved treatment plan and
listed supervision."""
from datetime import timedelta

from ..clock import clock
from ..models import HazardCase
from . import major_hazard_listing, major_hazards


def seed(uow, users):
    """The same major hazard's special report (专报), its approved treatment plan (治理方案) and its listing (挂牌督办);
    the especially major one in the reactor area, registered days before, is left without either: the overview shows
    it overdue."""
    case = uow.session.query(HazardCase).filter_by(grade="major").order_by(HazardCase.id).first()
    if case is None or major_hazards.record_of(uow.session, case.id) is None:
        return
    photos = [a.public_id for a in major_hazards.case_photos(uow.session, case.id)]
    opened, saved = major_hazards.record_of(uow.session, case.id).opened_at, clock._fixed
    try:  # within the 48 hours of the case's registration (days before the seed)
        clock.set(opened + timedelta(hours=20))
        _report_plan_decision(uow, users, case, photos)
    finally:
        clock._fixed = saved
    major_hazard_listing.list_case(uow, users["bureau"], case.id, {
        "supervisor_name": "吴局长", "supervisor_unit": "县应急管理局",
        "due_date": (clock.local_now().date() + timedelta(days=30)).isoformat(),
        "note": "按经批准的治理方案完成治理，每周报告进度；治理完成后申请复核验收"})


def _report_plan_decision(uow, users, case, photos):
    major_hazards.submit_report(uow, users["project_lead"], case.id, {
        "confirmation": "经现场核实，甲类仓库内易燃液体储存量超过设计储量约40%，与相邻厂房防火间距不足",
        "detection": "可燃气体检测仪读数 8%LEL（库内东北角）；库温 21℃",
        "analysis": "超量储存且防火间距不足，一旦泄漏遇点火源可能引发火灾爆炸，波及相邻厂房",
        "measures": "立即停止入库，超量部分限期转运；增设防火隔墙；加强可燃气体监测和巡查", "photos": photos})
    major_hazards.submit_plan(uow, users["enterprise"], case.id, {
        "goals": "15日内将储量降至设计储量以内，30日内完成防火隔墙建设，消除重大隐患",
        "methods": "超量物料分三批转运至合规仓库；委托设计单位增设防火隔墙；库区增设可燃气体报警器",
        "funds": "企业自筹治理资金28万元，已列入本年度安全投入；报警器和灭火器材已采购到位",
        "organisation": "总经理任组长，安全部牵头，仓储部、设备部负责实施，陈安全为现场责任人",
        "time_limits": "转运于15日内完成，隔墙于30日内完成并组织验收",
        "safety": "转运期间设置警戒区，专人监护，禁止动火；修订火灾爆炸专项应急预案并组织演练"})
    clock.advance(hours=20)
    major_hazards.decide_plan(uow, users["bureau"], case.id, True, "同意该治理方案，按期完成并报告进展")
