"""Demo data of campaigns (`make run`, services/demo.py): a current 冬季防火专项检查 targeting the enterprises of
滨江工业园区 plus a timber and a textile firm picked by hand (their fire loads), started, with a night check (夜查)
of the chemical plant last night and an unannounced (四不两直) plan for next week that the firm's staff do not see."""
from datetime import datetime, time, timedelta

from ..clock import SHANGHAI, clock
from ..models import Enterprise
from . import campaigns, inspection_plans, inspections


def seed(uow, lead, inspector):
    today = clock.local_now().date()
    picked = uow.session.query(Enterprise.id).filter(Enterprise.name.in_(["城关木业有限公司", "南湖纺织有限公司"]))
    campaign = campaigns.create(uow, lead, {
        "name": f"{today.year}年冬季防火专项检查", "theme": "winter", "start_on": today - timedelta(days=10),
        "end_on": today + timedelta(days=50),
        "description": "重点检查动火作业审批、电气线路和取暖设备、消防设施器材、易燃物品储存、值班值守和应急物资储备。",
        "target_townships": ["滨江工业园区"], "target_enterprise_ids": [e for (e,) in picked]})
    campaigns.start(uow, lead, campaign.id)
    chemical = uow.session.query(Enterprise).filter_by(name="华东精细化工有限公司").one()
    yesterday = today - timedelta(days=1)
    now = clock.now()
    # The night check was recorded that night, after it began.
    clock.set(datetime.combine(yesterday, time(23, 0), SHANGHAI))
    try:
        inspections.record(uow, inspector, chemical.id, yesterday.isoformat(), f"{inspector.display_name}、赵执行",
                           "夜间值班值守、动火作业、配电房和仓库照明、安全巡查记录",
                           "夜班巡查记录未按时填写，已要求整改", kind="night", campaign_id=campaign.id,
                           visit_time="21:30")
    finally:
        clock.set(now)
    packaging = uow.session.query(Enterprise).filter_by(name="滨江包装材料厂").one()
    inspection_plans.plan(uow, inspector, packaging.id, (today + timedelta(days=7)).isoformat(),
                          "仓库、电气线路、消防通道", f"{inspector.display_name}、赵执行", kind="unannounced",
                          campaign_id=campaign.id)
    return campaign
