"""Helpers of the major-hazard tests: a major case, its report, plan, decision and listing through the services."""
from app.extensions import db
from app.models import MajorHazard
from app.services import major_hazard_listing, major_hazards
from app.services.uow import UnitOfWork

REPORT = {"confirmation": "经现场核实，甲类仓库易燃液体超量储存", "detection": "可燃气体浓度 12%LEL",
          "analysis": "防火间距不足，遇明火可能引发火灾爆炸", "measures": "立即清理超量物料，设置隔离"}
PLAN = {"goals": "三十日内消除超量储存隐患", "methods": "分批转运，增设防火墙", "funds": "安排资金20万元",
        "organisation": "安全部牵头，仓储主管负责", "time_limits": "12月20日前完成", "safety": "转运期间专人监护，备足灭火器材"}
LISTING = {"supervisor_name": "王督办", "supervisor_unit": "县应急管理局", "due_date": "2026-12-31",
           "note": "按方案完成治理，每周报告进度"}


def record(case_id):
    db.session.expire_all()
    return db.session.get(MajorHazard, case_id)


def submit_report(user, case_id, values=None, photos=()):
    with UnitOfWork() as uow:
        major_hazards.submit_report(uow, user, case_id, {**(values or REPORT), "photos": list(photos)})
        uow.commit()


def submit_plan(user, case_id, values=None, files=()):
    with UnitOfWork() as uow:
        plan = major_hazards.submit_plan(uow, user, case_id, values or PLAN, files)
        uow.commit()
        return plan.version


def decide(user, case_id, approved, opinion=""):
    with UnitOfWork() as uow:
        major_hazards.decide_plan(uow, user, case_id, approved, opinion)
        uow.commit()


def list_case(user, case_id, values=None):
    with UnitOfWork() as uow:
        major_hazard_listing.list_case(uow, user, case_id, values or LISTING)
        uow.commit()


def delist(user, case_id, reason="隐患已基本消除，转入常规监管"):
    with UnitOfWork() as uow:
        major_hazard_listing.delist(uow, user, case_id, reason)
        uow.commit()
