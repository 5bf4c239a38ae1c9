"""Demo data of training and drills (`make run`, services/demo.py): this year's plan with three sessions, an internal
standards training held against it (the inspector and the project team attended, assessed), an on-site training at
the chemical plant and the machinery works, and a drill at the chemical plant whose problems wait to be registered
as hazards — so the targets page shows enterprises still below the quarter's two on-site trainings."""
from datetime import timedelta

from ..clock import SHANGHAI, clock
from . import drills, training_plans, trainings


def seed(uow, users, enterprises):
    """`users`: the demo users by username; `enterprises`: the three demo enterprises with cases first."""
    lead, team = users["project_lead"], users["project_team"]
    now = clock.local_now()
    month = now.month
    held = (now - timedelta(days=6)).replace(hour=9, minute=0, second=0, microsecond=0)
    # the plan item of the year and month it was held in (six days back may be last month, or last year)
    standards = training_plans.add(uow, lead, {"year": held.year, "month": held.month, "kind": "internal",
                                               "topic": "隐患判定标准解读与现场实操", "hours": "8"})
    training_plans.add(uow, lead, {"year": now.year, "month": month, "kind": "enterprise",
                                   "topic": "企业安全管理人员排查要点培训", "hours": "2"})
    training_plans.add(uow, lead, {"year": now.year, "month": min(month + 1, 12), "kind": "internal",
                                   "topic": "应急基础知识与设备操作", "hours": "4"})
    internal = trainings.create(uow, lead, {
        "kind": "internal", "held_at": held.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"), "hours": "8",
        "topic": "隐患判定标准解读与现场实操", "modules": ["standards", "cases", "practice"],
        "content": "《安全生产事故隐患排查治理暂行规定》与重大事故隐患判定标准解读；典型案例分析；化工企业现场实操。",
        "trainer": "刘高工（注册安全工程师）", "location": "项目部会议室", "plan_item_id": str(standards.id),
        "staff_ids": [users["inspector"].id, team.id]})
    attendees = {a.user_id: a.id for a in internal.attendees}
    trainings.assess(uow, lead, internal.id, {str(attendees[users["inspector"].id]): ("pass", "90"),
                                              str(attendees[team.id]): ("pass", "85")})
    onsite_at = (now - timedelta(days=3)).replace(hour=14, minute=30, second=0, microsecond=0)
    trainings.create(uow, team, {
        "kind": "enterprise", "held_at": onsite_at.strftime("%Y-%m-%dT%H:%M"), "hours": "2",
        "topic": "结合典型案例讲解排查要点", "modules": ["cases", "standards"],
        "trainer": "王工", "location": f"{enterprises[0].name}会议室",
        "enterprise_ids": [enterprises[0].id, enterprises[1].id],
        "attendees": "陈安全 安全主管\n赵班长 储运班组长\n孙主任 生产车间主任", "attendee_count": "18"})
    drills.create(uow, lead, {
        "enterprise_id": enterprises[0].id, "held_on": (now - timedelta(days=2)).date().isoformat(),
        "scenario": "危险化学品泄漏现场处置方案", "kind": "field", "participants": "32",
        "evaluation": "报警和疏散在 6 分钟内完成，应急小组分工明确；堵漏器材取用耗时偏长。",
        "problems": "甲类仓库应急广播无法覆盖\n堵漏工具箱被杂物遮挡，取用耗时 4 分钟\n疏散集合点未设置标识",
        "improvements": "增设仓库广播喇叭；清理并标识应急器材存放点；设置集合点标识牌并纳入日常巡检。"})
