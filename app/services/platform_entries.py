"""Data entry into the provincial and municipal supervision platforms (平台录入跟踪, models/platform_entry.py).

The platforms (河北省“互联网+安全生产”平台, 秦皇岛“智慧安监”平台) are external and offer no interface: the project team
enters an enterprise's basic information, hazard ledger and risk map there by hand and records it here — status
未录入 → 已录入 → 已核对, the day, who entered it — and another member checks it against the platform. The checker
is never the one who entered it (ValidationFailed otherwise), as four eyes is the point of 核对.

Who: project team and project leads record; the bureau, managers and administrators read every enterprise; a
township office reads its area; an enterprise's staff read their own enterprise's status (another enterprise is
NotFound); any other role has no business here (NotAllowed). Every change is audited before → after on the
enterprise (subject `enterprise`, the platform and item named in the details).

An enterprise is complete for a platform when every item there is 已核对; complete overall when so on every
platform (or on the one filtered by)."""
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from ..clock import clock
from ..errors import Conflict, NotAllowed, NotFound, ValidationFailed
from ..models import ENTRY_STATUSES, PLATFORM_ITEMS, PLATFORMS, Enterprise, PlatformEntry, ServiceProjectEnterprise
from . import audit
from .access import get_visible_enterprise, visible_enterprises
from .field_rules import clean_text, parse_date, raise_if

RECORDERS = ("project_team", "project_lead")
READERS = RECORDERS + ("bureau", "manager", "admin", "township", "enterprise")
MAX_NOTE = 500
_FIELDS = ("status", "entered_on", "entered_by_id", "checked_on", "checked_by_id", "note")


def may_read(user):
    return user.has_role(*READERS)


def may_record(user):
    return user.has_role(*RECORDERS)


def check_may_record(user):
    if not may_record(user):
        raise NotAllowed("平台录入情况由项目执行小组和项目负责人登记 / platform entry is recorded by the project team and "
                         "project leads")


def get_enterprise(session, user, enterprise_id):
    if not may_read(user):
        raise NotAllowed("平台录入情况供项目组、监管部门和企业本身查看 / platform entry is for the project team, the "
                         "supervisors and the enterprise itself")
    return get_visible_enterprise(session, user, enterprise_id)


@dataclass
class Progress:
    """One enterprise's entries: {(platform, item): PlatformEntry}; a missing key is 未录入."""
    entries: dict = field(default_factory=dict)
    platforms: tuple = tuple(PLATFORMS)

    def status(self, platform, item):
        row = self.entries.get((platform, item))
        return row.status if row is not None else "pending"

    @property
    def total(self):
        return len(self.platforms) * len(PLATFORM_ITEMS)

    def count(self, status):
        return sum(1 for p in self.platforms for i in PLATFORM_ITEMS if self.status(p, i) == status)

    @property
    def complete(self):
        return self.count("checked") == self.total


def _entries(session, enterprise_ids):
    grouped = {}
    if not enterprise_ids:
        return grouped
    for row in session.query(PlatformEntry).filter(PlatformEntry.enterprise_id.in_(list(enterprise_ids))):
        grouped.setdefault(row.enterprise_id, {})[(row.platform, row.item)] = row
    return grouped


def of_enterprise(session, user, enterprise_id):
    enterprise = get_enterprise(session, user, enterprise_id)
    return enterprise, Progress(_entries(session, [enterprise.id]).get(enterprise.id, {}))


def overview(session, user, platform="", township="", incomplete_only=False):
    """[(enterprise, Progress)] of the enterprises the user may see, by name; `platform` limits the progress to one."""
    if not may_read(user):
        raise NotAllowed("平台录入情况供项目组、监管部门和企业本身查看 / platform entry is for the project team, the "
                         "supervisors and the enterprise itself")
    query = visible_enterprises(session, user)
    if township:
        query = query.filter(Enterprise.township == township)
    enterprises = query.order_by(Enterprise.name, Enterprise.id).all()
    grouped = _entries(session, [e.id for e in enterprises])
    platforms = (platform,) if platform in PLATFORMS else tuple(PLATFORMS)
    rows = [(e, Progress(grouped.get(e.id, {}), platforms)) for e in enterprises]
    return [(e, p) for e, p in rows if not p.complete] if incomplete_only else rows


