"""Demo data of the liaison officers (`make run`, services/demo.py): the project team member is the liaison of the
chemical plant and the machinery works, the inspector of the food factory (assigned three weeks ago, so last week
counts); the chemical plant was called last week and visited this week with a commitment kept and one open; the
machinery works refused an escort two weeks ago, broke its commitment and had no contact last week (the weekly gaps
page lists it); the chemical plant asked a question that was answered, the machinery works an urgent one that is
overdue."""
from datetime import timedelta

from ..clock import SHANGHAI, clock
from . import contact_log, liaisons, question_handling, questions


def seed(uow, users, enterprises):
    """`users`: the demo users by username; `enterprises`: the three demo enterprises with cases first."""
    lead, team, inspector = users["project_lead"], users["project_team"], users["inspector"]
    team.phone, inspector.phone = team.phone or "13800001001", inspector.phone or "13800001002"
    now = clock.now()
    chemical, machinery, food = enterprises[:3]
    for enterprise, liaison in ((chemical, team), (machinery, team), (food, inspector)):
        row = liaisons.assign(uow, lead, enterprise.id, str(liaison.id), "项目启动时指定")
        row.assigned_at = now - timedelta(days=21)  # demo: as if assigned three weeks ago
    last_week = (clock.local_now() - timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)

    def at(moment):
        return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    called = contact_log.record(uow, team, chemical.id, {
        "contacted_at": at(last_week), "way": "phone", "counterpart": "陈安全 安全主管",
        "content": "了解储罐区防雷检测和动火作业票整改进度；企业表示检测单位已约定。",
        "commitment_0": "补齐近三个月的动火作业票", "commitment_due_0": (last_week + timedelta(days=3)).date().isoformat()})
    contact_log.settle(uow, team, called.commitments[0].id, "kept", "现场查看已补齐")
    contact_log.record(uow, team, chemical.id, {
        "contacted_at": at(clock.local_now() - timedelta(hours=2)), "way": "site", "counterpart": "陈安全 安全主管",
        "content": "现场查看甲类仓库整改情况，讲解重大事故隐患判定标准。", "follow_up": "下周复核防雷检测报告",
        "commitment_0": "完成储罐区防雷检测并提交报告", "commitment_due_0": (now + timedelta(days=7)).date().isoformat()})
    refused = contact_log.record(uow, team, machinery.id, {
        "contacted_at": at(last_week - timedelta(days=7)), "way": "site", "counterpart": "李工 设备科",
        "content": "企业以生产繁忙为由拒绝安排人员陪同排查。", "refused": "1",
        "follow_up": "报项目负责人，约谈企业负责人",
        "commitment_0": "下周一安排人员陪同排查", "commitment_due_0": (last_week - timedelta(days=3)).date().isoformat()})
    contact_log.settle(uow, team, refused.commitments[0].id, "broken", "到期未安排，电话无人接听")
    contact_log.record(uow, inspector, food.id, {
        "contacted_at": at(last_week.replace(hour=15)), "way": "wechat", "counterpart": "王主任",
        "content": "微信提醒液氨制冷车间泄漏报警器校验到期。"})
    asked = questions.ask(uow, users["enterprise"], {
        "subject": "动火作业票的审批人是谁", "urgency": "normal",
        "description": "检修需要在储罐区动火，作业票应由谁审批？监护人需要什么资格？"})
    question_handling.reply(uow, team, asked.id, "一级动火由企业主要负责人或其授权的安全管理人员审批；监护人须经培训考核合格，"
                                                 "熟悉现场并持证上岗。")
    urgent = questions.ask(uow, users["enterprise2"], {
        "subject": "停产整改期间能否试运行", "urgency": "urgent",
        "description": "冲压车间整改已完成，能否先试运行一台设备？"})
    # demo: asked 40 minutes ago, so the inbox shows an overdue urgent question
    urgent.asked_at = urgent.awaiting_since = urgent.last_message_at = now - timedelta(minutes=40)
    urgent.respond_due = questions.respond_due("urgent", urgent.asked_at)
