"""Demo data of the meetings register (`make run`, services/demo.py): this month's 政企联席会议, held a week ago with
the three demo enterprises, the fire brigade and the project staff, its minutes issued (the enterprises received them
as a 会议纪要 notice; one has signed) and two action items: the chemical plant's, due in ten working days, and the
project lead's, due three working days after the meeting — past, so the scheduler's first run urges it."""
from datetime import timedelta

from ..clock import clock
from ..models import Department
from . import meeting_actions, meeting_minutes, meetings


def seed(uow, users, enterprises):
    """`users`: the demo users by username; `enterprises`: the three demo enterprises with cases first."""
    bureau, lead = users["bureau"], users["project_lead"]
    held = (clock.local_now() - timedelta(days=7)).replace(hour=9, minute=30, second=0, microsecond=0)
    fire = uow.session.query(Department).filter_by(kind="fire").first()
    row = meetings.create(uow, bureau, {
        "kind": "joint", "title": f"{held.month}月份政企联席会议", "starts_at": held.strftime("%Y-%m-%dT%H:%M"),
        "place": "县应急管理局三楼会议室", "organiser": "bureau",
        "enterprise_ids": [e.id for e in enterprises], "department_ids": [fire.id] if fire else [],
        "staff_ids": [bureau.id, lead.id, users["inspector"].id], "others": "刘高工（省化工设计院，特邀专家）",
        "agenda": "一、技术服务机构通报本月隐患排查进展和整改成效\n二、企业代表反映配合排查中的困难\n三、部署下月重点工作"})
    meeting_minutes.record(uow, bureau, row.id, (
        "本月共排查企业 9 家，登记隐患 7 项，其中重大隐患 2 项，已整改销号 1 项。\n\n"
        "华东精细化工有限公司反映甲类仓库整改涉及停产，请求分批实施；会议同意其在确保安全的前提下分两批整改，"
        "由技术服务机构跟踪。\n\n"
        "会议要求：各企业于下次联席会议前完成本月隐患的整改自查；技术服务机构汇总企业反映的共性问题，形成问题清单。"))
    meeting_actions.add(uow, bureau, row.id, {
        "text": "提交甲类仓库分批整改计划（含停产安排和临时管控措施）", "owner": f"enterprise:{enterprises[0].id}",
        "due_workdays": "10"})
    meeting_actions.add(uow, bureau, row.id, {
        "text": "汇总企业反映的共性问题，形成问题清单报应急管理局", "owner": f"user:{lead.id}", "due_workdays": "3"})
    meeting_minutes.issue(uow, bureau, row.id, sign_by_workdays="5")
    meeting_minutes.sign(uow, users["enterprise2"], row.id, "已组织车间负责人学习会议纪要。")
    return row
