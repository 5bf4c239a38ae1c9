"""Demo data of the resumption of production (`make run`, services/demo_features.py): the food plant (绿源食品) was
ordered by the bureau, four days ago, to stop its ammonia refrigeration workshop for rectification (its leak alarms
failed their check during a shutdown: seed 000 line 297, 设备停运重启带来的安全隐患); its safety officer applied for
resumption yesterday with the rectified sewage-pool case; the application awaits the bureau's on-site acceptance."""
from datetime import timedelta

from ..clock import clock
from ..models import HazardCase
from . import resumption, stop_work


def seed(uow, users, enterprises):
    """`enterprises`: the three demo enterprises with cases first (the food plant third)."""
    food = enterprises[2]
    saved = clock._fixed
    now = clock.now()
    try:
        clock.set(now - timedelta(days=4))
        stop_work.record_by_hand(uow, users["bureau"], food.id, {
            "order_number": "（县）应急停〔2026〕3号",
            "reason": "液氨制冷车间检修停运后，泄漏报警器校验不合格、紧急切断阀失效，重启存在液氨泄漏风险；"
                      "依据《安全生产法》第六十五条责令该车间停产整顿。",
            "scope": "液氨制冷车间及冷库制冷系统",
            "resumption_conditions": "报警器校验合格、紧急切断阀联动测试合格，经现场验收同意后方可重启",
            "effective_at": clock.local_now().strftime("%Y-%m-%dT%H:%M")})
        clock.set(now - timedelta(days=1))
        covered = uow.session.query(HazardCase.id).filter_by(enterprise_id=food.id, place="污水池").scalar()
        resumption.apply(uow, users["enterprise3"], food.id, {
            "measures": "更换 6 台失效的氨泄漏报警器并经第三方校验合格；维修紧急切断阀并完成联动测试；"
                        "重启方案经企业技术负责人审批，操作人员重新培训。",
            "self_check": "自查合格：报警器校验报告、联动测试记录齐全，具备重启条件。",
            "case_ids": [covered] if covered else []})
    finally:
        clock._fixed = saved
