"""Demo data of the staff scorecards (`make run`, services/demo.py): the special supervision group's unannounced spot
check (四不两直) of the inspector's visit to the machinery works — the one the check-in flags as 2 h 30 min on site —,
不合格 with 通报批评, which takes points off the inspector's scorecard of that month and tells the inspector and the
project leads; and this month's cross-check between areas (交叉互查), 合格, so the monthly commitment shows met."""
from ..clock import clock
from . import staff_supervision


def seed(uow, users, visits):
    """`users`: the demo users by username; `visits`: {enterprise id: its visit} (the first two found hazards)."""
    checked = sorted(visits.values(), key=lambda v: v.id)[1]
    quality, lead = users["quality"], users["project_lead"]
    staff_supervision.create(uow, quality, {
        "kind": "unannounced", "checked_on": checked.visited_on.isoformat(), "visit_id": checked.id,
        "area": "城关片区", "checkers": "专项督查组 郑质检", "staff_ids": [users["inspector"].id], "result": "fail",
        "findings": "现场停留不足 4 小时，特种设备台账未逐项核对，检查表 6 项未填写即提交，存在走过场问题。",
        "measures": ["criticism", "retraining"], "measures_note": "在项目周例会上通报批评；一周内完成检查表填写规范再培训。"})
    staff_supervision.create(uow, lead, {
        "kind": "cross_check", "checked_on": clock.local_now().date().isoformat(), "area": "南湖片区",
        "checkers": "城关片区 张排查", "staff_ids": [users["project_team"].id], "result": "pass",
        "findings": "抽查南湖片区 3 家企业的复核验收记录，照片、整改前后对比和签字齐全，按标准执行。"})
