"""Expiry of the emergency supplies (定期检查有效期, seed 000 line 227): a batch is 即将过期 from 30 days before its expiry
date and 已过期 the day after it (Shanghai days). The scheduler's daily job tells the point's keeper and the project
leads of each batch that still holds something twice, each once: 30 days before and once it has expired (a batch
received or found within the 30 days gets the first notice at once; one already expired when first seen only the
second). The batch row keeps when each was sent, claimed by a conditional UPDATE, so a job run twice, or two
schedulers, tell nobody twice. Batches used up or scrapped are left alone."""
from datetime import timedelta

from sqlalchemy import update

from ..clock import clock
from ..models import SupplyBatch
from . import audit, notifications
from .supply_stock import batches, expired, today

WARN_DAYS = 30
REMINDED_ROLES = ("project_lead",)


def notify_due(uow):
    """Tell the keepers and the project leads of the batches expiring within WARN_DAYS or expired, once per batch and
    stage. Returns how many batches were told about now."""
    day = today()
    last = day + timedelta(days=WARN_DAYS)
    sent = 0
    for batch, quantity in batches(uow.session):
        if batch.expires_on is None or batch.expires_on > last:
            continue
        event = "expired" if expired(batch, day) else "expiring"
        column = SupplyBatch.expired_told_at if event == "expired" else SupplyBatch.warned_at
        if getattr(batch, column.key) is not None:
            continue
        now = clock.now()
        # an expired batch is not warned "30 days before" afterwards: both are set
        values = {"warned_at": batch.warned_at or now, "expired_told_at": now} if event == "expired" \
            else {"warned_at": now}
        taken = uow.session.execute(update(SupplyBatch).where(SupplyBatch.id == batch.id, column.is_(None))
                                    .values(**values).execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # another scheduler told them a moment ago
            continue
        _tell(uow, batch, quantity, event)
        sent += 1
    return sent


def point_of_key(session, key):
    """The storage point of an expiry notice's dedup key ("supply_batch:<id>:<event>"), None for other notices."""
    parts = (key or "").split(":")
    if len(parts) != 3 or parts[0] != "supply_batch" or not parts[1].isdigit():
        return None
    batch = session.get(SupplyBatch, int(parts[1]))
    return batch.point_id if batch is not None else None


def _tell(uow, batch, quantity, event):
    point, kind = batch.point, batch.kind
    key = f"supply_batch:{batch.id}:{event}"
    people = {u.id: u for u in [point.keeper, *notifications.role_holders(uow, REMINDED_ROLES)] if u.active}
    recipients = notifications.not_yet_given(uow, list(people.values()), key)
    day = batch.expires_on.isoformat()
    number = f"（批次 {batch.batch_no}）" if batch.batch_no else ""
    what = f"{point.name}的{kind.name}{number} {quantity} {kind.unit}"
    if event == "expiring":
        title = f"应急物资即将过期：{what}，有效期至 {day}"
        body = "请在到期前安排更换或补充，过期物资不得出库使用。"
    else:
        title = f"应急物资已过期：{what}，有效期至 {day}"
        body = "过期物资不得出库使用，请登记报废并及时补充；低于最低储备量的储备点见应急物资页面。"
    notifications.send(uow, recipients, f"supply_{event}", title[:200], body, key)
    audit.record(uow, None, None, f"supply_batch_{event}",
                 details={"batch_id": batch.id, "kind": kind.name, "batch_no": batch.batch_no, "expires_on": day,
                          "quantity": quantity, "recipients": len(recipients)}, subject=("supply_point", point.id))
