"""Helpers of the emergency supplies tests: points, kinds and movements through the services."""
from app.services import supplies, supply_counts, supply_stock
from app.services.uow import UnitOfWork


def point(user, name, keeper, place="化工园区应急站", phone="13900000001"):
    form = {"name": name, "place": place, "keeper_id": str(keeper.id), "phone": phone, "active": True}
    with UnitOfWork() as uow:
        row = supplies.save_point(uow, user, form)
        uow.commit()
        return row.id


def kind(user, name, category="protection", unit="套", shelf_life_months=""):
    form = {"name": name, "category": category, "unit": unit, "shelf_life_months": shelf_life_months, "active": True}
    with UnitOfWork() as uow:
        row = supplies.save_kind(uow, user, form)
        uow.commit()
        return row.id


def move(user, point_id, movement_type, kind_id, quantity, **form):
    values = {"kind_id": str(kind_id), "quantity": str(quantity)}
    values.update(form)
    with UnitOfWork() as uow:
        row = supply_stock.record(uow, user, point_id, movement_type, values)
        uow.commit()
        return row.id


def receive(user, point_id, kind_id, quantity, expires_on="", batch_no="", **form):
    return move(user, point_id, "receipt", kind_id, quantity, expires_on=expires_on, batch_no=batch_no, **form)


def issue(user, point_id, kind_id, quantity, purpose="泄漏处置", **form):
    return move(user, point_id, "issue", kind_id, quantity, purpose=purpose, **form)


def count(user, point_id, counted, reason="", note=""):
    form = {supply_counts.field_name(kind_id): str(n) for kind_id, n in counted.items()}
    form.update(reason=reason, note=note)
    with UnitOfWork() as uow:
        row = supply_counts.record(uow, user, point_id, form)
        uow.commit()
        return row.id
