"""Helpers of the meetings tests (会议管理): a meeting planned, its minutes recorded and issued, action items added,
through the services, at the fixed test clock (Monday 2026-11-23 09:00 Shanghai)."""
from app.services import meeting_actions, meeting_minutes, meetings
from app.services.uow import UnitOfWork


def plan(user, enterprises=(), staff=(), departments=(), starts_at="2026-11-20T09:00", kind="joint", **changes):
    values = {"kind": kind, "title": "11月份政企联席会议", "starts_at": starts_at, "place": "县应急管理局三楼会议室",
              "organiser": "bureau", "enterprise_ids": [e.id for e in enterprises], "staff_ids": [u.id for u in staff],
              "department_ids": list(departments), "agenda": "通报排查进展\n听取企业意见"}
    values.update(changes)
    with UnitOfWork() as uow:
        row = meetings.create(uow, user, values)
        uow.commit()
        return row.id


def record(user, meeting_id, minutes="本月排查企业 9 家，登记隐患 7 项。\n\n会议要求各企业按期完成整改。"):
    with UnitOfWork() as uow:
        meeting_minutes.record(uow, user, meeting_id, minutes)
        uow.commit()


def issue(user, meeting_id, sign_by_workdays=None):
    with UnitOfWork() as uow:
        meeting_minutes.issue(uow, user, meeting_id, sign_by_workdays)
        uow.commit()


def add_action(user, meeting_id, owner, text="提交甲类仓库分批整改计划", **due):
    values = {"text": text, "owner": owner, **(due or {"due_on": "2026-11-30"})}
    with UnitOfWork() as uow:
        item = meeting_actions.add(uow, user, meeting_id, values)
        uow.commit()
        return item.id


def held_and_issued(people, enterprises=None, staff=None, owners=()):
    """A joint meeting of 2026-11-20 with the enterprises (default: both) and staff (default: the project lead),
    its minutes recorded, an item per owner value, issued. Returns (meeting id, [item ids])."""
    enterprises = [people.enterprise_a, people.enterprise_b] if enterprises is None else enterprises
    meeting_id = plan(people.bureau, enterprises, [people.project_lead] if staff is None else staff)
    record(people.bureau, meeting_id)
    items = [add_action(people.bureau, meeting_id, owner) for owner in owners]
    issue(people.bureau, meeting_id)
    return meeting_id, items
