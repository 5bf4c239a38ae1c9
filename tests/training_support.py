"""Helpers of the training and drill tests (培训与演练): sessions and drills recorded through the services, at a moment
the clock is moved to and back."""
from datetime import datetime

from app.clock import SHANGHAI, clock
from app.services import drills, training_plans, trainings
from app.services.uow import UnitOfWork


def at(year, month, day, hour=9):
    return datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


def onsite(user, enterprises, held_at="2026-11-20T09:00", **changes):
    values = {"kind": "enterprise", "held_at": held_at, "hours": "2", "topic": "典型案例讲解排查要点",
              "modules": ["cases", "standards"], "trainer": "王专家", "location": "企业会议室",
              "enterprise_ids": [e.id for e in enterprises], "attendees": "张三 安全员\n李四 车间主任",
              "attendee_count": "12"}
    values.update(changes)
    with UnitOfWork() as uow:
        row = trainings.create(uow, user, values)
        uow.commit()
        return row.id


def internal(user, staff, held_at="2026-11-20T09:00", hours="4", **changes):
    values = {"kind": "internal", "held_at": held_at, "hours": hours, "topic": "《安全生产事故隐患排查治理暂行规定》解读",
              "modules": ["standards", "laws"], "trainer": "刘工", "location": "项目部",
              "staff_ids": [u.id for u in staff]}
    values.update(changes)
    with UnitOfWork() as uow:
        row = trainings.create(uow, user, values)
        uow.commit()
        return row.id


def plan_item(user, year=2026, month=11, kind="internal", topic="标准解读", hours="4"):
    with UnitOfWork() as uow:
        item = training_plans.add(uow, user, {"year": year, "month": month, "kind": kind, "topic": topic,
                                              "hours": hours})
        uow.commit()
        return item.id


def drill(user, enterprise, held_on="2026-11-18", problems="应急广播无法覆盖二号仓库\n疏散集合点未设置标识", **changes):
    values = {"enterprise_id": enterprise.id, "held_on": held_on, "scenario": "危险化学品泄漏现场处置方案",
              "kind": "field", "participants": "35", "evaluation": "响应及时，分工明确", "problems": problems,
              "improvements": "增设广播喇叭，设置集合点标识"}
    values.update(changes)
    with UnitOfWork() as uow:
        row = drills.create(uow, user, values)
        uow.commit()
        return row.id


def moved_clock(moment):
    """A context that sets the clock to `moment` and puts it back."""
    class Moved:
        def __enter__(self):
            self.saved = clock.now()
            clock.set(moment)

        def __exit__(self, *exc):
            clock.set(self.saved)
    return Moved()