def project_figure(session, project_id):
    """(complete, roster size) of a service project's roster: how many of its enterprises are fully checked."""
    ids = [i for (i,) in session.query(ServiceProjectEnterprise.enterprise_id).filter_by(project_id=project_id)]
    grouped = _entries(session, ids)
    return sum(1 for i in ids if Progress(grouped.get(i, {})).complete), len(ids)


def record(uow, user, enterprise_id, platform, item, status, on_date="", note=""):
    """Set one item's status. 已录入 records the day (today if none) and the user as the one who entered it (and drops
    an earlier check: what was checked has changed); 已核对 needs it entered first and a checker other than who
    entered it; 未录入 clears everything."""
    session = uow.session
    check_may_record(user)
    enterprise = get_visible_enterprise(session, user, enterprise_id)
    if platform not in PLATFORMS or item not in PLATFORM_ITEMS:
        raise NotFound("没有这个平台或录入事项 / no such platform or item")
    errors = {}
    if status not in ENTRY_STATUSES:
        errors["status"] = "请选择状态 / choose a status"
    day = parse_date(on_date, "on_date", errors) if on_date else None
    today = clock.local_now().date()
    if day is not None and day > today:
        errors["on_date"] = "日期不能晚于今天 / the date cannot be after today"
    note = clean_text(note, MAX_NOTE, "note", errors)
    raise_if(errors)
    row = session.query(PlatformEntry).filter_by(enterprise_id=enterprise.id, platform=platform, item=item) \
        .with_for_update().first()
    before = _values(row)
    if row is None:
        row = PlatformEntry(enterprise_id=enterprise.id, platform=platform, item=item, status="pending", note="",
                            updated_at=clock.now(), updated_by_id=user.id)
        session.add(row)
    if status == "entered":
        row.entered_on, row.entered_by_id = day or today, user.id
        row.checked_on = row.checked_by_id = None
    elif status == "checked":
        if row.status not in ("entered", "checked") or row.entered_by_id is None:
            raise ValidationFailed("须先登记已录入 / record the entry first",
                                   fields={"status": "须先登记已录入 / record the entry first"})
        if row.entered_by_id == user.id:
            raise ValidationFailed("核对人不能是录入人 / the checker must not be the one who entered it",
                                   fields={"status": "核对人不能是录入人 / the checker must not be the one who "
                                                     "entered it"})
        if day is not None and day < row.entered_on:
            raise ValidationFailed("核对日期不能早于录入日期 / checked before it was entered",
                                   fields={"on_date": "核对日期不能早于录入日期 / checked before it was entered"})
        row.checked_on, row.checked_by_id = day or today, user.id
    else:
        row.entered_on = row.entered_by_id = row.checked_on = row.checked_by_id = None
    row.status, row.note = status, note
    row.updated_at, row.updated_by_id = clock.now(), user.id
    try:
        session.flush()
    except IntegrityError:  # a colleague recorded this item's first entry a moment ago (unique per item)
        raise Conflict("该事项刚被他人登记，请刷新后重试 / this item was recorded by someone else a moment ago; "
                       "reload and try again") from None
    after = _values(row)
    changes = {k: [before.get(k), after[k]] for k in _FIELDS if before.get(k) != after[k]}
    audit.record(uow, None, user, "platform_entry_recorded", changes=changes,
                 details={"platform": platform, "item": item}, subject=("enterprise", enterprise.id))
    return row


def _values(row):
    if row is None:
        return {"status": "pending", "entered_on": None, "entered_by_id": None, "checked_on": None,
                "checked_by_id": None, "note": ""}
    return {k: getattr(row, k) for k in _FIELDS}
